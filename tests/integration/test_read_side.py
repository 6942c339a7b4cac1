"""The read side over FastCGI: GET below the hook path answers metrics, status, the page, run
logs and badges to a bearer of the read token; it is closed (404) without one configured, the
hook path itself stays 405 for GET, and deliveries are counted by decision."""

import json
import shutil
import subprocess
import uuid

import pytest

from integration_support import PUSH, noop_target, wait_for_run
from worker import fastcgi_request, fixture

TOKEN = "read-token-0123456789"
HOOK = "/webhook/deploy"


def get(worker, path, token=TOKEN, accept="*/*", method="GET", scheme="Bearer"):
    """GET path from the worker as nginx would pass it; return the Reply."""
    params = {"REQUEST_METHOD": method, "REQUEST_URI": path, "DOCUMENT_URI": path.split("?")[0],
              "SCRIPT_NAME": path.split("?")[0], "HTTP_ACCEPT": accept}
    if token is not None:
        params["HTTP_AUTHORIZATION"] = f"{scheme} {token}"
    return fastcgi_request(worker.socket, params)


@pytest.fixture
def reader(start_worker, tmp_path):
    """A worker with a read token whose target `app` has one recorded run."""
    token_file = tmp_path / "read.token"
    token_file.write_text(TOKEN + "\n")
    worker = start_worker([noop_target("app")], settings={"read_token_file": str(token_file)})
    delivery = str(uuid.uuid4())
    reply = worker.deliver(fixture(PUSH), delivery=delivery)
    assert reply.status == 202, reply.body
    run = wait_for_run(worker, delivery)
    worker.deliver(fixture(PUSH), signature="sha256=" + "0" * 64)  # one 401
    return worker, run


def test_metrics_in_prometheus_text_format(reader):
    worker, run = reader
    reply = get(worker, f"{HOOK}/metrics")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = reply.body.decode()
    assert 'deployhook_requests_total{decision="queued"} 1' in text
    assert 'deployhook_requests_total{decision="invalid_signature"} 1' in text
    assert f'deployhook_deployments_total{{target="app",result="{run["result"]}"}} 1' in text
    assert 'deployhook_deployment_duration_seconds_count{target="app"} 1' in text
    assert 'deployhook_queued_jobs{target="app"} 0' in text
    assert "deployhook_build_info{version=" in text
    promtool = shutil.which("promtool")
    if promtool:  # installed by scripts/install-deps
        checked = subprocess.run([promtool, "check", "metrics"], input=reply.body,
                                 capture_output=True, timeout=30, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_status_json_names_state_commit_and_runs(reader):
    worker, run = reader
    reply = get(worker, f"{HOOK}/status")
    assert reply.status == 200
    (target,) = reply.json["targets"]
    assert target["name"] == "app"
    assert target["state"] == "idle"
    assert target["queued"] == 0
    assert target["paused"] is None
    assert target["runs"][0]["id"] == run["id"]
    assert target["deployed"]["commit"] == run["commit"]


def test_page_is_html_under_a_strict_policy_and_links_run_logs(reader):
    worker, run = reader
    reply = get(worker, f"{HOOK}/", accept="text/html,application/xhtml+xml")
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    page = reply.body.decode()
    assert f'href="runs/{run["id"]}/log"' in page
    assert "<script" not in page

    log = get(worker, f"{HOOK}/runs/{run['id']}/log")
    assert log.status == 200
    assert log.headers["content-type"].startswith("text/plain")
    assert b"[result: " in log.body


def test_badge_is_svg_with_the_last_result(reader):
    worker, run = reader
    reply = get(worker, f"{HOOK}/badge/app.svg")
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/svg+xml"
    assert f">{run['result']}</text>".encode() in reply.body
    assert get(worker, f"{HOOK}/badge/nope.svg").status == 404


def test_wrong_or_missing_token_is_401(reader):
    worker, _ = reader
    for token in (None, "wrong", TOKEN + "x"):
        reply = get(worker, f"{HOOK}/metrics", token=token)
        assert reply.status == 401
        assert reply.headers.get("www-authenticate") == "Bearer"
        assert b"deployhook_" not in reply.body


def test_the_bearer_scheme_is_case_insensitive(reader):
    worker, _ = reader
    for scheme in ("bearer", "BEARER", "bEaReR"):
        assert get(worker, f"{HOOK}/status", scheme=scheme).status == 200, scheme
    assert get(worker, f"{HOOK}/status", scheme="Basic").status == 401


def test_unknown_paths_404_other_methods_405_and_the_hook_itself_stays_405(reader):
    worker, _ = reader
    for path in (f"{HOOK}/nope", f"{HOOK}/runs/../../../etc/passwd/log", f"{HOOK}/runs/x/log"):
        assert get(worker, path).status == 404, path
    assert get(worker, f"{HOOK}/metrics", method="DELETE").status == 405
    hook = get(worker, HOOK)
    assert hook.status == 405
    assert hook.json["status"] == "method_not_allowed"


def test_closed_without_a_read_token(start_worker):
    worker = start_worker([noop_target("app")])
    for path in ("/metrics", "/status", "/", "/badge/app.svg"):
        assert get(worker, HOOK + path).status == 404, path


def test_public_badges_open_the_badges_alone(start_worker):
    worker = start_worker([noop_target("app")], settings={"public_badges": True})
    badge = get(worker, f"{HOOK}/badge/app.svg", token=None)
    assert badge.status == 200
    assert b">none</text>" in badge.body
    assert get(worker, f"{HOOK}/status", token=None).status == 404
