"""What the real-engine deployment suites share: the push they deliver, a worker targeting a
compose project, waiting for a delivery's run, and reading a run's record."""

import contextlib
import json
import os
import tempfile
import uuid
from pathlib import Path

import pytest

from accounts import launcher_for
from worker import FAST_RUNNER_ENV, Worker, fixture, target, wait_until

REPOSITORY = "woodpecker-ci/woodpecker"
BRANCH = "main"
# A real GitHub push to refs/heads/main of woodpecker-ci/woodpecker.
PUSH_FIXTURE = "github/push/woodpecker-push.json"
TARGET = "app"
SERVICE = "app"
HEALTH_TIMEOUT = 20
STEP_TIMEOUT = 60
# A lone push runs at once: it pulls, recreates and waits for health.
RUN_DEADLINE = 90.0


def push_body(after=None):
    """Return the push fixture's exact bytes, or, given after, the same push of that commit."""
    body = fixture(PUSH_FIXTURE)
    if after is None:
        return body
    payload = json.loads(body)
    payload["after"] = after
    payload["head_commit"]["id"] = after
    return json.dumps(payload).encode()


def read_version(env, container):
    """Return the content of /version inside a running container."""
    return env.docker("exec", container, "/bin/busybox", "cat", "/version").stdout


def run_log(run):
    """Return the combined output the worker kept for a run, for failure messages."""
    try:
        with open(run["log"], errors="replace") as f:
            return f.read()
    except OSError as error:
        return f"(no run log: {error})"


def step_names(run):
    """Return the names of a run's recorded steps, in order."""
    return [step["name"] for step in run["steps"]]


def compose_argv(docker_env, *args):
    """Return the argv the worker runs for compose ARGS under docker_env's flavour, e.g.
    ["docker-compose", "pull", "app"] or ["docker", "compose", "pull", "app"]."""
    return [*docker_env.compose_command, *args]


def step(run, name):
    """Return the run's first recorded step called name."""
    return next(s for s in run["steps"] if s["name"] == name)


def bring_up(docker_env, project, marker, revision=None, labels=True):
    """Run the project's app, healthy, on a fresh image; return (image id, container id).
    labels=False: an image with no labels at all (see DockerEnv.make_image)."""
    image = docker_env.make_image(docker_env.app_ref, marker, revision=revision, labels=labels)
    docker_env.compose(project, "pull", SERVICE)
    docker_env.compose(project, "up", "-d", SERVICE)
    container = docker_env.container(project, SERVICE)
    docker_env.wait_health(container, "healthy")
    return image, container


@contextlib.contextmanager
def serving(docker_env, project, env_extra=None, account=None, **options):
    """Yield a started `deployhook serve` whose target app deploys project (options: more
    target keys). It reaches the private engine through DOCKER_HOST in its own environment,
    which it passes on to its steps, runs the compose of docker_env's flavour (its `compose`
    key; PATH and DOCKER_CONFIG pick the flavour's docker CLI and compose plugin), runs jobs
    with the runner's pauses shortened (FAST_RUNNER_ENV), and is stopped by pid however the
    test ends."""
    keys = {"health_timeout": HEALTH_TIMEOUT, "pull_timeout": STEP_TIMEOUT,
            "up_timeout": STEP_TIMEOUT, **options}
    table = target(TARGET, REPOSITORY, BRANCH, project, services=[SERVICE],
                   compose=docker_env.compose_command, **keys)
    with serving_target(docker_env, table, env_extra, account) as worker:
        yield worker


@contextlib.contextmanager
def serving_target(docker_env, table, env_extra=None, account=None):
    """Yield a started `deployhook serve` with the one [[target]] table (a dict), set up and
    stopped as serving() says; env_extra (a dict) adds to or replaces its environment.
    account (a pwd entry): the worker runs as that user in the docker group, as a systemd unit
    does, and owns its files; the engine's directory is opened for it to reach the socket."""
    # Beside the engine's files: a short path keeps the worker's unix socket within its limit.
    root = tempfile.mkdtemp(prefix="worker-", dir=docker_env.root)
    env = docker_env.env()
    env.setdefault("PATH", os.defpath)
    env.update(FAST_RUNNER_ENV)
    env.update(env_extra or {})
    launcher = ()
    if account is not None:
        env["HOME"] = root
        launcher = launcher_for(account, groups=["docker"])
    worker = Worker(root, targets=[table], env=env, launcher=launcher)
    if account is not None:
        os.chmod(docker_env.root, 0o711)
        for path in [Path(root), *Path(root).rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()


def wait_for_run(worker, delivery, deadline=RUN_DEADLINE, skip=0):
    """Return the history record of the run that covered delivery (after the first skip such
    runs: "rollback" and "manual" name many); fail at the deadline."""
    def recorded():
        runs = [run for run in worker.history() if delivery in run["deliveries"]]
        return runs[skip] if len(runs) > skip else None

    try:
        return wait_until(recorded, deadline, f"the run covering delivery {delivery}",
                          interval=0.2)
    except TimeoutError as error:
        pytest.fail(f"{error}\nworker log:\n{worker.log()}")


def queue_push(worker, body, event="push"):
    """Deliver a signed delivery, check it was queued for the target; return its delivery id."""
    delivery = str(uuid.uuid4())
    reply = worker.deliver(body, event=event, delivery=delivery)
    assert reply.status == 202, reply.body
    assert reply.json["status"] == "queued"
    assert reply.json["target"] == TARGET
    return delivery


def deliver_push(worker, body, deadline=RUN_DEADLINE):
    """Deliver a signed push, check it was queued for the target; return its run's record."""
    return wait_for_run(worker, queue_push(worker, body), deadline)
