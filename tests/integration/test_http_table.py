"""SPEC's HTTP table at /webhook/deploy, row by row in the order the checks run, against one
shared worker (nothing here queues a job; test_queueing.py covers the rows that do).
"""

import hashlib
import hmac
import json

import pytest

from integration_support import (DEFAULT_SECRET, PUSH, SHARED_MAX_BODY, assert_answer, fixture,
                                 sign, variant)

SIGNATURES = json.loads(fixture("signatures.json"))
# The only answer a rejected signature gets: it says nothing about which check failed.
INVALID_SIGNATURE_BODY = b'{"status":"invalid_signature"}\n'


def assert_nothing_queued(worker):
    """Assert that no target of the shared worker has a job waiting."""
    assert [worker.queued(name) for name in ("app", "hello", "tagged")] == [[], [], []]


def published_signature(relative):
    """Return the X-Hub-Signature-256 value a source published for a fixture body."""
    (value,) = [s["value"] for s in SIGNATURES
                if s["file"] == relative and s["header"] == "X-Hub-Signature-256"]
    return value


# Requests that fail one check and every check after it (the push fixture unless a body is
# given): the first failing check in SPEC's order must answer.
_UNSIGNED_TEXT = {"content_type": "text/plain", "signature": False}
VIOLATIONS = {
    "method": (dict(method="GET", content_length=False, **_UNSIGNED_TEXT),
               405, "method_not_allowed"),
    "length": (dict(content_length=False, **_UNSIGNED_TEXT), 411, "length_required"),
    "size": (dict(content_length=SHARED_MAX_BODY + 1, **_UNSIGNED_TEXT), 413, "too_large"),
    "type": (dict(content_length=len(fixture(PUSH)) + 1, **_UNSIGNED_TEXT),
             415, "unsupported_media_type"),
    # A missing proof is known before the body: refused without waiting for it.
    "proof": (dict(content_length=len(fixture(PUSH)) + 1, signature=False), 401,
              "invalid_signature"),
    "short": (dict(content_length=len(fixture(PUSH)) + 1, signature=sign(b"other")), 400,
              "bad_request"),
    "signature": (dict(body=b"not json", signature=sign(b"other")), 401, "invalid_signature"),
    "payload": (dict(body=b"not json"), 400, "bad_payload"),
}


@pytest.mark.parametrize("first_failing", list(VIOLATIONS))
def test_the_first_failing_check_in_spec_order_answers(shared_worker, first_failing):
    options, status, name = VIOLATIONS[first_failing]
    options = dict(options)
    reply = shared_worker.deliver(options.pop("body", fixture(PUSH)), **options)
    assert_answer(reply, status, name)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_answers_405_with_allow_post_to_other_methods_even_when_signed(shared_worker, method):
    # The body is a real push to a configured target with a valid signature.
    reply = shared_worker.deliver(fixture(PUSH), method=method)
    assert_answer(reply, 405, "method_not_allowed")
    assert reply.headers.get("allow") == "POST"
    assert_nothing_queued(shared_worker)


@pytest.mark.parametrize("content_length", [
    False,                    # no CONTENT_LENGTH parameter at all
    "",                       # present but empty
    "ten",                    # not a number
    "-1",                     # negative
    "12abc",                  # digits followed by garbage
    "1e3",                    # exponent notation
    "99999999999999999999",   # 20 digits: does not fit in 64 bits
])
def test_answers_411_without_a_parsable_content_length(shared_worker, content_length):
    reply = shared_worker.deliver(fixture(PUSH), content_length=content_length)
    assert_answer(reply, 411, "length_required")


def test_answers_413_for_an_announced_length_above_max_body_bytes_before_reading(shared_worker):
    # The body sent is tiny: had the worker read it first, it would answer 400 (short body).
    reply = shared_worker.deliver(fixture("vectors/adnanh-a-z.json"),
                                  content_length=SHARED_MAX_BODY + 1)
    assert_answer(reply, 413, "too_large")


def test_accepts_an_announced_length_of_exactly_max_body_bytes(shared_worker):
    # Announces the limit itself but sends 10 bytes: past the size check, caught as short.
    reply = shared_worker.deliver(fixture("vectors/adnanh-a-z.json"),
                                  content_length=SHARED_MAX_BODY)
    assert_answer(reply, 400, "bad_request")


@pytest.mark.parametrize("content_type", [
    "", "text/plain", "application/xml", "multipart/form-data; boundary=x",
    "application/json-seq"])
def test_answers_415_for_other_content_types(shared_worker, content_type):
    reply = shared_worker.deliver(fixture(PUSH), content_type=content_type)
    assert_answer(reply, 415, "unsupported_media_type")


def test_answers_400_when_the_body_is_shorter_than_announced(shared_worker):
    body = fixture(PUSH)
    reply = shared_worker.deliver(body, content_length=len(body) + 100)
    assert_answer(reply, 400, "bad_request")


def _bad_signatures():
    body = fixture(PUSH)
    good = sign(body)
    sha1 = "sha1=" + hmac.new(DEFAULT_SECRET.encode(), body, hashlib.sha1).hexdigest()
    return {
        "missing": dict(signature=False),
        "no_prefix": dict(signature=good[len("sha256="):]),
        "sha1_prefix": dict(signature="sha1=" + good[len("sha256="):]),
        "63_hex_digits": dict(signature=good[:-1]),
        "65_hex_digits": dict(signature=good + "0"),
        "non_hex": dict(signature=good[:-1] + "g"),
        "other_secret": dict(secret="not the configured secret"),
        "over_other_bytes": dict(signature=sign(body.rstrip(b"\n"))),
        "sha1_header_only": dict(signature=False, params={"HTTP_X_HUB_SIGNATURE": sha1}),
    }


