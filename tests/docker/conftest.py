"""Fixtures for tests against a real, private Docker engine and a local registry.

docker_session  one DockerEnv (engine + registry) for the whole test session.
docker_env      that DockerEnv for one test: the registry is running when the test
                starts, and every container is removed when it ends.
compose_project a new compose project directory whose service ``app`` runs
                docker_env.app_ref (nothing is pulled or started yet).
docker_swarm    a DockerEnv of its own, a single-node swarm, for one test module.
"""

import contextlib
import itertools
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lib"))

from docker_env import DockerEnv, missing_prerequisites  # noqa: E402

_timing_lines = []
_project_numbers = itertools.count(1)


@contextlib.contextmanager
def _private_engine():
    """Yield a started DockerEnv; stop it (engine, registry, files) however the caller ends."""
    problems = missing_prerequisites()
    if problems:
        pytest.fail("cannot start a private Docker engine: " + "; ".join(problems))
    env = DockerEnv()
    env.start()
    try:
        yield env
    finally:
        env.stop()
        _timing_lines.extend(env.timings.summary())


@pytest.fixture(scope="session")
def docker_session():
    """Yield a started DockerEnv; stop it after the session."""
    with _private_engine() as env:
        yield env


@pytest.fixture(scope="module")
def docker_swarm():
    """Yield a DockerEnv of its own whose engine is a single-node swarm manager
    (`docker swarm init --advertise-addr 127.0.0.1`); leave the swarm and stop the engine after
    the module, however its tests end. Its own engine: swarm state stays away from the compose
    suites."""
    with _private_engine() as env:
        try:
            env.docker("swarm", "init", "--advertise-addr", "127.0.0.1")
            yield env
        finally:
            env.docker("swarm", "leave", "--force", check=False)


@pytest.fixture
def docker_env(docker_session):
    """Yield the session's DockerEnv with its registry running; remove all containers after."""
    docker_session.registry.start()
    yield docker_session
    docker_session.engine.remove_containers()


@pytest.fixture
def compose_project(docker_env, request):
    """Return the directory of a new compose project for this test (service app, app_ref)."""
    stem = re.sub(r"[^a-z0-9]", "", request.node.name.lower())[:40]
    return docker_env.new_project(f"{stem}-{next(_project_numbers)}")


def pytest_terminal_summary(terminalreporter):
    """Print how long the engine, registry, images and compose commands took."""
    if _timing_lines:
        terminalreporter.write_sep("-", "docker harness timings")
        for line in _timing_lines:
            terminalreporter.write_line(line)
