"""`deployhook deploy` queues a run by hand; `deployhook status` shows what ran."""

import json

from worker import wait_until

# A worker is woken by a job and runs a lone one at once (several are gathered for a quiet
# moment first): a hand-queued run comes while the worker runs, without a restart. Generous for a loaded
# machine: the deadline only ends a failing test.
PROMPT_SECONDS = 30.0


def manual_runs(worker):
    """Return the recorded runs that cover a `deployhook deploy`, once the queue is empty
    again (a job leaves it just after its run is recorded)."""
    if worker.queued("app"):
        return []
    return [run for run in worker.history() if run["deliveries"] == ["manual"]]


def test_deploy_with_a_running_worker_runs_promptly_as_manual(workers, fake):
    worker = workers(health_timeout=0)
    done = worker.command("deploy", "app")
    assert done.returncode == 0, done.stderr
    assert "picks it up" in done.stdout

    (run,) = wait_until(lambda: manual_runs(worker), PROMPT_SECONDS, "the manual run")
    assert run["result"] == "succeeded"
    assert run["after"] == ""  # a manual run names no commit
    assert len(fake.calls("pull")) == 1


def test_deploy_without_a_worker_runs_when_serve_starts(workers, fake):
    worker = workers(start=False, health_timeout=0)
    done = worker.command("deploy", "app")
    assert done.returncode == 0, done.stderr
    assert "runs when `deployhook serve` starts" in done.stdout
    assert [job["delivery"] for job in worker.queued("app")] == ["manual"]
    assert not fake.calls()

    worker.start()
    (run,) = wait_until(lambda: manual_runs(worker), 30, "the manual run after serve started")
    assert run["result"] == "succeeded"


def test_deploy_of_an_unknown_target_exits_2_and_queues_nothing(workers):
    worker = workers(start=False)
    done = worker.command("deploy", "no-such-target")
    assert done.returncode == 2
    assert "no-such-target" in done.stderr
    assert worker.queued("app") == [] and worker.queued("no-such-target") == []


def test_status_shows_the_latest_runs_as_a_table_newest_first(two_runs):
    failed, succeeded = two_runs.history()
    done = two_runs.command("status")
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split()[:3] == ["FINISHED", "TARGET", "RESULT"]
    assert [row.split()[-1] for row in rows] == [succeeded["id"], failed["id"]]
    assert rows[0].split()[1:3] == ["app", "succeeded"]
    assert rows[1].split()[1:3] == ["app", "failed"]


def test_status_json_prints_the_recorded_objects_newest_first(two_runs):
    done = two_runs.command("status", "--json")
    assert done.returncode == 0, done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert printed == list(reversed(two_runs.history()))


def test_status_limit_1_shows_only_the_newest_run(two_runs):
    newest = two_runs.history()[-1]
    table = two_runs.command("status", "--limit", "1")
    assert table.returncode == 0, table.stderr
    rows = table.stdout.splitlines()[1:]
    assert [row.split()[-1] for row in rows] == [newest["id"]]
    printed = two_runs.command("status", "--json", "--limit", "1")
    assert [json.loads(line) for line in printed.stdout.splitlines()] == [newest]
