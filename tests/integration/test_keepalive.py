"""Kept-alive FastCGI connections (nginx `fastcgi_keep_conn on`) never stall the worker: between
two requests a kept connection is held by no thread, so any number of them leave every thread
free for new connections and for the next request on each of them."""

import os
import resource
import time

import pytest
from fastcgi_client import KeptConnection, fastcgi_once
from integration_support import noop_target
from worker import wait_until

GET = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/webhook/deploy", "SCRIPT_NAME": "/webhook/deploy"}
THREADS = 2
KEPT = 40  # twenty times the threads
FLOOD = 1100  # open connections, more than select() can watch
# Were a kept connection to hold a thread, a new connection would wait here forever.
ANSWER_DEADLINE = 5.0


def test_idle_kept_connections_do_not_block_a_new_one(start_worker):
    worker = start_worker([noop_target()], settings={"threads": THREADS})
    kept = [KeptConnection(str(worker.socket), timeout=ANSWER_DEADLINE) for _ in range(KEPT)]
    try:
        for connection in kept:
            assert b"Status: 405" in connection.request(GET)

        started = time.monotonic()
        answer = fastcgi_once(str(worker.socket), GET, timeout=ANSWER_DEADLINE)
        assert b"Status: 405" in answer
        assert time.monotonic() - started < ANSWER_DEADLINE

        # Every kept connection is still open and answers its next request, newest first.
        for connection in reversed(kept):
            assert b"Status: 405" in connection.request(GET)
    finally:
        for connection in kept:
            connection.close()


def test_a_kept_connection_serves_many_requests(start_worker):
    worker = start_worker([noop_target()], settings={"threads": THREADS})
    connection = KeptConnection(str(worker.socket))
    try:
        for _ in range(20):
            assert b"Status: 405" in connection.request(GET)
    finally:
        connection.close()


def test_kept_connections_the_proxy_closes_leave_nothing_behind(start_worker):
    worker = start_worker([noop_target()], settings={"threads": THREADS})
    pid = worker.process.pid
    baseline = len(os.listdir(f"/proc/{pid}/fd"))
    for _ in range(3):  # more connections than threads, opened and closed in turn
        kept = [KeptConnection(str(worker.socket)) for _ in range(KEPT)]
        for connection in kept:
            assert b"Status: 405" in connection.request(GET)
        for connection in kept:
            connection.close()
    wait_until(lambda: len(os.listdir(f"/proc/{pid}/fd")) <= baseline, 10,
               "the worker to close the connections the client closed")
    assert b"Status: 405" in fastcgi_once(str(worker.socket), GET, timeout=ANSWER_DEADLINE)


def test_a_kept_connection_idle_too_long_is_closed(start_worker):
    env = dict(os.environ, DEPLOYHOOK_TEST_KEEP_IDLE_MS="300")
    worker = start_worker([noop_target()], settings={"threads": THREADS}, env=env)
    idle, busy = KeptConnection(str(worker.socket)), KeptConnection(str(worker.socket))
    try:
        assert b"Status: 405" in idle.request(GET)
        idle.socket.setblocking(False)

        def idle_closed():
            assert b"Status: 405" in busy.request(GET)  # in use all along: never closed
            try:
                return idle.socket.recv(1) == b""
            except BlockingIOError:
                return False

        # Closed within the 0.3 s idle time and a 1 s sweep.
        wait_until(idle_closed, ANSWER_DEADLINE, "the idle kept connection to be closed")
        assert b"Status: 405" in busy.request(GET)
    finally:
        idle.close()
        busy.close()


def connect_when_room(socket_path):
    """Return a KeptConnection, retrying while the listening socket's backlog is full (a unix
    socket refuses a connection then, with EAGAIN)."""
    def attempt():
        try:
            return KeptConnection(str(socket_path))
        except BlockingIOError:
            return None

    return wait_until(attempt, ANSWER_DEADLINE, "room in the listening socket's backlog",
                      interval=0.01)


def test_more_open_connections_than_descriptors_neither_crash_nor_stall_the_worker(start_worker):
    # libfcgi closes a connection with select(), which cannot handle descriptors past 1023: the
    # worker refuses a connection that would get one instead of crashing on its close.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 4096)
    if wanted < FLOOD + 64:
        pytest.skip(f"the descriptor limit here ({hard}) is too low for {FLOOD} connections")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # the worker inherits it too
    try:
        worker = start_worker([noop_target()], settings={"threads": THREADS})
        early = KeptConnection(str(worker.socket), timeout=ANSWER_DEADLINE)
        assert b"Status: 405" in early.request(GET)
        flood = [connect_when_room(worker.socket) for _ in range(FLOOD)]
        try:
            answers = [connection.request(GET) for connection in flood]
            served = sum(1 for answer in answers if answer and b"Status: 405" in answer)
            refused = sum(1 for answer in answers if answer is None)
            assert served + refused == FLOOD
            assert 0 < refused < FLOOD, (served, refused)
            assert worker.process.poll() is None
            # A connection made before the flood still answers.
            assert b"Status: 405" in early.request(GET)
        finally:
            for connection in flood:
                connection.close()
        wait_until(lambda: b"Status: 405" in fastcgi_once(str(worker.socket), GET,
                                                         timeout=ANSWER_DEADLINE),
                   10, "a new connection to be served after the flood")
        early.close()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