BAD_SIGNATURES = _bad_signatures()


@pytest.mark.parametrize("case", list(BAD_SIGNATURES))
def test_answers_401_with_a_bare_body_for_a_bad_signature(shared_worker, case):
    reply = shared_worker.deliver(fixture(PUSH), **BAD_SIGNATURES[case])
    assert_answer(reply, 401, "invalid_signature")
    assert reply.body == INVALID_SIGNATURE_BODY
    assert_nothing_queued(shared_worker)


def test_accepts_the_signature_github_docs_publish_for_their_example(shared_worker):
    # "Hello, World!" is not JSON, so a verified signature shows as 400 bad_payload, not 401.
    relative = "vectors/github-docs-hello-world.txt"
    reply = shared_worker.deliver(fixture(relative), signature=published_signature(relative))
    assert_answer(reply, 400, "bad_payload")


def _without(*path):
    def change(document):
        for key in path[:-1]:
            document = document[key]
        del document[path[-1]]
    return change


def _set(value, *path):
    def change(document):
        for key in path[:-1]:
            document = document[key]
        document[path[-1]] = value
    return change


BAD_PAYLOADS = {
    # Not JSON at all.
    "text": (fixture("vectors/github-docs-hello-world.txt"), "push"),
    # An empty body.
    "empty": (fixture("vectors/empty-body.bin"), "push"),
    # JSON cut in half.
    "truncated": (fixture(PUSH)[:500], "push"),
    # A JSON array holding the push rather than the push object.
    "array": (b"[" + fixture(PUSH) + b"]", "push"),
    # A JSON object without ref or repository.
    "no_ref": (fixture("vectors/octokit-methods-foo-bar.json"), "push"),
    # The push without its ref.
    "ref_missing": (variant(PUSH, _without("ref")), "push"),
    # ref is a number.
    "ref_number": (variant(PUSH, _set(1, "ref")), "push"),
    # repository.full_name is missing.
    "full_name_missing": (variant(PUSH, _without("repository", "full_name")), "push"),
    # repository is a string, not an object.
    "repository_string": (variant(PUSH, _set("woodpecker-ci/woodpecker", "repository")), "push"),
    # after is a number.
    "after_number": (variant(PUSH, _set(366701, "after")), "push"),
    # after climbs out of the commit-status URL's path (it once sent the token to /user/repos).
    "after_path": (variant(PUSH, _set("../../../../user/repos", "after")), "push"),
    # after is a short commit id.
    "after_short": (variant(PUSH, _set("366701f", "after")), "push"),
    # after is missing from a push that does not delete its ref.
    "after_missing": (variant(PUSH, _without("after")), "push"),
    # deleted is a string.
    "deleted_string": (variant(PUSH, _set("false", "deleted")), "push"),
    # A ping whose body is not JSON: other events must be JSON objects too.
    "ping_text": (fixture("vectors/github-docs-hello-world.txt"), "ping"),
}


@pytest.mark.parametrize("case", list(BAD_PAYLOADS))
def test_answers_400_bad_payload_for_a_signed_body_that_is_not_a_push(shared_worker, case):
    body, event = BAD_PAYLOADS[case]
    reply = shared_worker.deliver(body, event=event)
    assert_answer(reply, 400, "bad_payload")
    assert_nothing_queued(shared_worker)


@pytest.mark.parametrize("relative", [
    "github/ping/goplayground-ping.json", "github/ping/octokit-ping-repo.json",
    "github/ping/octokit-ping-org.json", "github/ping/octokit-ping-app.json"])
def test_answers_pong_to_a_signed_ping(shared_worker, relative):
    assert_answer(shared_worker.deliver(fixture(relative), event="ping"), 200, "pong")


@pytest.mark.parametrize("relative, event", [
    ("github/release/octokit-published.json", "release"),
    ("github/pull_request/octokit-opened.json", "pull_request"),
    ("github/workflow_run/octokit-completed.json", "workflow_run"),
    ("github/create/octokit-tag-created.json", "create"),
    ("github/delete/octokit-tag-deleted.json", "delete"),
    (PUSH, ""),  # a push body without an X-GitHub-Event value
])
def test_ignores_other_events_with_a_reason(shared_worker, relative, event):
    answer = assert_answer(shared_worker.deliver(fixture(relative), event=event), 200, "ignored")
    assert answer.get("reason")
    assert_nothing_queued(shared_worker)


IGNORED_PUSHES = {
    # A real push deleting tag simple-tag of Codertocat/Hello-World (a configured repository).
    "deleted_tag": (fixture("github/push/octokit-tag-deleted.json"), "delet"),
    # The main push marked deleted: a branch deletion of the configured branch.
    "deleted_branch": (variant(PUSH, _set(True, "deleted")), "delet"),
    # The main push with after all zeros and deleted false: still a deletion.
    "after_all_zeros": (variant(PUSH, _set("0" * 40, "after")), "delet"),
    # A real tag push; target `tagged` has a branch named like the tag.
    "tag": (fixture("github/push/woodpecker-tag.json"), "tag"),
    # A real push to master of Codertocat/Hello-World, whose target deploys main.
    "other_branch": (fixture("github/push/octokit-new-branch.json"), "branch"),
    # A real push to main of 6543/oxiduct, which no target has.
    "unknown_repository": (fixture("github/push/woodpecker-forced.json"), "repository"),
}


@pytest.mark.parametrize("case", list(IGNORED_PUSHES))
def test_ignores_pushes_that_deploy_nothing_with_a_reason(shared_worker, case):
    body, word = IGNORED_PUSHES[case]
    answer = assert_answer(shared_worker.deliver(body), 200, "ignored")
    assert word in answer.get("reason", ""), answer
    assert_nothing_queued(shared_worker)
