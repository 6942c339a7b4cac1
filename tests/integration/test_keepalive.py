"""Kept-alive FastCGI connections (nginx `fastcgi_keep_conn on`) never stall the worker: a
thread holding an idle kept connection hands it back when a new connection waits and no other
thread is free, so kept connections cannot pin every accept thread."""

import time

from fastcgi_client import KeptConnection, fastcgi_once
from integration_support import noop_target

GET = {"REQUEST_METHOD": "GET", "REQUEST_URI": "/webhook/deploy", "SCRIPT_NAME": "/webhook/deploy"}
THREADS = 2
# Without the hand-over a new connection waits until a kept one goes away: forever here.
ANSWER_DEADLINE = 5.0


def test_idle_kept_connections_do_not_block_a_new_one(start_worker):
    worker = start_worker([noop_target()], settings={"threads": THREADS})
    kept = [KeptConnection(str(worker.socket)) for _ in range(THREADS)]
    try:
        for connection in kept:  # each now holds one of the worker's two threads
            assert b"405" in connection.request(GET)

        started = time.monotonic()
        answer = fastcgi_once(str(worker.socket), GET, timeout=ANSWER_DEADLINE)
        assert b"Status: 405" in answer
        assert time.monotonic() - started < ANSWER_DEADLINE

        # A kept connection the worker did not hand back still answers; one it handed back
        # was closed cleanly, and nginx would open another.
        again = [connection.request(GET) for connection in kept]
        assert any(reply is not None and b"405" in reply for reply in again), again
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
