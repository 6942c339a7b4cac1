"""What a target's queue directory may hold besides its jobs, and state_dir entries of the wrong
type: a job file copied under another name runs once; a file that is not a job of the target
(corrupt, empty, a directory, another target's job, a foreign name) goes to
state_dir/rejected/<target>/ with one error line naming it, shows in `status` and /metrics, and
the target keeps deploying; a lock or a history that is a directory is named once and stops no
other target and not the CLI; a delivery for two targets is queued for both or for neither.
"""

import json
import os
import shutil
import signal
import subprocess
import time
import uuid

import pytest

from integration_support import (PUSH, STOP_TIMEOUT, Worker, assert_answer, log_lines,
                                  noop_target, variant, wait_for_run, wait_until)
from worker import fastcgi_request, fixture

TOKEN = "read-token-0123456789"
HOOK = "/webhook/deploy"
# Long enough ago that no `cp` can still be writing the file.
SETTLED = 60


@pytest.fixture
def unstarted(tmp_path):
    """Return make(targets=None, **Worker options): a Worker not yet started, so a test can lay
    out its state_dir first; every one started is stopped when the test ends."""
    made = []
    token_file = tmp_path / "read.token"
    token_file.write_text(TOKEN + "\n")

    def make(targets=None, name="worker", **options):
        settings = {"read_token_file": str(token_file), **options.pop("settings", {})}
        worker = Worker(tmp_path / name, targets or [noop_target()], settings=settings, **options)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)


def queue_by_hand(worker, target_name="app"):
    """Queue a job with `deployhook deploy` (no worker running yet); return its file."""
    done = worker.command("deploy", target_name)
    assert done.returncode == 0, done.stderr
    job_id = done.stdout.split()[1]
    path = worker.state_dir / "queue" / target_name / f"{job_id}.json"
    assert path.is_file()
    return path


def settle(path):
    """Date path's last change back, as if it was copied in long ago."""
    past = time.time() - SETTLED
    os.utime(path, (past, past))


def entries(directory):
    """Return the names in directory, sorted ([] when it does not exist)."""
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def runs_of(worker, target_name):
    """Return the target's recorded runs, oldest first."""
    return [run for run in worker.history() if run["target"] == target_name]


def push_body(after):
    """Return the push fixture with another `after`: a body no earlier delivery sent."""
    return variant(PUSH, lambda document: document.update(after=after))


def get(worker, path):
    """GET a read-side page with the read token; return the Reply."""
    return fastcgi_request(worker.socket, {"REQUEST_METHOD": "GET", "REQUEST_URI": path,
                                           "DOCUMENT_URI": path, "SCRIPT_NAME": path,
                                           "HTTP_ACCEPT": "*/*",
                                           "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"})


def error_lines_naming(worker, path):
    """Return the worker's error lines that name path."""
    return [line for line in worker.log().splitlines()
            if line.startswith("<3>") and str(path) in line]


def test_a_job_file_copied_under_another_name_runs_once_and_leaves_the_queue(unstarted):
    worker = unstarted()
    job = queue_by_hand(worker)
    copy = job.with_name("retry.json")  # an operator's `cp <id>.json retry.json`
    shutil.copy(job, copy)
    worker.start()
    wait_until(lambda: runs_of(worker, "app") and not entries(job.parent), 20,
               "the job's run and an empty queue")
    # A push after it is the second run: the copy never ran on its own.
    delivery = str(uuid.uuid4())
    assert_answer(worker.deliver(push_body("1" * 40), delivery=delivery), 202, "queued")
    wait_for_run(worker, delivery)
    assert [run["deliveries"] for run in runs_of(worker, "app")] == [["manual"], [delivery]]
    assert entries(worker.state_dir / "rejected" / "app") == ["retry.json"]
    (line,) = error_lines_naming(worker, copy)
    assert "moved_to=" in line and "not after its id" in line


