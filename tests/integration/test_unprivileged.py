"""A worker that runs as its own unprivileged user, as the systemd unit runs it, while an operator
uses `sudo deployhook deploy`: what root writes in state_dir must stay usable by the worker.

Needs root (to create the user and to play the operator); skipped otherwise. The system user
`deployhook-it` is created on first use and left in place: concurrent suites may share it.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from integration_support import (PUSH, STOP_TIMEOUT, Worker, assert_answer, fixture, log_lines,
                                 noop_target, wait_for_run, wait_queue_empty, wait_until)
from accounts import launcher_for, system_account  # noqa: E402 (after integration_support's path)

USER = "deployhook-it"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to stage another user")


@pytest.fixture(scope="module")
def account():
    """Return the pwd entry of the unprivileged worker user, creating it when missing."""
    return system_account(USER)


@pytest.fixture
def worker_root(account):
    """Return a directory the user owns and can reach (pytest's tmp_path is root's, 0700)."""
    root = Path(tempfile.mkdtemp(prefix="deployhook-unprivileged-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def user_worker(account, worker_root):
    """Return start(): a Worker serving as the unprivileged user, stopped by pid at the end."""
    made = []

    def start(stage=None):
        worker = Worker(worker_root, [noop_target()],
                        launcher=launcher_for(account))
        worker.state_dir.mkdir()
        for path in [worker_root, *worker_root.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
        if stage:
            stage(worker)
        made.append(worker)
        return worker.start()

    yield start
    for worker in made:
        worker.stop(timeout=STOP_TIMEOUT)


def foreign_entries(state_dir, uid):
    """Return the entries below state_dir that uid does not own."""
    return [path for path in state_dir.rglob("*") if path.lstat().st_uid != uid]


def test_sudo_deploy_is_run_by_a_worker_of_its_own_user(user_worker, account):
    worker = user_worker()
    done = worker.command("deploy", "app")  # as root, like `sudo deployhook deploy app`
    assert done.returncode == 0, done.stderr

    run = wait_for_run(worker, "manual")
    assert run["result"] == "succeeded"
    wait_queue_empty(worker, "app")
    assert foreign_entries(worker.state_dir, account.pw_uid) == []
    # The queue directory root created stays the worker's to add to: a push is queued, not 503.
    reply = worker.deliver(fixture(PUSH))
    assert_answer(reply, 202, "queued")
    assert wait_for_run(worker, reply.json["delivery"])["result"] == "succeeded"


def test_sudo_deploy_before_the_worker_ever_ran_leaves_nothing_of_roots(user_worker, account):
    def deploy_first(worker):
        done = worker.command("deploy", "app")
        assert done.returncode == 0, done.stderr
        assert foreign_entries(worker.state_dir, account.pw_uid) == []

    worker = user_worker(stage=deploy_first)
    assert wait_for_run(worker, "manual")["result"] == "succeeded"


def test_worker_takes_back_what_it_can_and_names_what_it_cannot(user_worker, account):
    def leave_roots_entries(worker):
        # As an older `sudo deployhook deploy` left them: a (readable) job file root owns in
        # the worker's queue directory, and a queue directory root owns.
        done = worker.command("deploy", "app")
        assert done.returncode == 0, done.stderr
        (job,) = (worker.state_dir / "queue" / "app").glob("*.json")
        os.chown(job, 0, 0)
        job.chmod(0o644)
        (worker.state_dir / "queue" / "other").mkdir()

    worker = user_worker(stage=leave_roots_entries)
    assert wait_for_run(worker, "manual")["result"] == "succeeded"
    wait_queue_empty(worker, "app")
    (line,) = log_lines(worker, "queue/other")
    assert line.startswith("<3>state ")
    assert "owner=0" in line and f"chown -R {account.pw_uid}" in line
    assert log_lines(worker, "repaired=1")



def test_sudo_pause_leaves_a_pause_the_worker_owns_and_honours(user_worker, account):
    worker = user_worker()
    paused = worker.command("pause", "app", "--reason", "as root")  # like `sudo deployhook pause`
    assert paused.returncode == 0, paused.stderr
    assert foreign_entries(worker.state_dir, account.pw_uid) == []

    reply = worker.deliver(fixture(PUSH))
    assert reply.status == 202, reply.body
    # The worker read the pause root wrote: it holds the job back, and says so.
    held = 'target=app queued=1 reason="paused: deployments wait for resume"'
    wait_until(lambda: held in worker.log(), 30, "the pause to hold the push back")
    assert worker.history() == []

    resumed = worker.command("resume", "app")
    assert resumed.returncode == 0, resumed.stderr
    run = wait_for_run(worker, reply.json["delivery"])
    assert run["result"] == "succeeded"
