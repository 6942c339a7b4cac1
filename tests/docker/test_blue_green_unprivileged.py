"""A blue-green target served by a worker that runs as its own user in the docker group, as the
systemd unit runs it, behind an nginx that root runs: the worker writes upstream_file in a
directory it owns and reloads nginx through sudo, allowed that one command by a sudoers line
(the least privilege README and nginx/example-server.conf document). A switch under GETs drops
no request; the worker never runs as root.

Needs root (to add the user and the sudoers line, removed at the end) and sudo; runs under
compose v2 only, the generation Debian 13 ships, to keep the suite's time.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from accounts import system_account
from deploy_support import deliver_push, push_body, run_log, serving, step
from docker_env import free_port
from http_load import GetLoad
from slot_fronts import NginxFront
from slot_project import write_slot_project
from worker import wait_until

USER = "deployhook-it"
SUDOERS_DIR = Path("/etc/sudoers.d")

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("sudo"),
                                reason="needs root and sudo")


def process_uid(pid):
    """Return the real uid of process pid (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


@pytest.fixture
def sudoers_line():
    """Return allow(user, argv): installs a sudoers file letting user run exactly argv as root
    without a password, checked by visudo, and removed at the end."""
    made = []

    def allow(user, argv):
        path = SUDOERS_DIR / f"deployhook-test-{os.getpid()}-{len(made)}"
        text = f"{user} ALL=(root) NOPASSWD: {' '.join(argv)}\n"
        staged = Path(tempfile.mkdtemp()) / "sudoers"
        staged.write_text(text)
        checked = subprocess.run(["visudo", "-cf", str(staged)], capture_output=True, text=True,
                                 check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        SUDOERS_DIR.mkdir(mode=0o755, exist_ok=True)
        staged.chmod(0o440)
        shutil.move(staged, path)
        made.append(path)
        return path

    yield allow
    for path in made:
        path.unlink(missing_ok=True)


def test_an_unprivileged_worker_switches_nginx_through_sudo(docker_env, sudoers_line):
    if docker_env.flavour.name != "v2":
        pytest.skip("runs under compose v2 only")
    account = system_account(USER)
    project = write_slot_project(os.path.join(docker_env.root, "projects", "bg-unprivileged"),
                                 docker_env.app_ref)
    front_dir = Path(tempfile.mkdtemp(prefix="deployhook-front-"))
    front_dir.chmod(0o755)
    try:
        with NginxFront(front_dir) as front:
            # What users do: a directory the worker owns for the file, and one sudo command.
            os.chown(front.upstream_dir, account.pw_uid, account.pw_gid)
            os.chown(front.upstream_file, account.pw_uid, account.pw_gid)
            sudoers_line(USER, front.reload_argv())
            options = {"strategy": "blue-green",
                       "slots": [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"],
                       "upstream_file": str(front.upstream_file), "upstream_format": "nginx",
                       "reload": ["sudo", "-n", *front.reload_argv()], "ready_path": "/ready",
                       "drain": 1}
            docker_env.make_image(docker_env.app_ref, "v0")
            with serving(docker_env, project, account=account, **options) as worker:
                assert process_uid(worker.process.pid) == account.pw_uid
                first = deliver_push(worker, push_body(after=f"{1:040x}"))
                assert first["result"] == "succeeded", run_log(first)
                assert first["slot"] == "blue"
                docker_env.make_image(docker_env.app_ref, "v1")
                with GetLoad(front.url + "/version", interval_s=0.02) as load:
                    load.window()
                    switched = deliver_push(worker, push_body(after=f"{2:040x}"))
                    during = load.window()

                    def answers_v1():
                        return load.window().bodies.keys() == {"v1"}
                    wait_until(answers_v1, 30, "answers from v1 through nginx")
                assert switched["result"] == "succeeded", run_log(switched)
                assert switched["slot"] == "green"
                assert step(switched, "switch")["exit_code"] == 0, run_log(switched)
                assert during.requests > 0 and during.failed == 0, (during.statuses, during.errors)
                assert front.upstream_file.stat().st_uid == account.pw_uid
    finally:
        shutil.rmtree(front_dir, ignore_errors=True)
