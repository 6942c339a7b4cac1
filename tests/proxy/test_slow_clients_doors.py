"""Clients that announce a body and send it slowly, or not at all, through the shipped nginx
and Caddy configurations: they cannot keep a signed ping from being answered (nginx reads
bodies before it calls the worker; Caddy streams them, and the worker reads one for at most
body_timeout). Per-target paths go through both doors too."""

import contextlib
import os
import socket
import ssl
import time
import uuid

import pytest

from conftest import SERVERS, SOCKET_GROUPS
from front_doors import https_request
from held_worker import PING, PUSH, TARGET, held_worker
from worker import fixture, sign, wait_until

THREADS = 4
SLOW_CLIENTS = 8
# The slow clients' requests are cut off after this (seconds): the door's own timeout or the
# worker's body_timeout.
BODY_TIMEOUT = 5
# A ping behind eight slow clients is answered as soon as without them: TLS, the door, the worker.
PING_DEADLINE = 2.0


def github_head(path, body, event="push"):
    """Return an HTTP/1.1 request head announcing body, signed as GitHub signs it."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Content-Length: {len(body)}", f"X-GitHub-Event: {event}",
             f"X-GitHub-Delivery: {uuid.uuid4()}", f"X-Hub-Signature-256: {sign(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def open_files(worker):
    """Return how many descriptors the worker process has open."""
    return len(os.listdir(f"/proc/{worker.process.pid}/fd"))


def ping(server, tls):
    """Send a signed ping through the door; return (Reply, seconds)."""
    body = fixture(PING)
    started = time.monotonic()
    reply = https_request(server.url, body, {
        "Content-Type": "application/json", "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sign(body)}, tls.ca)
    return reply, time.monotonic() - started


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_eight_slow_clients_cannot_keep_a_signed_ping_waiting(name, workdir, tls):
    settings = {"threads": THREADS, "body_timeout": BODY_TIMEOUT}
    with held_worker(workdir / "worker", SOCKET_GROUPS[name], settings) as worker:
        with SERVERS[name](workdir / name, worker.socket, tls) as server:
            context = ssl.create_default_context(cafile=str(tls.ca))
            baseline = open_files(worker)
            body = fixture(PUSH)
            with contextlib.ExitStack() as stack:
                for i in range(SLOW_CLIENTS):
                    raw = socket.create_connection(("127.0.0.1", server.port), timeout=30)
                    connection = stack.enter_context(
                        context.wrap_socket(raw, server_hostname="127.0.0.1"))
                    # The whole push announced; half send its first bytes, none the rest.
                    connection.sendall(github_head("/webhook/deploy", body) +
                                       (body[:100] if i % 2 else b""))
                if name == "caddy":
                    # Caddy streams: wait until each slow client has a connection to the worker.
                    wait_until(lambda: open_files(worker) >= baseline + SLOW_CLIENTS, 10,
                               "the slow clients' connections to the worker")
                reply, seconds = ping(server, tls)
                assert reply.status == 200 and reply.json == {"status": "pong"}, reply.body
                assert seconds < PING_DEADLINE, f"the ping waited {seconds:.1f} s"
            assert worker.queued(TARGET) == []


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_per_target_paths_go_through_the_door(name, workdir, tls):
    with held_worker(workdir / "worker", SOCKET_GROUPS[name]) as worker:
        with SERVERS[name](workdir / name, worker.socket, tls) as server:
            body = fixture(PUSH)
            headers = {"Content-Type": "application/json", "X-GitHub-Event": "push",
                       "X-GitHub-Delivery": "per-target-1", "X-Hub-Signature-256": sign(body)}
            base = server.url
            reply = https_request(f"{base}/{TARGET}", body, headers, tls.ca)
            assert reply.status == 202, reply.body
            assert [entry["target"] for entry in reply.json["targets"]] == [TARGET]
            reply = https_request(f"{base}/nope", body, headers, tls.ca)
            assert reply.status == 404 and reply.json == {"status": "unknown_target"}
            # Other methods there are not deliveries; the read side is closed at the door.
            assert https_request(f"{base}/{TARGET}", cacert=tls.ca, method="GET").status == 404
            [job] = worker.queued(TARGET)
            assert job["delivery"] == "per-target-1"
