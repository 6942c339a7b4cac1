"""Clients that announce a body and send it slowly, or not at all, never make the worker deaf:
a request whose input is not whole waits without a thread, and is answered 408 (and its
connection closed) `body_timeout` after it began; a request refused before its body (401, 404,
411, 413, 415) is answered at once and closed without waiting for the body. Spoken FastCGI
straight on the worker's socket."""

import socket
import struct
import time
import uuid

from fastcgi_client import (BEGIN_REQUEST, PARAMS, STDIN, KeptConnection, read_response,
                            record)
from integration_support import PUSH, fixture, noop_target, sign
from worker import parse_cgi_response

THREADS = 4
SLOW_CLIENTS = 8  # twice the threads
# The slow clients hold their requests this long (seconds) before they are answered 408.
HOLD_TIMEOUT = 5
# How late a signed ping may be answered while they do: no later than with no slow client.
PING_DEADLINE = 1.5
BODY_TIMEOUT = 1  # seconds, the smallest body_timeout
# An answer "at once": far below the body_timeout the refusal tests configure.
AT_ONCE = 1.5
LONG_BODY_TIMEOUT = 30


def pairs(params):
    """Return FastCGI name-value pairs for params (values may be longer than 127 bytes)."""
    out = b""
    for name, value in params.items():
        name, value = name.encode(), value.encode()
        out += bytes([len(name)])
        out += bytes([len(value)]) if len(value) < 128 else struct.pack("!I", len(value) | 1 << 31)
        out += name + value
    return out


def head_records(params):
    """Return the records that open a request and carry its params, without any body."""
    begin = struct.pack("!HB5x", 1, 0)
    return record(BEGIN_REQUEST, begin) + record(PARAMS, pairs(params)) + record(PARAMS)


def delivery_params(body_length, event="push", signature=None, path="/webhook/deploy", **extra):
    """Return the CGI params of a GitHub delivery announcing body_length bytes."""
    params = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
              "CONTENT_LENGTH": str(body_length), "HTTP_X_GITHUB_EVENT": event,
              "HTTP_X_GITHUB_DELIVERY": str(uuid.uuid4()), "REQUEST_URI": path,
              "SCRIPT_NAME": path}
    if signature:
        params["HTTP_X_HUB_SIGNATURE_256"] = signature
    params.update(extra)
    return params


