"""A run whose record cannot be written (disk full, read-only, a mistake) is not deployed again
and again: the runner retries only the record, with a growing delay, holds the jobs queued
meanwhile, and catches up once the history can be written."""

from worker import wait_until

AFTER = "d5" * 20
RECORD_FAILURE = "cannot record the run"


def record_failures(worker):
    """Return how many times the worker logged that it could not record a run."""
    return worker.log().count(RECORD_FAILURE)


def test_unwritable_history_is_retried_without_repeating_the_deployment(
        workers, fake, push_body, deliver, only_run):
    worker = workers(health_timeout=0)
    history = worker.state_dir / "deployments.jsonl"
    history.mkdir(parents=True)  # a directory where the file should be: every append fails
    delivery = deliver(worker, push_body(AFTER))

    wait_until(lambda: record_failures(worker) >= 2, 30, "two failed attempts to record")
    assert len(fake.calls("pull")) == 1
    assert len(fake.calls("up")) == 1
    assert [job["delivery"] for job in worker.queued("app")] == [delivery]
    assert "retry_in=5s" in worker.log() and "retry_in=10s" in worker.log()

    history.rmdir()
    run = only_run(worker, delivery, timeout=30)
    assert run["result"] == "succeeded"
    # Logged once the record reads back, which may be just after the history shows it here.
    wait_until(lambda: "recorded after all" in worker.log(), 10, "the note that the record is held")
    assert len(fake.calls("pull")) == 1
