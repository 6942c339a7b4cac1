"""Fixtures for tests that fetch deployhook's configuration from a git repository served on
127.0.0.1. Import them into a conftest:

    from source_fixtures import (age_identity, git_home, git_http, git_ssh,  # noqa: F401
                                 source_repo, source_root)

source_root   a session directory of mode 0755 (the servers' users traverse it): repos/ holds
              the bare repositories both servers serve
git_http      GitHttpServer (nginx, fcgiwrap, git http-backend) with a random token (session)
git_ssh       GitSshServer (sshd, git-shell) with a deploy key (session; skipped unless root)
source_repo   a new SourceRepo for each test, served by both (its name in .name)
age_identity  a new AgeIdentity for each test
git_home      an empty HOME for git clients run by the test
"""

import itertools
import os
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

from age_files import AgeIdentity
from git_servers import GitHttpServer, GitSshServer
from source_repo import SourceRepo

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def source_root():
    path = Path(tempfile.mkdtemp(prefix="dh-source-"))
    path.chmod(0o755)
    (path / "repos").mkdir(mode=0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def git_http(source_root):
    with GitHttpServer(source_root / "http", source_root / "repos",
                       token=secrets.token_hex(20)) as server:
        yield server


@pytest.fixture(scope="session")
def git_ssh(source_root):
    if os.geteuid() != 0:
        pytest.skip("the SSH git server needs root (it creates its login account)")
    with GitSshServer(source_root / "ssh", source_root / "repos") as server:
        yield server


@pytest.fixture
def source_repo(source_root):
    return SourceRepo(source_root / "repos", f"app-{next(_numbers)}")


@pytest.fixture
def age_identity(tmp_path):
    return AgeIdentity(tmp_path / "age")


@pytest.fixture
def git_home(tmp_path):
    path = tmp_path / "home"
    path.mkdir()
    return path
