"""The spawn-fcgi recipe for hosts without systemd: spawn-fcgi creates the socket with the
proxy's group, drops to an unprivileged user and hands the socket to the worker on fd 0."""

import grp
import os
import pwd
import stat
import subprocess

import pytest

from held_worker import (PUSH, TARGET, holding_target_lock, push_over_fastcgi, queued_job, sha256,
                      write_inherited_socket_config)
from front_doors import give_to, is_root
from worker import fixture, shared_binary, wait_until

USER, GROUP = "nobody", "nogroup"  # stand-ins for the deployhook user and group
SOCKET_GROUP = "www-data"


@pytest.fixture
def spawned(workdir):
    """Yield (process, socket path, state_dir, log path) of a worker spawn-fcgi started as USER."""
    if not is_root():
        pytest.skip("spawn-fcgi changes user only when started as root")
    path, state = workdir / "deployhook.sock", workdir / "state"
    config = write_inherited_socket_config(workdir)
    log_path = workdir / "worker.log"
    with holding_target_lock(state), open(log_path, "wb") as log:
        give_to(state, USER)
        # -n: stay in the foreground (exec the worker), so its pid is ours to stop.
        process = subprocess.Popen(
            ["spawn-fcgi", "-n", "-s", str(path), "-M", "0660", "-G", SOCKET_GROUP,
             "-u", USER, "-g", GROUP, "--", str(shared_binary()), "serve", "--config", str(config)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            wait_until(lambda: path.is_socket() or process.poll() is not None, 10, "the socket")
            if process.poll() is not None:
                raise RuntimeError(f"spawn-fcgi exited {process.returncode}: "
                                   f"{log_path.read_text()}")
            yield process, path, state, log_path
        finally:
            process.terminate()
            process.wait(40)


def test_spawned_worker_queues_a_push_as_the_unprivileged_user(spawned):
    process, path, state, log_path = spawned
    reply = push_over_fastcgi(path, "spawned-1")
    assert reply.status == 202, log_path.read_text()
    assert queued_job(state)["body_sha256"] == sha256(fixture(PUSH))
    [job_file] = (state / "queue" / TARGET).glob("*.json")
    assert job_file.stat().st_uid == pwd.getpwnam(USER).pw_uid
    assert f"Uid:\t{pwd.getpwnam(USER).pw_uid}\t" in open(f"/proc/{process.pid}/status").read()
    assert "listen=fd:0" in log_path.read_text()


def test_spawned_socket_belongs_to_the_proxys_group(spawned):
    _, path, _, _ = spawned
    info = os.stat(path)
    assert stat.S_IMODE(info.st_mode) == 0o660
    assert info.st_gid == grp.getgrnam(SOCKET_GROUP).gr_gid
