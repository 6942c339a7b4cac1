"""The read side through the shipped nginx snippet and Caddyfile with their read-side block
uncommented as deployhook(8) says: GET below the hook path reaches the worker with the bearer token;
the hook path itself still answers GET with 405."""

import pytest

from conftest import SERVERS, SOCKET_GROUPS
from front_doors import https_request
from held_worker import held_worker

TOKEN = "door-read-token-42"


@pytest.mark.parametrize("name", sorted(SERVERS))
def test_read_side_through_the_front_door(name, workdir, tls):
    token_file = workdir / "read.token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o644)
    settings = {"read_token_file": str(token_file), "public_badges": True}
    with held_worker(workdir / "worker", SOCKET_GROUPS[name], settings) as worker:
        with SERVERS[name](workdir / name, worker.socket, tls, read_side=True) as server:
            base = server.url
            auth = {"Authorization": f"Bearer {TOKEN}"}
            metrics = https_request(base + "/metrics", headers=auth, cacert=tls.ca, method="GET")
            assert metrics.status == 200, metrics.body
            assert b"deployhook_build_info" in metrics.body

            page = https_request(base + "/", headers={**auth, "Accept": "text/html"},
                                 cacert=tls.ca, method="GET")
            assert page.status == 200
            assert page.headers["content-type"].startswith("text/html")

            assert https_request(base + "/status", cacert=tls.ca, method="GET").status == 401
            badge = https_request(base + "/badge/app.svg", cacert=tls.ca, method="GET")
            assert badge.status == 200 and badge.body.startswith(b"<svg")
            assert https_request(base, cacert=tls.ca, method="GET").status == 405
