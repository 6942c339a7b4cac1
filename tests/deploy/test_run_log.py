"""Each run's combined step output lands in state_dir/logs/<id>.log, bounded to its tail."""

from pathlib import Path

AFTER = "7a" * 20
MIB = 1 << 20


def run_log(worker, run):
    """Return the path the history gives for the run's log, checked to be in state_dir/logs."""
    path = Path(run["log"])
    assert path.parent == worker.state_dir / "logs"
    assert path.name == run["id"] + ".log"
    return path


def test_run_log_holds_every_step_and_its_output(workers, fake, push_body, deliver, only_run):
    fake.set(pull={"output": "app Pulling\napp Pulled layer 5e1f\n"},
             up={"output": "Container shop-app-1  Started\n"})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    text = run_log(worker, run).read_text()
    assert "$ docker compose pull app\napp Pulling\napp Pulled layer 5e1f\n[pull: exit 0]" in text
    assert "$ docker compose up -d --pull never app\nContainer shop-app-1  Started\n[up: exit 0]" in text
    assert text.rstrip().endswith("[result: succeeded]")


def test_run_log_keeps_a_bounded_tail_of_huge_output(workers, fake, push_body, deliver,
                                                     only_run):
    fake.set(pull={"output_bytes": 5 * MIB, "output": "last line of the pull\n"})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "succeeded"
    path = run_log(worker, run)
    assert MIB // 2 <= path.stat().st_size <= MIB + 4096
    text = path.read_text()
    assert text.startswith("[... earlier output cut ...]")
    assert "last line of the pull\n[pull: exit 0]" in text
    assert "$ docker compose up -d --pull never app" in text
    assert text.rstrip().endswith("[result: succeeded]")
