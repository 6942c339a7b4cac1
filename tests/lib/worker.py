"""Start a built `deployhook serve` on a unix socket in a temporary state_dir and drive it over
FastCGI with Debian's cgi-fcgi, as nginx or Caddy would.

    with Worker(tmp_path, targets=[target("app", "octo/repo", "main")]) as worker:
        reply = worker.deliver(body, event="push")
        assert reply.status == 202

Every wait is a condition polled with a deadline; every process is stopped by its pid.
"""

import atexit
import hashlib
import hmac
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
DEFAULT_SECRET = "It's a Secret to Everybody"
# The runner's pauses shortened for test suites (read once by `serve`; see RunnerTiming in
# src/deploy/runner.hpp): a job runs a few hundred milliseconds after it is queued, instead of
# after a quiet second, and a stop kills a step still running after FAST_STOP_GRACE_S, not 30 s.
# The fallback look at every queue stays the product's (30 s): jobs are picked up because their
# arrival wakes the runner, which is what these suites then test.
FAST_STOP_GRACE_S = 3
FAST_RUNNER_ENV = {"DEPLOYHOOK_TEST_QUIET_MS": "300", "DEPLOYHOOK_TEST_LOCK_RETRY_MS": "200",
                   "DEPLOYHOOK_TEST_STOP_GRACE_MS": str(FAST_STOP_GRACE_S * 1000)}


def binary():
    """Return the path of the deployhook executable under test ($DEPLOYHOOK_BIN or build/)."""
    path = Path(os.environ.get("DEPLOYHOOK_BIN", REPO / "build" / "src" / "deployhook")).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"{path} not built: run meson compile -C build")
    return path


_shared_copy = []


def shared_binary():
    """Return a path of the executable under test that any user can run: binary() itself when
    others may enter every directory above it and execute it, else a copy in a 0755 temporary
    directory, made once per test process (a checkout under a 0700 home would otherwise make an
    unprivileged worker fail with "Permission denied")."""
    path = binary()
    if all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents]):
        return path
    if not _shared_copy:
        folder = Path(tempfile.mkdtemp(prefix="deployhook-bin-"))
        folder.chmod(0o755)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        copy = folder / path.name
        shutil.copy2(path, copy)
        copy.chmod(0o755)
        _shared_copy.append(copy)
    return _shared_copy[0]


def fixture(relative):
    """Return the exact bytes of a file under tests/fixtures."""
    return (FIXTURES / relative).read_bytes()


def sign(body, secret=DEFAULT_SECRET):
    """Return GitHub's X-Hub-Signature-256 value for body under secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


SEND_DELIVERY = REPO / "scripts" / "send-delivery"


def send_delivery(*args, env=None):
    """Run scripts/send-delivery ARGS; return the CompletedProcess (text)."""
    return subprocess.run(["/usr/bin/python3", str(SEND_DELIVERY), *map(str, args)],
                          capture_output=True, text=True, timeout=60, env=env, check=False)


def sent_answer(done):
    """Return (status, parsed JSON body) from send-delivery's output."""
    status_line, _, body = done.stdout.partition("\n")
    assert status_line.startswith("HTTP "), done.stdout + done.stderr
    return int(status_line.split()[1]), json.loads(body)


def wait_until(predicate, timeout=10.0, what="condition", interval=0.05, error=TimeoutError):
    """Poll predicate until it returns a true value (returned) or raise `error` at the deadline.
    Exceptions from predicate propagate."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise error(f"timed out after {timeout:.1f}s waiting for {what}")
        time.sleep(interval)


def target(name, repository, branch, project_dir="/", **options):
    """Return one [[target]] table as a dict (options: services, compose, timeouts, ...)."""
    table = {"name": name, "repository": repository, "branch": branch,
             "project_dir": str(project_dir)}
    table.update(options)
    return table


def toml_value(value):
    """Return value as TOML (strings, ints, bools and lists of strings suffice here)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))


