"""A repository for deployhook to fetch its configuration from: a bare repository under a
project root that GitHttpServer and GitSshServer serve, and a working clone beside it that
makes commits and pushes them over the file system.

    repo = SourceRepo(root / "repos", "app", root / "work")
    first = repo.commit({"compose.yaml": "services: ...", ".env": "A=1"}, "first")
    second = repo.commit({".env": None}, "drop the env file")      # None deletes a file
    lost = repo.orphan_commit({"compose.yaml": "..."})             # no longer on the branch

Commits have a fixed author and committer and dates one second apart, so a test's commit ids
are the same on every run. The bare repository lets clients filter (`--filter=blob:none`) and
fetch any commit reachable from a ref by id, and never runs gc (an orphaned commit's objects
stay on disk, as on a forge until it collects them).
"""

import os
from pathlib import Path

from git_client import git_env, run_git

AUTHOR = ("Deployhook Test", "test@deployhook.invalid")
# 2024-01-01 00:00:00 UTC; commit n is dated n seconds later.
EPOCH = 1704067200
SERVED_CONFIG = {
    "uploadpack.allowFilter": "true",
    "uploadpack.allowReachableSHA1InWant": "true",
    "http.receivepack": "false",
    "gc.auto": "0",
    "receive.denyNonFastForwards": "false",
}


class SourceRepo:
    """A bare repository root/<name>.git and its working clone work/<name>."""

    def __init__(self, root, name, work, branch="main"):
        self.name = name
        self.branch = branch
        self.bare = Path(root) / f"{name}.git"
        self.work = Path(work) / name
        self.home = Path(work) / f".{name}-home"  # HOME for git: nothing of the real one
        self.home.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self.env = git_env(self.home, {"safe.directory": "*", "init.defaultBranch": branch})
        # Readable by the servers' users (www-data, the SSH login), whatever the umask.
        run_git(["init", "-q", "--bare", "--shared=0644", str(self.bare)], self.env)
        for key, value in SERVED_CONFIG.items():
            self.git_bare("config", key, value)
        run_git(["init", "-q", "-b", branch, str(self.work)], self.env)
        self.git("remote", "add", "origin", str(self.bare))
        os.chmod(self.bare, 0o755)

    def git(self, *args, check=True):
        """Run git in the working clone; return its stdout stripped."""
        return run_git(list(args), self.env, cwd=self.work, check=check).stdout.strip()

    def git_bare(self, *args):
        """Run git in the bare repository; return its stdout stripped."""
        return run_git(list(args), self.env, cwd=self.bare).stdout.strip()

    def write(self, files):
        """Write {path: text, bytes or None} into the working clone; None deletes the file."""
        for relative, content in files.items():
            path = self.work / relative
            if content is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)

    def commit(self, files=None, message=None, branch=None, push=True):
        """Write files, commit everything on branch (default: the repository's; created from
        the current commit when new) and push it; return the commit id. A commit with no
        change is still made (an empty commit), so each call gives a new id."""
        branch = branch or self.branch
        self.switch(branch)
        self.write(files or {})
        self.count += 1
        date = f"@{EPOCH + self.count} +0000"
        env = {"GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
               "GIT_COMMITTER_NAME": AUTHOR[0], "GIT_COMMITTER_EMAIL": AUTHOR[1],
               "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        self.git("add", "-A")
        run_git(["commit", "-q", "--allow-empty", "--no-verify", "-m",
                 message or f"commit {self.count}"], {**self.env, **env}, cwd=self.work)
        sha = self.git("rev-parse", "HEAD")
        if push:
            self.push(branch)
        return sha

    def commits(self, count, files_for):
        """Make count commits, the n-th (from 0) writing files_for(n), pushing once at the
        end; return their ids in order."""
        ids = [self.commit(files_for(n), f"commit {self.count + 1}", push=False)
               for n in range(count)]
        self.push(self.git("symbolic-ref", "--short", "HEAD"))
        return ids

    def switch(self, branch):
        """Make branch the clone's current one; a new branch starts at the current commit."""
        if self.git("symbolic-ref", "--short", "-q", "HEAD", check=False) == branch:
            return
        if not self.git("rev-parse", "-q", "--verify", "HEAD", check=False):
            self.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")  # no commit yet
        elif self.git("rev-parse", "-q", "--verify", f"refs/heads/{branch}", check=False):
            self.git("checkout", "-q", branch)
        else:
            self.git("checkout", "-q", "-b", branch)

    def push(self, branch=None, force=False):
        """Push the working clone's branch to the bare repository."""
        branch = branch or self.branch
        self.git("push", "-q", *(["--force"] if force else []), "origin",
                 f"refs/heads/{branch}:refs/heads/{branch}")

    def reset(self, sha, branch=None):
        """Point branch at sha (in the clone and, by force-push, in the bare repository)."""
        branch = branch or self.branch
        self.git("checkout", "-q", "-B", branch, sha)
        self.push(branch, force=True)

    def orphan_commit(self, files=None, branch=None):
        """Commit files on branch, push, then force-push the branch back to where it was;
        return the id of the commit, which is then on no branch (but still on disk)."""
        branch = branch or self.branch
        before = self.tip(branch)
        sha = self.commit(files, "a commit the branch loses", branch)
        self.reset(before, branch)
        return sha

    def tip(self, branch=None):
        """Return the id the bare repository's branch points at."""
        return self.git_bare("rev-parse", f"refs/heads/{branch or self.branch}")

    def delete_branch(self, branch):
        """Delete branch from the bare repository."""
        self.git("push", "-q", "origin", f":refs/heads/{branch}")
