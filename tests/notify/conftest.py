"""Fixtures for notifications: workers whose runs finish with the fake `docker` and whose
[[notify]] tables point at local receivers (tests/lib/receiver.py).

receiver   a started Receiver, stopped after the test
workers    workers(notify=[{...}, ...], name=..., **target keys) returns a started worker with
           those tables;
           every worker of a test shares one state_dir, one target "app" and one fake docker
push       push(worker, after) delivers a signed push of commit `after` to the worker
"""

import json
import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lib"))

from fake_docker_control import FakeDocker  # noqa: E402
from receiver import Receiver  # noqa: E402
from worker import FAST_RUNNER_ENV, Worker, fixture, target, toml_value  # noqa: E402

PUSH_FIXTURE = "github/push/woodpecker-push.json"
REPOSITORY = "woodpecker-ci/woodpecker"  # the fixture's repository.full_name
TARGET = "app"
# The first retry after 300 ms instead of a second (see SenderTimingFromEnvironment).
FAST_NOTIFY_ENV = {**FAST_RUNNER_ENV, "DEPLOYHOOK_TEST_NOTIFY_RETRY_MS": "300"}


def notify_tables(tables):
    """Return [[notify]] tables as TOML text."""
    lines = []
    for table in tables:
        lines.append("\n[[notify]]")
        lines.extend(f"{key} = {toml_value(value)}" for key, value in table.items())
    return "\n".join(lines) + "\n"


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def fake(tmp_path):
    return FakeDocker(tmp_path)


@pytest.fixture
def workers(tmp_path, fake):
    project = tmp_path / "project"
    project.mkdir()
    made = []

    def make(notify=(), name="worker", start=True, **target_options):
        """target_options: more keys of the target's table (status_token_file, ...)."""
        worker = Worker(tmp_path / name,
                        targets=[target(TARGET, REPOSITORY, "main", project, services=["app"],
                                        compose=["docker", "compose"], health_timeout=0,
                                        **target_options)],
                        settings={"state_dir": str(tmp_path / "state")},
                        env=fake.worker_env(**FAST_NOTIFY_ENV))
        with open(worker.config, "a") as config:
            config.write(notify_tables(notify))
        made.append(worker)
        return worker.start() if start else worker

    yield make
    for worker in made:
        worker.stop(timeout=60)
    fake.stop_leftovers()


def deliver_push(worker, after):
    """Deliver a signed push of commit `after` (a real GitHub payload re-serialised) and assert
    it was queued."""
    payload = json.loads(fixture(PUSH_FIXTURE))
    payload["after"] = after
    body = json.dumps(payload, separators=(",", ":")).encode()
    reply = worker.deliver(body, event="push", delivery=str(uuid.uuid4()))
    assert reply.status == 202, (reply.status, reply.body, worker.log()[-2000:])


@pytest.fixture
def push():
    return deliver_push
