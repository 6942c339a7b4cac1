"""Swarm targets against a real single-node swarm: a private engine of its own (no bridge, no
iptables, like the session's), `docker swarm init --advertise-addr 127.0.0.1`, and a local
registry. Swarm's update_config (failure_action rollback, a short monitor) is the health gate.

The stack's services use the stack's default overlay network: Swarm creates it (and its ingress)
without the engine's bridge or iptables, and on one node nothing leaves it. `network_mode` is not
available to Swarm services. The swarm is left and its engine stopped however the tests end.
"""

import json
import os
import re

import pytest

from deploy_support import (BRANCH, REPOSITORY, TARGET, deliver_push, push_body, run_log,
                            serving_target, step_names, wait_for_run)
from docker_env import wait_until
from worker import target

UP_TIMEOUT = 120
HEALTH = {"test": ["CMD", "/bin/busybox", "test", "-f", "/healthy"],
          "interval": "1s", "timeout": "1s", "retries": 2, "start_period": "1s"}
# Rollback needs failure_action rollback; the monitor is how long a new task must stay healthy.
UPDATE_CONFIG = {"failure_action": "rollback", "monitor": "5s", "order": "stop-first"}
ROLLBACK_CONFIG = {"monitor": "2s", "order": "stop-first"}


@pytest.fixture
def swarm_env(docker_swarm, request):
    """Yield the swarm with its registry running and a name for this test's stack or service;
    remove its services afterwards."""
    swarm = docker_swarm
    swarm.registry.start()
    swarm.name = re.sub(r"[^a-z0-9]", "", request.node.name.lower())[-30:]
    swarm.ref = f"{swarm.registry.address}/swarm/{swarm.name}:latest"
    yield swarm
    swarm.registry.start()
    names = swarm.docker("service", "ls", "-q").stdout.split()
    if names:
        swarm.docker("service", "rm", *names, check=False)


def write_stack(env):
    """Write a stack file whose service app runs env.ref; return its directory."""
    stack_dir = os.path.join(env.root, "stacks", env.name)
    os.makedirs(stack_dir)
    stack = {"version": "3.8",
             "services": {"app": {"image": env.ref, "init": True,
                                  "command": ["/bin/busybox", "sleep", "86400"],
                                  "healthcheck": HEALTH,
                                  "deploy": {"replicas": 1, "update_config": UPDATE_CONFIG,
                                             "rollback_config": ROLLBACK_CONFIG}}}}
    with open(os.path.join(stack_dir, "stack.yml"), "w") as f:
        json.dump(stack, f, indent=2)  # JSON is YAML
    return stack_dir


def running_version(env, service):
    """Return /version of the service's one running task, once it has exactly one."""
    def one():
        ids = env.docker("ps", "-q", "--filter", f"label=com.docker.swarm.service.name={service}",
                         "--filter", "status=running").stdout.split()
        return ids[0] if len(ids) == 1 else None

    container = wait_until(one, 60, f"one running task of {service}")
    return env.docker("exec", container, "/bin/busybox", "cat", "/version").stdout


def update_state(env, service):
    """Return the service's UpdateStatus as JSON text ("null" without one)."""
    return env.docker("service", "inspect", "--format", "{{json .UpdateStatus}}", service).stdout.strip()


def spec_image(env, service):
    return env.docker("service", "inspect", "--format",
                      "{{.Spec.TaskTemplate.ContainerSpec.Image}}", service).stdout.strip()


def bring_up_stack(env):
    """Deploy v1 of the stack (healthy) and wait until it serves; return the stack directory."""
    env.make_image(env.ref, "v1")
    stack_dir = write_stack(env)
    env.docker("stack", "deploy", "--with-registry-auth", "--resolve-image", "always",
               "-c", "stack.yml", env.name, cwd=stack_dir)
    assert running_version(env, f"{env.name}_app") == "v1"
    return stack_dir


def bring_up_service(env):
    """Create the service (v1, healthy) with the same update_config; return its name."""
    env.make_image(env.ref, "v1")
    env.docker("service", "create", "--name", env.name, "--with-registry-auth", "--init",
               "--health-cmd", "/bin/busybox test -f /healthy", "--health-interval", "1s",
               "--health-timeout", "1s", "--health-retries", "2", "--health-start-period", "1s",
               "--update-failure-action", "rollback", "--update-monitor", "5s",
               "--update-order", "stop-first", "--rollback-monitor", "2s",
               env.ref, "/bin/busybox", "sleep", "86400", timeout=120)
    assert running_version(env, env.name) == "v1"
    return env.name


