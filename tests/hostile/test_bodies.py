"""Bodies that do not match their Content-Length, and bodies far above the limit, sent through
nginx over TLS. None of them deploys; the worker keeps serving (checked after every test by the
`front` fixture)."""

import contextlib
import uuid

from hostile_support import (PUSH, assert_answer, github_headers, read_reply, request_bytes,
                             with_after)
from worker import fixture, sign

HUNDRED_MB = 100 * 1024 * 1024
CHUNK = 1024 * 1024


def deploy_push(nonce):
    """Return the push fixture as a distinct push to the deploy branch (it would be queued)."""
    return with_after(fixture(PUSH), f"{nonce:040x}")


def assert_never_reached_worker(front, delivery):
    """Assert the worker logged nothing about delivery, after a later request went through
    (so a forwarded request would have been logged by now)."""
    assert_answer(front.ping(), 200, "pong")
    assert not front.mentions(delivery)


def test_body_cut_short_by_a_client_that_hangs_up_is_never_forwarded(front):
    delivery = str(uuid.uuid4())
    body = deploy_push(1)
    # Announces the whole push, sends its first 100 bytes, then closes the connection.
    data = request_bytes(github_headers(body, delivery=delivery), body[:100])
    assert front.exchange(data, close_after_send=True) is None
    assert_never_reached_worker(front, delivery)
    front.mark.assert_nothing_deployed()


def test_content_length_above_the_body_gets_no_answer_and_is_never_forwarded(front):
    delivery = str(uuid.uuid4())
    body = deploy_push(2)
    # The whole signed push, but announced 10 bytes longer: nginx waits for bytes that never come.
    headers = github_headers(body, delivery=delivery, content_length=len(body) + 10)
    assert front.send(headers, body, timeout=2.0) is None
    assert_never_reached_worker(front, delivery)
    front.mark.assert_nothing_deployed()


def test_content_length_below_the_body_forwards_only_the_announced_bytes(front):
    body = deploy_push(3)
    # Signed over the whole push but announced 10 bytes short: the worker verifies what it got.
    reply = front.send(github_headers(body, content_length=len(body) - 10), body)
    assert_answer(reply, 401, "invalid_signature")
    # Signed over exactly the announced prefix: it verifies, and is not JSON.
    prefix = body[:-10]
    reply = front.send(github_headers(body, signature=sign(prefix),
                                      content_length=len(prefix)), body)
    assert_answer(reply, 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_hundred_megabyte_body_is_refused_413_before_it_is_sent(front):
    delivery = str(uuid.uuid4())
    body = deploy_push(4)
    # Announces 100 MB and sends only the first 64 KB: the answer must not wait for the rest.
    headers = github_headers(body, delivery=delivery, content_length=HUNDRED_MB)
    padding = b" " * (64 * 1024 - len(body))
    reply = front.send(headers, body + padding)
    assert reply is not None and reply.status == 413
    assert_never_reached_worker(front, delivery)
    front.mark.assert_nothing_deployed()


def test_hundred_megabyte_chunked_body_is_refused_413(front):
    delivery = str(uuid.uuid4())
    headers = [(name, value) for name, value in github_headers(b"", delivery=delivery)
               if name != "Content-Length"] + [("Transfer-Encoding", "chunked")]
    chunk = b"%x\r\n" % CHUNK + b" " * CHUNK + b"\r\n"
    with front.connect() as connection:
        connection.sendall(request_bytes(headers))
        # 100 MB of whitespace in 1 MB chunks, no length announced: nginx counts as it reads
        # and, past the limit, answers 413 and discards the rest.
        with contextlib.suppress(OSError):
            for _ in range(HUNDRED_MB // CHUNK):
                connection.sendall(chunk)
            connection.sendall(b"0\r\n\r\n")
        reply = read_reply(connection)
    assert reply is not None and reply.status == 413
    assert_never_reached_worker(front, delivery)
    front.mark.assert_nothing_deployed()
