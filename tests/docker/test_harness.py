"""The harness itself: images go through the registry, compose runs them, health shows."""

import pytest

from docker_env import DockerEnvError


def read_version(env, container):
    """Return the content of /version inside a running container."""
    return env.docker("exec", container, "/bin/busybox", "cat", "/version").stdout


def test_new_image_reaches_the_engine_only_by_pull(docker_env):
    ref = docker_env.app_ref
    first = docker_env.make_image(ref, "v1")
    docker_env.docker("pull", ref)
    assert docker_env.image_id(ref) == first

    second = docker_env.make_image(ref, "v2")
    assert second != first
    assert docker_env.image_id(ref) == first

    docker_env.docker("pull", ref)
    assert docker_env.image_id(ref) == second
    assert docker_env.inspect(ref, "{{.Config.Labels.version}}") == "v2"
    shown = docker_env.docker("run", "--rm", "--network", "none", ref,
                              "/bin/busybox", "cat", "/version").stdout
    assert shown == "v2"


def test_compose_up_runs_the_pulled_image_and_reports_health(docker_env, compose_project):
    healthy = docker_env.make_image(docker_env.app_ref, "v1")
    docker_env.compose(compose_project, "pull", "app")
    docker_env.compose(compose_project, "up", "-d", "app")
    container = docker_env.container(compose_project, "app")
    assert docker_env.container_image(compose_project, "app") == healthy
    assert docker_env.wait_health(container, "healthy") == "healthy"
    assert docker_env.inspect(container, "{{.HostConfig.NetworkMode}}") == "none"

    unhealthy = docker_env.make_image(docker_env.app_ref, "v2", healthy=False)
    docker_env.compose(compose_project, "pull", "app")
    docker_env.compose(compose_project, "up", "-d", "app")
    container = docker_env.container(compose_project, "app")
    assert docker_env.container_image(compose_project, "app") == unhealthy
    assert read_version(docker_env, container) == "v2"
    assert docker_env.wait_health(container, "unhealthy") == "unhealthy"


def test_compose_makes_no_network(docker_env, compose_project):
    docker_env.make_image(docker_env.app_ref, "v1")
    docker_env.compose(compose_project, "up", "-d", "app")
    networks = docker_env.docker("network", "ls", "--format", "{{.Name}}").stdout.split()
    assert sorted(networks) == ["host", "none"]


def test_pull_fails_while_the_registry_is_stopped(docker_env, compose_project):
    first = docker_env.make_image(docker_env.app_ref, "v1")
    docker_env.registry.stop()
    failed = docker_env.compose(compose_project, "pull", "app", check=False)
    assert failed.returncode != 0
    assert "connection refused" in failed.stderr
    with pytest.raises(DockerEnvError):
        docker_env.make_image(docker_env.app_ref, "v2")

    docker_env.registry.restart()
    docker_env.compose(compose_project, "pull", "app")
    assert docker_env.image_id(docker_env.app_ref) == first
