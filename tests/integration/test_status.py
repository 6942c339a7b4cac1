"""`deployhook status` prints what the history holds as text a terminal only shows: a signed
push can no longer put such bytes there (its `after` must be a commit id), but a history written
before that check, or edited by hand, still can."""

import json

from integration_support import PUSH, PUSH_AFTER, assert_answer, noop_target, variant, wait_for_run

# An `after` that would clear the operator's screen and retitle the terminal.
HOSTILE_AFTER = "\x1b[2J\x1b]0;owned\x07\x9b31m\u00e9" + "0" * 40


def hostile_push(document):
    document["after"] = HOSTILE_AFTER


def run_with_hostile_after(worker):
    """Deliver the push, wait for its run, then make the recorded `after` hostile as an older
    worker would have recorded it; return nothing."""
    reply = worker.deliver(variant(PUSH, lambda document: None))
    assert_answer(reply, 202, "queued")
    wait_for_run(worker, reply.json["delivery"])
    history = worker.state_dir / "deployments.jsonl"
    text = history.read_text()
    assert PUSH_AFTER in text
    history.write_text(text.replace(PUSH_AFTER, json.dumps(HOSTILE_AFTER)[1:-1]))


def test_a_signed_push_with_a_hostile_after_is_refused(start_worker):
    worker = start_worker([noop_target()])
    assert_answer(worker.deliver(variant(PUSH, hostile_push)), 400, "bad_payload")
    assert worker.queued("app") == []


def test_status_table_escapes_control_and_non_ascii_bytes_of_the_history(start_worker):
    worker = start_worker([noop_target()])
    run_with_hostile_after(worker)

    done = worker.command("status")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert all(ord(c) < 0x7f for c in done.stdout)
    assert "\\x1b[2J" in done.stdout


def test_status_json_keeps_the_value_json_escaped(start_worker):
    worker = start_worker([noop_target()])
    run_with_hostile_after(worker)

    done = worker.command("status", "--json")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    (run,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert run["after"] == HOSTILE_AFTER
