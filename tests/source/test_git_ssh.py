"""The SSH git server: sshd on its own port, a git-shell account that takes one deploy key."""

import re
import subprocess
import time

from accounts import launcher_for, system_account
from git_client import run_git
from git_servers import ssh_command

REFUSAL_DEADLINE = 15.0
# The unprivileged user the worker runs as in the other suites.
CLIENT_USER = "deployhook-it"


def test_ls_remote_with_the_deploy_key_lists_the_branch(git_ssh, source_repo, git_home):
    sha = source_repo.commit({"compose.yaml": "services: {}\n"})
    done = run_git(["ls-remote", git_ssh.url(source_repo.name), "refs/heads/main"],
                   git_ssh.env(git_home))
    assert done.stdout.split() == [sha, "refs/heads/main"]


def test_clone_and_fetch_by_id_with_the_deploy_key(git_ssh, source_repo, git_home, tmp_path):
    older = source_repo.commit({"compose.yaml": "version: older\n"})
    source_repo.commit({"compose.yaml": "version: newer\n"})
    env = git_ssh.env(git_home)
    run_git(["clone", "-q", git_ssh.url(source_repo.name), str(tmp_path / "clone")], env)
    assert (tmp_path / "clone" / "compose.yaml").read_text() == "version: newer\n"
    run_git(["init", "-q", str(tmp_path / "c")], env)
    run_git(["remote", "add", "origin", git_ssh.url(source_repo.name)], env, cwd=tmp_path / "c")
    fetched = run_git(["fetch", "-q", "--depth=1", "--filter=blob:none", "origin", older], env,
                      cwd=tmp_path / "c")
    assert "filtering not recognized" not in fetched.stderr
    assert run_git(["rev-parse", "FETCH_HEAD"], env, cwd=tmp_path / "c").stdout.strip() == older
    shown = run_git(["cat-file", "-p", f"{older}:compose.yaml"], env, cwd=tmp_path / "c")
    assert shown.stdout == "version: older\n"


def test_speaks_protocol_v2(git_ssh, source_repo, git_home):
    source_repo.commit()
    done = run_git(["-c", "protocol.version=2", "ls-remote", git_ssh.url(source_repo.name)],
                   git_ssh.env(git_home, extra={"GIT_TRACE_PACKET": "1"}))
    assert re.search(r"packet: +[a-z-]+< version 2$", done.stderr, re.M)
    # Nothing but git's own output: the server prints no banner or warning.
    assert "warning" not in done.stderr.lower()


def test_refuses_another_key_fast(git_ssh, source_repo, git_home):
    source_repo.commit()
    started = time.monotonic()
    done = run_git(["ls-remote", git_ssh.url(source_repo.name)],
                   git_ssh.env(git_home, key=git_ssh.other_key), check=False,
                   timeout=REFUSAL_DEADLINE)
    assert done.returncode != 0
    assert time.monotonic() - started < REFUSAL_DEADLINE
    assert "Permission denied (publickey)" in done.stderr
    assert done.stdout == ""


def test_refuses_a_host_key_known_hosts_does_not_hold(git_ssh, source_repo, git_home):
    source_repo.commit()
    done = run_git(["ls-remote", git_ssh.url(source_repo.name)],
                   git_ssh.env(git_home, known_hosts=git_ssh.wrong_known_hosts), check=False,
                   timeout=REFUSAL_DEADLINE)
    assert done.returncode != 0
    assert "Host key verification failed" in done.stderr
    assert done.stdout == ""


def test_refuses_an_unknown_host(git_ssh, source_repo, git_home, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    done = run_git(["ls-remote", git_ssh.url(source_repo.name)],
                   git_ssh.env(git_home, known_hosts=empty), check=False,
                   timeout=REFUSAL_DEADLINE)
    assert done.returncode != 0
    assert "Host key verification failed" in done.stderr


def test_the_deploy_key_gets_git_shell_only(git_ssh):
    argv = [*ssh_command(git_ssh.deploy_key, git_ssh.known_hosts).split(), "-p",
            str(git_ssh.port), f"{git_ssh.user}@127.0.0.1", "id"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=REFUSAL_DEADLINE,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode != 0
    assert "uid=" not in done.stdout
    assert "unrecognized command" in done.stderr


def test_known_hosts_line_names_the_port(git_ssh):
    scanned = subprocess.run(["ssh-keyscan", "-t", "ed25519", "-p", str(git_ssh.port),
                              "127.0.0.1"], capture_output=True, text=True, timeout=30,
                             check=True).stdout.split("\n")
    assert git_ssh.known_hosts_line in scanned
    assert git_ssh.known_hosts_line.startswith(f"[127.0.0.1]:{git_ssh.port} ssh-ed25519 ")


def test_an_unprivileged_user_fetches_with_copies_it_owns(git_ssh, git_http, source_repo,
                                                          source_root):
    sha = source_repo.commit({"compose.yaml": "services: {}\n"})
    account = system_account(CLIENT_USER)
    # Under source_root, which every user may traverse (pytest's tmp_path is 0700).
    key, known_hosts = git_ssh.client_files(source_root / "clients" / source_repo.name,
                                            owner=account)
    home = "/nonexistent"
    for url, env in ((git_ssh.url(source_repo.name),
                      git_ssh.env(home, key=key, known_hosts=known_hosts)),
                     (git_http.url(source_repo.name), git_http.env(home))):
        done = run_git(["ls-remote", url, "refs/heads/main"], env,
                       launcher=launcher_for(account), cwd="/")
        assert done.stdout.split() == [sha, "refs/heads/main"]
