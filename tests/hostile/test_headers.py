"""Hostile request heads through nginx: thousands of headers, odd or repeated signature headers,
delivery ids with control characters or kilobytes long. Bodies are real pushes to the deploy
branch, so any header that slipped a signature past the worker would deploy."""

import json

import pytest

from held_worker import holding_target_lock
from hostile_support import (PING, PUSH, TARGET, assert_answer, github_headers, with_after)
from worker import fixture, sign

BAD = "sha256=" + "0" * 64  # well-formed, matches nothing
MAX_DELIVERY_BYTES = 128    # what the worker keeps of a delivery id in state and answers


def push(nonce):
    """Return the real push to the deploy branch, made distinct by its `after` commit."""
    return with_after(fixture(PUSH), f"{nonce:040x}")


def with_signatures(body, *values, delivery=None):
    """Return GitHub's headers for body with X-Hub-Signature-256 sent once per value."""
    headers = [(n, v) for n, v in github_headers(body, delivery=delivery)
               if n != "X-Hub-Signature-256"]
    return headers + [("X-Hub-Signature-256", value) for value in values]


def test_thousands_of_headers_are_refused_by_nginx(front):
    delivery = "thousands-of-headers"
    body = fixture(PING)
    headers = github_headers(body, "ping", delivery) + [(f"X-Extra-{i}", "v") for i in range(5000)]
    reply = front.send(headers, body)
    assert reply is not None and reply.status in (400, 494)
    assert not front.mentions(delivery)
    front.mark.assert_nothing_deployed()


def test_hundreds_of_headers_reach_the_worker_and_verify(front):
    body = fixture(PING)
    headers = github_headers(body, "ping") + [(f"X-Extra-{i}", "v") for i in range(700)]
    assert_answer(front.send(headers, body), 200, "pong")


@pytest.mark.parametrize("first, second", [
    ("valid", BAD), (BAD, "valid"), ("valid", "valid"),
], ids=["valid_first", "valid_second", "both_valid"])
def test_repeated_signature_header_is_refused(front, first, second):
    # Two X-Hub-Signature-256 headers: GitHub sends one; which to trust is ambiguous.
    body = push(1)
    values = [sign(body) if value == "valid" else value for value in (first, second)]
    reply = front.send(with_signatures(body, *values), body)
    assert_answer(reply, 401, "invalid_signature")
    front.mark.assert_nothing_deployed()


def test_spaces_around_a_valid_signature_are_stripped_by_nginx(front):
    body = fixture(PING)
    headers = github_headers(body, "ping", signature=f"   {sign(body)}   ")
    assert_answer(front.send(headers, body), 200, "pong")


# Ways to put whitespace into or around a valid signature.
WHITESPACE = {
    "tabs_around": lambda s: f"\t{s}\t",  # nginx passes tabs on; the value is taken as given
    "space_after_prefix": lambda s: s.replace("=", "= ", 1),
    "space_before_equals": lambda s: s.replace("=", " =", 1),
    "space_inside_hex": lambda s: s[:30] + " " + s[30:],
    "twice_in_one_value": lambda s: f"{s} {s}",
}


@pytest.mark.parametrize("shape", sorted(WHITESPACE))
def test_whitespace_inside_the_signature_value_is_refused(front, shape):
    body = push(2)
    reply = front.send(with_signatures(body, WHITESPACE[shape](sign(body))), body)
    assert_answer(reply, 401, "invalid_signature")
    front.mark.assert_nothing_deployed()


def test_delivery_id_with_nul_byte_is_refused_by_nginx(front):
    body = push(3)
    reply = front.send(github_headers(body, delivery=b"nul\x00id"), body)
    assert reply is not None and reply.status == 400
    front.mark.assert_nothing_deployed()


def test_ten_kilobyte_delivery_id_is_refused_by_nginx(front):
    # One header line longer than nginx's large_client_header_buffers (8 KB).
    body = push(4)
    reply = front.send(github_headers(body, delivery="d" * 10240), body)
    assert reply is not None and reply.status in (400, 494)
    front.mark.assert_nothing_deployed()


def deliver_held(front, body, delivery):
    """Deliver body while the target's run lock is held; return (reply, the one queued job).
    Afterwards the run happens and is recorded."""
    with holding_target_lock(front.worker.state_dir, TARGET):
        reply = front.send(github_headers(body, delivery=delivery), body)
        assert_answer(reply, 202, "queued")
        [job] = front.worker.queued(TARGET)
    front.wait_idle()
    return reply, job


def recorded_deliveries(front):
    """Return the deliveries of every recorded run; parsing each history line must succeed."""
    path = front.worker.state_dir / "deployments.jsonl"
    return [d for line in path.read_text(encoding="utf-8").splitlines()
            for d in json.loads(line)["deliveries"]]


def test_delivery_id_with_control_characters_keeps_log_and_state_well_formed(front):
    # Terminal escapes, DEL, a quote, a backslash, bytes that are not UTF-8, a tab.
    raw = b'ab\x01\x1b[31m\x7f"\\q\xff\xfe\tend'
    text = raw.decode("utf-8", errors="replace")
    _, job = deliver_held(front, push(5), raw)
    assert job["delivery"] == text
    assert text in recorded_deliveries(front)
    [line] = [line for line in front.mark.new_log_lines() if "decision=queued" in line]
    assert line.startswith("<6>request delivery=")
    assert "\x1b" not in line and "\x01" not in line


def test_eight_kilobyte_delivery_id_is_cut_in_state_answer_and_log(front):
    # Just below nginx's 8 KB header line limit, so it reaches the worker.
    delivery = "e" * 8000
    reply, job = deliver_held(front, push(6), delivery)
    kept = delivery[:MAX_DELIVERY_BYTES]
    assert reply.json["delivery"] == kept
    assert job["delivery"] == kept
    assert kept in recorded_deliveries(front)
    assert all(len(line) < 2000 for line in front.mark.new_log_lines())
