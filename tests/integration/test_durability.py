"""An accepted delivery survives the worker: SIGKILL at any moment after the 202 loses no job,
SIGTERM stops promptly and keeps the queue for the next start.
"""

import signal
import time

from integration_support import (PUSH, STOP_TIMEOUT, HeldStep, assert_answer, fixture,
                                 log_lines, noop_target, run_locks_held, wait_for_run,
                                 wait_queue_empty, wait_until)

# Longest a SIGTERM may take on an idle worker; generous for a sanitizer build.
PROMPT_EXIT = 5.0


def restart_with_noop_compose(start_worker, crashed):
    """Start a new worker on the crashed worker's directory and state_dir, deploying `app`
    with compose `true`."""
    return start_worker([noop_target()], name=crashed.root.name)


def test_a_job_queued_when_the_worker_is_killed_is_run_by_the_next_worker(start_worker):
    worker = start_worker()
    with run_locks_held(worker, "app"):  # another worker "runs" app: the job stays queued
        answer = assert_answer(worker.deliver(fixture(PUSH), delivery="survivor"), 202, "queued")
        worker.kill()
    assert [job["id"] for job in worker.queued("app")] == [answer["id"]]

    restarted = restart_with_noop_compose(start_worker, worker)
    run = wait_for_run(restarted, "survivor")
    assert run["result"] == "succeeded"
    wait_queue_empty(restarted, "app")


def test_a_job_whose_run_is_cut_by_sigkill_is_run_again_by_the_next_worker(start_worker,
                                                                          tmp_path):
    held = HeldStep(tmp_path)
    worker = start_worker([noop_target(compose=held.argv())])
    try:
        answer = assert_answer(worker.deliver(fixture(PUSH), delivery="cut"), 202, "queued")
        wait_until(held.started, 10, "the run's first step")
        worker.kill()
    finally:
        held.open()
    assert [job["id"] for job in worker.queued("app")] == [answer["id"]]
    assert worker.history() == []

    restarted = restart_with_noop_compose(start_worker, worker)
    assert wait_for_run(restarted, "cut")["result"] == "succeeded"
    wait_queue_empty(restarted, "app")


def test_sigterm_exits_0_promptly_removes_the_socket_and_keeps_the_queue(start_worker):
    worker = start_worker()
    with run_locks_held(worker, "app"):
        answer = assert_answer(worker.deliver(fixture(PUSH), delivery="kept"), 202, "queued")
        started = time.monotonic()
        status = worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
        took = time.monotonic() - started
    assert status == 0
    assert took < PROMPT_EXIT, f"SIGTERM took {took:.1f}s"
    assert not worker.socket.exists()
    assert [job["id"] for job in worker.queued("app")] == [answer["id"]]
    assert log_lines(worker, "stopped")

    restarted = restart_with_noop_compose(start_worker, worker)
    assert wait_for_run(restarted, "kept")["result"] == "succeeded"
