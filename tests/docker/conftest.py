"""Fixtures for tests against a real, private Docker engine and a local registry.

compose_flavour the ComposeFlavour of this run of the suite: every test runs once per flavour,
                ``compose-v1`` (docker-compose 1.29, Debian's 20.10 docker CLI) and
                ``compose-v2`` (the docker compose v2 plugin, the newest docker CLI on PATH).
                DEPLOYHOOK_COMPOSE=v1 (or v2, or v1,v2) picks which flavours run.
docker_session  one DockerEnv (engine + registry) per flavour, for all the tests of that
                flavour; pytest runs them together and stops one flavour's engine before
                starting the next's.
docker_env      that DockerEnv for one test: the registry is running when the test
                starts, and every container is removed when it ends.
compose_project a new compose project directory whose service ``app`` runs
                docker_env.app_ref (nothing is pulled or started yet).
docker_swarm    a DockerEnv of its own, a single-node swarm, for one test module and flavour
                (swarm uses no compose, but its steps run the flavour's docker CLI).
"""

import contextlib
import itertools
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "lib"))

from docker_env import COMPOSE_FLAVOURS, DockerEnv, missing_prerequisites  # noqa: E402
from docker_env import compose_flavour as flavour_named  # noqa: E402

_timing_lines = []
_project_numbers = itertools.count(1)
# The DockerEnvs started and not yet stopped, by the flavour they serve.
_running = {}


def _selected_flavours():
    """Return the flavour names DEPLOYHOOK_COMPOSE asks for (all of them when unset)."""
    asked = os.environ.get("DEPLOYHOOK_COMPOSE", "").replace(",", " ").split()
    unknown = [name for name in asked if name not in COMPOSE_FLAVOURS]
    if unknown:
        raise pytest.UsageError(f"DEPLOYHOOK_COMPOSE: unknown compose flavour(s) {unknown} "
                                f"(known: {', '.join(COMPOSE_FLAVOURS)})")
    return [name for name in COMPOSE_FLAVOURS if name in asked] or list(COMPOSE_FLAVOURS)


@contextlib.contextmanager
def _private_engine(flavour, purpose):
    """Yield a started DockerEnv of flavour; stop it (engine, registry, files) however the
    caller ends."""
    problems = missing_prerequisites(flavour)
    if problems:
        pytest.fail("cannot start a private Docker engine: " + "; ".join(problems))
    others = [key for key in _running if key[0] != flavour.name]
    assert not others, f"engines of another flavour still running: {others}"
    env = DockerEnv(flavour)
    key = (flavour.name, purpose, id(env))
    env.start()
    _running[key] = env
    try:
        yield env
    finally:
        try:
            env.stop()
        finally:
            del _running[key]
            _timing_lines.extend(f"compose-{flavour.name} {purpose}: {line}"
                                 for line in env.timings.summary())


@pytest.fixture(scope="session", params=_selected_flavours(), ids=lambda name: f"compose-{name}")
def compose_flavour(request):
    """Return the ComposeFlavour this run of the tests uses (see the module docstring)."""
    return flavour_named(request.param)


@pytest.fixture(scope="session")
def docker_session(compose_flavour):
    """Yield a started DockerEnv of the flavour; stop it after the flavour's last test."""
    with _private_engine(compose_flavour, "session") as env:
        yield env


@pytest.fixture(scope="module")
def docker_swarm(compose_flavour):
    """Yield a DockerEnv of its own whose engine is a single-node swarm manager
    (`docker swarm init --advertise-addr 127.0.0.1`); leave the swarm and stop the engine after
    the module, however its tests end. Its own engine: swarm state stays away from the compose
    suites."""
    with _private_engine(compose_flavour, "swarm") as env:
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
