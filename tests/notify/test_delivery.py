"""A notification is tried again until the receiver takes it, across a restart of the worker,
and given up when the receiver refuses it for good; its URL token and secret are never logged
or stored."""

import json

from receiver import Receiver
from worker import wait_until

AFTER = "9d" * 20
URL_TOKEN = "T0KEN-in-the-url-5f3e"
SECRET = "plain-secret-7c1d"


def outbox_files(worker):
    return sorted((worker.state_dir / "outbox").glob("*.json"))


def test_a_receiver_answering_500_twice_gets_it_on_the_third_try(workers, fake, push):
    receiver = Receiver(statuses=[500, 500]).start()
    try:
        worker = workers(notify=[{"kind": "slack", "url": receiver.url()}])
        fake.set(pull={"exit": 1})
        push(worker, AFTER)
        requests = receiver.wait_for(3)
        wait_until(lambda: not outbox_files(worker), 10, "an empty outbox")
    finally:
        receiver.stop()
    assert receiver.answered == [500, 500, 200]
    assert len({request["body"] for request in requests}) == 1
    log = worker.log()
    assert "status=500 attempt=1 result=retry" in log
    assert "status=500 attempt=2 result=retry" in log
    assert "status=200 attempt=3 result=delivered" in log


def test_a_refusal_for_good_is_not_tried_again(workers, fake, receiver, push):
    receiver.statuses = [404]
    worker = workers(notify=[{"kind": "discord", "url": receiver.url()}])
    fake.set(pull={"exit": 1})
    push(worker, AFTER)
    wait_until(lambda: "result=\"gave up\"" in worker.log(), 30, "the give-up")
    assert not outbox_files(worker)
    assert receiver.answered == [404]


def test_a_message_waits_out_a_receiver_down_and_a_worker_restart(workers, fake, push, tmp_path):
    receiver = Receiver()  # its port is chosen, nothing listens yet
    url_file = tmp_path / "notify-url"
    url_file.write_text(receiver.url(f"/hook/{URL_TOKEN}") + "\n")
    secret_file = tmp_path / "notify-secret"
    secret_file.write_text(SECRET + "\n")
    notify = [{"kind": "webhook", "url_file": str(url_file), "secret_file": str(secret_file)}]
    worker = workers(notify=notify)
    fake.set(pull={"exit": 1})
    push(worker, AFTER)
    wait_until(lambda: "attempt=2 result=retry" in worker.log(), 30, "two failed tries")
    worker.stop()
    files = outbox_files(worker)
    assert len(files) == 1
    stored = files[0].read_text()
    assert URL_TOKEN not in stored and SECRET not in stored

    receiver.start()
    try:
        restarted = workers(notify=notify, name="restarted")
        request = receiver.wait_for(1)[0]
        wait_until(lambda: not outbox_files(restarted), 10, "an empty outbox")
    finally:
        receiver.stop()
    assert request["path"] == f"/hook/{URL_TOKEN}"
    assert json.loads(request["body"])["result"] == "failed"
    assert len(worker.history()) == 1
    for log in (worker.log(), restarted.log()):
        assert URL_TOKEN not in log and SECRET not in log and "127.0.0.1" not in log
