"""The status page in a real browser (headless Chromium, Debian's package): it renders the
targets and runs, and a hostile string from an operator or a payload stays text, never markup."""

import shutil
import subprocess
import uuid

import pytest

from integration_support import PUSH, noop_target, wait_for_run
from worker import fastcgi_request, fixture

TOKEN = "page-token-7"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium not installed (scripts/install-deps installs it)")


def chromium(*args, timeout=60):
    """Run headless Chromium with args; return its stdout."""
    done = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_renders_and_keeps_hostile_strings_as_text(start_worker, tmp_path):
    token_file = tmp_path / "read.token"
    token_file.write_text(TOKEN + "\n")
    worker = start_worker([noop_target("app")], settings={"read_token_file": str(token_file)})
    delivery = str(uuid.uuid4())
    assert worker.deliver(fixture(PUSH), delivery=delivery).status == 202
    run = wait_for_run(worker, delivery)
    assert worker.command("pause", "app", "--reason", HOSTILE).returncode == 0

    reply = fastcgi_request(worker.socket, {
        "REQUEST_METHOD": "GET", "REQUEST_URI": "/webhook/deploy/", "HTTP_ACCEPT": "text/html",
        "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"})
    assert reply.status == 200
    page = tmp_path / "page.html"
    page.write_bytes(reply.body)

    dom = chromium("--dump-dom", page.as_uri())
    assert "<title>deployhook</title>" in dom  # the onerror handler never ran
    assert "<img" not in dom
    assert "&lt;img src=x onerror=" in dom
    assert f'href="runs/{run["id"]}/log"' in dom
    assert "paused" in dom

    shot = tmp_path / "page.png"
    chromium("--window-size=390,800", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 5000
