"""Each kind of notifier gets its own body and headers, about the right run, signed where the
kind is signed; nothing is said about runs a notifier did not ask for."""

import base64
import hashlib
import hmac
import json

from worker import wait_until

AFTER = "4e1f2a3b" + "c" * 32
SECRET = "whsec_" + base64.b64encode(b"notify-test-key-0123456789").decode()
FAILING_OUTPUT = "pulling app\nERROR: manifest unknown @everyone <b>\n"


def standard_webhook_signature(secret, headers, body):
    """Return the v1 signature Standard Webhooks defines for these headers and body."""
    key = base64.b64decode(secret[len("whsec_"):])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def rss_kib(pid):
    """Return the resident set size of process pid in KiB."""
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def by_path(requests, path):
    return [request for request in requests if request["path"] == path]


def test_every_kind_tells_of_a_start_and_a_failure(workers, fake, receiver, push, tmp_path):
    secret_file = tmp_path / "notify-secret"
    secret_file.write_text(SECRET + "\n")
    events = ["started", "failed"]
    worker = workers(notify=[
        {"kind": "webhook", "url": receiver.url("/webhook"), "secret_file": str(secret_file),
         "on": events},
        {"kind": "slack", "url": receiver.url("/slack"), "on": events},
        {"kind": "discord", "url": receiver.url("/discord"), "on": events},
        {"kind": "ntfy", "url": receiver.url("/ntfy"), "on": events, "targets": ["app"]},
    ])
    fake.set(pull={"exit": 1, "output": FAILING_OUTPUT})
    push(worker, AFTER)
    requests = receiver.wait_for(8)
    assert len(requests) == 8

    webhooks = by_path(requests, "/webhook")
    runs = [json.loads(request["body"]) for request in webhooks]
    assert sorted(run["result"] for run in runs) == ["failed", "started"]
    assert {run["target"] for run in runs} == {"app"}
    assert {run["commit"] for run in runs} == {AFTER}
    for request in webhooks:
        headers = request["headers"]
        assert headers["content-type"] == "application/json"
        assert headers["webhook-signature"] == standard_webhook_signature(
            SECRET, headers, request["body"])
    assert webhooks[0]["headers"]["webhook-id"] != webhooks[1]["headers"]["webhook-id"]
    finished = next(run for run in runs if run["result"] == "failed")
    assert finished == worker.history()[0]
    # libcurl and the sender thread keep the worker small.
    assert rss_kib(worker.process.pid) < 20 * 1024

    slack = [json.loads(request["body"]) for request in by_path(requests, "/slack")]
    assert slack[0] == {"text": f"*app: deploy started*\ncommit {AFTER[:7]}\nrun {runs[0]['id']}"}
    text = slack[1]["text"]
    assert text.startswith(f"*app: failed*\ncommit {AFTER[:7]}, took ")
    assert "failed step: pull (exit 1)" in text
    # The tail of the run's output, as the run log has it, in a code block.
    assert text.endswith("ERROR: manifest unknown @everyone &lt;b&gt;\n[pull: exit 1]\n"
                         "[result: failed]\n```")

    discord = [json.loads(request["body"]) for request in by_path(requests, "/discord")]
    assert discord[1]["content"].startswith(f"**app: failed**\ncommit {AFTER[:7]}, took ")
    assert discord[1]["content"].endswith("ERROR: manifest unknown @everyone <b>\n[pull: exit 1]\n"
                                          "[result: failed]\n```")
    assert discord[1]["allowed_mentions"] == {"parse": []}

    ntfy = by_path(requests, "/ntfy")
    assert [request["headers"]["title"] for request in ntfy] == ["app: deploy started", "app: failed"]
    assert [request["headers"]["priority"] for request in ntfy] == ["default", "high"]
    assert ntfy[1]["headers"]["tags"] == "deployhook,rotating_light"
    assert ntfy[1]["headers"]["content-type"] == "text/plain; charset=utf-8"
    body = ntfy[1]["body"].decode()
    assert body.startswith(f"commit {AFTER[:7]}, took ")
    assert "failed step: pull (exit 1)\n\n" in body
    assert body.endswith(FAILING_OUTPUT + "[pull: exit 1]\n[result: failed]")


def test_a_success_is_told_only_to_who_asked_for_it(workers, receiver, push):
    worker = workers(notify=[
        {"kind": "slack", "url": receiver.url("/default")},
        {"kind": "slack", "url": receiver.url("/other-target"), "on": ["succeeded"],
         "targets": ["app"]},
        {"kind": "slack", "url": receiver.url("/asked"), "on": ["succeeded"]},
    ])
    push(worker, AFTER)
    # Both messages of one run go into the outbox together, and are sent in turn.
    requests = receiver.wait_for(2)
    wait_until(lambda: not list((worker.state_dir / "outbox").glob("*.json")), 10,
               "an empty outbox")
    assert sorted(request["path"] for request in receiver.requests) == ["/asked", "/other-target"]
    assert json.loads(requests[0]["body"])["text"].startswith("*app: succeeded*")
