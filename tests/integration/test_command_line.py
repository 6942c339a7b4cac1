"""The command line: --version, --help, check-config on good and bad configs, sign, and where
the config is looked for.
"""

import json
import re

import pytest

from integration_support import REPO, fixture, run_cli, sign as sign_body

SECRET = "check-config-secret-91c2"
OWN_SECRET = "own-target-secret-5ab7"
# A good config, one line per entry, so each bad variant below knows its line numbers.
GOOD = [
    'state_dir = "state"',              # 1
    'secret_file = "secret"',           # 2
    'socket_mode = "0660"',             # 3
    '',                                 # 4
    '[[target]]',                       # 5
    'name = "web"',                     # 6
    'repository = "octo/web"',          # 7
    'branch = "main"',                  # 8
    'project_dir = "/srv/web"',         # 9
    'services = ["app", "worker"]',     # 10
    'compose = ["docker", "compose"]',  # 11
    '',                                 # 12
    '[[target]]',                       # 13
    'name = "api"',                     # 14
    'repository = "octo/api"',          # 15
    'branch = "production"',            # 16
    'project_dir = "/srv/api"',         # 17
    'secret_file = "own.secret"',       # 18
    'compose = ["docker-compose"]',     # 19
]


def write_config(directory, lines, secret=SECRET):
    """Write deployhook.toml from lines plus its secret files; return the config's path."""
    (directory / "secret").write_text(secret + "\n")
    (directory / "own.secret").write_text(OWN_SECRET + "\n")
    path = directory / "deployhook.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def replaced(line_number, text):
    """Return GOOD with one line (1-based) replaced by text."""
    return GOOD[:line_number - 1] + [text] + GOOD[line_number:]


def test_version_prints_the_project_version():
    version = re.search(r"version: '([^']+)'", (REPO / "meson.build").read_text()).group(1)
    done = run_cli("--version")
    assert (done.returncode, done.stdout.decode()) == (0, f"deployhook {version}\n")


def test_help_lists_every_command():
    done = run_cli("--help")
    assert done.returncode == 0
    for command in ("serve", "check-config", "status", "deploy", "sign", "--version"):
        assert command in done.stdout.decode()


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["check-config", "--no-such-flag"],
                                  ["serve", "--threads", "0"]])
def test_usage_errors_exit_2_with_one_line(args):
    done = run_cli(*args)
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1


def test_check_config_prints_what_it_understood_but_never_a_secret(tmp_path):
    path = write_config(tmp_path, GOOD)
    done = run_cli("check-config", "--config", str(path))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    for understood in ("web", "octo/web", "main", "/srv/web", "app worker", "docker compose",
                       "api", "octo/api", "production", "docker-compose",
                       f"secret_file {tmp_path / 'secret'}",
                       f"secret_file {tmp_path / 'own.secret'}"):
        assert understood in out, understood
    assert SECRET not in out and OWN_SECRET not in out
    assert SECRET not in done.stderr.decode()


def test_check_config_says_what_threads_means_for_kept_connections(tmp_path):
    done = run_cli("check-config", "--config", str(write_config(tmp_path, ["threads = 3"] + GOOD)))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "threads: 3" in out
    assert "3 requests are served at once" in out
    assert "keeps open (nginx keepalive) hold no thread" in out


def test_check_config_prints_each_targets_kind(tmp_path):
    swarm = ['', '[[target]]', 'name = "shop"', 'repository = "octo/shop"', 'branch = "main"',
             'project_dir = "/srv/shop"', 'kind = "stack"', 'stack = "shop"',
             'compose_files = ["/srv/shop/stack.yml"]',
             '', '[[target]]', 'name = "edge"', 'repository = "octo/edge"', 'branch = "main"',
             'project_dir = "/srv/edge"', 'kind = "service"', 'services = ["edge_proxy"]']
    done = run_cli("check-config", "--config", str(write_config(tmp_path, GOOD + swarm)))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert out.count("kind: compose") == 2
    assert "kind: stack, stack shop" in out
    assert "kind: service" in out


