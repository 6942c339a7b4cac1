"""Signed bodies that are hostile as JSON: invalid UTF-8, deep nesting, huge strings, NUL bytes,
duplicate keys, wrong types. Each is derived from a real push (octokit-new-branch.json, a push
to the target's branch) and signed with the worker's secret, so only the payload check stands
between it and a deployment."""

import json

import pytest

from held_worker import holding_target_lock
from load import proc_status_kb
from hostile_support import (BRANCH, PUSH, REPOSITORY, TARGET, assert_answer, retargeted,
                             with_after)
from worker import fixture

MASTER = f"refs/heads/{BRANCH}"
MEGABYTE = 1024 * 1024
HUGE = 20 * MEGABYTE
DEEP = 100_000  # far beyond simdjson's default depth limit of 1024
SHALLOW = 500   # within it
RSS_AFTER_HUGE_KB = 20 * 1024  # an idle worker uses under 10 MB


def push(nonce):
    """Return the real push to the deploy branch, made distinct by its `after` commit."""
    return with_after(fixture(PUSH), f"{nonce:040x}")


def replaced(body, old, new):
    """Return body with the bytes old (which must occur) replaced once by new."""
    assert old in body
    return body.replace(old, new, 1)


def edited(nonce, change):
    """Return the real push after change(document) edited it, re-encoded as JSON."""
    document = json.loads(push(nonce))
    change(document)
    return json.dumps(document).encode()


REF_FIELD = f'"ref": "{MASTER}"'.encode()
NAME_FIELD = f'"full_name": "{REPOSITORY}"'.encode()


