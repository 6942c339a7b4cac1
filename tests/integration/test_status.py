"""`deployhook status` prints what payloads put in the history: as text a terminal only shows."""

import json

from integration_support import PUSH, assert_answer, noop_target, variant, wait_for_run

# A signed payload's `after` that would clear the operator's screen and retitle the terminal.
HOSTILE_AFTER = "\x1b[2J\x1b]0;owned\x07\x9b31m\u00e9" + "0" * 40


def hostile_push(document):
    document["after"] = HOSTILE_AFTER


def test_status_table_escapes_control_and_non_ascii_bytes_of_a_payload(start_worker):
    worker = start_worker([noop_target()])
    reply = worker.deliver(variant(PUSH, hostile_push))
    assert_answer(reply, 202, "queued")
    wait_for_run(worker, reply.json["delivery"])

    done = worker.command("status")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert all(ord(c) < 0x7f for c in done.stdout)
    assert "\\x1b[2J" in done.stdout


def test_status_json_keeps_the_value_json_escaped(start_worker):
    worker = start_worker([noop_target()])
    reply = worker.deliver(variant(PUSH, hostile_push))
    assert_answer(reply, 202, "queued")
    wait_for_run(worker, reply.json["delivery"])

    done = worker.command("status", "--json")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    (run,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert run["after"] == HOSTILE_AFTER
