"""The status page in a real browser (headless Chromium, Debian's package): it renders the
targets and runs, and a hostile string from an operator or a payload stays text, never markup."""

import http.server
import os
import shutil
import subprocess
import threading
import uuid

import pytest

from integration_support import PUSH, noop_target, wait_for_run
from worker import fastcgi_request, fixture

TOKEN = "page-token-7"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None,
                                reason="chromium not installed (scripts/install-deps installs it)")


def chromium(*args, timeout=60):
    """Run headless Chromium with args; return (stdout, stderr with its console log)."""
    done = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--enable-logging=stderr", "--v=0", *args],
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


class Replay(http.server.BaseHTTPRequestHandler):
    """Serves the worker's answer (body and headers, its CSP too) on 127.0.0.1, as the proxy
    would: the browser then applies the policy the worker sent."""

    reply = None

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        for name in ("content-type", "content-security-policy", "x-content-type-options"):
            self.send_header(name, self.reply.headers[name])
        self.end_headers()
        self.wfile.write(self.reply.body)

    def log_message(self, *args):
        pass


def serve_once(reply):
    """Serve reply at http://127.0.0.1:PORT/ from a thread; return (server, url)."""
    handler = type("Handler", (Replay,), {"reply": reply})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


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
    server, url = serve_once(reply)
    try:
        dom, log = chromium("--dump-dom", url)
        shot = tmp_path / "page.png"
        chromium("--window-size=420,760", f"--screenshot={shot}", url)
    finally:
        server.shutdown()
    assert "<title>deployhook</title>" in dom  # the onerror handler never ran
    assert "<img" not in dom
    assert "&lt;img src=x onerror=" in dom
    assert 'class="card"' in dom and ">app</span>" in dom
    assert f'href="runs/{run["id"]}/log"' in dom
    assert "paused" in dom
    assert "CONSOLE" not in log and "Content Security Policy" not in log, log[-2000:]
    assert shot.stat().st_size > 5000
    # README's picture of the page is this screenshot: DEPLOYHOOK_SCREENSHOT_DIR=... keeps it.
    if os.environ.get("DEPLOYHOOK_SCREENSHOT_DIR"):
        shutil.copy(shot, os.path.join(os.environ["DEPLOYHOOK_SCREENSHOT_DIR"], "status-page.png"))
