"""A worker behind the shipped nginx over TLS, and a raw HTTPS client that can send what curl
will not: a body shorter or longer than its Content-Length, repeated or odd headers, a
connection closed mid-body.

    with front_stack(directory, tls) as front:
        reply = front.deliver(body, event="push")
        assert reply.status == 202

The worker's one target takes the push fixtures (Codertocat/Hello-World, branch master); its
compose command is `true`, so a job that gets queued is also run and recorded within seconds:
`queue` and `history` together show every job ever accepted (a job leaves the queue only after
its run is recorded).

Needs tests/lib and tests/proxy on sys.path (worker.py, front_doors.py, held_worker.py).
"""

import contextlib
import http.client
import json
import re
import socket
import ssl
import uuid
from pathlib import Path

from front_doors import Nginx, is_root
from worker import DEFAULT_SECRET, Reply, Worker, fixture, sign, target, wait_until

TARGET = "app"
REPOSITORY = "Codertocat/Hello-World"  # the repository and branch of the octokit push fixtures
BRANCH = "master"
PUSH = "github/push/octokit-new-branch.json"  # refs/heads/master, 8.8 KB
PING = "github/ping/octokit-ping-repo.json"
PATH = "/webhook/deploy"
ANSWER_TIMEOUT = 30.0
# A lone queued job runs at once, woken by its arrival (several wait out a quiet second); leave
# room on a busy host.
RUN_TIMEOUT = 30.0
LOG_LINE = re.compile(r"<[0-7]>\S")


def noop_worker(directory, **settings):
    """Return an unstarted Worker whose target deploys the push fixtures with `true`: no
    Docker, no health gate. Its socket is reachable by nginx's www-data workers."""
    if is_root():
        settings.setdefault("socket_group", "www-data")
    return Worker(directory, [target(TARGET, REPOSITORY, BRANCH, compose=["true"],
                                     health_timeout=0)], settings=settings)


def retargeted(body, ref):
    """Return body (a push fixture's exact bytes) with its top-level ref replaced by ref: a real
    payload pushed to another branch."""
    document = json.loads(body)
    old = json.dumps(document["ref"]).encode()
    assert body.count(old) >= 1
    return body.replace(old, json.dumps(ref).encode(), 1)


def with_after(body, after):
    """Return body with its top-level `after` commit replaced by after (40 hex digits): the same
    push as a distinct delivery, which the worker does not take for a duplicate."""
    document = json.loads(body)
    old = f'"after": "{document["after"]}"'.encode()
    if old not in body:
        old = f'"after":"{document["after"]}"'.encode()
    return body.replace(old, f'"after": "{after}"'.encode(), 1)


def request_bytes(headers, body=b"", method="POST", path=PATH):
    """Return an HTTP/1.1 request: `headers` is a list of (name, value) pairs sent exactly as
    given (str or bytes, repeats allowed); no Content-Length is added."""
    def raw(text):
        return text if isinstance(text, bytes) else text.encode("latin-1")

    lines = [f"{method} {path} HTTP/1.1".encode(), b"Host: 127.0.0.1"]
    lines += [raw(name) + b": " + raw(value) for name, value in headers]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def github_headers(body, event="push", delivery=None, signature=None, secret=DEFAULT_SECRET,
                   content_length=None):
    """Return the (name, value) pairs GitHub sends with body: signed with secret (the worker's
    by default) unless signature is given; Content-Length is len(body) unless given."""
    return [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body) if content_length is None else content_length)),
        ("User-Agent", "GitHub-Hookshot/044aadd"),
        ("X-GitHub-Event", event),
        ("X-GitHub-Delivery", delivery or str(uuid.uuid4())),
        ("X-Hub-Signature-256", sign(body, secret) if signature is None else signature),
    ]


def read_reply(connection):
    """Read one HTTP response from connection; return it as a Reply, or None when the server
    closed without answering or no answer came within the connection's timeout."""
    response = http.client.HTTPResponse(connection)
    try:
        response.begin()
        body = response.read()
    except (http.client.HTTPException, OSError):
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body, parsed)