def test_check_config_refuses_a_stack_without_its_files(tmp_path):
    stack = ['', '[[target]]', 'name = "shop"', 'repository = "octo/shop"', 'branch = "main"',
             'project_dir = "/srv/shop"', 'kind = "stack"', 'stack = "shop"']
    done = run_cli("check-config", "--config", str(write_config(tmp_path, GOOD + stack)))
    assert done.returncode != 0
    assert "compose_files" in done.stderr.decode()


# Each bad config: what is wrong, the lines, the line the error must name, the key it must
# name (None: a TOML syntax error, which concerns no key).
BAD_CONFIGS = {
    "unknown_key": (GOOD + ["colour = \"blue\""], 20, "colour"),
    "unknown_top_level_key": (["treads = 4"] + GOOD, 1, "treads"),
    "wrong_type": (replaced(8, "branch = 3"), 8, "branch"),
    "wrong_type_top_level": (replaced(1, 'state_dir = ["state"]'), 1, "state_dir"),
    "wrong_type_in_array": (replaced(10, 'services = ["app", 2]'), 10, "services"),
    "missing_required_key": (GOOD[:15] + GOOD[16:], 13, "branch"),
    "duplicate_target_name": (replaced(14, 'name = "web"'), 14, "name"),
    "bad_target_name": (replaced(6, 'name = "Web App"'), 6, "name"),
    "bad_socket_mode": (replaced(3, 'socket_mode = "rw-rw----"'), 3, "socket_mode"),
    "bad_listen": (replaced(3, 'listen = "somewhere"'), 3, "listen"),
    "missing_secret_file": (replaced(2, 'secret_file = "no-such-file"'), 2, "secret_file"),
    "missing_target_secret_file": (replaced(18, 'secret_file = "gone"'), 18, "secret_file"),
    "syntax_error": (replaced(8, 'branch = "main'), 8, None),
    "branch_with_whitespace": (replaced(8, 'branch = "main "'), 8, "branch"),
    "branch_of_a_bare_ref_prefix": (replaced(8, 'branch = "refs/heads/"'), 8, "branch"),
}


@pytest.mark.parametrize("case", list(BAD_CONFIGS))
def test_check_config_exits_2_naming_file_line_and_key(tmp_path, case):
    lines, line_number, key = BAD_CONFIGS[case]
    path = write_config(tmp_path, lines)
    done = run_cli("check-config", "--config", str(path))
    assert_config_error(done, path, line_number, key)


def test_check_config_rejects_an_empty_secret_file(tmp_path):
    path = write_config(tmp_path, GOOD, secret="")  # the file holds only a newline
    assert_config_error(run_cli("check-config", "--config", str(path)), path, 2, "secret_file")


@pytest.mark.parametrize("blank", [" ", "\n", "\t \r"])
def test_check_config_rejects_a_secret_file_of_only_whitespace(tmp_path, blank):
    path = write_config(tmp_path, GOOD, secret=blank)
    done = run_cli("check-config", "--config", str(path))
    assert_config_error(done, path, 2, "secret_file")
    assert "only whitespace" in done.stderr.decode()


def test_check_config_rejects_a_webhook_secret_of_only_whitespace(tmp_path):
    path = write_config(tmp_path, GOOD[:1] + GOOD[2:])
    done = run_cli("check-config", "--config", str(path), env={"WEBHOOK_SECRET": "  "})
    assert_config_error(done, path, None, "secret_file")
    assert "WEBHOOK_SECRET" in done.stderr.decode()


