"""A repository for deployhook to fetch its configuration from: a bare repository under the
project root that GitHttpServer and GitSshServer serve, committed to on disk.

    repo = SourceRepo(root / "repos", "app")
    first = repo.commit({"compose.yaml": "services: ...", ".env": "A=1"}, "first")
    second = repo.commit({".env": None}, "drop the env file")      # None deletes a file
    ids = repo.commits(50, lambda n: {"compose.yaml": f"... {n}"})  # 50 commits at once
    lost = repo.orphan_commit({"compose.yaml": "..."})             # no longer on the branch

A commit changes the files given and keeps the rest of its parent's tree, as a commit in a
working clone would. Commits are written by `git fast-import` straight into the bare repository
(one git process for any number of commits: each git process costs tens of milliseconds), with
a fixed author and committer and dates one second apart, so a test's commit ids are the same on
every run. The bare repository lets clients filter (`--filter=blob:none`) and fetch commits by
id, and never runs gc (an orphaned commit stays on disk, as on a forge until it collects it).
"""

import subprocess
from pathlib import Path

from git_client import GIT_TIMEOUT, git_env, run_git

AUTHOR = "Deployhook Test <test@deployhook.invalid>"
# 2024-01-01 00:00:00 UTC; commit n of a repository is dated n seconds later.
EPOCH = 1704067200
SERVED_CONFIG = {
    "uploadpack.allowFilter": "true",
    "uploadpack.allowReachableSHA1InWant": "true",
    "http.receivepack": "false",
    "gc.auto": "0",
}


class SourceRepo:
    """The bare repository root/<name>.git (path in .bare), its default branch .branch."""

    def __init__(self, root, name, branch="main"):
        self.name = name
        self.branch = branch
        self.bare = Path(root) / f"{name}.git"
        self.count = 0
        self.env = git_env("/nonexistent", {"safe.directory": "*"})
        # Readable by the servers' users (www-data, the SSH login), whatever the umask.
        run_git(["init", "-q", "--bare", "--shared=0644", f"--initial-branch={branch}",
                 str(self.bare)], self.env)
        for key, value in SERVED_CONFIG.items():
            self.git("config", key, value)
        self.bare.chmod(0o755)

    def git(self, *args, check=True):
        """Run git in the bare repository; return its stdout stripped."""
        return run_git(list(args), self.env, cwd=self.bare, check=check).stdout.strip()

    def commit(self, files=None, message=None, branch=None):
        """Commit files ({path: text, bytes, or None to delete}) on branch (default: the
        repository's; a new branch starts at the default branch's tip); return the commit id.
        Without files the commit is empty, still with an id of its own."""
        return self.commits(1, lambda n: files or {}, branch, [message] if message else None)[0]

    def commits(self, count, files_for, branch=None, messages=None):
        """Make count commits on branch, the n-th (from 0) changing files_for(n) as commit()
        does; return their ids, oldest first."""
        branch = branch or self.branch
        parent = self.tip(branch) or self.tip(self.branch)
        stream = []
        for n in range(count):
            self.count += 1
            stamp = f"{AUTHOR} {EPOCH + self.count} +0000"
            message = f"{messages[n] if messages else f'commit {self.count}'}\n".encode()
            stream += [f"commit refs/heads/{branch}\nmark :{n + 1}\n".encode(),
                       f"author {stamp}\ncommitter {stamp}\n".encode(),
                       f"data {len(message)}\n".encode(), message]
            if n == 0 and parent:
                stream.append(f"from {parent}\n".encode())
            for relative, content in files_for(n).items():
                if content is None:
                    stream.append(f"D {relative}\n".encode())
                    continue
                data = content.encode() if isinstance(content, str) else content
                stream += [f"M 100644 inline {relative}\ndata {len(data)}\n".encode(), data,
                           b"\n"]
            stream.append(b"\n")
        marks = self.bare / "fast-import-marks"
        done = subprocess.run(["git", "fast-import", "--quiet", f"--export-marks={marks}"],
                              input=b"".join(stream), cwd=self.bare, env=self.env,
                              capture_output=True, timeout=GIT_TIMEOUT, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"git fast-import: {done.stderr.decode(errors='replace')}")
        ids = dict(line.split() for line in marks.read_text().splitlines())
        marks.unlink()
        return [ids[f":{n + 1}"] for n in range(count)]

    def reset(self, sha, branch=None):
        """Point branch at sha, as a force-push does."""
        self.git("update-ref", f"refs/heads/{branch or self.branch}", sha)

    def orphan_commit(self, files=None, branch=None):
        """Commit files on branch, then move the branch back to where it was (a force-push);
        return the commit's id, which is then on no branch but still on disk."""
        branch = branch or self.branch
        before = self.tip(branch)
        sha = self.commit(files, "a commit the branch loses", branch)
        if before:
            self.reset(before, branch)
        else:
            self.delete_branch(branch)
        return sha

    def tip(self, branch=None):
        """Return the id branch points at, "" when there is no such branch."""
        ref = f"refs/heads/{branch or self.branch}"
        return self.git("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)

    def delete_branch(self, branch):
        """Delete branch."""
        self.git("update-ref", "-d", f"refs/heads/{branch}")

    def show(self, sha, path):
        """Return the text of path at commit sha."""
        return run_git(["show", f"{sha}:{path}"], self.env, cwd=self.bare).stdout
