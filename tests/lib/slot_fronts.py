"""nginx and Caddy in front of a blue-green target's two slots, as users set them up: nginx's
upstream block includes upstream_file, Caddy's site imports it; `reload` is the command each one
re-reads its configuration with. Both run from this process on 127.0.0.1, stopped by pid.
"""

import os
import shutil
import socket
import subprocess
from pathlib import Path

from docker_env import free_port, log_tail, terminate
from worker import wait_until

START_TIMEOUT = 20.0


def accepts(port):
    """Return True when 127.0.0.1:port accepts a TCP connection."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class SlotFront:
    """One front door on 127.0.0.1:port serving the slot upstream_file names."""

    name = ""
    upstream_format = ""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        # A directory of its own, as users give the worker one it may write (temporary file, rename).
        self.upstream_dir = self.directory / "upstream"
        self.upstream_dir.mkdir(exist_ok=True)
        self.upstream_file = self.upstream_dir / "upstream.conf"
        self.log_path = self.directory / "server.log"
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        raise NotImplementedError

    def reload_argv(self):
        raise NotImplementedError

    def environment(self):
        """Return the server's environment; None: this process's."""
        return None

    def __enter__(self):
        # Before the first deploy the file names no slot: a closed port on 127.0.0.1.
        self.upstream_file.write_text(self.placeholder())
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), env=self.environment(),
                                            stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{log_tail(self.log_path)}")
            return accepts(self.port)
        wait_until(ready, START_TIMEOUT, f"{self.name} on port {self.port}")
        return self

    def __exit__(self, *exc):
        terminate(self.process)
        return False


class NginxFront(SlotFront):
    name = "nginx"
    upstream_format = "nginx"

    def placeholder(self):
        return f"server 127.0.0.1:{free_port()};\n"

    def command(self):
        d = self.directory
        temp = d / "temp"
        temp.mkdir(exist_ok=True)
        paths = "\n".join(f"    {kind}_temp_path {temp / kind};"
                          for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.conf = d / "nginx.conf"
        self.conf.write_text(
            f"worker_processes 1;\npid {d / 'nginx.pid'};\nerror_log {self.log_path} info;\n"
            "events { worker_connections 256; }\n"
            f"http {{\n    access_log off;\n{paths}\n"
            f"    upstream app {{\n        include {self.upstream_file};\n        keepalive 8;\n    }}\n"
            f"    server {{\n        listen 127.0.0.1:{self.port};\n"
            "        location / {\n            proxy_pass http://app;\n"
            "            proxy_http_version 1.1;\n            proxy_set_header Connection \"\";\n"
            "        }\n    }\n}\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-c", str(self.conf), "-e", str(self.log_path), "-g", "daemon off;"]

    def reload_argv(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-c", str(self.conf), "-e", str(self.log_path), "-s", "reload"]


class CaddyFront(SlotFront):
    name = "caddy"
    upstream_format = "caddy"

    def placeholder(self):
        return f"reverse_proxy 127.0.0.1:{free_port()}\n"

    def command(self):
        d = self.directory
        self.admin = f"127.0.0.1:{free_port()}"
        self.caddyfile = d / "Caddyfile"
        self.caddyfile.write_text(
            f"{{\n\tadmin {self.admin}\n\tauto_https off\n}}\n"
            f"http://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n\timport {self.upstream_file}\n}}\n")
        return ["caddy", "run", "--config", str(self.caddyfile), "--adapter", "caddyfile"]

    def environment(self):
        """Caddy keeps its storage and autosaved config under these, not in a real home."""
        home = self.directory / "home"
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
                "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}

    def reload_argv(self):
        return ["caddy", "reload", "--config", str(self.caddyfile), "--adapter", "caddyfile",
                "--address", self.admin]
