"""`scripts/run` as README tells a user on a fresh machine: a clean Debian root of each release
(mmdebstrap, its package lists removed as on a new container or cloud image), this checkout's
tracked files copied in, then `scripts/run` (install-deps, build, the whole chain, one push),
`scripts/run deliver` and `scripts/run stop`, each entered as that machine (debian_roots,
ENTER_AS_MACHINE: the private engine works in it).

Opt-in, as it installs everything the tests use and builds, 10 to 25 minutes a release:
DEPLOYHOOK_TEST_SCRIPTS_RUN=bookworm,trixie (or one of them). Needs root.
"""

import os
import subprocess
from pathlib import Path

import pytest

from debian_roots import Root, root_tarball
from docker_env import free_port
from process_table import alive

REPO = Path(__file__).resolve().parents[2]
CHOSEN = [suite for suite in os.environ.get("DEPLOYHOOK_TEST_SCRIPTS_RUN", "").split(",") if suite]
RUN_TIMEOUT = 3600  # install-deps and a cold build on two cores, with margin
STEP_TIMEOUT = 600

pytestmark = [pytest.mark.skipif(not CHOSEN, reason="opt-in: DEPLOYHOOK_TEST_SCRIPTS_RUN=bookworm,trixie"),
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root (chroot, a Docker engine)")]


def copy_checkout(root):
    """Copy the checkout's tracked files, as they are now, to /src in the root."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                            check=True).stdout
    target = root.path("/src")
    target.mkdir()
    packed = subprocess.run(["tar", "-C", str(REPO), "--null", "-T", "-", "-cf", "-"],
                            input=listed, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-C", str(target), "-xf", "-"], input=packed, check=True)


def started_pids(root):
    """Return the pids scripts/run wrote in the root's .run/pids (its engine, registry, nginx,
    worker)."""
    return [int(path.read_text().split()[0]) for path in root.path("/src/.run/pids").glob("*")
            if path.read_text().strip()]


@pytest.mark.parametrize("suite", CHOSEN)
def test_scripts_run_on_a_fresh_machine(suite):
    root = Root(root_tarball(suite, "apt"), f"run-{suite}")
    try:
        root.run(["sh", "-c", "rm -rf /var/lib/apt/lists/*"])
        copy_checkout(root)
        shell = ["bash", "-c"]
        started = root.run([*shell, f"cd /src && scripts/run --port {free_port()}"], timeout=RUN_TIMEOUT, check=False,
                           machine=True)
        assert started.returncode == 0, started.stdout[-4000:] + started.stderr[-4000:]
        assert "== deployment succeeded: app now runs version" in started.stdout
        assert "blue-green deployment of web succeeded" in started.stdout
        assert ", 0 failed" in started.stdout
        delivered = root.run([*shell, "cd /src && scripts/run deliver"], timeout=STEP_TIMEOUT,
                             check=False, machine=True)
        assert delivered.returncode == 0, delivered.stdout[-4000:] + delivered.stderr[-4000:]
        assert "== deployment succeeded: app now runs version" in delivered.stdout
        assert ", 0 failed" in delivered.stdout
    finally:
        pids = started_pids(root)
        stopped = root.run(["bash", "-c", "cd /src && scripts/run stop"], timeout=STEP_TIMEOUT,
                           check=False, machine=True)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert pids and [pid for pid in pids if alive(pid)] == []
    root.remove()
