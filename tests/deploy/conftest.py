"""Fixtures for the deployment runner against the fake `docker` (tests/lib/fake_docker).

fake        a FakeDocker for this test: steer it with fake.set(...), read fake.calls(...)
workers     a factory: workers(name) returns a started `deployhook serve` whose steps find the
            fake as docker; every worker of a test shares one state_dir and one target "app"
two_runs    (per module) a stopped worker whose history holds two runs: failed, then succeeded
push_body   make_push_body: a real GitHub push payload (fixture github/push/woodpecker-push.json)
            re-serialised with after, ref and commit messages changed
deliver     deliver_push: posts a signed push and asserts it was queued
only_run    waits for a worker's single recorded run of one delivery and returns it
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lib"))

from fake_docker_control import FakeDocker  # noqa: E402
from github_push import BRANCH, REPOSITORY, deliver_push, make_push_body  # noqa: E402
from worker import FAST_RUNNER_ENV, Worker, target, wait_until  # noqa: E402

TARGET = "app"
SERVICE = "app"


@pytest.fixture
def fake(tmp_path):
    """Return a FakeDocker for this test (the workers fixture cleans up after it)."""
    return FakeDocker(tmp_path)


@pytest.fixture
def project_dir(tmp_path):
    """Return the compose project directory of the target (the steps' cwd)."""
    path = tmp_path / "project"
    path.mkdir()
    return path


def target_options(project_dir, **overrides):
    """Return the target table for TARGET: compose through the fake, short timeouts."""
    options = {"services": [SERVICE], "compose": ["docker", "compose"],
               "pull_timeout": 60, "up_timeout": 60, "health_timeout": 20, "rollback": True}
    options.update(overrides)
    return target(TARGET, REPOSITORY, options.pop("branch", BRANCH), project_dir, **options)


class Workers:
    """Workers on one state_dir whose steps find the fake as docker, with the runner's pauses
    shortened (FAST_RUNNER_ENV); each gets its own socket."""

    def __init__(self, root, fake, project_dir):
        self.root = root
        self.fake = fake
        self.project_dir = project_dir
        self.state_dir = root / "state"
        self.made = []

    def __call__(self, name="worker", start=True, env=None, **overrides):
        """Return a worker (started unless start=False); env adds variables to its small
        environment, overrides change the target's options."""
        worker = Worker(self.root / name, targets=[target_options(self.project_dir, **overrides)],
                        settings={"state_dir": str(self.state_dir)},
                        env=self.fake.worker_env(**{**FAST_RUNNER_ENV, **(env or {})}))
        self.made.append(worker)
        return worker.start() if start else worker

    def stop_all(self):
        """Stop every worker by pid (generously: a step may be finishing), then the fake's
        leftovers."""
        for worker in self.made:
            worker.stop(timeout=60)
        self.fake.stop_leftovers()


@pytest.fixture
def workers(tmp_path, fake, project_dir):
    """Return a Workers factory for this test; every worker is stopped after it."""
    factory = Workers(tmp_path, fake, project_dir)
    yield factory
    factory.stop_all()


@pytest.fixture
def push_body():
    """Return make_push_body."""
    return make_push_body


@pytest.fixture
def deliver():
    """Return deliver_push."""
    return deliver_push


@pytest.fixture
def only_run():
    """Return a function (worker, delivery) that waits until a run is recorded and its job has
    left the queue (removed just after the record), checks it is the only run and covers
    exactly `delivery`, and returns it."""

    def wait(worker, delivery, timeout=60):
        runs = wait_until(lambda: not worker.queued(TARGET) and worker.history(), timeout,
                          "a recorded run and an empty queue")
        assert len(runs) == 1
        assert runs[0]["deliveries"] == [delivery]
        return runs[0]

    return wait


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Return a stopped worker whose history holds a failed run, then a succeeded one."""
    root = tmp_path_factory.mktemp("two-runs")
    project = root / "project"
    project.mkdir()
    fake = FakeDocker(root)
    factory = Workers(root, fake, project)
    try:
        worker = factory(health_timeout=0)
        fake.set(pull={"exit": 1})
        deliver_push(worker, make_push_body("1" * 40))
        wait_until(lambda: len(worker.history()) == 1, 30, "the failed run")
        fake.set()
        deliver_push(worker, make_push_body("2" * 40))
        wait_until(lambda: len(worker.history()) == 2, 30, "the succeeded run")
    finally:
        factory.stop_all()
    return worker
