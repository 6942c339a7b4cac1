"""Fixtures for the bad-input suite: one worker behind the shipped nginx over TLS for the whole
session, checked after every test to still answer and to have kept its log well-formed.

runtime     a session directory of mode 0755, so nginx's www-data workers reach the socket
tls         a throwaway CA and a server certificate for 127.0.0.1 (session)
front       the shared Front, with a Mark taken at the test's start (front.mark)
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path[:0] = [str(TESTS / "lib"), str(TESTS / "proxy"), str(TESTS / "bench"), str(HERE)]

from session_fixtures import runtime, tls  # noqa: E402,F401
from hostile_support import Mark, assert_answer, assert_log_well_formed, front_stack  # noqa: E402


@pytest.fixture(scope="session")
def shared_front(runtime, tls):
    """One worker behind nginx for every bad-input test (none of them needs a fresh one)."""
    with front_stack(runtime / "shared", tls) as front:
        yield front


@pytest.fixture
def front(shared_front):
    """Yield the shared Front, idle, with front.mark taken now; afterwards assert that the worker
    process is still the same one, still answers a signed ping with 200, and that every line
    it logged is still a well-formed log line."""
    pid = shared_front.worker.process.pid
    shared_front.wait_idle()  # a job a failed test left queued is run now, not blamed on this one
    shared_front.mark = Mark(shared_front)
    yield shared_front
    assert shared_front.worker.process.poll() is None, shared_front.worker.log()[-2000:]
    assert shared_front.worker.process.pid == pid
    assert_answer(shared_front.ping(), 200, "pong")
    assert_log_well_formed(shared_front.log_lines())


def pytest_configure(config):
    """Refuse early, with a reason, when nginx, wrk or the worker's helpers are missing."""
    missing = [tool for tool in ("openssl", "cgi-fcgi", "wrk") if not shutil.which(tool)]
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        missing.append("nginx")
    if missing:
        raise pytest.UsageError(
            f"tests/hostile needs {', '.join(missing)}: run scripts/install-deps")
