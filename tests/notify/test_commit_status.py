"""Commit status on a GitHub-style API: pending when a run starts, then success or failure, on
the run's commit, with the token in the Authorization header and nowhere in the log."""

import json

from worker import wait_until

TOKEN = "ghp_status-T0KEN-9a8b"
FAILING, PASSING = "f1" * 20, "c2" * 20
STATUSES = "/repos/woodpecker-ci/woodpecker/statuses/"


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
