"""A real GitHub push (tests/fixtures/github/push/woodpecker-push.json) re-aimed at a commit,
and its delivery to a worker: for the suites that push to a target of their own."""

import json
import uuid

from worker import fixture

PUSH_FIXTURE = "github/push/woodpecker-push.json"
REPOSITORY = "woodpecker-ci/woodpecker"  # the fixture's repository.full_name
BRANCH = "main"                          # the fixture pushes refs/heads/main


def make_push_body(after, ref=f"refs/heads/{BRANCH}", message=None):
    """Return a real GitHub push body (minified, as GitHub sends it) with `after` and `ref`
    replaced and, when given, every commit message set to `message`."""
    payload = json.loads(fixture(PUSH_FIXTURE))
    payload.update(after=after, ref=ref)
    if message is not None:
        for commit in [payload["head_commit"], *payload["commits"]]:
            commit["message"] = message
    return json.dumps(payload, separators=(",", ":")).encode()


def deliver_push(worker, body, delivery=None):
    """Post a signed push to the worker, assert it was queued (202), return the delivery id."""
    delivery = delivery or str(uuid.uuid4())
    reply = worker.deliver(body, event="push", delivery=delivery)
    assert reply.status == 202, (reply.status, reply.body, worker.log()[-2000:])
    assert reply.json["status"] == "queued"
    return delivery
