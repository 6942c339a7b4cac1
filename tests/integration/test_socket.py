"""The listening socket: created with socket_mode and socket_group, inherited on fd 0 from
spawn-fcgi, never taken from a worker that still listens on it; TCP on IPv6 as [addr]:port.
"""

import grp
import os
import signal
import socket
import stat
import subprocess

import pytest

from integration_support import (PUSH, STOP_TIMEOUT, Worker, assert_answer, binary,
                                 config_text, fastcgi_request, fixture, noop_target, run_cli,
                                 wait_until)
from fastcgi_client import fastcgi_once  # noqa: E402  (tests/lib, put on the path above)


def stop_process(process):
    """Stop a worker started here by its pid (SIGTERM, then SIGKILL at the deadline); return its
    exit status."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(10)


@pytest.mark.parametrize("mode, group", [("0660", "www-data"), ("0600", "nogroup")])
def test_creates_the_socket_with_socket_mode_and_socket_group(start_worker, mode, group):
    worker = start_worker(settings={"socket_mode": mode, "socket_group": group})
    info = os.stat(worker.socket)
    assert stat.S_ISSOCK(info.st_mode)
    assert stat.S_IMODE(info.st_mode) == int(mode, 8)
    assert info.st_gid == grp.getgrnam(group).gr_gid


def test_refuses_to_serve_with_a_socket_group_that_does_not_exist(tmp_path):
    worker = Worker(tmp_path, [noop_target()], settings={"socket_group": "no-such-group-x"})
    done = worker.command("serve")
    assert done.returncode == 2
    assert "no-such-group-x" in done.stderr
    assert "deployhook.toml:" in done.stderr and "socket_group" in done.stderr
    assert not worker.socket.exists()


def test_does_not_take_over_a_socket_another_worker_listens_on(start_worker, tmp_path):
    first = start_worker()
    second = Worker(tmp_path / "second", [noop_target()],
                    settings={"listen": f"unix:{first.socket}"})
    done = second.command("serve")
    assert done.returncode != 0
    assert str(first.socket) in done.stderr
    assert_answer(first.deliver(fixture(PUSH), event="ping"), 200, "pong")


def test_serves_a_socket_inherited_on_fd_0_from_spawn_fcgi(tmp_path):
    # Without listen in the config, as under spawn-fcgi or systemd socket activation.
    worker = Worker(tmp_path, [noop_target()])
    worker.config.write_text(config_text(
        {"state_dir": str(worker.state_dir), "secret_file": str(worker.secret_file)},
        [noop_target()]))
    socket_path = tmp_path / "spawned.sock"
    # -n: spawn-fcgi binds the socket and execs deployhook in its own process (same pid).
    process = subprocess.Popen(
        ["spawn-fcgi", "-n", "-s", str(socket_path), "-M", "0660", "--",
         str(binary()), "serve", "--config", str(worker.config)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(socket_path.exists, 10, "spawn-fcgi's socket")
        reply = fastcgi_request(socket_path, {
            "REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": "0", "HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64})
        assert_answer(reply, 401, "invalid_signature")
    finally:
        status = stop_process(process)
    assert status == 0


def test_serve_without_listen_or_inherited_socket_exits_2_with_a_clear_error(tmp_path):
    worker = Worker(tmp_path, [noop_target()])
    worker.config.write_text(config_text(
        {"state_dir": str(worker.state_dir), "secret_file": str(worker.secret_file)},
        [noop_target()]))
    done = run_cli("serve", "--config", str(worker.config))  # stdin is a pipe, not a socket
    assert done.returncode == 2
    message = done.stderr.decode()
    assert message.count("\n") == 1
    assert "listen" in message and "fd 0" in message


def ipv6_loopback_port():
    """Return a free TCP port on ::1, or None when this host has no IPv6 loopback."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
            return probe.getsockname()[1]
    except OSError:
        return None


def fastcgi_over_tcp6(port, params, timeout=10):
    """Send one FastCGI request (responder role, no body) to [::1]:port; return its stdout.
    cgi-fcgi cannot: it splits HOST:PORT at the first colon."""
    return fastcgi_once(("::1", port), params, timeout)


@pytest.mark.skipif(ipv6_loopback_port() is None, reason="no IPv6 loopback on this host")
def test_serves_on_a_bracketed_ipv6_address(tmp_path):
    port = ipv6_loopback_port()
    worker = Worker(tmp_path, [noop_target()], settings={"listen": f"[::1]:{port}"})
    log = open(worker.log_path, "ab")
    process = subprocess.Popen([str(binary()), "serve", "--config", str(worker.config)],
                               stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    try:
        def answer():
            if process.poll() is not None:
                raise RuntimeError(f"worker exited {process.returncode}: {worker.log()}")
            try:
                return fastcgi_over_tcp6(port, {"REQUEST_METHOD": "GET"})
            except OSError:
                return None

        reply = wait_until(answer, 10, "the worker on [::1]")
        assert b"405" in reply.split(b"\r\n", 1)[0]
    finally:
        status = stop_process(process)
    assert status == 0
