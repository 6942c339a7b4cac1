"""Fixtures for the front-door tests: a worker whose queued jobs stay put, and real nginx and
Caddy over TLS in front of it.

runtime     a session directory of mode 0755, so www-data and caddy can reach sockets and files
tls         a throwaway CA and a server certificate for 127.0.0.1 (session)
workdir     a fresh directory under runtime for one test
door        parametrized over nginx and Caddy: a held worker behind that server (a Door)
"""

import itertools
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
sys.path.insert(0, str(HERE))

from front_doors import Caddy, Nginx, https_request  # noqa: E402
from session_fixtures import runtime, tls  # noqa: E402,F401
from held_worker import TARGET, held_worker, log_fields  # noqa: E402
from worker import sign  # noqa: E402

# Each front door connects as its packaged user, which is in this group.
SOCKET_GROUPS = {"nginx": "www-data", "caddy": "caddy"}
SERVERS = {"nginx": Nginx, "caddy": Caddy}

_numbers = itertools.count(1)


@pytest.fixture
def workdir(runtime, request):
    """A new directory of mode 0755 for this test."""
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40]
    path = runtime / f"{next(_numbers)}-{stem}"
    path.mkdir()
    path.chmod(0o755)
    return path


class Door:
    """A front door (nginx or Caddy) with a held worker behind it."""

    def __init__(self, name, server, worker, tls):
        self.name, self.server, self.worker, self.tls = name, server, worker, tls
        # The worker's own readiness probe is logged too; what came through the door follows.
        self.log_mark = len(log_fields(worker.log()))

    def request(self, body=b"", headers=None, method="POST", path="/webhook/deploy"):
        """Send one HTTPS request to path on this front door; return the Reply."""
        url = self.server.url.replace("/webhook/deploy", path)
        return https_request(url, body, headers, self.tls.ca, method)

    def deliver(self, body, event="push", delivery="4f1a3b6e-cc78-11e3-81ab-4c9367dc0958",
                secret=None, content_type="application/json"):
        """POST body as GitHub does, signed with the worker's secret (or `secret`); return
        the Reply."""
        return self.request(body, {
            "Content-Type": content_type,
            "User-Agent": "GitHub-Hookshot/044aadd",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": sign(body, secret or self.worker.secret),
        })

    def logged(self):
        """Return the worker's request log records for what came through the front door."""
        return log_fields(self.worker.log())[self.log_mark:]

    def queued(self):
        """Return the jobs the worker queued for the target."""
        return self.worker.queued(TARGET)


@pytest.fixture(params=sorted(SERVERS))
def door(request, workdir, tls):
    """Yield a Door: nginx or Caddy from the shipped config, over TLS, before a held worker."""
    name = request.param
    with held_worker(workdir / "worker", SOCKET_GROUPS[name]) as worker:
        with SERVERS[name](workdir / name, worker.socket, tls) as server:
            yield Door(name, server, worker, tls)


def pytest_configure(config):
    """Refuse early, with a reason, when the front doors cannot run here."""
    missing = [tool for tool in ("caddy", "curl", "openssl", "cgi-fcgi", "spawn-fcgi")
               if not shutil.which(tool)]
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        missing.append("nginx")
    if missing:
        raise pytest.UsageError(f"tests/proxy needs {', '.join(missing)}: run scripts/install-deps")
