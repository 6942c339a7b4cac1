"""The worker's stderr: one line per request decision with an sd-daemon level prefix and
key=value fields; hostile header values cannot forge lines; never the secret or the payload.
"""

import re
import urllib.parse

import pytest

from integration_support import PUSH, assert_answer, fixture, run_locks_held, wait_for_run

# <level>event key=value ...; a value is bare, or quoted with \" \\ and \xHH escapes.
LOG_LINE = re.compile(r'<[0-7]>[a-z_]+( [a-z_]+=("([^"\\]|\\.)*"|[^ "]+))*')
FIELD = re.compile(r' ([a-z_]+)=("(?:[^"\\]|\\.)*"|[^ "]+)')
SECRET = "integration-secret-6f1d0c"
# Text that only the payload of github/push/woodpecker-push.json carries (a commit message and
# the repository's node_id).
PAYLOAD_MARKERS = ["Fix multiline secrets replacer", "MDEwOlJlcG9zaXRvcnkxNzkzNDQwNjk="]


def fields(line):
    """Return a log line's key=value fields as a dict (values as written, quotes included)."""
    return dict(FIELD.findall(line))


def request_lines(worker, delivery):
    """Return the worker's `request` lines whose delivery field is delivery."""
    return [line for line in worker.log().splitlines()
            if line[3:].startswith("request ") and fields(line).get("delivery") == delivery]


# Decisions whose line must say why: which signature check or payload field failed, and why
# a delivery deploys nothing. (The head checks' decision names say it all.)
EXPLAINED = {"ignored", "invalid_signature", "bad_payload"}
REQUESTS = {
    "queued": (dict(body=fixture(PUSH)), 6, "queued",
               {"event": "push", "repository": "woodpecker-ci/woodpecker",
                "ref": "refs/heads/main", "target": "app"}),
    "ignored": (dict(body=fixture("github/release/octokit-published.json"), event="release"),
                6, "ignored", {"event": "release"}),
    "pong": (dict(body=fixture("github/ping/octokit-ping-repo.json"), event="ping"), 6, "pong",
             {"event": "ping"}),
    "invalid_signature": (dict(body=fixture(PUSH), secret="wrong"), 4, "invalid_signature",
                          {"event": "push"}),
    "bad_payload": (dict(body=fixture("vectors/octokit-methods-foo-bar.json")), 4,
                    "bad_payload", {"event": "push"}),
    "length_required": (dict(body=fixture(PUSH), content_length="many"), 4, "length_required",
                        {"event": "push"}),
}


@pytest.mark.parametrize("case", list(REQUESTS))
def test_logs_one_line_per_request_with_level_and_fields(start_worker, case):
    worker = start_worker()
    options, level, decision, expected = REQUESTS[case]
    options = dict(options)
    delivery = f"log-{case}"
    with run_locks_held(worker, "app"):
        worker.deliver(options.pop("body"), delivery=delivery, **options)
    (line,) = request_lines(worker, delivery)
    assert line.startswith(f"<{level}>request ")
    found = fields(line)
    assert found["decision"] == decision
    assert {key: found.get(key) for key in expected} == expected
    if decision in EXPLAINED:
        assert found.get("reason"), line


def test_every_line_the_worker_writes_is_prefixed_key_value(start_worker):
    worker = start_worker()
    assert_answer(worker.deliver(fixture(PUSH), delivery="whole-log"), 202, "queued")
    wait_for_run(worker, "whole-log")
    worker.stop()
    lines = worker.log().splitlines()
    assert len(lines) > 3
    assert [line for line in lines if not LOG_LINE.fullmatch(line)] == []


def test_says_in_the_log_which_signature_check_failed(start_worker):
    worker = start_worker()
    body = fixture(PUSH)
    cases = {"missing": dict(signature=False), "malformed": dict(signature="sha256=beef"),
             "mismatch": dict(secret="wrong")}
    reasons = {}
    for name, options in cases.items():
        assert_answer(worker.deliver(body, delivery=f"sig-{name}", **options), 401,
                      "invalid_signature")
        (line,) = request_lines(worker, f"sig-{name}")
        reasons[name] = fields(line).get("reason")
    assert all(reasons.values()) and len(set(reasons.values())) == 3, reasons


def test_a_delivery_id_with_control_characters_cannot_forge_log_lines(start_worker):
    worker = start_worker()
    # A hostile X-GitHub-Delivery: a newline starting a forged line, CR, escape codes, BEL.
    delivery = "evil\n<3>request decision=forged target=prod\r\x1b[2K\x07"
    with run_locks_held(worker, "app"):
        answer = assert_answer(worker.deliver(fixture(PUSH), delivery=delivery), 202, "queued")
    assert answer["delivery"] == delivery
    (line,) = [line for line in worker.log().splitlines() if "forged" in line]
    assert LOG_LINE.fullmatch(line)
    assert (fields(line)["decision"], fields(line)["target"]) == ("queued", "app")
    assert fields(line)["delivery"].startswith('"evil\\x0a<3>request')
    assert not any(char in worker.log() for char in "\r\x1b\x07")


def test_never_logs_or_stores_the_secret_or_the_payload(start_worker):
    worker = start_worker(secret=SECRET)
    body = fixture(PUSH)
    form = urllib.parse.urlencode({"payload": body + b" "}).encode()
    assert_answer(worker.deliver(body, delivery="safe"), 202, "queued")
    assert_answer(worker.deliver(form, content_type="application/x-www-form-urlencoded"),
                  202, "queued")
    assert_answer(worker.deliver(body, secret="wrong"), 401, "invalid_signature")
    assert_answer(worker.deliver(body[:-200]), 400, "bad_payload")
    assert_answer(worker.deliver(body, event="release"), 200, "ignored")
    wait_for_run(worker, "safe")
    worker.stop()

    log = worker.log()
    assert "request" in log
    for secret_or_payload in [SECRET, *PAYLOAD_MARKERS]:
        assert secret_or_payload not in log
    stored = [path for path in worker.state_dir.rglob("*") if path.is_file()]
    assert stored
    for path in stored:
        assert SECRET.encode() not in path.read_bytes(), path
