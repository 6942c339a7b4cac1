"""A notification receiver on 127.0.0.1 for tests: records every POST and answers with the
statuses it was given, in turn (then 200).

    receiver = Receiver(statuses=[500, 500]).start()
    ... receiver.url("/hook") ...
    receiver.wait_for(1)[0]["headers"]["content-type"]
    receiver.stop()
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from worker import wait_until


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """One HTTP server thread; requests holds {path, headers (lower-case names), body} dicts."""

    def __init__(self, port=None, statuses=()):
        self.port = port or free_port()
        self.statuses = list(statuses)
        self.requests = []
        self.answered = []  # the status given to each request, in turn
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append({"path": self.path, "body": body, "headers": {
                        name.lower(): value for name, value in self.headers.items()}})
                    receiver.answered.append(status)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def wait_for(self, count, timeout=30):
        """Return the requests once at least `count` arrived (TimeoutError at the deadline)."""
        wait_until(lambda: len(self.requests) >= count, timeout, f"{count} notification(s)")
        with self.lock:
            return list(self.requests)
