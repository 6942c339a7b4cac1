"""The systemd units in scripts/systemd: they verify, and the worker serves the listening socket
the socket unit describes when it is handed over on fd 0, as StandardInput=socket does."""

import grp
import os
import shlex
import socket
import subprocess

from held_worker import (PUSH, holding_target_lock, push_over_fastcgi, queued_job, sha256,
                      write_inherited_socket_config)
from front_doors import REPO
from systemd_units import unit_settings
from worker import binary, fixture

UNITS = REPO / "scripts" / "systemd"
INSTALLED_BINARY = "/usr/local/bin/deployhook"
INSTALLED_CONFIG = "/etc/deployhook/deployhook.toml"


def test_units_pass_systemd_analyze_verify(tmp_path):
    # verify insists that ExecStart's program exists: point it at the binary under test.
    for unit in ("deployhook.socket", "deployhook.service"):
        text = (UNITS / unit).read_text().replace(INSTALLED_BINARY, str(binary()))
        (tmp_path / unit).write_text(text)
    # The units' Documentation= names man pages that only an installation puts where man finds
    # them (tests/package verifies them with the pages installed).
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", "deployhook.socket",
                           "deployhook.service"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    # Unknown keys and unparsable values are only warnings: any output is a finding.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def listening_socket(path, mode, group):
    """Return a unix stream socket listening on path with mode and group, as systemd makes it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    os.chmod(path, mode)
    if os.geteuid() == 0:
        os.chown(path, -1, grp.getgrnam(group).gr_gid)
    sock.listen(16)
    return sock


def test_worker_serves_the_socket_units_socket_on_fd_0(workdir):
    sock_unit = unit_settings(UNITS / "deployhook.socket")
    service = unit_settings(UNITS / "deployhook.service")
    # What the hand-over below imitates:
    assert (sock_unit["Accept"], service["StandardInput"]) == ("no", "socket")
    assert service["StandardOutput"] != "inherit"  # else stdout would go into the socket

    path = workdir / "deployhook.sock"
    sock = listening_socket(path, int(sock_unit["SocketMode"], 8), sock_unit["SocketGroup"])
    config = write_inherited_socket_config(workdir)
    argv = [str(binary()) if a == INSTALLED_BINARY else str(config) if a == INSTALLED_CONFIG
            else a for a in shlex.split(service["ExecStart"])]
    log_path = workdir / "worker.log"
    with holding_target_lock(workdir / "state"), open(log_path, "wb") as log:
        process = subprocess.Popen(argv, stdin=sock.fileno(), stdout=log, stderr=log)
        sock.close()  # the worker holds it now, as systemd would
        try:
            reply = push_over_fastcgi(path, "fd0-1")
            assert reply.status == 202, reply.body
            assert queued_job(workdir / "state")["body_sha256"] == sha256(fixture(PUSH))
        finally:
            process.terminate()
            process.wait(40)
    assert process.returncode == 0
    assert "listen=fd:0" in log_path.read_text()
    # systemd owns the socket file: the worker leaves it in place.
    assert path.is_socket()

