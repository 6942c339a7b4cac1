"""One real delivery per forge through real nginx and Caddy over TLS, sent by
scripts/send-delivery --forge as that forge sends it: each forge's headers and proof reach the
worker through the shipped configuration, and its push is queued at its commit."""

import pytest

from conftest import SERVERS, SOCKET_GROUPS
from forge_pushes import FORGE_PUSHES, forge_targets
from front_doors import is_root
from worker import FIXTURES, Worker, send_delivery, sent_answer


@pytest.fixture(params=sorted(SERVERS))
def forge_door(request, workdir, tls):
    """Yield (server, worker): nginx or Caddy before a worker with one target per forge."""
    name = request.param
    settings = {"socket_group": SOCKET_GROUPS[name]} if is_root() else {}
    worker = Worker(workdir / "worker", forge_targets(compose=["true"], health_timeout=0),
                    settings=settings)
    with worker, SERVERS[name](workdir / name, worker.socket, tls) as server:
        yield server, worker


def test_each_forges_push_is_queued_through_the_front_door(forge_door, tls):
    server, worker = forge_door
    for forge, (name, relative, _, _, commit) in FORGE_PUSHES.items():
        delivery = f"{forge}-through-door"
        done = send_delivery("--url", server.url, "--cacert", tls.ca, "--forge", forge,
                             "--secret", worker.secret, "--delivery", delivery, FIXTURES / relative)
        assert done.returncode == 0, done.stderr
        status, body = sent_answer(done)
        assert (forge, status, body["target"], body["after"], body["delivery"]) == \
            (forge, 202, name, commit, delivery)


def test_each_forges_wrong_proof_is_refused_through_the_front_door(forge_door, tls):
    server, worker = forge_door
    for forge, (_, relative, _, _, _) in FORGE_PUSHES.items():
        done = send_delivery("--url", server.url, "--cacert", tls.ca, "--forge", forge,
                             "--secret", worker.secret, "--bad-signature", FIXTURES / relative)
        assert (forge, sent_answer(done)) == (forge, (401, {"status": "invalid_signature"}))