def test_invalid_utf8_in_the_ref_is_bad_payload(front):
    # The deploy branch's name followed by a byte that is never valid in UTF-8.
    body = replaced(push(1), REF_FIELD, f'"ref": "{MASTER}'.encode() + b'\xff"')
    assert_answer(front.deliver(body), 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_invalid_utf8_anywhere_in_the_body_is_bad_payload(front):
    # An overlong encoding of "/" inside the commit message, far from any field the worker reads.
    body = replaced(push(2), b'"message": "', b'"message": "\xc0\xaf')
    assert_answer(front.deliver(body), 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_unpaired_surrogate_escape_in_the_ref_is_bad_payload(front):
    # \ud800 is valid JSON syntax but no Unicode character.
    body = replaced(push(3), REF_FIELD, f'"ref": "{MASTER}\\ud800"'.encode())
    assert_answer(front.deliver(body), 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_deeply_nested_json_is_bad_payload(front):
    # 100,000 nested arrays in an extra field of a push to the deploy branch.
    body = replaced(push(4), b"{", b'{"nested": ' + b"[" * DEEP + b"]" * DEEP + b", ", )
    assert_answer(front.deliver(body), 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_moderately_nested_json_is_parsed_and_decided(front):
    # 500 nested arrays in an extra field of a push to another branch.
    body = replaced(retargeted(push(5), "refs/heads/develop"), b"{",
                    b'{"nested": ' + b"[" * SHALLOW + b"]" * SHALLOW + b", ")
    reply = front.deliver(body)
    assert_answer(reply, 200, "ignored")
    front.mark.assert_nothing_deployed()


@pytest.mark.parametrize("field", ["ref", "full_name"])
def test_twenty_megabyte_string_is_decided_and_logged_short(front, field):
    delivery = f"huge-{field}"
    # A 20 MB branch name, or a 20 MB repository name: neither is configured.
    old = REF_FIELD if field == "ref" else NAME_FIELD
    new = (f'"ref": "{MASTER}'.encode() if field == "ref"
           else f'"full_name": "{REPOSITORY}'.encode()) + b"a" * HUGE + b'"'
    reply = front.deliver(replaced(push(6), old, new), delivery=delivery)
    assert_answer(reply, 200, "ignored")
    assert len(reply.body) < 200
    [line] = front.mentions(f"delivery={delivery}")
    assert len(line) < 1000
    front.mark.assert_nothing_deployed()
    # The body and simdjson's copy of it are given back once answered, not kept by the thread.
    rss = proc_status_kb(front.worker.process.pid, "VmRSS")
    assert rss < RSS_AFTER_HUGE_KB, f"VmRSS {rss} kB after a 20 MB delivery"


@pytest.mark.parametrize("old, new", [
    # The deploy branch's name followed by an escaped NUL: a C string would end before it.
    (REF_FIELD, f'"ref": "{MASTER}\\u0000"'.encode()),
    # The configured repository's name followed by an escaped NUL.
    (NAME_FIELD, f'"full_name": "{REPOSITORY}\\u0000"'.encode()),
], ids=["ref", "full_name"])
def test_escaped_nul_after_a_matching_name_does_not_match(front, old, new):
    reply = front.deliver(replaced(push(7), old, new))
    assert_answer(reply, 200, "ignored")
    front.mark.assert_nothing_deployed()


@pytest.mark.parametrize("old, new", [
    # A raw NUL byte inside the ref string (control characters must be escaped in JSON).
    (REF_FIELD, f'"ref": "{MASTER}'.encode() + b'\x00"'),
    # A raw NUL byte before the document.
    (b"{", b"\x00{"),
], ids=["in_string", "before_document"])
def test_raw_nul_byte_is_bad_payload(front, old, new):
    reply = front.deliver(replaced(push(8), old, new))
    assert_answer(reply, 400, "bad_payload")
    front.mark.assert_nothing_deployed()


def test_raw_nul_byte_after_the_document_is_bad_payload(front):
    # A complete push followed by a NUL byte: a parser of C strings would stop before it.
    reply = front.deliver(push(9).rstrip() + b"\x00")
    assert_answer(reply, 400, "bad_payload")
    front.mark.assert_nothing_deployed()


@pytest.mark.parametrize("old, new", [
    # Another branch first, the deploy branch second.
    (REF_FIELD, b'"ref": "refs/heads/develop", ' + REF_FIELD),
    # Another repository first, the configured one second.
    (NAME_FIELD, b'"full_name": "someone/else", ' + NAME_FIELD),
    # Deleted first, not deleted second.
    (b'"deleted": false', b'"deleted": true, "deleted": false'),
], ids=["ref", "full_name", "deleted"])
def test_duplicate_key_is_decided_on_its_first_value(front, old, new):
    reply = front.deliver(replaced(push(10), old, new))
    assert_answer(reply, 200, "ignored")
    front.mark.assert_nothing_deployed()


def test_duplicate_ref_deploys_the_branch_it_checked(front):
    delivery = "duplicate-ref"
    # The deploy branch first, another branch second: the first is the one decided on.
    body = replaced(push(11), REF_FIELD, REF_FIELD + b', "ref": "refs/heads/develop"')
    with holding_target_lock(front.worker.state_dir, TARGET):
        reply = front.deliver(body, delivery=delivery)
        assert_answer(reply, 202, "queued")
        [job] = front.worker.queued(TARGET)
    assert (job["delivery"], job["ref"], job["repository"]) == (delivery, MASTER, REPOSITORY)
    [line] = front.mentions(f"delivery={delivery} ")
    assert f"ref={MASTER} decision=queued" in line
    front.wait_idle()


def set_field(path, value):
    """Return a change that sets document[path...] to value."""
    def change(document):
        *parents, last = path
        for key in parents:
            document = document[key]
        document[last] = value
    return change


WRONG_TYPES = [
    (("ref",), 1), (("ref",), None), (("ref",), [MASTER]), (("ref",), {}), (("ref",), True),
    (("repository",), REPOSITORY), (("repository",), []), (("repository",), None),
    (("repository",), 1),
    (("repository", "full_name"), 1), (("repository", "full_name"), None),
    (("repository", "full_name"), {}), (("repository", "full_name"), [REPOSITORY]),
    (("after",), 1), (("after",), {}), (("after",), []), (("after",), True),
    (("deleted",), "false"), (("deleted",), 0), (("deleted",), []),
]


@pytest.mark.parametrize("path, value", WRONG_TYPES,
                         ids=[".".join(p) + "=" + json.dumps(v) for p, v in WRONG_TYPES])
def test_field_of_the_wrong_type_is_bad_payload(front, path, value):
    # The real push to the deploy branch with one field the worker reads given another type.
    reply = front.deliver(edited(12, set_field(path, value)))
    assert_answer(reply, 400, "bad_payload")
    front.mark.assert_nothing_deployed()
