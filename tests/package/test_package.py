"""deployhook's .deb on a clean Debian 12 and a clean Debian 13, installed the way users do:
it is built for the release, lintian finds no error, apt installs it with its dependencies, it
adds its user (outside the docker group), conffile, units, snippets and man pages, starts
nothing while the secret is empty, passes check-config once a secret is written, its units
verify, the worker started as they describe answers a signed ping as user deployhook, and purge
removes everything it added.

The tests run in file order on one root per release (the `installed` fixture): each step
starts from the state the previous one left.
"""

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))

from package_builds import REPO, lintian  # noqa: E402
from unit_worker import UnitWorker, installed_unit  # noqa: E402
from root_files import files_in, unowned  # noqa: E402
from worker import send_delivery, sent_answer  # noqa: E402

# The release's own Boost.Filesystem: the package links against the libraries of its release.
BOOST_FILESYSTEM = {"bookworm": "libboost-filesystem1.74.0", "trixie": "libboost-filesystem1.83.0"}
CONFIG = "/etc/deployhook/deployhook.toml"
SECRET = "/etc/deployhook/secret"
STATE = "/var/lib/deployhook"
PING = REPO / "tests" / "fixtures" / "github" / "ping" / "octokit-ping-repo.json"
CONFFILES = {CONFIG, "/etc/nginx/snippets/deployhook.conf",
             "/etc/nginx/conf.d/deployhook-upstream.conf"}
SHIPPED = ["/usr/bin/deployhook", "/usr/share/man/man8/deployhook.8.gz",
           "/usr/share/man/man5/deployhook.toml.5.gz", "/usr/share/deployhook/caddy/Caddyfile",
           "/usr/share/deployhook/nginx/example-server.conf",
           "/usr/share/doc/deployhook/README.Debian", "/usr/share/doc/deployhook/copyright"]


def as_worker(installed, *command, check=False):
    """Run command in the root as the worker's user, deployhook."""
    return installed.root.run(["runuser", "-u", "deployhook", "--", *command], check=check,
                              timeout=60)


def test_is_built_for_the_release(installed):
    deb = installed.package.deb
    fields = subprocess.run(["dpkg-deb", "--field", str(deb), "Version", "Depends"],
                            capture_output=True, text=True, check=True).stdout
    project = subprocess.run(["meson", "introspect", "--projectinfo", str(REPO / "meson.build")],
                             capture_output=True, text=True, check=True).stdout
    version = json.loads(project)["version"]
    assert f"Version: {version}" in fields
    depends = fields.partition("Depends:")[2]
    assert BOOST_FILESYSTEM[installed.suite] in depends
    assert re.search(r"\badduser\b", depends) and re.search(r"\bprocps\b", depends)
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert deb.name == f"deployhook_{version}_{arch}.deb"


def test_lintian_finds_no_error(installed):
    package = installed.package
    status, lines = lintian(package.deb, package.build_root)
    # Warnings and notes are printed for the reader (pytest -rA shows them).
    print(f"lintian ({installed.suite}):", *lines, sep="\n  ")
    assert [line for line in lines if line.startswith("E: ")] == []
    assert status == 0, lines


def test_apt_installs_it_with_its_dependencies(installed):
    root, deb = installed.root, installed.package.deb
    # The group docker.io makes; the package must not put its user in it.
    root.run(["groupadd", "--system", "docker"])
    installed.notes["before"] = files_in(root)
    binds = [(deb.parent, "/mnt", False)]
    # Its recommendations (an engine and compose) exist in the release.
    simulated = root.run(["apt-get", "install", "--simulate", f"/mnt/{deb.name}"], binds=binds)
    assert "docker-compose" in simulated.stdout
    done = root.run(["apt-get", "install", "--yes", "--no-install-recommends", f"/mnt/{deb.name}"],
                    binds=binds)
    # A fresh install with the empty secret starts nothing and says why.
    output = done.stdout + done.stderr
    assert f"deployhook: not started: config error: {CONFIG}:24: secret_file: secret file {SECRET} is empty" \
        in output, output


def test_adds_a_system_user_outside_the_docker_group(installed):
    entry = installed.root.run(["getent", "passwd", "deployhook"]).stdout.strip().split(":")
    assert int(entry[2]) < 1000 and entry[5] == STATE and entry[6].endswith("/nologin"), entry
    groups = installed.root.run(["id", "-nG", "deployhook"]).stdout.split()
    assert groups == ["deployhook"]


