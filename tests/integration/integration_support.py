"""Helpers for the integration suite: a built `deployhook serve` on a unix socket in a
temporary state_dir, driven over FastCGI with cgi-fcgi (tests/lib/worker.py does the plumbing).

Targets here never touch Docker: their compose command is `true` (or `false` for a failing
run), so a queued delivery is deployed and recorded within a couple of seconds.
"""

import fcntl
import json
import os
import shlex
import signal
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lib"))

from process_table import alive  # noqa: E402
from worker import (DEFAULT_SECRET, REPO, Worker, binary, config_text,  # noqa: E402,F401
                    fastcgi_request, fixture, send_delivery, sent_answer, sign, target,
                    wait_until)

# github/push/woodpecker-push.json is a push to refs/heads/main of this repository.
PUSH = "github/push/woodpecker-push.json"
PUSH_REPOSITORY = "woodpecker-ci/woodpecker"
PUSH_AFTER = "366701fde727cb7a9e7f21eb88264f59f6f9b89c"
# The octokit-* fixtures are deliveries from this repository.
OCTOKIT_REPOSITORY = "Codertocat/Hello-World"
# The shared worker's max_body_bytes: above every fixture it is sent (the largest is 28 KB),
# so the 413 row needs no large request.
SHARED_MAX_BODY = 65536
# SIGTERM stops an idle worker at once; leave room for a sanitizer build.
STOP_TIMEOUT = 15.0
# A lone queued job runs at once, woken by its arrival (several wait out a quiet second); leave room.
RUN_TIMEOUT = 20.0


def noop_target(name="app", repository=PUSH_REPOSITORY, branch="main", compose=("true",),
                **options):
    """Return a target whose deployment touches nothing: `true pull`, `true up -d`, no
    health gate."""
    return target(name, repository, branch, compose=list(compose), health_timeout=0, **options)


def run_cli(*args, env=None, stdin=b""):
    """Run the deployhook executable with args and a minimal environment (PATH, sanitizer
    options, plus env: no WEBHOOK_SECRET or DEPLOYHOOK_CONFIG from the caller's); return the
    CompletedProcess with bytes output."""
    environment = {name: value for name, value in os.environ.items()
                   if name == "PATH" or name.endswith("SAN_OPTIONS")}
    environment.update(env or {})
    return subprocess.run([str(binary()), *args], input=stdin, env=environment,
                          capture_output=True, timeout=30, check=False)


def wait_for_run(worker, delivery, result=None, timeout=RUN_TIMEOUT):
    """Wait until the history records a run covering delivery (with result, if given);
    return that run."""
    def recorded():
        runs = [run for run in worker.history() if delivery in run["deliveries"]
                and (result is None or run["result"] == result)]
        return runs[-1] if runs else None
    return wait_until(recorded, timeout, f"a {result or 'finished'} run covering {delivery}")


def wait_queue_empty(worker, target_name, timeout=RUN_TIMEOUT):
    """Wait until a target has no job file left (a job is removed only after its run is
    recorded, so this follows the history line by a moment)."""
    directory = worker.state_dir / "queue" / target_name
    wait_until(lambda: not list(directory.glob("*.json")), timeout,
               f"the queue of {target_name} to empty")


def log_lines(worker, needle):
    """Return the worker's log lines that contain needle."""
    return [line for line in worker.log().splitlines() if needle in line]


@contextmanager
def run_locks_held(worker, *target_names):
    """Hold targets' run locks as another worker process running them would: the runner then
    leaves their jobs in the queue until the locks are released."""
    directory = worker.state_dir / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        for name in target_names:
            handle = stack.enter_context(open(directory / f"{name}.lock", "a"))
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class HeldStep:
    """A compose command that blocks until the test opens its gate (30 s at most), so a run
    can be caught in the middle of a step. open() lets every such step finish and waits for
    the processes it started, killing by pid any still there at the deadline."""

    def __init__(self, directory):
        self.gate = Path(directory) / "gate"
        self.pids = Path(directory) / "held.pids"

    def argv(self):
        """Return the compose argv prefix; the worker appends `pull ...`, `up -d ...`."""
        script = (f"echo $$ >> {shlex.quote(str(self.pids))}; i=0; "
                  f"while [ ! -e {shlex.quote(str(self.gate))} ] && [ $i -lt 300 ]; "
                  "do sleep 0.1; i=$((i+1)); done")
        return ["sh", "-c", script, "held-step"]

    def started(self):
        """Return the pids of the held steps started so far."""
        if not self.pids.exists():
            return []
        return [int(pid) for pid in self.pids.read_text().split()]

    def open(self, timeout=5.0):
        """Let held steps finish; wait for their processes to exit."""
        self.gate.touch()
        for pid in self.started():
            try:
                wait_until(lambda: not alive(pid), timeout, f"held step {pid} to exit")
            except TimeoutError:
                _kill(pid)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def assert_answer(reply, status, name):
    """Assert the reply has HTTP status, Content-Type application/json and the `status`
    field name; return its JSON object."""
    assert (reply.status, reply.json and reply.json.get("status")) == (status, name), reply.body
    assert reply.headers.get("content-type") == "application/json"
    return reply.json


def variant(relative, change):
    """Return a fixture's JSON re-encoded after change(document) edited it in place: a
    negative fixture derived from a real one."""
    document = json.loads(fixture(relative))
    change(document)
    return json.dumps(document).encode()
