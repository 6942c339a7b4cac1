"""A worker that is killed or stopped mid-run loses nothing: the job stays queued until a run
of it is recorded, and the next start runs it."""

import os
import signal
import time

from process_table import live_processes_in_group
from worker import FAST_STOP_GRACE_S, wait_until

AFTER = "c4" * 20
STOP_GRACE = FAST_STOP_GRACE_S  # a stopping worker lets a running step go on this long


def pull_started(fake):
    """Return the pull calls once one has started."""
    return fake.calls("pull")


def test_worker_killed_mid_pull_runs_the_queued_job_after_restart(
        workers, fake, push_body, deliver, only_run):
    fake.set(pull={"sleep": 30})
    worker = workers()
    delivery = deliver(worker, push_body(AFTER))
    wait_until(lambda: pull_started(fake), 30, "the pull to start")
    assert worker.kill() == -signal.SIGKILL
    assert worker.history() == []
    assert [job["delivery"] for job in worker.queued("app")] == [delivery]

    fake.set()
    worker.start()
    run = only_run(worker, delivery)
    assert run["result"] == "succeeded"
    assert run["after"] == AFTER


def test_sigterm_lets_the_running_pull_finish_and_keeps_the_job_for_the_next_start(
        workers, fake, push_body, deliver, only_run):
    fake.set(pull={"sleep": 1})  # well within the stop grace
    worker = workers()
    delivery = deliver(worker, push_body(AFTER))
    wait_until(lambda: pull_started(fake), 30, "the pull to start")
    assert worker.stop(signal.SIGTERM) == 0

    (pull,) = fake.calls("pull")
    assert pull["end"] is not None and pull["exit"] == 0  # it ran to its end, unkilled
    assert not fake.calls("up")
    assert worker.history() == []  # an interrupted run is not recorded
    assert [job["delivery"] for job in worker.queued("app")] == [delivery]

    fake.set()
    worker.start()
    run = only_run(worker, delivery)
    assert run["result"] == "succeeded"
    assert [call["operation"] for call in fake.calls("pull", "up")] == ["pull", "pull", "up"]


def hold_a_pull(workers, fake, push_body, deliver, pull):
    """Start a worker whose pull behaves as `pull` (the fake's options), deliver a push and wait
    until its pull runs; return (worker, delivery, the pull's call record)."""
    fake.set(pull=pull)
    worker = workers()
    delivery = deliver(worker, push_body(AFTER))
    (started,) = wait_until(lambda: pull_started(fake), 30, "the pull to start")
    return worker, delivery, started


def test_step_outliving_the_stop_grace_is_killed_and_its_job_stays_queued(
        workers, fake, push_body, deliver, only_run):
    worker, delivery, pull = hold_a_pull(workers, fake, push_body, deliver, {"hang": True})
    began = time.monotonic()
    assert worker.stop(signal.SIGTERM, timeout=STOP_GRACE + 30) == 0
    assert time.monotonic() - began >= STOP_GRACE

    assert fake.calls("pull")[0]["end"] is None  # killed, not finished
    wait_until(lambda: not live_processes_in_group(pull["pgid"]), 5, "the pull's group to end")
    assert worker.history() == []  # a run cut short by the stop is not a result
    # Stopped because the worker stops: interrupted, not a step that outlived its timeout.
    step_lines = [line for line in worker.log().splitlines() if "step=pull" in line]
    assert step_lines and all("interrupted" in line for line in step_lines), step_lines
    assert "timed out" not in worker.log()
    assert [job["delivery"] for job in worker.queued("app")] == [delivery]

    fake.set()
    worker.start()
    assert only_run(worker, delivery)["result"] == "succeeded"


def test_a_step_dies_with_the_worker_that_started_it(workers, fake, push_body, deliver, only_run):
    worker, delivery, pull = hold_a_pull(workers, fake, push_body, deliver, {"sleep": 60})
    assert worker.kill() == -signal.SIGKILL
    wait_until(lambda: not fake.is_running(pull["pid"]), 5, "the pull to die with its worker")

    fake.set()
    second = workers("second")
    assert only_run(second, delivery)["result"] == "succeeded"


def test_no_worker_starts_a_target_beside_what_a_dead_workers_step_left_running(
        workers, fake, push_body, deliver, only_run):
    # The fake's pull forks a child that hangs: the pull itself dies with its worker, the child
    # (which a real compose plugin could be) does not, and it holds the target's lock.
    worker, delivery, pull = hold_a_pull(workers, fake, push_body, deliver, {"hang": True})
    assert worker.kill() == -signal.SIGKILL
    (leftover,) = pull["children"]
    wait_until(lambda: not fake.is_running(pull["pid"]), 5, "the pull to die with its worker")
    assert fake.is_running(leftover)

    fake.set()
    second = workers("second", env={"DEPLOYHOOK_TEST_LOCK_RETRY_MS": "100"})
    wait_until(lambda: "locked by another process" in second.log(), 30,
               "the second worker to find the target locked")
    assert len(fake.calls("pull")) == 1  # nothing started beside the leftover

    os.killpg(pull["pgid"], signal.SIGKILL)
    wait_until(lambda: not fake.is_running(leftover), 5, "the leftover to end")
    run = only_run(second, delivery)
    assert run["result"] == "succeeded"
    assert len(fake.calls("pull")) == 2
