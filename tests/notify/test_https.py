"""Notifications over HTTPS verify the receiver's certificate: against `ca_file` when it is
given, against the system's store otherwise (which does not know a test CA)."""

import json

from receiver import Receiver, make_test_ca
from worker import wait_until

AFTER = "ab" * 20


def test_a_test_ca_in_ca_file_is_trusted_and_nothing_else_is(workers, fake, push, tmp_path):
    ca_file, certificate, key = make_test_ca(tmp_path)
    receiver = Receiver(tls=(certificate, key)).start()
    try:
        worker = workers(notify=[
            {"kind": "slack", "url": receiver.url("/trusted"), "ca_file": str(ca_file)},
            {"kind": "discord", "url": receiver.url("/untrusted")},
        ])
        fake.set(pull={"exit": 1})
        push(worker, AFTER)
        request = receiver.wait_for(1)[0]
        wait_until(lambda: "kind=discord target=app event=failed error=" in worker.log(), 30,
                   "the untrusted receiver's failure")
    finally:
        receiver.stop()
    assert request["path"] == "/trusted"
    assert json.loads(request["body"])["text"].startswith("*app: failed*")
    assert [r["path"] for r in receiver.requests] == ["/trusted"]
    assert "attempt=1 result=retry" in worker.log()
