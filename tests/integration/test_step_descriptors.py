"""A deployment step inherits stdin, stdout and stderr from the worker and its target's lock,
nothing else: not the socket of a client another thread is serving, not another lock or a log.
(The target's lock stays held while anything the step started runs, even after its worker died.)"""

import shlex
import socket
import struct

from integration_support import noop_target, wait_for_run


def open_request_in_progress(worker):
    """Return a connection to the worker whose FastCGI request has begun but not ended, so an
    accept thread holds its socket open meanwhile."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(str(worker.socket))
    begin = struct.pack("!HB5x", 1, 0)  # responder role, do not keep the connection
    connection.sendall(struct.pack("!BBHHBx", 1, 1, 1, len(begin), 0) + begin)
    return connection


def open_files(listing):
    """Return what each descriptor in an `ls -l /proc/PID/fd` listing points to."""
    return [line.split(" -> ", 1)[1] for line in listing.read_text().splitlines() if " -> " in line]


def test_step_gets_nothing_of_the_worker_but_stdin_stdout_and_stderr(start_worker, tmp_path):
    listing = tmp_path / "fds"
    script = f"ls -l /proc/$$/fd > {shlex.quote(str(listing))}"
    worker = start_worker([noop_target(compose=("sh", "-c", script, "step"))])
    with open_request_in_progress(worker):
        done = worker.command("deploy", "app")
        assert done.returncode == 0, done.stderr
        assert wait_for_run(worker, "manual")["result"] == "succeeded"
    targets = open_files(listing)
    # stdin is /dev/null, stdout and stderr the worker's pipe (the shell keeps a copy of it, and
    # its redirection target, the listing itself), and the target's lock.
    assert "/dev/null" in targets
    lock = str(worker.state_dir / "locks" / "app.lock")
    assert [target for target in targets if target.endswith(".lock")] == [lock]
    assert all(target in ("/dev/null", str(listing), lock) or target.startswith("pipe:")
               for target in targets), targets
