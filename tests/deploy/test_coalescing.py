"""Bursts of pushes collapse into few runs, and workers sharing a state_dir take turns."""

import fcntl
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from fake_docker_control import overlapping
from worker import wait_until

BURST = 50


def sha(number):
    """Return a distinct commit id for push number `number`."""
    return f"{number:040x}"


def delivered_everything(worker, deliveries):
    """Return the history once it lists every delivery (and nothing is queued), else None."""
    runs = worker.history()
    listed = {d for run in runs for d in run["deliveries"]}
    return runs if listed >= set(deliveries) and not worker.queued("app") else None


@contextmanager
def target_busy_elsewhere(worker):
    """Hold the target's run lock as another worker process running it would: jobs queue up,
    and the runner takes them all in one run once the lock is released."""
    directory = worker.state_dir / "locks"
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "app.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def test_burst_of_fifty_pushes_queued_during_a_run_makes_one_run_listing_each_delivery_once(
        workers, fake, push_body, deliver):
    # However long the burst takes on a loaded machine, no run can start in its middle.
    worker = workers()
    bodies = [push_body(sha(n)) for n in range(1, BURST + 1)]
    with target_busy_elsewhere(worker):
        with ThreadPoolExecutor(max_workers=10) as pool:
            deliveries = list(pool.map(lambda body: deliver(worker, body), bodies[:-1]))
        deliveries.append(deliver(worker, bodies[-1]))  # the newest: sent after all others queued
        assert worker.history() == []

    runs = wait_until(lambda: delivered_everything(worker, deliveries), 60, "every delivery run")
    listed = [d for run in runs for d in run["deliveries"]]
    assert sorted(listed) == sorted(deliveries)
    assert len(runs) == 1
    assert len(fake.calls("pull")) == len(runs)
    assert runs[-1]["after"] == sha(BURST)
    assert all(run["result"] == "succeeded" for run in runs)


def test_two_workers_on_one_state_dir_never_run_the_target_at_once(
        workers, fake, push_body, deliver):
    fake.set(pull={"sleep": 1}, up={"sleep": 1})
    pair = [workers("first"), workers("second")]
    deliveries = []
    for n in range(6):
        deliveries.append(deliver(pair[n % 2], push_body(sha(n + 1))))
        time.sleep(0.6)  # pushes paced past the runner's quiet time: the scenario itself

    runs = wait_until(lambda: delivered_everything(pair[0], deliveries), 90, "every delivery run")
    listed = [d for run in runs for d in run["deliveries"]]
    assert sorted(listed) == sorted(deliveries)
    steps = fake.calls("pull", "up")
    assert len(steps) == 2 * len(runs)
    assert all(call["end"] is not None for call in steps)
    assert overlapping(steps) == []
    runners = {call["ppid"] for call in steps}
    assert runners <= {worker.process.pid for worker in pair}