def test_check_config_warns_of_secret_whitespace_and_a_file_others_may_read(tmp_path):
    path = write_config(tmp_path, GOOD, secret=SECRET + " ")
    (tmp_path / "secret").chmod(0o600)
    (tmp_path / "own.secret").chmod(0o644)
    done = run_cli("check-config", "--config", str(path))
    assert done.returncode == 0, done.stderr
    warnings = sorted(done.stderr.decode().splitlines(), key=lambda line: "target[" in line)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith(f"warning: {path}:2: secret_file: ")
    assert "whitespace" in warnings[0]
    assert warnings[1].startswith(f"warning: {path}:18: target[1].secret_file: ")
    assert "readable by group or others" in warnings[1]
    assert SECRET not in done.stderr.decode() and OWN_SECRET not in done.stderr.decode()
    # The secret is kept as the file holds it: the forge may have been given the same bytes.
    signed = run_cli("sign", "--secret-file", str(tmp_path / "secret"), stdin=b"{}")
    assert signed.stdout.decode().strip() == sign_body(b"{}", SECRET + " ")


def test_check_config_reads_a_branch_written_as_a_full_ref(tmp_path):
    path = write_config(tmp_path, replaced(8, 'branch = "refs/heads/main"'))
    done = run_cli("check-config", "--config", str(path))
    assert done.returncode == 0, done.stderr
    assert "target web: octo/web branch main in /srv/web" in done.stdout.decode()


def test_check_config_without_any_secret_names_the_missing_key(tmp_path):
    # No secret_file at all, and no WEBHOOK_SECRET in the environment.
    path = write_config(tmp_path, GOOD[:1] + GOOD[2:])
    done = run_cli("check-config", "--config", str(path))
    assert_config_error(done, path, None, "secret_file")


def assert_config_error(done, path, line_number, key):
    """Assert exit status 2 and one stderr line naming path, line_number and key (each when
    given)."""
    message = done.stderr.decode()
    assert done.returncode == 2, message
    assert message.count("\n") == 1, message
    assert f"{path}:" in message
    if line_number is not None:
        assert f"{path}:{line_number}:" in message, message
    if key is not None:
        assert re.search(rf"\b{key}\b", message), message


def test_reads_the_config_named_by_deployhook_config(tmp_path):
    path = write_config(tmp_path, GOOD)
    done = run_cli("check-config", env={"DEPLOYHOOK_CONFIG": str(path)})
    assert done.returncode == 0, done.stderr
    assert f"config: {path}" in done.stdout.decode()


def test_config_flag_wins_over_deployhook_config(tmp_path):
    good = write_config(tmp_path, GOOD)
    bad = tmp_path / "bad.toml"
    bad.write_text("this is not TOML\n")
    done = run_cli("check-config", "--config", str(good), env={"DEPLOYHOOK_CONFIG": str(bad)})
    assert done.returncode == 0, done.stderr


SHA256_TRIPLES = [entry for entry in json.loads(fixture("signatures.json"))
                  if entry["header"] == "X-Hub-Signature-256" and entry["status"] == "valid"]


@pytest.mark.parametrize("triple", SHA256_TRIPLES, ids=[t["file"] for t in SHA256_TRIPLES])
def test_sign_reproduces_published_signatures(tmp_path, triple):
    secret_file = tmp_path / "secret"
    secret_file.write_text(triple["secret"] + "\n")  # the trailing newline is not the secret's
    done = run_cli("sign", "--secret-file", str(secret_file), stdin=fixture(triple["file"]))
    expected = "sha256=" + triple["value"].removeprefix("sha256=")  # some sources omit it
    assert (done.returncode, done.stdout.decode()) == (0, expected + "\n")


def test_sign_reads_the_secret_from_webhook_secret():
    (docs,) = [t for t in SHA256_TRIPLES if t["file"] == "vectors/github-docs-hello-world.txt"]
    done = run_cli("sign", env={"WEBHOOK_SECRET": docs["secret"]}, stdin=fixture(docs["file"]))
    assert (done.returncode, done.stdout.decode()) == (0, docs["value"] + "\n")


def test_sign_without_a_secret_exits_2():
    done = run_cli("sign", stdin=b"{}")
    assert done.returncode == 2
    assert done.stdout == b""
