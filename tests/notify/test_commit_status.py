"""Commit status on a GitHub-style API: pending when a run starts, then success or failure, on
the run's commit, with the token in the Authorization header and nowhere in the log."""

import json
import uuid

from worker import fixture, wait_until

TOKEN = "ghp_status-T0KEN-9a8b"
FAILING, PASSING = "f1" * 20, "c2" * 20
STATUSES = "/repos/woodpecker-ci/woodpecker/statuses/"
PUSH_FIXTURE = "github/push/woodpecker-push.json"  # the workers' push, to woodpecker-ci/woodpecker


def test_pending_then_failure_and_pending_then_success(workers, fake, receiver, push, tmp_path):
    token_file = tmp_path / "status.token"
    token_file.write_text(TOKEN + "\n")
    worker = workers(status_token_file=str(token_file), status_api=receiver.url(""))
    fake.set(pull={"exit": 1})
    push(worker, FAILING)
    receiver.wait_for(2)
    wait_until(lambda: len(worker.history()) == 1, 30, "the failed run")
    fake.set()
    push(worker, PASSING)
    requests = receiver.wait_for(4)

    assert [request["path"] for request in requests] == [
        STATUSES + FAILING, STATUSES + FAILING, STATUSES + PASSING, STATUSES + PASSING]
    states = [json.loads(request["body"])["state"] for request in requests]
    assert states == ["pending", "failure", "pending", "success"]
    assert {json.loads(request["body"])["context"] for request in requests} == {"deployhook/app"}
    assert {request["headers"]["authorization"] for request in requests} == {f"Bearer {TOKEN}"}
    assert "kind=status target=app event=succeeded status=200 attempt=1 result=delivered" in \
        worker.log()
    assert TOKEN not in worker.log()
    for path in (worker.state_dir / "outbox").glob("*.json"):
        assert TOKEN not in path.read_text()


def test_a_push_whose_after_climbs_the_path_sends_no_status(workers, receiver, push, tmp_path):
    # Once, after = "../../../../user/repos" sent the token in a POST to /user/repos.
    token_file = tmp_path / "status.token"
    token_file.write_text(TOKEN + "\n")
    worker = workers(status_token_file=str(token_file), status_api=receiver.url(""))
    payload = json.loads(fixture(PUSH_FIXTURE))
    payload["after"] = "../../../../user/repos"
    reply = worker.deliver(json.dumps(payload).encode(), event="push", delivery=str(uuid.uuid4()))
    assert (reply.status, reply.json["status"]) == (400, "bad_payload")
    push(worker, PASSING)
    requests = receiver.wait_for(2)
    assert [request["path"] for request in requests] == [STATUSES + PASSING] * 2
    assert len(worker.history()) == 1
