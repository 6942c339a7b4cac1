"""Deliveries through real nginx and Caddy over TLS, each started from the shipped configuration,
reach the worker with their headers and exact body bytes, and its answers come back unchanged.

Every test runs once behind each front door (the `door` fixture).
"""

import json
import urllib.parse

from held_worker import OTHER_PUSH, PING, PUSH, sha256
from worker import fixture

MAX_BODY = 25 * 1024 * 1024  # max_body_bytes' default and the snippet's client_max_body_size
PULL_REQUEST = "github/pull_request/octokit-opened.json"


def padded(body, size):
    """Return body followed by JSON whitespace up to exactly size bytes (still the same JSON)."""
    assert len(body) <= size
    return body + b"\n" * (size - len(body))


def big_push(min_size):
    """Return a push to the target's branch of at least min_size bytes: the real push fixture
    with many more commits, whose messages hold UTF-8, escapes and CRLF that any re-encoding,
    normalisation or truncation on the way would change."""
    push = json.loads(fixture(PUSH))
    template = push["commits"][0]
    size, n = len(fixture(PUSH)), 0
    while size < min_size:
        message = f"Commit {n}: caf\u00e9 \u2713 \"quoted\" \\ tab\tCRLF\r\n" + "x" * 900
        commit = dict(template, id=f"{n:040x}", message=message)
        push["commits"].append(commit)
        size += len(json.dumps(commit, ensure_ascii=False).encode()) + 4
        n += 1
    return json.dumps(push, ensure_ascii=False, indent=2).encode()


def test_signed_push_is_queued_with_its_headers_intact(door):
    body = fixture(PUSH)
    delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    reply = door.deliver(body, event="push", delivery=delivery)
    assert reply.status == 202, reply.body
    assert reply.headers["content-type"] == "application/json"
    assert reply.json["status"] == "queued"
    assert reply.json["delivery"] == delivery
    [job] = door.queued()
    assert job["delivery"] == delivery
    assert job["body_sha256"] == sha256(body)
    assert job["after"] == json.loads(body)["after"]
    [logged] = door.logged()
    assert logged["delivery"] == delivery
    assert logged["event"] == "push"
    assert logged["decision"] == "queued"


def test_push_signed_with_another_secret_is_refused_401(door):
    reply = door.deliver(fixture(PUSH), secret="not the configured secret")
    assert reply.status == 401
    assert reply.json == {"status": "invalid_signature"}
    assert door.queued() == []


def test_get_is_answered_405_by_the_worker(door):
    reply = door.request(method="GET")
    assert reply.status == 405
    assert reply.headers["allow"] == "POST"
    assert reply.json["status"] == "method_not_allowed"
    [logged] = door.logged()
    assert logged["method"] == "GET"


def test_ping_is_answered_pong(door):
    reply = door.deliver(fixture(PING), event="ping", delivery="ping-1")
    assert reply.status == 200
    assert reply.json["status"] == "pong"
    [logged] = door.logged()
    assert (logged["delivery"], logged["event"]) == ("ping-1", "ping")


def test_two_megabyte_push_arrives_byte_exact(door):
    # Bigger than the snippet's client_body_buffer_size: nginx spools it to a temporary file.
    body = big_push(2 * 1024 * 1024)
    reply = door.deliver(body)
    assert reply.status == 202, reply.body
    [job] = door.queued()
    assert job["body_sha256"] == sha256(body)


def test_body_of_exactly_the_limit_passes_and_verifies(door):
    # The proxy's limit must not be below the worker's: GitHub sends up to 25 MiB.
    body = padded(fixture(PULL_REQUEST), MAX_BODY)
    reply = door.deliver(body, event="ping")
    assert reply.status == 200, reply.body
    assert reply.json["status"] == "pong"


def test_body_over_the_limit_is_refused_413(door):
    # One byte more than max_body_bytes: nginx refuses it itself, Caddy leaves it to the worker.
    body = padded(fixture(PUSH), MAX_BODY + 1)
    reply = door.deliver(body)
    assert reply.status == 413
    if reply.json is not None:
        assert reply.json["status"] == "too_large"
    assert door.queued() == []


def test_form_encoded_push_is_queued(door):
    payload = fixture(OTHER_PUSH)
    body = b"payload=" + urllib.parse.quote_plus(payload).encode()
    reply = door.deliver(body, delivery="form-1", content_type="application/x-www-form-urlencoded")
    assert reply.status == 202, reply.body
    [job] = door.queued()
    assert job["delivery"] == "form-1"
    assert job["body_sha256"] == sha256(body)


def test_only_the_webhook_path_reaches_the_worker(door):
    for path in ("/webhook/deploy/extra", "/webhook", "/"):
        reply = door.request(method="GET", path=path)  # the worker would answer it 405
        assert reply.status == 404, path
    assert door.logged() == []
