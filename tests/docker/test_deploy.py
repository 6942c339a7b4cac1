"""Deployments against a real Docker engine: a signed push through `deployhook serve` pulls a
new image from a local registry, recreates the compose service, gates on its healthcheck and
rolls back when the new image is unhealthy.

Every test starts from the same state: the service ``app`` of its own compose project runs a
healthy image v1 from the registry, and a worker of its own targets that project.
"""

import json
import os
import tempfile
import uuid

import pytest

from worker import Worker, fixture, target, wait_until

REPOSITORY = "woodpecker-ci/woodpecker"
BRANCH = "main"
# A real GitHub push to refs/heads/main of woodpecker-ci/woodpecker.
PUSH_FIXTURE = "github/push/woodpecker-push.json"
TARGET = "app"
SERVICE = "app"
HEALTH_TIMEOUT = 20
STEP_TIMEOUT = 60
# A run waits ~1 s for a burst to settle, then pulls, recreates and waits for health.
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


def step(run, name):
    """Return the run's first recorded step called name."""
    return next(s for s in run["steps"] if s["name"] == name)


@pytest.fixture
def running_v1(docker_env, compose_project):
    """Bring the project's app up, healthy, on a fresh image v1; return (image id, container id)."""
    image = docker_env.make_image(docker_env.app_ref, "v1")
    docker_env.compose(compose_project, "pull", SERVICE)
    docker_env.compose(compose_project, "up", "-d", SERVICE)
    container = docker_env.container(compose_project, SERVICE)
    docker_env.wait_health(container, "healthy")
    return image, container


@pytest.fixture
def worker(docker_env, compose_project):
    """Yield a started `deployhook serve` whose target app deploys compose_project.

    It reaches the private engine through DOCKER_HOST in its own environment, which it passes
    on to its steps.  It is stopped by pid however the test ends.
    """
    table = target(TARGET, REPOSITORY, BRANCH, compose_project, services=[SERVICE],
                   compose=["docker-compose"], health_timeout=HEALTH_TIMEOUT,
                   pull_timeout=STEP_TIMEOUT, up_timeout=STEP_TIMEOUT)
    # Beside the engine's files: a short path keeps the worker's unix socket within its limit.
    root = tempfile.mkdtemp(prefix="worker-", dir=docker_env.root)
    env = docker_env.env()
    env.setdefault("PATH", os.defpath)
    serving = Worker(root, targets=[table], env=env)
    try:
        serving.start()
        yield serving
    finally:
        serving.stop()


def wait_for_run(worker, delivery):
    """Return the history record of the run that covered delivery; fail at RUN_DEADLINE."""
    def recorded():
        return next((run for run in worker.history() if delivery in run["deliveries"]), None)

    try:
        return wait_until(recorded, RUN_DEADLINE, f"the run covering delivery {delivery}",
                          interval=0.2)
    except TimeoutError as error:
        pytest.fail(f"{error}\nworker log:\n{worker.log()}")


def deliver_push(worker, body):
    """Deliver a signed push, check it was queued for the target; return its run's record."""
    delivery = str(uuid.uuid4())
    reply = worker.deliver(body, event="push", delivery=delivery)
    assert reply.status == 202, reply.body
    assert reply.json["status"] == "queued"
    assert reply.json["target"] == TARGET
    return wait_for_run(worker, delivery)


def test_push_deploys_the_new_image_after_it_turns_healthy(docker_env, compose_project,
                                                           running_v1, worker):
    v1, _ = running_v1
    v2 = docker_env.make_image(docker_env.app_ref, "v2")
    body = push_body()

    run = deliver_push(worker, body)

    assert run["result"] == "succeeded", run_log(run)
    assert run["target"] == TARGET
    assert run["after"] == json.loads(body)["after"]
    assert step_names(run) == ["pull", "up", "health"], run_log(run)
    assert all(s["exit_code"] == 0 for s in run["steps"]), run_log(run)
    assert step(run, "pull")["argv"] == ["docker-compose", "pull", SERVICE]
    assert step(run, "up")["argv"] == ["docker-compose", "up", "-d", SERVICE]
    container = docker_env.container(compose_project, SERVICE)
    assert docker_env.container_image(compose_project, SERVICE) == v2 != v1
    assert docker_env.health(container) == "healthy"
    assert read_version(docker_env, container) == "v2"


def test_unhealthy_image_is_rolled_back_to_the_previous_one(docker_env, compose_project,
                                                            running_v1, worker):
    v2 = docker_env.make_image(docker_env.app_ref, "v2")
    deployed = deliver_push(worker, push_body(after="2" * 40))
    assert deployed["result"] == "succeeded", run_log(deployed)
    assert docker_env.container_image(compose_project, SERVICE) == v2
    v3 = docker_env.make_image(docker_env.app_ref, "v3", healthy=False)

    run = deliver_push(worker, push_body(after="3" * 40))

    assert run["result"] == "rolled_back", run_log(run)
    assert step_names(run) == ["pull", "up", "health", "rollback-tag", "rollback-up"], \
        run_log(run)
    assert step(run, "health")["exit_code"] != 0
    assert step(run, "rollback-tag")["argv"] == ["docker", "tag", v2, docker_env.app_ref]
    assert step(run, "rollback-tag")["exit_code"] == 0, run_log(run)
    assert step(run, "rollback-up")["exit_code"] == 0, run_log(run)
    assert docker_env.image_id(docker_env.app_ref) == v2 != v3
    assert docker_env.container_image(compose_project, SERVICE) == v2
    container = docker_env.container(compose_project, SERVICE)
    assert docker_env.inspect(container, "{{.State.Status}}") == "running"
    assert docker_env.wait_health(container, "healthy") == "healthy"
    assert read_version(docker_env, container) == "v2"


def test_failed_pull_leaves_the_running_container_alone(docker_env, compose_project,
                                                         running_v1, worker):
    v1, before = running_v1
    docker_env.registry.stop()

    run = deliver_push(worker, push_body(after="4" * 40))

    assert run["result"] == "failed", run_log(run)
    assert step_names(run) == ["pull"], run_log(run)
    assert step(run, "pull")["exit_code"] != 0
    assert docker_env.container(compose_project, SERVICE) == before
    assert docker_env.container_image(compose_project, SERVICE) == v1
    assert docker_env.inspect(before, "{{.State.Status}}") == "running"
    assert docker_env.health(before) == "healthy"


def test_manual_deploy_pulls_and_recreates_like_a_push(docker_env, compose_project, running_v1,
                                                       worker):
    v2 = docker_env.make_image(docker_env.app_ref, "v2")

    queued = worker.command("deploy", TARGET)
    assert queued.returncode == 0, queued.stderr
    run = wait_for_run(worker, "manual")

    assert run["result"] == "succeeded", run_log(run)
    assert step_names(run) == ["pull", "up", "health"], run_log(run)
    assert docker_env.container_image(compose_project, SERVICE) == v2


def test_check_config_shows_the_configured_compose_command(worker):
    checked = worker.command("check-config")

    assert checked.returncode == 0, checked.stderr
    assert "compose: docker-compose (configured)" in checked.stdout
    assert f"target {TARGET}: {REPOSITORY} branch {BRANCH}" in checked.stdout
