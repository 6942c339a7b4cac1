"""The git servers start in their own process groups and leave nothing running when stopped,
also when starting fails."""

import os
import socket
import time

import pytest

from git_servers import GitHttpServer, GitSshServer, Servers, accepts_connections
from process_table import live_processes_in_group

STOP_DEADLINE = 10.0


def test_stopping_leaves_no_process_and_no_listener(source_root):
    if os.geteuid() != 0:
        pytest.skip("the SSH git server needs root")
    servers = [GitHttpServer(source_root / "life-http", source_root / "repos", token="t"),
               GitSshServer(source_root / "life-ssh", source_root / "repos")]
    for server in servers:
        with server:
            assert all(live_processes_in_group(pgid) for pgid in server.pids)
            assert accepts_connections(server.port)
            started = time.monotonic()
        assert time.monotonic() - started < STOP_DEADLINE
        assert not accepts_connections(server.port)
    groups = servers[0].pids + servers[1].pids
    assert len(groups) == 3  # fcgiwrap, nginx, sshd
    assert not any(live_processes_in_group(pgid) for pgid in groups)
    assert servers[1].keys_dir is None


def test_a_server_that_cannot_start_stops_what_it_started(source_root):
    server = GitHttpServer(source_root / "busy-http", source_root / "repos", token="t")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server.port = taken.getsockname()[1]  # nginx cannot listen there
        with pytest.raises(RuntimeError, match="nginx exited"):
            with server:
                pass
    assert len(server.pids) == 2  # fcgiwrap had started
    assert not any(live_processes_in_group(pgid) for pgid in server.pids)


class _Stoppable:
    def __init__(self, stopped, fails):
        self.stopped, self.fails = stopped, fails

    def stop(self):
        self.stopped.append(self)
        if self.fails:
            raise TimeoutError("still running")


def test_a_process_that_will_not_end_does_not_keep_the_others_running(source_root):
    servers = Servers(source_root / "stuck")
    stopped = []
    first, stuck = _Stoppable(stopped, False), _Stoppable(stopped, True)
    servers.processes = [first, stuck]
    with pytest.raises(TimeoutError, match="still running"):
        servers.stop()
    assert stopped == [stuck, first]