def test_files_that_are_not_jobs_are_rejected_and_the_target_keeps_deploying(unstarted):
    worker = unstarted()
    job = queue_by_hand(worker)
    queue = job.parent
    other = json.loads(job.read_text())
    other.update(id="other", target="web")
    (queue / "other.json").write_text(json.dumps(other) + "\n")  # another target's job
    (queue / "corrupt.json").write_text('{"id": "corrupt", "tar')  # cut short
    (queue / "empty.json").write_text("")
    (queue / "directory.json").mkdir()
    for name in ("other.json", "corrupt.json", "empty.json", "directory.json"):
        settle(queue / name)
    worker.start()
    wait_until(lambda: runs_of(worker, "app") and not entries(queue), 20,
               "the job's run and an empty queue")
    rejected = worker.state_dir / "rejected" / "app"
    assert entries(rejected) == ["corrupt.json", "directory.json", "empty.json", "other.json"]
    for name in entries(rejected):
        assert len(error_lines_naming(worker, queue / name)) == 1, worker.log()
    delivery = str(uuid.uuid4())
    assert_answer(worker.deliver(push_body("2" * 40), delivery=delivery), 202, "queued")
    assert wait_for_run(worker, delivery)["result"] == "succeeded"

    status = worker.command("status", "app")
    assert status.returncode == 0, status.stderr
    assert f"app: 4 rejected files in {rejected}" in status.stdout
    for name in entries(rejected):
        assert f"  {name}\n" in status.stdout
    metrics = get(worker, f"{HOOK}/metrics")
    assert metrics.status == 200
    assert 'deployhook_rejected_jobs_total{target="app"} 4\n' in metrics.body.decode()
    promtool = shutil.which("promtool")
    if promtool:  # installed by scripts/install-deps
        checked = subprocess.run([promtool, "check", "metrics"], input=metrics.body,
                                 capture_output=True, timeout=30, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    (target,) = get(worker, f"{HOOK}/status").json["targets"]
    assert target["rejected"] == 4


def test_status_names_files_in_the_queue_that_are_not_jobs(unstarted):
    worker = unstarted()
    job = queue_by_hand(worker)
    (job.parent / "directory.json").mkdir()
    status = worker.command("status", "app")  # no worker: nothing moved them yet
    assert status.returncode == 0, status.stderr
    assert "queued: 1 job\n" in status.stdout
    assert f"{job.parent / 'directory.json'}: a directory, not a job file" in status.stdout


def test_a_lock_that_is_a_directory_is_named_once_and_stops_no_other_target(unstarted):
    worker = unstarted([noop_target("app"), noop_target("web")])
    lock = worker.state_dir / "locks" / "app.lock"
    lock.mkdir(parents=True)
    worker.start()
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    assert_answer(worker.deliver(push_body("3" * 40), delivery=first), 202, "queued")
    wait_until(lambda: len(runs_of(worker, "web")) == 1, 20, "web's first run")
    # The app runner looked at its queue many times meanwhile; after web's second run, too.
    assert_answer(worker.deliver(push_body("4" * 40), delivery=second), 202, "queued")
    wait_until(lambda: len(runs_of(worker, "web")) == 2, 20, "web's second run")
    assert runs_of(worker, "app") == []
    assert len(worker.queued("app")) == 2
    assert len([line for line in log_lines(worker, str(lock)) if line.startswith("<3>runner")]) == 1
    assert len([line for line in log_lines(worker, str(lock)) if line.startswith("<3>state")]) == 1

    status = worker.command("status", "app")
    assert status.returncode == 0, status.stderr
    assert f"{lock}: a directory where deployhook needs a regular file" in status.stderr
    assert "queued: 2 jobs" in status.stdout

    lock.rmdir()  # the operator's fix: app deploys what waited
    wait_until(lambda: runs_of(worker, "app") and not worker.queued("app"), 20, "app's run")
    assert runs_of(worker, "app")[0]["deliveries"] == [first, second]


def test_a_history_that_is_a_directory_is_named_and_stops_neither_worker_nor_cli(unstarted):
    worker = unstarted()
    history = worker.state_dir / "deployments.jsonl"
    history.mkdir(parents=True)
    worker.start()
    assert len(error_lines_naming(worker, history)) == 1  # said once, at the start
    status = worker.command("status")
    assert status.returncode == 0, status.stderr
    assert f"{history}: a directory where deployhook needs a regular file" in status.stderr
    delivery = str(uuid.uuid4())
    assert_answer(worker.deliver(push_body("5" * 40), delivery=delivery), 202, "queued")
    # The run cannot be recorded, so its job stays; the record is retried, naming the path.
    wait_until(lambda: log_lines(worker, f"cannot record the run: cannot open {history}"), 20,
               "the failed record")
    history.rmdir()
    assert wait_for_run(worker, delivery, timeout=30)["result"] == "succeeded"
    assert worker.command("status").returncode == 0


def test_a_delivery_for_two_targets_is_queued_for_both_or_neither(unstarted):
    worker = unstarted([noop_target("app"), noop_target("web")])
    worker.start()
    # As root, permissions do not stop the worker: a regular file where web's queue belongs does.
    blocked = worker.state_dir / "queue" / "web"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where deployhook needs a directory\n")
    body = push_body("6" * 40)
    assert_answer(worker.deliver(body, delivery="refused"), 503, "unavailable")
    assert entries(worker.state_dir / "queue" / "app") == []
    blocked.unlink()
    # The redelivery is not a duplicate, and each target deploys it once.
    answer = assert_answer(worker.deliver(body, delivery="refused"), 202, "queued")
    assert sorted(item["target"] for item in answer["targets"]) == ["app", "web"]
    wait_until(lambda: runs_of(worker, "app") and runs_of(worker, "web")
               and not worker.queued("app") and not worker.queued("web"), 20, "both runs")
    assert [run["deliveries"] for run in worker.history()] == [["refused"], ["refused"]]


def test_a_worker_lock_that_is_a_directory_does_not_stop_the_worker(unstarted):
    worker = unstarted()
    presence = worker.state_dir / "worker.lock"
    presence.mkdir(parents=True)
    worker.start()
    assert error_lines_naming(worker, presence)
    delivery = str(uuid.uuid4())
    assert_answer(worker.deliver(push_body("7" * 40), delivery=delivery), 202, "queued")
    assert wait_for_run(worker, delivery)["result"] == "succeeded"