def test_ships_conffile_units_snippets_and_man_pages(installed):
    root = installed.root
    conffiles = root.run(["dpkg-query", "-W", "-f", "${Conffiles}", "deployhook"]).stdout
    assert {line.split()[0] for line in conffiles.strip().splitlines()} == CONFFILES
    for path in [*SHIPPED, *CONFFILES]:
        assert root.path(path).is_file(), path
    service = installed_unit(root, "deployhook.service").read_text()
    assert "ExecStart=/usr/bin/deployhook serve --config /etc/deployhook/deployhook.toml" in service
    assert "SupplementaryGroups" not in service  # the docker group is the admin's choice
    # The secret file is there to be written, readable by the worker's user alone.
    secret = root.path(SECRET).stat()
    assert (secret.st_size, stat.S_IMODE(secret.st_mode)) == (0, 0o600)
    state = root.path(STATE).stat()
    assert stat.S_IMODE(state.st_mode) == 0o750
    uid = int(root.run(["id", "-u", "deployhook"]).stdout)
    assert secret.st_uid == uid and state.st_uid == uid


def test_starts_nothing_while_the_secret_is_empty(installed):
    root = installed.root
    enabled = [path for path in root.path("/etc/systemd/system").rglob("deployhook*")]
    assert enabled == []
    done = as_worker(installed, "deployhook", "check-config")
    assert done.returncode == 2
    assert f"{SECRET} is empty" in done.stderr


def test_check_config_passes_once_a_secret_is_written(installed):
    # As `openssl rand -hex 32 > /etc/deployhook/secret` would: the file keeps owner and mode.
    with open(installed.root.path(SECRET), "w", encoding="ascii") as secret:
        secret.write(os.urandom(32).hex() + "\n")
    done = as_worker(installed, "deployhook", "check-config")
    assert done.returncode == 0, done.stderr
    assert "target example: example/app branch main" in done.stdout
    assert f"secret: secret_file {SECRET}" in done.stdout
    assert done.stderr == ""  # not even a warning


def test_units_pass_systemd_analyze_verify(installed):
    done = installed.root.run(["systemd-analyze", "verify", "deployhook.socket",
                               "deployhook.service"], check=False, timeout=60)
    # Unknown keys and unparsable values are only warnings: any output is a finding.
    assert (done.returncode, done.stdout + done.stderr) == (0, ""), done.stdout + done.stderr


def test_worker_answers_a_signed_ping_as_user_deployhook(installed, tmp_path):
    root = installed.root
    worker = UnitWorker(root, tmp_path / "worker.log").start()
    try:
        done = send_delivery("--socket", worker.socket_path, "--secret-file", root.path(SECRET),
                             "--event", "ping", PING)
        assert sent_answer(done) == (200, {"status": "pong"}), worker.log()
        status, executable = worker.credentials()
        uid = root.run(["id", "-u", "deployhook"]).stdout.strip()
        gid = root.run(["id", "-g", "deployhook"]).stdout.strip()
        assert status["Uid"] == [uid] * 4 and status["Gid"] == [gid] * 4
        assert status["Groups"] == [gid]
        assert status["NoNewPrivs"] == ["1"] and int(status["CapBnd"][0], 16) == 0
        assert executable == str(root.path("/usr/bin/deployhook"))
    finally:
        code = worker.stop()
    assert code == 0, worker.log()
    assert "decision=pong" in worker.log()
    assert root.path(SECRET).read_text().strip() not in worker.log()


def test_purge_removes_what_it_added(installed):
    root = installed.root
    listed = root.run(["dpkg-query", "-L", "deployhook"]).stdout.split()
    root.run(["apt-get", "purge", "--yes", "deployhook"])
    assert root.run(["getent", "passwd", "deployhook"], check=False).returncode == 2
    assert root.run(["getent", "group", "deployhook"], check=False).returncode == 2
    for path in ("/etc/deployhook", STATE, *CONFFILES):
        assert not root.path(path).exists(), path
    # Every file the package listed is gone (directories other packages share may stay).
    assert [path for path in listed if root.path(path).is_file()] == []
    # Whatever is new since before the install belongs to a dependency apt installed.
    added = files_in(root) - installed.notes["before"]
    leftovers = unowned(root, added)
    assert leftovers == [], "\n".join(leftovers)
