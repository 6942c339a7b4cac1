"""What scripts/bench measures against: one nginx over TLS (the shipped site and snippet) with more
locations, adnanh/webhook as the peer behind it, and Caddy over TLS (the shipped Caddyfile).

    https://127.0.0.1:PORT/webhook/deploy   deployhook, through nginx/deployhook.conf as shipped
    https://127.0.0.1:PORT/ceiling          nginx answering `return 202` itself: the ceiling
    https://127.0.0.1:PORT/hooks/deploy     adnanh/webhook on 127.0.0.1, via proxy_pass
    https://127.0.0.1:PORT/floor            the bare libfcgi responder (kept, and -direct)
    https://127.0.0.1:CADDY/webhook/deploy  deployhook through the shipped Caddyfile
    https://127.0.0.1:CADDY/floor           the bare responder through Caddy's fastcgi transport

Needs tests/lib and tests/proxy on sys.path (worker.py, front_doors.py, docker_env.py).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

from docker_env import free_port, log_tail, terminate
from front_doors import Caddy, Nginx, accepts_connections, substitute
from worker import wait_until

START_TIMEOUT = 15.0
CEILING_PATH = "/ceiling"
PEER_PATH = "/hooks/deploy"
# deployhook with one connection per request (no fastcgi_keep_conn), beside the shipped kept ones.
DIRECT_PATH = "/direct/webhook/deploy"
# The bare libfcgi responder (tests/bench/fcgi_floor), kept connections as shipped, and direct.
FLOOR_PATH = "/floor"
FLOOR_DIRECT_PATH = "/floor-direct"
BODY_LIMITS = "        client_max_body_size 25m;\n        client_body_buffer_size 1m;\n"


class BenchNginx(Nginx):
    """The shipped nginx site with the ceiling and the peer's location added, and room for
    benchmark concurrency (each client connection may hold a connection upstream too)."""

    WORKER_CONNECTIONS = 1024

    def __init__(self, directory, socket_path, tls, peer_port, floor_socket):
        super().__init__(directory, socket_path, tls)
        self.peer_port = peer_port
        self.floor_socket = floor_socket

    def url_for(self, path):
        """Return this server's URL for path."""
        return f"https://127.0.0.1:{self.port}{path}"

    def write_config(self):
        conf = super().write_config()
        conf.write_text(substitute(conf.read_text(), {
            "worker_connections 64;": f"worker_connections {self.WORKER_CONNECTIONS};"}))
        # The floor's upstream keeps connections exactly as the shipped one for deployhook does.
        upstream = (self.directory / "conf.d" / "deployhook-upstream.conf").read_text()
        (self.directory / "conf.d" / "floor-upstream.conf").write_text(
            upstream.replace("upstream deployhook {", "upstream floor {")
                    .replace(f"unix:{self.socket_path};", f"unix:{self.floor_socket};"))

        def fastcgi(path, pass_to, keep):
            return (f"    location = {path} {{\n{BODY_LIMITS}        include fastcgi_params;\n"
                    + ("        fastcgi_keep_conn on;\n" if keep else "")
                    + f"        fastcgi_pass {pass_to};\n    }}\n")

        # The peer gets the same body limits as deployhook's snippet; nginx buffers its body too.
        extra = (
            f"    location = {CEILING_PATH} {{\n"
            "        default_type application/json;\n"
            "        return 202 '{\"status\":\"queued\"}\\n';\n"
            "    }\n"
            f"    location = {PEER_PATH} {{\n{BODY_LIMITS}"
            f"        proxy_pass http://127.0.0.1:{self.peer_port};\n"
            "    }\n"
            + fastcgi(DIRECT_PATH, f"unix:{self.socket_path}", keep=False)
            + fastcgi(FLOOR_PATH, "floor", keep=True)
            + fastcgi(FLOOR_DIRECT_PATH, f"unix:{self.floor_socket}", keep=False))
        site = self.directory / "site.conf"
        include = "    include snippets/deployhook.conf;\n"
        site.write_text(substitute(site.read_text(), {include: include + extra}))
        return conf


