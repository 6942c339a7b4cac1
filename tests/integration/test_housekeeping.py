"""What state_dir keeps: run logs for each target's newest keep_runs runs, and no temporary file
of a writer that died mid-write."""

import subprocess

from integration_support import log_lines, noop_target, wait_queue_empty, wait_until

KEEP_RUNS = 2


def gone_pid():
    """Return the pid of a process that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_history_and_logs_of_runs_beyond_keep_runs_are_removed(start_worker):
    worker = start_worker([noop_target()], settings={"keep_runs": KEEP_RUNS})
    recorded = []
    for _ in range(KEEP_RUNS + 2):
        done = worker.command("deploy", "app")
        assert done.returncode == 0, done.stderr
        run = wait_until(lambda: next((r for r in worker.history() if r["id"] not in recorded),
                                      None), 20, "the next run")
        recorded.append(run["id"])
        wait_queue_empty(worker, "app")
    runs = worker.history()
    assert [run["id"] for run in runs] == recorded[-KEEP_RUNS:]
    logs = sorted(path.name for path in (worker.state_dir / "logs").glob("*.log"))
    assert logs == sorted(f"{run_id}.log" for run_id in recorded[-KEEP_RUNS:])


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
