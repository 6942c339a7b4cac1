"""A worker that is killed or stopped mid-run loses nothing: the job stays queued until a run
of it is recorded, and the next start runs it."""

import signal
import time

from fake_docker_control import live_processes_in_group
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


def test_step_outliving_the_stop_grace_is_killed_and_its_job_stays_queued(
        workers, fake, push_body, deliver, only_run):
    fake.set(pull={"hang": True})
    worker = workers()
    delivery = deliver(worker, push_body(AFTER))
    (pull,) = wait_until(lambda: pull_started(fake), 30, "the pull to start")
    began = time.monotonic()
    assert worker.stop(signal.SIGTERM, timeout=STOP_GRACE + 30) == 0
    assert time.monotonic() - began >= STOP_GRACE

    assert fake.calls("pull")[0]["end"] is None  # killed, not finished
    wait_until(lambda: not live_processes_in_group(pull["pgid"]), 5, "the pull's group to end")
    assert worker.history() == []  # a run cut short by the stop is not a result
    assert [job["delivery"] for job in worker.queued("app")] == [delivery]

    fake.set()
    worker.start()
    assert only_run(worker, delivery)["result"] == "succeeded"