class Front:
    """A started worker and the nginx in front of it; requests go over TLS to 127.0.0.1."""

    def __init__(self, worker, nginx, tls):
        self.worker, self.nginx, self.tls = worker, nginx, tls
        self.context = ssl.create_default_context(cafile=str(tls.ca))

    def connect(self, timeout=ANSWER_TIMEOUT):
        """Return a TLS connection to the front door (HTTP/1.1, the test CA verified)."""
        raw = socket.create_connection(("127.0.0.1", self.nginx.port), timeout=timeout)
        return self.context.wrap_socket(raw, server_hostname="127.0.0.1")

    def exchange(self, data, timeout=ANSWER_TIMEOUT, close_after_send=False):
        """Send data on a new connection and return the first response as a Reply, or None when
        the server closed without one, or none came within timeout. With close_after_send the
        client hangs up at once after sending, as one that went away mid-request."""
        with contextlib.closing(self.connect(timeout)) as connection:
            try:
                connection.sendall(data)
            except OSError:
                return None  # the server refused the rest and closed; nothing to read
            if close_after_send:
                return None
            return read_reply(connection)

    def send(self, headers, body=b"", method="POST", path=PATH, timeout=ANSWER_TIMEOUT):
        """Send one request with exactly these headers; return the Reply (None: no answer)."""
        return self.exchange(request_bytes(headers, body, method, path), timeout)

    def deliver(self, body, event="push", delivery=None, signature=None, secret=None,
                extra=()):
        """POST body as GitHub does (signed unless signature is given), plus extra headers;
        return the Reply."""
        headers = github_headers(body, event, delivery, signature,
                                 secret or self.worker.secret) + list(extra)
        return self.send(headers, body)

    def ping(self):
        """Deliver GitHub's ping fixture; return the Reply."""
        return self.deliver(fixture(PING), event="ping")

    # What the worker did, read from its state_dir and log.

    def log_lines(self):
        """Return the worker's log lines so far."""
        return self.worker.log().splitlines()

    def jobs_seen(self):
        """Return (ids of queued jobs, ids of recorded runs): every job accepted so far."""
        queued = [job["id"] for job in self.worker.queued(TARGET)]
        return queued, [run["id"] for run in self.worker.history()]

    def mentions(self, text):
        """Return the worker's log lines containing text."""
        return [line for line in self.log_lines() if text in line]

    def wait_idle(self, timeout=RUN_TIMEOUT):
        """Wait until no job is queued (every accepted job has been run and recorded)."""
        wait_until(lambda: not self.worker.queued(TARGET), timeout, "the queue to empty")


class Mark:
    """What the worker had done when a test started, to compare with what it did since."""

    def __init__(self, front):
        self.front = front
        self.lines = len(front.log_lines())
        self.jobs = front.jobs_seen()

    def new_log_lines(self):
        """Return the worker's log lines written since the mark."""
        return self.front.log_lines()[self.lines:]

    def assert_nothing_deployed(self):
        """Assert no job was queued, run or logged as queued since the mark."""
        assert self.front.jobs_seen() == self.jobs
        assert not [line for line in self.new_log_lines() if "decision=queued" in line]


def assert_answer(reply, status, name):
    """Assert reply has HTTP status and the JSON `status` field name (the worker's own answer,
    Content-Type application/json)."""
    assert reply is not None, "no answer"
    assert (reply.status, reply.json and reply.json.get("status")) == (status, name), reply.body
    assert reply.headers.get("content-type") == "application/json"


def assert_log_well_formed(lines):
    """Assert every worker log line starts with an sd-daemon level prefix and an event name."""
    broken = [line[:120] for line in lines if not LOG_LINE.match(line)]
    assert not broken, broken


@contextlib.contextmanager
def front_stack(directory, tls, nginx_class=Nginx, **settings):
    """Yield a Front: a noop worker (settings go to its config) behind nginx_class from the
    shipped configuration, both stopped by pid when the block ends."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    with noop_worker(directory / "worker", **settings) as worker:
        with nginx_class(directory / "nginx", worker.socket, tls) as nginx:
            yield Front(worker, nginx, tls)
