"""Bursts of pushes collapse into few runs, and workers sharing a state_dir take turns."""

import time
from concurrent.futures import ThreadPoolExecutor

from fake_docker_control import overlapping
from worker import wait_until

BURST = 50
# A first run starts after a quiet second at the earliest, and a second run gathers for another
# quiet second after the first has finished: a burst sent within this cannot need a third run.
BURST_SECONDS = 2.0


def sha(number):
    """Return a distinct commit id for push number `number`."""
    return f"{number:040x}"


def delivered_everything(worker, deliveries):
    """Return the history once it lists every delivery (and nothing is queued), else None."""
    runs = worker.history()
    listed = {d for run in runs for d in run["deliveries"]}
    return runs if listed >= set(deliveries) and not worker.queued("app") else None


def test_burst_of_fifty_pushes_makes_at_most_two_runs_listing_each_delivery_once(
        workers, fake, push_body, deliver):
    worker = workers()
    bodies = [push_body(sha(n)) for n in range(1, BURST + 1)]
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        deliveries = list(pool.map(lambda body: deliver(worker, body), bodies[:-1]))
    deliveries.append(deliver(worker, bodies[-1]))  # the newest: sent after all others queued
    sent_in = time.monotonic() - began
    assert sent_in < BURST_SECONDS, f"sending the burst took {sent_in:.1f}s, not about a second"

    runs = wait_until(lambda: delivered_everything(worker, deliveries), 60, "every delivery run")
    listed = [d for run in runs for d in run["deliveries"]]
    assert sorted(listed) == sorted(deliveries)
    assert 1 <= len(runs) <= 2
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
        time.sleep(1.2)  # pushes paced past the runner's quiet time: the scenario itself

    runs = wait_until(lambda: delivered_everything(pair[0], deliveries), 90, "every delivery run")
    listed = [d for run in runs for d in run["deliveries"]]
    assert sorted(listed) == sorted(deliveries)
    steps = fake.calls("pull", "up")
    assert len(steps) == 2 * len(runs)
    assert all(call["end"] is not None for call in steps)
    assert overlapping(steps) == []
    runners = {call["ppid"] for call in steps}
    assert runners <= {worker.process.pid for worker in pair}
