"""SourceRepo: commits made on disk are what both servers serve."""

import time

from git_client import run_git
from source_repo import SourceRepo

MANY = 60
MANY_DEADLINE = 60.0


def remote_tip(server, repo, home, branch="main"):
    done = run_git(["ls-remote", server.url(repo.name), f"refs/heads/{branch}"], server.env(home))
    return done.stdout.split()[0] if done.stdout else None


def test_a_commit_is_visible_over_both_servers(git_http, git_ssh, source_repo, git_home):
    first = source_repo.commit({"compose.yaml": "one\n"})
    assert remote_tip(git_http, source_repo, git_home) == first
    assert remote_tip(git_ssh, source_repo, git_home) == first
    second = source_repo.commit({"compose.yaml": "two\n"})
    assert second != first
    assert remote_tip(git_http, source_repo, git_home) == second
    assert remote_tip(git_ssh, source_repo, git_home) == second


def test_a_commit_changes_only_the_files_given(git_http, source_repo, git_home, tmp_path):
    source_repo.commit({"compose.yaml": "a\n", "deploy/.env": "A=1\n", "blob.bin": b"\0\1"})
    source_repo.commit({"deploy/.env": None, "gone.txt": None})
    run_git(["clone", "-q", git_http.url(source_repo.name), str(tmp_path / "c")],
            git_http.env(git_home))
    assert sorted(p.name for p in (tmp_path / "c").iterdir() if p.name != ".git") == [
        "blob.bin", "compose.yaml"]
    assert (tmp_path / "c" / "blob.bin").read_bytes() == b"\0\1"


def test_many_commits_are_fast_and_all_on_the_branch(git_http, source_repo, git_home):
    started = time.monotonic()
    ids = source_repo.commits(MANY, lambda n: {"compose.yaml": f"revision: {n}\n"})
    elapsed = time.monotonic() - started
    assert elapsed < MANY_DEADLINE
    assert len(set(ids)) == MANY
    assert remote_tip(git_http, source_repo, git_home) == ids[-1]
    listed = source_repo.git("rev-list", "--reverse", "refs/heads/main").split()
    assert listed == ids
    assert source_repo.show(ids[17], "compose.yaml") == "revision: 17\n"


def test_commit_ids_are_the_same_on_every_run(source_root):
    made = []
    for run in range(2):
        repo = SourceRepo(source_root / "repos", f"same-{run}")
        made.append([repo.commit({"f": "1\n"}, "one"), repo.commit({"f": "2\n"}, "two")])
    assert made[0] == made[1]


def test_branches_are_separate(git_http, source_repo, git_home):
    main = source_repo.commit({"compose.yaml": "main\n"})
    release = source_repo.commit({"compose.yaml": "release\n"}, branch="release")
    assert source_repo.git("rev-parse", f"{release}^") == main  # a new branch starts at main
    assert source_repo.tip("main") == main
    assert source_repo.tip("release") == release
    assert remote_tip(git_http, source_repo, git_home, "release") == release
    assert remote_tip(git_http, source_repo, git_home, "main") == main
    after = source_repo.commit({"compose.yaml": "main again\n"})
    assert source_repo.git("rev-parse", f"{after}^") == main
    source_repo.delete_branch("release")
    assert remote_tip(git_http, source_repo, git_home, "release") is None


def test_an_orphan_commit_is_on_no_branch(git_ssh, source_repo, git_home):
    kept = source_repo.commit({"compose.yaml": "kept\n"})
    lost = source_repo.orphan_commit({"compose.yaml": "lost\n"})
    assert lost != kept
    assert remote_tip(git_ssh, source_repo, git_home) == kept
    assert source_repo.git("branch", "--contains", lost) == ""
    assert source_repo.git("cat-file", "-t", lost) == "commit"  # still on disk
    # The branch went back: the next commit's parent is the kept one.
    after = source_repo.commit({"compose.yaml": "after\n"})
    assert source_repo.git("rev-parse", f"{after}^") == kept
