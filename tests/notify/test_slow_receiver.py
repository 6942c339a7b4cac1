"""A receiver that never answers costs the sender its timeout and nothing else: runs go on,
and the worker still stops promptly, keeping the message for its next start."""

import time

from receiver import Receiver
from worker import wait_until

FIRST, SECOND = "1a" * 20, "2b" * 20


def test_a_hanging_receiver_delays_no_run_and_no_stop(workers, fake, push):
    receiver = Receiver(hang=True).start()
    try:
        worker = workers(notify=[{"kind": "slack", "url": receiver.url(), "on": ["started", "failed"]}])
        fake.set(pull={"exit": 1})
        push(worker, FIRST)
        receiver.wait_for(1)  # the sender now waits on an answer that never comes
        push(worker, SECOND)
        runs = wait_until(lambda: len(worker.history()) == 2 and worker.history(), 15,
                          "both runs recorded while the receiver hangs")
        assert [run["commit"] for run in runs] == [FIRST, SECOND]
        started = time.monotonic()
        assert worker.stop() == 0
        assert time.monotonic() - started < 5
    finally:
        receiver.stop()
    # Nothing was delivered: all four messages wait for the next start.
    assert len(list((worker.state_dir / "outbox").glob("*.json"))) == 4
