"""scripts/run's stack, end to end, as the README's first command starts it: a private engine,
a registry, both demo targets (one recreated in place, one blue-green behind its own nginx), the
worker and nginx with TLS; a signed push through nginx deploys both while GETs go through the
blue-green target's front door; `deliver` does it again; `stop` stops everything it started.

Runs scripts/run_stack.py (what scripts/run runs after installing and building) with its state
and runtime directories in a temporary place, so a demo running from this checkout is left alone.
Needs root, as the demo does.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from docker_env import free_port
from worker import REPO, binary

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the demo needs root")

RUN_TIMEOUT = 600  # a start installs nothing here but brings up and deploys everything


def demo(env, *args):
    """Run scripts/run_stack.py ARGS; return the CompletedProcess (text)."""
    return subprocess.run([sys.executable, str(REPO / "scripts" / "run_stack.py"), *args],
                          env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          check=False)


def test_the_demo_deploys_both_targets_and_stops_what_it_started():
    state = Path(tempfile.mkdtemp(prefix="deployhook-demo-"))
    # Short: the private engine's sockets live below it.
    runtime = Path(tempfile.mkdtemp(prefix="dhd-", dir="/run"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCKER_")}
    env.update(DEPLOYHOOK_DEMO_STATE=str(state), DEPLOYHOOK_DEMO_RUNTIME=str(runtime))
    try:
        started = demo(env, "start", "--binary", str(binary()), "--port", str(free_port()))
        said = started.stdout + started.stderr
        assert started.returncode == 0, said
        assert "deployment succeeded: app now runs version v" in said
        assert re.search(r"blue-green deployment of web succeeded: slot green serves version v\S+; "
                         r"[1-9]\d* GETs through \S+ during it, 0 failed", said), said

        again = demo(env, "deliver")
        said = again.stdout + again.stderr
        assert again.returncode == 0, said
        assert re.search(r"slot blue serves version v\S+; [1-9]\d* GETs .* 0 failed", said), said
    finally:
        stopped = demo(env, "stop")
        left = sorted(path.name for path in (state / "pids").glob("*.pid"))
        shutil.rmtree(state, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert left == [], f"stop leaves pid files: {left}"
    assert not runtime.exists(), "stop removes the runtime directory"
