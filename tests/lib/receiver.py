"""A notification receiver on 127.0.0.1 for tests: records every POST and answers with the
statuses it was given, in turn (then 200).

    receiver = Receiver(statuses=[500, 500]).start()
    ... receiver.url("/hook") ...
    receiver.wait_for(1)[0]["headers"]["content-type"]
    receiver.stop()
"""

import socket
import ssl
import subprocess
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

    def __init__(self, port=None, statuses=(), tls=None, hang=False):
        """tls: (certificate file, key file) to serve HTTPS instead of HTTP; hang: read each
        request, then answer nothing until stopped."""
        self.port = port or free_port()
        self.tls = tls
        self.hang = hang
        self.released = threading.Event()
        self.statuses = list(statuses)
        self.requests = []
        self.answered = []  # the status given to each request, in turn
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    def url(self, path="/hook"):
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}{path}"

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
                if receiver.hang:
                    receiver.released.wait(120)
                    return
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*self.tls)
            # The handshake happens in the handler's thread, so a client that fails it (an
            # unknown CA) does not hold up the next one.
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True,
                                                     do_handshake_on_connect=False)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.released.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def wait_for(self, count, timeout=30):
        """Return the requests once at least `count` arrived (TimeoutError at the deadline)."""
        wait_until(lambda: len(self.requests) >= count, timeout, f"{count} notification(s)")
        with self.lock:
            return list(self.requests)


def make_test_ca(directory):
    """Create a CA and a certificate for 127.0.0.1 signed by it with the openssl CLI; return
    (CA file, certificate file, key file)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=deployhook test CA")
    openssl("req", *curve, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    (directory / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"
