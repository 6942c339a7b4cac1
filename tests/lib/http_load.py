"""GETs through a front door from a few threads, each on one kept connection, for as long as a
test deploys behind it: every answer's status and body, socket errors and latencies.

    with GetLoad("http://127.0.0.1:8080/version") as load:
        ... deploy ...
        window = load.window()      # what was answered since the last window
    print(window.failed, window.p99_ms)

Every thread stops when the block ends (each request has a timeout), and talks to 127.0.0.1.
"""

import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

REQUEST_TIMEOUT_S = 5.0


@dataclass
class Window:
    """What the load saw between two calls of window()."""
    requests: int = 0
    statuses: dict = field(default_factory=dict)   # HTTP status -> count
    bodies: dict = field(default_factory=dict)     # body of a 200 -> count
    errors: list = field(default_factory=list)     # socket errors, as text (the first 20)
    error_count: int = 0
    retried: int = 0  # kept connections the front door closed as a request went out, sent again
    latencies_ms: list = field(default_factory=list)

    @property
    def failed(self):
        """Requests not answered 200: other statuses plus socket errors."""
        return self.error_count + sum(n for status, n in self.statuses.items() if status != 200)

    def percentile_ms(self, fraction):
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def p99_ms(self):
        return self.percentile_ms(0.99)

    def merge(self, other):
        self.requests += other.requests
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        for body, n in other.bodies.items():
            self.bodies[body] = self.bodies.get(body, 0) + n
        self.errors += other.errors[:max(0, 20 - len(self.errors))]
        self.error_count += other.error_count
        self.retried += other.retried
        self.latencies_ms += other.latencies_ms


class GetLoad:
    """Threads GETting url in a loop until stopped; window() hands over what they saw."""

    def __init__(self, url, threads=4, interval_s=0.0):
        parsed = urllib.parse.urlsplit(url)
        assert parsed.hostname == "127.0.0.1", "load stays on 127.0.0.1"
        self.host, self.port, self.path = parsed.hostname, parsed.port, parsed.path or "/"
        self.interval_s = interval_s
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.current = Window()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(REQUEST_TIMEOUT_S * 2)
        return False

    def window(self):
        """Return what was seen since the last call, and start a new window."""
        with self.lock:
            seen, self.current = self.current, Window()
        return seen

    def _record(self, status=None, body=None, error=None, started=None):
        with self.lock:
            window = self.current
            window.requests += 1
            if error is not None:
                window.error_count += 1
                if len(window.errors) < 20:
                    window.errors.append(error)
                return
            window.statuses[status] = window.statuses.get(status, 0) + 1
            if status == 200:
                window.bodies[body] = window.bodies.get(body, 0) + 1
            window.latencies_ms.append((time.monotonic() - started) * 1000)

    def _get(self, connection):
        """GET the path on connection; return (status, body)."""
        connection.request("GET", self.path)
        reply = connection.getresponse()
        return reply.status, reply.read().decode(errors="replace").strip(), reply.will_close

    def _run(self):
        connection, reused = None, False
        next_at = time.monotonic()
        while not self.stop.is_set():
            if self.interval_s:
                # Paced: a request every interval, so the load leaves the machine room to deploy
                # and latency is the front door's, not a queue behind a saturated CPU.
                next_at = max(next_at + self.interval_s, time.monotonic())
                if self.stop.wait(max(0.0, next_at - time.monotonic())):
                    break
            if connection is None:
                connection, reused = self._connect(), False
            started = time.monotonic()
            try:
                try:
                    status, body, closes = self._get(connection)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    if not reused:
                        raise
                    # A kept connection closed by the server (a reload ends its idle ones) as
                    # the request went out: sent again on a new one, as browsers and HTTP
                    # libraries do for an idempotent request (RFC 9112, 9.3.1). Counted apart.
                    with self.lock:
                        self.current.retried += 1
                    connection.close()
                    connection = self._connect()
                    status, body, closes = self._get(connection)
                self._record(status=status, body=body, started=started)
                reused = True
                if closes:
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                self._record(error=f"{type(error).__name__}: {error}")
                connection.close()
                connection = None
        if connection is not None:
            connection.close()

    def _connect(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