def config_text(settings, targets):
    """Return a deployhook.toml for top-level settings and target tables."""
    lines = [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    for table in targets:
        lines.append("\n[[target]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in table.items())
    return "\n".join(lines) + "\n"


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes
    json: dict = field(default=None)


def parse_cgi_response(raw):
    """Split a CGI response (Status line, headers, blank line, body) into a Reply."""
    head, _, body = raw.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(headers.get("status", "200").split()[0])
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return Reply(status, headers, body, parsed)


def fastcgi_request(socket_path, params, body=b"", timeout=20):
    """Send one request with CGI params to a FastCGI socket with cgi-fcgi; return the Reply."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.update(params)
    done = subprocess.run(["cgi-fcgi", "-bind", "-connect", str(socket_path)], input=body,
                          env=env, capture_output=True, timeout=timeout, check=False)
    if not done.stdout:
        raise ConnectionError(f"no answer from {socket_path}: {done.stderr.decode(errors='replace')}")
    return parse_cgi_response(done.stdout)


class Worker:
    """One `deployhook serve` process with its own config, secret and state_dir."""

    def __init__(self, root, targets, secret=DEFAULT_SECRET, settings=None, env=None,
                 args=(), launcher=()):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket = self.root / "deployhook.sock"
        self.state_dir = self.root / "state"
        self.secret = secret
        self.secret_file = self.root / "secret"
        self.secret_file.write_text(secret + "\n")
        self.secret_file.chmod(0o600)  # as README installs it: a wider mode is a config warning
        self.config = self.root / "deployhook.toml"
        base = {"listen": f"unix:{self.socket}", "state_dir": str(self.state_dir),
                "secret_file": str(self.secret_file)}
        base.update(settings or {})
        self.state_dir = Path(base["state_dir"])  # settings may point several workers at one
        self.config.write_text(config_text(base, targets))
        self.env = dict(os.environ if env is None else env)
        self.args = list(args)
        self.launcher = list(launcher)  # argv prefix for serve: setpriv to run as another user
        self.log_path = self.root / "worker.log"
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def command(self, *args):
        """Run `deployhook ARGS --config CONFIG`; return the CompletedProcess (text)."""
        return subprocess.run([str(binary()), *args, "--config", str(self.config)],
                              env=self.env, capture_output=True, text=True, timeout=60)

    def start(self, timeout=10.0):
        """Start serving and return self once the socket accepts connections."""
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [*self.launcher, str(shared_binary() if self.launcher else binary()), "serve", "--config", str(self.config), *self.args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=self.env)
        log.close()

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited {self.process.returncode}: {self.log()}")
            try:
                return fastcgi_request(self.socket, {"REQUEST_METHOD": "GET"}, timeout=5)
            except (ConnectionError, subprocess.TimeoutExpired):
                return None

        wait_until(ready, timeout, "the worker's socket")
        return self

    def stop(self, sig=signal.SIGTERM, timeout=40.0):
        """Stop the worker by pid (sig, then SIGKILL at the deadline); return its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        status, self.process = self.process.returncode, None
        return status

    def kill(self):
        """SIGKILL the worker at once, as a crash would."""
        return self.stop(signal.SIGKILL)

    def deliver(self, body, event="push", delivery=None, signature=None, secret=None,
                content_type="application/json", method="POST", content_length=None,
                params=None):
        """POST body as GitHub would (signed with the worker's secret unless signature is
        given; signature=False sends none) and return the Reply."""
        request = {
            "REQUEST_METHOD": method,
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
            "HTTP_X_GITHUB_EVENT": event,
            "HTTP_X_GITHUB_DELIVERY": delivery or str(uuid.uuid4()),
            "SCRIPT_NAME": "/webhook/deploy",
            "REQUEST_URI": "/webhook/deploy",
        }
        if signature is None:
            signature = sign(body, secret or self.secret)
        if signature is not False:
            request["HTTP_X_HUB_SIGNATURE_256"] = signature
        if content_length is False:
            del request["CONTENT_LENGTH"]
        request.update(params or {})
        return fastcgi_request(self.socket, request, body)

    def log(self):
        """Return everything the worker wrote to stderr so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def history(self):
        """Return the recorded runs (state_dir/deployments.jsonl), oldest first."""
        path = self.state_dir / "deployments.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def queued(self, target_name):
        """Return the jobs waiting in the queue for a target, oldest first."""
        directory = self.state_dir / "queue" / target_name
        if not directory.is_dir():
            return []
        jobs = []
        for path in sorted(directory.glob("*.json")):
            try:
                jobs.append(json.loads(path.read_text()))
            except FileNotFoundError:
                continue  # the runner removed it between the listing and the read
        return jobs
