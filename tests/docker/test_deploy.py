"""Deployments against a real Docker engine: a signed push through `deployhook serve` pulls a
new image from a local registry, recreates the compose service, gates on its healthcheck and
rolls back when the new image is unhealthy.

Every test starts from the same state: the service ``app`` of its own compose project runs a
healthy image v1 from the registry, and a worker of its own targets that project.
"""

import json

import pytest

from deploy_support import (BRANCH, REPOSITORY, SERVICE, TARGET, bring_up, compose_argv,
                            deliver_push, push_body, read_version, run_log, serving, step,
                            step_names, wait_for_run)


@pytest.fixture
def running_v1(docker_env, compose_project):
    """Bring the project's app up, healthy, on a fresh image v1; return (image id, container id)."""
    return bring_up(docker_env, compose_project, "v1")


@pytest.fixture
def worker(docker_env, compose_project):
    """Yield a started worker whose target app deploys compose_project."""
    with serving(docker_env, compose_project) as started:
        yield started


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
    assert step(run, "pull")["argv"] == compose_argv(docker_env, "pull", SERVICE)
    # compose v2 is told not to pull again at `up`; v1 has no such flag and does not.
    never = ["--pull", "never"] if docker_env.compose_command == ["docker", "compose"] else []
    assert step(run, "up")["argv"] == compose_argv(docker_env, "up", "-d", *never, SERVICE)
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
    assert step_names(run) == ["pull", "up", "health", "rollback-tag", "rollback-up",
                               "rollback-health"], run_log(run)
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


def test_check_config_shows_the_configured_compose_command(docker_env, worker):
    checked = worker.command("check-config")

    assert checked.returncode == 0, checked.stderr
    command = " ".join(docker_env.compose_command)
    assert f"compose: {command} (configured, version " in checked.stdout
    v2 = docker_env.compose_command == ["docker", "compose"]
    assert ("up: --pull never" if v2 else "up: references tagged to the checked images first") in checked.stdout
    assert f"target {TARGET}: {REPOSITORY} branch {BRANCH}" in checked.stdout