def peer_hooks(secret, repository, branch, command, workdir):
    """Return adnanh/webhook's hooks for deployhook's decision: a valid X-Hub-Signature-256
    (payload-hmac-sha256), the repository and refs/heads/<branch>; 202 when it runs command,
    200 when a rule does not match."""
    def payload_value(name, value):
        return {"match": {"type": "value", "value": value,
                          "parameter": {"source": "payload", "name": name}}}

    return [{
        "id": "deploy",
        "execute-command": str(command),
        "command-working-directory": str(workdir),
        "http-methods": ["POST"],
        "response-message": '{"status":"queued"}',
        "success-http-response-code": 202,
        "trigger-rule-mismatch-http-response-code": 200,
        "trigger-rule": {"and": [
            {"match": {"type": "payload-hmac-sha256", "secret": secret,
                       "parameter": {"source": "header", "name": "X-Hub-Signature-256"}}},
            payload_value("repository.full_name", repository),
            payload_value("ref", f"refs/heads/{branch}"),
        ]},
    }]


class BenchCaddy(Caddy):
    """The shipped Caddyfile with the floor's route added, through the same fastcgi transport."""

    def __init__(self, directory, socket_path, tls, floor_socket):
        super().__init__(directory, socket_path, tls)
        self.floor_socket = floor_socket

    def url_for(self, path):
        """Return this server's URL for path."""
        return f"https://127.0.0.1:{self.port}{path}"

    def write_config(self):
        path = super().write_config()
        floor = (f"\thandle {FLOOR_PATH} {{\n\t\treverse_proxy unix/{self.floor_socket} {{\n"
                 "\t\t\ttransport fastcgi\n\t\t}\n\t}\n\n")
        mark = "\t# Nothing else is served on this host."
        path.write_text(substitute(path.read_text(), {mark: floor + mark}))
        return path


class Floor:
    """tests/bench/fcgi_floor on a unix socket: the bare libfcgi responder, on as many threads as
    asked (restart() changes them). stats() is how many requests it answered and how many of them
    asked to keep their connection."""

    def __init__(self, directory, binary, threads):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)
        self.socket = self.directory / "floor.sock"
        self.stats_path = self.directory / "stats"
        self.binary = binary
        self.threads = threads
        self.process = None

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        """Start the responder; return self once its socket exists."""
        for path in (self.socket, self.stats_path):
            path.unlink(missing_ok=True)
        self.process = subprocess.Popen([str(self.binary), str(self.socket), str(self.threads),
                                         str(self.stats_path)], stdin=subprocess.DEVNULL)
        wait_until(lambda: self.socket.exists() and self.stats_path.exists(), START_TIMEOUT,
                   "the floor's socket")
        return self

    def restart(self, threads):
        """Stop the responder and start it again on threads threads, on the same socket."""
        self.stop()
        self.threads = threads
        return self.start()

    def stats(self):
        """Return (requests answered, of which with FCGI_KEEP_CONN), as of the last 100 ms."""
        requests, kept = self.stats_path.read_text().split()
        return int(requests), int(kept)

    def stop(self):
        if self.process is not None:
            terminate(self.process)
            self.process = None


class Peer:
    """adnanh/webhook (Debian's /usr/bin/webhook) on 127.0.0.1 with the equivalent hook. Its
    command appends a line to a file per run, so runs() counts them."""

    def __init__(self, directory, secret, repository, branch):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.runs_file = self.directory / "runs"
        self.log_path = self.directory / "webhook.log"
        command = self.directory / "deploy.sh"
        command.write_text(f"#!/bin/sh\necho run >> '{self.runs_file}'\n")
        command.chmod(0o755)
        self.hooks = self.directory / "hooks.json"
        self.hooks.write_text(json.dumps(peer_hooks(secret, repository, branch, command,
                                                    self.directory), indent=2))
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        """Start webhook; return self once its port accepts connections."""
        webhook = shutil.which("webhook") or "/usr/bin/webhook"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [webhook, "-hooks", str(self.hooks), "-ip", "127.0.0.1", "-port", str(self.port),
                 "-nopanic"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"webhook exited {self.process.returncode}:\n"
                                   f"{log_tail(self.log_path)}")
            return accepts_connections(self.port)

        try:
            wait_until(ready, START_TIMEOUT, f"webhook on port {self.port}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process is not None:
            terminate(self.process)
            self.process = None

    def runs(self):
        """Return how many times the hook's command has run."""
        if not self.runs_file.exists():
            return 0
        return self.runs_file.read_bytes().count(b"\n")
