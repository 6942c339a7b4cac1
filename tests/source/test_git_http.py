"""The HTTP git server: git http-backend behind nginx through fcgiwrap, a token checked by nginx."""

import base64
import re
import time
import urllib.error
import urllib.request

import pytest

from git_client import run_git

# A refused client must give up at once, not wait on a prompt or a retry.
REFUSAL_DEADLINE = 10.0


def status_of(url, authorization=None):
    """Return the HTTP status of a GET of url."""
    request = urllib.request.Request(url)
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=20) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def refs_url(server, name):
    return f"{server.url(name)}/info/refs?service=git-upload-pack"


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_ls_remote_with_token_lists_the_branch(git_http, source_repo, git_home):
    sha = source_repo.commit({"compose.yaml": "services: {}\n"})
    done = run_git(["ls-remote", git_http.url(source_repo.name), "refs/heads/main"],
                   git_http.env(git_home))
    assert done.stdout.split() == [sha, "refs/heads/main"]


def test_clone_with_token_checks_out_the_commit(git_http, source_repo, git_home, tmp_path):
    source_repo.commit({"compose.yaml": "services: {a: {image: one}}\n", "config/.env": "A=1\n"})
    run_git(["clone", "-q", git_http.url(source_repo.name), str(tmp_path / "clone")],
            git_http.env(git_home))
    assert (tmp_path / "clone" / "config" / ".env").read_text() == "A=1\n"


def test_fetches_an_older_commit_by_id_shallow_and_filtered(git_http, source_repo, git_home,
                                                            tmp_path):
    older = source_repo.commit({"compose.yaml": "version: older\n"})
    source_repo.commit({"compose.yaml": "version: newer\n"})
    env = git_http.env(git_home)
    clone = tmp_path / "c"
    run_git(["init", "-q", str(clone)], env)
    run_git(["remote", "add", "origin", git_http.url(source_repo.name)], env, cwd=clone)
    fetched = run_git(["fetch", "-q", "--depth=1", "--filter=blob:none", "origin", older], env,
                      cwd=clone)
    assert "filtering not recognized" not in fetched.stderr  # uploadpack.allowFilter
    assert (clone / ".git" / "shallow").read_text().split() == [older]
    objects = run_git(["rev-list", "--objects", "--missing=print", "FETCH_HEAD"], env, cwd=clone)
    missing = [line for line in objects.stdout.splitlines() if line.startswith("?")]
    assert len(missing) == 1  # the blob of compose.yaml was left out
    # Reading it fetches it from the promisor remote, with the same credentials.
    shown = run_git(["cat-file", "-p", f"{older}:compose.yaml"], env, cwd=clone)
    assert shown.stdout == "version: older\n"


def test_fetches_a_reachable_commit_by_id_over_v0_too(git_http, source_repo, git_home, tmp_path):
    older = source_repo.commit({"compose.yaml": "older\n"})
    source_repo.commit({"compose.yaml": "newer\n"})
    env = git_http.env(git_home)
    run_git(["init", "-q", str(tmp_path / "c")], env)
    # v0 checks a wanted id against the refs: an older commit needs allowReachableSHA1InWant.
    run_git(["-c", "protocol.version=0", "fetch", "-q", "--depth=1",
             git_http.url(source_repo.name), older], env, cwd=tmp_path / "c")
    assert run_git(["rev-parse", "FETCH_HEAD"], env, cwd=tmp_path / "c").stdout.strip() == older


def test_speaks_protocol_v2(git_http, source_repo, git_home):
    source_repo.commit()
    done = run_git(["-c", "protocol.version=2", "ls-remote", git_http.url(source_repo.name)],
                   git_http.env(git_home, extra={"GIT_TRACE_PACKET": "1"}))
    assert re.search(r"packet: +[a-z-]+< version 2$", done.stderr, re.M)


def test_answers_401_without_the_right_token(git_http, source_repo):
    source_repo.commit()
    url = refs_url(git_http, source_repo.name)
    assert status_of(url) == 401
    assert status_of(url, basic("x-access-token", "wrong")) == 401
    assert status_of(url, basic("someone", git_http.token)) == 401
    assert status_of(url, basic("x-access-token", git_http.token)) == 200


@pytest.mark.parametrize("token", ["wrong-token", ""], ids=["wrong", "none"])
def test_git_fails_fast_without_prompting_when_refused(git_http, source_repo, git_home, token):
    source_repo.commit()
    started = time.monotonic()
    done = run_git(["ls-remote", git_http.url(source_repo.name)],
                   git_http.env(git_home, token=token), check=False, timeout=REFUSAL_DEADLINE)
    assert done.returncode != 0
    assert time.monotonic() - started < REFUSAL_DEADLINE
    assert "terminal prompts disabled" in done.stderr
    assert done.stdout == ""


def test_refuses_push(git_http, source_repo, git_home, tmp_path):
    before = source_repo.commit({"a": "1\n"})
    env = git_http.env(git_home)
    run_git(["clone", "-q", git_http.url(source_repo.name), str(tmp_path / "c")], env)
    run_git(["-c", "user.name=x", "-c", "user.email=x@x.invalid", "commit", "-q",
             "--allow-empty", "-m", "not through HTTP"], env, cwd=tmp_path / "c")
    done = run_git(["push", "origin", "HEAD:refs/heads/main"], env, cwd=tmp_path / "c",
                   check=False)
    assert done.returncode != 0
    assert "403" in done.stderr
    assert source_repo.tip() == before


def test_serves_a_commit_no_branch_reaches_over_v2_only(git_http, source_repo, git_home,
                                                        tmp_path):
    """git's protocol v2 does not check that a wanted commit is reachable from a ref (v0 does,
    with allowReachableSHA1InWant), nor do forges: fetching a commit by id proves nothing
    about its branch, which the client has to check itself."""
    source_repo.commit({"compose.yaml": "kept\n"})
    lost = source_repo.orphan_commit({"compose.yaml": "lost\n"})
    env = git_http.env(git_home)
    run_git(["init", "-q", str(tmp_path / "c")], env)
    refused = run_git(["-c", "protocol.version=0", "fetch", "-q", "--depth=1",
                       git_http.url(source_repo.name), lost], env, cwd=tmp_path / "c",
                      check=False)
    assert refused.returncode != 0
    assert "not our ref" in refused.stderr
    run_git(["-c", "protocol.version=2", "fetch", "-q", "--depth=1",
             git_http.url(source_repo.name), lost], env, cwd=tmp_path / "c")
    run_git(["fetch", "-q", git_http.url(source_repo.name), "main:refs/remotes/origin/main"],
            env, cwd=tmp_path / "c")
    on_branch = run_git(["merge-base", "--is-ancestor", lost, "refs/remotes/origin/main"], env,
                        cwd=tmp_path / "c", check=False)
    assert on_branch.returncode == 1
