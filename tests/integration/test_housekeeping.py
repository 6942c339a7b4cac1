"""What state_dir keeps: run logs for each target's newest keep_runs runs, and no temporary file
of a writer that died mid-write; and the run counters go on counting what compaction removes."""

import json
import subprocess

from integration_support import log_lines, noop_target, wait_queue_empty, wait_until
from worker import fastcgi_request

KEEP_RUNS = 2
READ_TOKEN = "read-token-0123456789"


def gone_pid():
    """Return the pid of a process that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def deploy_and_wait(worker, recorded):
    """Run `deployhook deploy app`, wait until its run is recorded, the queue is empty and the
    housekeeping after the record is done (its result is logged last), and append the run's id
    to recorded."""
    done = worker.command("deploy", "app")
    assert done.returncode == 0, done.stderr
    run = wait_until(lambda: next((r for r in worker.history() if r["id"] not in recorded),
                                  None), 20, "the next run")
    recorded.append(run["id"])
    wait_queue_empty(worker, "app")
    wait_until(lambda: f"id={run['id']} target=app result=" in worker.log(), 20,
               "the housekeeping after the record")


def compacted_history(worker):
    """Wait until the history holds KEEP_RUNS runs (compaction follows the record that empties
    the queue) and return them."""
    def kept():
        runs = worker.history()
        return runs if len(runs) == KEEP_RUNS else None

    return wait_until(kept, 20, f"a history of {KEEP_RUNS} runs")


def counters(worker):
    """Return (deployments_total summed over results, duration count) of target app from
    /metrics."""
    path = "/webhook/deploy/metrics"
    reply = fastcgi_request(worker.socket, {
        "REQUEST_METHOD": "GET", "REQUEST_URI": path, "DOCUMENT_URI": path, "SCRIPT_NAME": path,
        "HTTP_AUTHORIZATION": f"Bearer {READ_TOKEN}"})
    assert reply.status == 200, reply.body
    total, count = 0, None
    for line in reply.body.decode().splitlines():
        if line.startswith('deployhook_deployments_total{target="app",'):
            total += int(line.rsplit(" ", 1)[1])
        if line.startswith('deployhook_deployment_duration_seconds_count{target="app"}'):
            count = int(line.rsplit(" ", 1)[1])
    return total, count


def test_history_and_logs_of_runs_beyond_keep_runs_are_removed(start_worker):
    worker = start_worker([noop_target()], settings={"keep_runs": KEEP_RUNS})
    recorded = []
    for _ in range(KEEP_RUNS + 2):
        deploy_and_wait(worker, recorded)
    runs = compacted_history(worker)
    assert [run["id"] for run in runs] == recorded[-KEEP_RUNS:]
    logs = sorted(path.name for path in (worker.state_dir / "logs").glob("*.log"))
    assert logs == sorted(f"{run_id}.log" for run_id in recorded[-KEEP_RUNS:])


def test_run_counters_keep_counting_the_runs_compaction_removes(start_worker, tmp_path):
    token_file = tmp_path / "read.token"
    token_file.write_text(READ_TOKEN + "\n")
    settings = {"keep_runs": KEEP_RUNS, "read_token_file": str(token_file)}
    worker = start_worker([noop_target()], name="counted", settings=settings)
    recorded, seen = [], []
    for _ in range(KEEP_RUNS + 3):
        deploy_and_wait(worker, recorded)
        seen.append(counters(worker))
    compacted_history(worker)
    runs = len(recorded)
    assert seen == [(n, n) for n in range(1, runs + 1)]
    worker.stop()
    restarted = start_worker([noop_target()], name="counted", settings=settings)
    assert counters(restarted) == (runs, runs)
    deploy_and_wait(restarted, recorded)
    assert counters(restarted) == (runs + 1, runs + 1)


def test_temporaries_of_a_dead_writer_are_removed_at_start(start_worker):
    def crashed_writer_left_temporaries(worker):
        pid = gone_pid()
        left = [worker.state_dir / "queue" / "app" / f"20261128T000000Z-0001.json.tmp-{pid}-0",
                worker.state_dir / "seen" / f"{'a' * 64}.app.tmp-{pid}-3"]
        for path in left:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("{")
        return left

    worker = start_worker([noop_target()], name="first")
    worker.stop()
    left = crashed_writer_left_temporaries(worker)
    restarted = start_worker([noop_target()], name="first")
    assert not any(path.exists() for path in left)
    assert log_lines(restarted, "removed=2")


def test_a_line_that_is_not_a_run_is_set_aside_once_and_said(start_worker):
    worker = start_worker([noop_target()], settings={"keep_runs": KEEP_RUNS})
    recorded = []
    deploy_and_wait(worker, recorded)
    # A hand edit left a line that is no run; the next compaction (after the next run) finds it.
    with open(worker.state_dir / "deployments.jsonl", "a") as history:
        history.write("{not a run\n")
    done = worker.command("deploy", "app")
    assert done.returncode == 0, done.stderr
    set_aside = worker.state_dir / "deployments.unparsable.jsonl"
    wait_until(lambda: set_aside.exists(), 20, "the unparsable line set aside")
    assert set_aside.read_text() == "{not a run\n"

    def runs_only():  # the line is set aside first, then the history replaced: wait for both
        try:
            return worker.history()
        except json.JSONDecodeError:
            return None

    runs = wait_until(runs_only, 20, "the history holding runs only")  # every line a run again
    assert len(runs) == 2 and runs[0]["id"] == recorded[0]
    said = wait_until(lambda: log_lines(worker, "set_aside=1"), 20, "the warning about it")
    assert len(said) == 1 and said[0].startswith("<4>") and str(set_aside) in said[0]
