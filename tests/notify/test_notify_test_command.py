"""`deployhook notify-test` sends one test message to every notifier now and says what each
answered, without printing any URL."""

import json

from receiver import Receiver


def test_sends_one_message_to_each_notifier_and_prints_the_answers(workers, receiver):
    refusing = Receiver(statuses=[403]).start()
    try:
        worker = workers(start=False, notify=[
            {"kind": "slack", "url": receiver.url("/slack-T0KEN")},
            {"kind": "ntfy", "url": refusing.url("/ntfy")},
        ])
        done = worker.command("notify-test")
    finally:
        refusing.stop()
    assert done.returncode == 1, done
    assert done.stdout.splitlines() == ["notify[0] slack: HTTP 200 (delivered)",
                                        "notify[1] ntfy: HTTP 403 (refused)"]
    text = json.loads(receiver.requests[0]["body"])["text"]
    assert text.startswith("*app: test message from deployhook*\ncommit (none)\nrun ")
    assert refusing.requests[0]["headers"]["title"] == "app: test message from deployhook"
    assert "T0KEN" not in done.stdout + done.stderr


def test_says_when_a_receiver_cannot_be_reached(workers):
    down = Receiver()  # nothing listens on its port
    worker = workers(start=False, notify=[{"kind": "discord", "url": down.url()}])
    done = worker.command("notify-test")
    assert done.returncode == 1
    assert done.stdout.startswith("notify[0] discord: no answer: ")
    assert "127.0.0.1" not in done.stdout
