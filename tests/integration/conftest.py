"""Fixtures for the integration suite: workers that are always stopped by pid."""

import signal

import pytest

from integration_support import (OCTOKIT_REPOSITORY, SHARED_MAX_BODY, STOP_TIMEOUT, Worker,
                                 noop_target)


@pytest.fixture
def start_worker(tmp_path):
    """Return start(targets=None, name="worker", **Worker options): a started Worker in its
    own directory under tmp_path. Every worker it started is stopped when the test ends."""
    started = []

    def start(targets=None, name="worker", **options):
        worker = Worker(tmp_path / name, targets or [noop_target()], **options)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)


@pytest.fixture(scope="module")
def shared_worker(tmp_path_factory):
    """One worker for a module's tests that never queue a job, so they may share it. Targets:
    `app` (woodpecker-ci/woodpecker main), `hello` (Codertocat/Hello-World main) and `tagged`,
    whose branch has the name of the tag github/push/woodpecker-tag.json pushes."""
    targets = [noop_target("app"), noop_target("hello", OCTOKIT_REPOSITORY),
               noop_target("tagged", "6543/test_ci_tmp", "the-tag-v1")]
    worker = Worker(tmp_path_factory.mktemp("shared"), targets,
                    settings={"max_body_bytes": SHARED_MAX_BODY})
    worker.start()
    yield worker
    worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