def connect(worker, timeout=10.0):
    """Return a new connection to the worker's socket."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    connection.connect(str(worker.socket))
    return connection


def stdin(data):
    """Return data as STDIN records (at most 65535 bytes each)."""
    return b"".join(record(STDIN, data[i:i + 65535]) for i in range(0, len(data), 65535))


def ask(worker, params, body, timeout=10.0):
    """Send a whole request on a new connection; return (Reply or None, seconds taken)."""
    started = time.monotonic()
    with connect(worker, timeout) as connection:
        connection.sendall(head_records(params) + stdin(body) + record(STDIN))
        raw = read_response(connection)
    return (parse_cgi_response(raw) if raw is not None else None), time.monotonic() - started


def closed_after_answer(connection):
    """Return True when the worker closed the connection (end of file or reset)."""
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def signed_ping():
    """Return (params, body) of a signed GitHub ping."""
    body = fixture("github/ping/octokit-ping-repo.json")
    return delivery_params(len(body), event="ping", signature=sign(body)), body


def test_eight_clients_holding_bodies_cannot_keep_a_signed_ping_waiting(start_worker):
    worker = start_worker([noop_target()], settings={"threads": THREADS,
                                                     "body_timeout": HOLD_TIMEOUT})
    body = fixture(PUSH)
    slow = []
    try:
        for i in range(SLOW_CLIENTS):
            connection = connect(worker, timeout=HOLD_TIMEOUT + 5)
            # Announces the whole push; half of them send its first bytes, none the rest.
            connection.sendall(head_records(delivery_params(len(body), signature=sign(body))) +
                               (stdin(body[:100]) if i % 2 else b""))
            slow.append(connection)
        params, ping = signed_ping()
        reply, seconds = ask(worker, params, ping, timeout=HOLD_TIMEOUT + 5)
        assert reply is not None and reply.status == 200, reply
        assert reply.json == {"status": "pong"}
        assert seconds < PING_DEADLINE, f"the ping waited {seconds:.1f} s"
        # Every slow client was answered 408 and let go.
        for connection in slow:
            raw = read_response(connection)
            assert raw is not None and parse_cgi_response(raw).status == 408
            assert closed_after_answer(connection)
    finally:
        for connection in slow:
            connection.close()


def test_a_body_not_received_within_body_timeout_is_answered_408_and_closed(start_worker):
    worker = start_worker([noop_target()], settings={"body_timeout": BODY_TIMEOUT})
    body = fixture(PUSH)
    with connect(worker) as connection:
        started = time.monotonic()
        connection.sendall(head_records(delivery_params(len(body), signature=sign(body))))
        # A byte now and then: each read is short, the whole is bounded all the same.
        connection.settimeout(0.2)
        raw = None
        for byte in body[:40]:
            try:
                # The answer may come, and the connection close, between two bytes.
                connection.sendall(stdin(bytes([byte])))
                raw = read_response(connection)
                break
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        connection.settimeout(5)
        raw = raw or read_response(connection)
        seconds = time.monotonic() - started
        reply = parse_cgi_response(raw)
        assert reply.status == 408 and reply.json == {"status": "request_timeout"}
        assert BODY_TIMEOUT - 0.1 < seconds < BODY_TIMEOUT + 2, seconds
        assert closed_after_answer(connection)
    assert "decision=request_timeout" in worker.log()
    assert worker.queued("app") == []


def test_a_request_refused_before_its_body_is_answered_at_once_and_closed(start_worker):
    worker = start_worker([noop_target()], settings={"body_timeout": LONG_BODY_TIMEOUT,
                                                     "max_body_bytes": 65536})
    body = fixture(PUSH)
    refused = {
        # 100 MB announced, nothing of it sent.
        413: delivery_params(100 * 1024 * 1024, signature=sign(body)),
        # No signature: no secret can prove whatever follows.
        401: delivery_params(len(body)),
        # A signature that is not one.
        401.5: delivery_params(len(body), signature="sha256=beef"),
        # A type that is neither JSON nor a form.
        415: delivery_params(len(body), signature=sign(body), CONTENT_TYPE="text/plain"),
        # A per-target path with no such target.
        404: delivery_params(len(body), signature=sign(body), path="/webhook/deploy/nope"),
    }
    for expected, params in refused.items():
        with connect(worker) as connection:
            started = time.monotonic()
            connection.sendall(head_records(params))  # and never a byte of the body
            raw = read_response(connection)
            seconds = time.monotonic() - started
            assert raw is not None, expected
            assert parse_cgi_response(raw).status == int(expected)
            assert seconds < AT_ONCE, (expected, seconds)
            assert closed_after_answer(connection), expected
    # The worker still answers, and nothing was queued.
    params, ping = signed_ping()
    reply, _ = ask(worker, params, ping)
    assert reply.status == 200
    assert worker.queued("app") == []


def test_a_refused_body_already_sent_is_answered_at_once(start_worker):
    worker = start_worker([noop_target()], settings={"body_timeout": LONG_BODY_TIMEOUT})
    body = fixture(PUSH)
    # The whole body and the end of the request sent: answered at once, nothing waits.
    reply, seconds = ask(worker, delivery_params(len(body)), body)
    assert reply.status == 401 and seconds < AT_ONCE
    reply, seconds = ask(worker, delivery_params(len(body), signature=sign(body)), body)
    assert reply.status == 202 and seconds < AT_ONCE


def test_a_kept_connection_stays_usable_after_a_refused_body(start_worker):
    # nginx keeps its connections and sends each body whole: a refusal must not take the
    # connection, nor its next request for the rest of the body.
    worker = start_worker([noop_target()], settings={"body_timeout": LONG_BODY_TIMEOUT})
    body = fixture(PUSH)
    kept = KeptConnection(str(worker.socket), timeout=AT_ONCE + 5)
    try:
        for _ in range(3):
            started = time.monotonic()
            refused = kept.request(delivery_params(len(body)), body)  # no signature
            assert refused is not None and parse_cgi_response(refused).status == 401
            assert time.monotonic() - started < AT_ONCE
            params, ping = signed_ping()
            answer = kept.request(params, ping)
            assert answer is not None and parse_cgi_response(answer).status == 200
    finally:
        kept.close()
