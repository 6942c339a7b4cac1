"""The runner waits for jobs instead of polling: a job queued by a delivery, written by
`deployhook deploy` (another process) or released by `deployhook resume` runs at once, long
before the fallback look at every queue (set to ten minutes here); a thousand idle targets cost
a few threads and no CPU."""

import os
import time
import uuid
from pathlib import Path

from integration_support import PUSH, noop_target, wait_for_run
from worker import fixture, wait_until

NO_FALLBACK = {**os.environ, "DEPLOYHOOK_TEST_POLL_MS": "600000"}
PROMPTLY = 10.0  # `true pull`, `true up -d` at once; far below the fallback
IDLE_TARGETS = 1000
# Main, the accept threads, the outbox sender, the dispatcher, and room for libraries: a thread
# per target is a thousand more.
MAX_THREADS = 24
WINDOW = 3.0  # seconds over which an idle worker's CPU time is measured
MAX_IDLE_CPU = 0.05  # seconds of CPU in WINDOW (a thread per target polling took ~0.12)


def proc_status(pid, field):
    """Return a field of /proc/PID/status (Threads, VmRSS, ...) as its text."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == field:
            return value.strip()
    raise KeyError(field)


def cpu_seconds(pid):
    """Return the user and system CPU time the process used so far, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_a_job_written_by_the_command_line_runs_at_once(start_worker):
    worker = start_worker(env=NO_FALLBACK)
    done = worker.command("deploy", "app")
    assert done.returncode == 0, done.stderr
    assert wait_for_run(worker, "manual", timeout=PROMPTLY)["result"] == "succeeded"


def test_a_delivered_job_runs_at_once(start_worker):
    worker = start_worker(env=NO_FALLBACK)
    delivery = str(uuid.uuid4())
    assert worker.deliver(fixture(PUSH), delivery=delivery).status == 202
    assert wait_for_run(worker, delivery, timeout=PROMPTLY)["result"] == "succeeded"


def test_a_resumed_target_runs_what_waited_at_once(start_worker):
    worker = start_worker(env=NO_FALLBACK)
    assert worker.command("pause", "app").returncode == 0
    delivery = str(uuid.uuid4())
    assert worker.deliver(fixture(PUSH), delivery=delivery).status == 202
    wait_until(lambda: "paused: deployments wait for resume" in worker.log(), PROMPTLY,
               "the pause to hold the job back")
    assert worker.history() == []
    assert worker.command("resume", "app").returncode == 0
    assert wait_for_run(worker, delivery, timeout=PROMPTLY)["result"] == "succeeded"


def test_a_thousand_idle_targets_cost_few_threads_and_no_cpu(start_worker):
    targets = [noop_target(f"t{i:04d}", repository=f"octo/repo-{i}") for i in range(IDLE_TARGETS)]
    worker = start_worker(targets, env=NO_FALLBACK)
    pid = worker.process.pid
    assert int(proc_status(pid, "Threads")) <= MAX_THREADS
    before = cpu_seconds(pid)
    time.sleep(WINDOW)  # a measurement window, not a wait for a condition
    assert cpu_seconds(pid) - before <= MAX_IDLE_CPU
    assert int(proc_status(pid, "Threads")) <= MAX_THREADS
    # Idle, not deaf: the last target's job runs at once.
    assert worker.command("deploy", "t0999").returncode == 0
    assert wait_for_run(worker, "manual", timeout=PROMPTLY)["target"] == "t0999"