def stack_target(env, stack_dir):
    return target(TARGET, REPOSITORY, BRANCH, stack_dir, kind="stack", stack=env.name,
                  compose_files=[os.path.join(stack_dir, "stack.yml")], compose=env.compose_command,
                  pull_timeout=60, up_timeout=UP_TIMEOUT)


def bring_up(env, kind):
    """Bring up v1 of a stack or of a service; return (the Swarm service's name, the worker's
    target table, the name of the step that changes it)."""
    if kind == "stack":
        stack_dir = bring_up_stack(env)
        return f"{env.name}_app", stack_target(env, stack_dir), "deploy"
    service = bring_up_service(env)
    table = target(TARGET, REPOSITORY, BRANCH, env.root, kind="service", services=[service],
                   pull_timeout=60, up_timeout=UP_TIMEOUT)
    return service, table, "update"


def deploy(env, table):
    with serving_target(env, table) as worker:
        return deliver_push(worker, push_body(), deadline=UP_TIMEOUT + 60)


KINDS = pytest.mark.parametrize("kind", ["stack", "service"])


@KINDS
def test_healthy_new_image_succeeds_and_runs_it(swarm_env, kind):
    service, table, change = bring_up(swarm_env, kind)
    swarm_env.make_image(swarm_env.ref, "v2")
    run = deploy(swarm_env, table)
    assert run["result"] == "succeeded", run_log(run)
    assert step_names(run) == ["pull", change, "converge"], run_log(run)
    assert run["images"][0]["before"] != run["images"][0]["after"]
    assert running_version(swarm_env, service) == "v2"
    # The service's spec names the digest the run checked, and the history records it.
    digest = run["images"][0]["digest"]
    assert digest.startswith(swarm_env.ref.rsplit(":", 1)[0] + "@sha256:")
    assert spec_image(swarm_env, service).endswith("@" + digest.split("@", 1)[1])


@KINDS
def test_unhealthy_new_image_is_rolled_back_by_swarm(swarm_env, kind):
    service, table, change = bring_up(swarm_env, kind)
    before = spec_image(swarm_env, service)
    swarm_env.make_image(swarm_env.ref, "v2", healthy=False)
    run = deploy(swarm_env, table)
    assert run["result"] == "rolled_back", run_log(run)
    assert step_names(run) == ["pull", change, "converge"], run_log(run)
    assert '"rollback_completed"' in update_state(swarm_env, service)
    assert spec_image(swarm_env, service) == before
    assert running_version(swarm_env, service) == "v1"


@KINDS
def test_registry_down_fails_and_touches_no_service(swarm_env, kind):
    service, table, _ = bring_up(swarm_env, kind)
    before, status = spec_image(swarm_env, service), update_state(swarm_env, service)
    swarm_env.make_image(swarm_env.ref, "v2")
    swarm_env.registry.stop()
    run = deploy(swarm_env, table)
    assert run["result"] == "failed", run_log(run)
    assert step_names(run) == ["pull"], run_log(run)
    assert spec_image(swarm_env, service) == before
    assert update_state(swarm_env, service) == status
    assert running_version(swarm_env, service) == "v1"


def test_rollback_command_updates_the_service_to_the_earlier_runs_image(swarm_env):
    service, table, _ = bring_up(swarm_env, "service")
    with serving_target(swarm_env, table) as worker:
        for marker, commit in (("v2", "2" * 40), ("v3", "3" * 40)):
            swarm_env.make_image(swarm_env.ref, marker)
            run = deliver_push(worker, push_body(after=commit), deadline=UP_TIMEOUT + 60)
            assert run["result"] == "succeeded", run_log(run)
        queued = worker.command("rollback", TARGET)
        assert queued.returncode == 0, queued.stderr
        back = wait_for_run(worker, "rollback", deadline=UP_TIMEOUT + 60)
    assert back["result"] == "succeeded", run_log(back)
    assert back["kind"] == "rollback"
    assert step_names(back) == ["restore-tag", "update", "converge"], run_log(back)
    assert running_version(swarm_env, service) == "v2"
