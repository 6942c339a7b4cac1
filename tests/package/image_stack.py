"""scripts/image/compose.yaml on a private engine: deployhook's image built by scripts/package
--image from a Debian 12 base made here with mmdebstrap, beside Caddy and the haproxy socket
proxy, both Debian's packages in images made the same way.

Nothing is fetched from the network by the engine: every image is a cached root (debian_roots)
brought in with `docker import`, and the image build runs with `--offline` (no network, the base
already holds the package's dependencies). The engine has no bridge network, so the test runs
the example with one override, written here and kept small: deployhook with no network (the
shipped file gives it the project's default network, for notifications and commit statuses),
and Caddy (on the host's network, as shipped) serving the shipped Caddyfile with plain HTTP on
a free 127.0.0.1 port for a site, and its admin endpoint off.

The image is built with BuildKit (DOCKER_BUILDKIT=1, built into Debian 12's docker CLI 20.10):
the classic builder makes a container for every instruction, which the engine's vfs storage
driver copies whole: about 200 s against 10 to 40 s here.
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from debian_roots import root_tarball
from package_builds import REPO

sys.path.insert(0, str(REPO / "tests" / "proxy"))
from front_doors import substitute  # noqa: E402

EXAMPLE = REPO / "scripts" / "image" / "compose.yaml"
PROJECT = "dhimage"
# The images compose.yaml names through its variables, and the packages each root holds.
HAPROXY_IMAGE = "deployhook-test/haproxy:bookworm"
CADDY_IMAGE = "deployhook-test/caddy:bookworm"
FRONT_ROOTS = {HAPROXY_IMAGE: ("haproxy", ("haproxy",)), CADDY_IMAGE: ("caddy", ("caddy",))}
# The Dockerfile's base; the test's holds what `apt-get install` there would fetch.
BASE_IMAGE = "debian:bookworm-slim"
BASE_EXTRAS = ("docker.io", "docker-compose")
BUILD_TIMEOUT = 900  # seconds, on two cores other suites share


def dependencies(deb):
    """Return the names of the packages deb depends on (the first of each alternative)."""
    field = subprocess.run(["dpkg-deb", "--field", str(deb), "Depends"], capture_output=True,
                           text=True, check=True).stdout
    return [item.split("|")[0].split("(")[0].strip() for item in field.split(",") if item.strip()]


def import_images(env, deb):
    """Bring the base and the two front images into env's engine from cached roots (made
    side by side when missing: their downloads overlap)."""
    recipes = {tag: (name, packages) for tag, (name, packages) in FRONT_ROOTS.items()}
    recipes[BASE_IMAGE] = ("image-base", (*dependencies(deb), *BASE_EXTRAS))
    with ThreadPoolExecutor(max_workers=len(recipes)) as pool:
        futures = {tag: pool.submit(root_tarball, "bookworm", variant="minbase",
                                    include=packages, name=name)
                   for tag, (name, packages) in recipes.items()}
        roots = {tag: future.result() for tag, future in futures.items()}
    for tag, tarball in roots.items():
        with env.timings.measure(f"import {tag}"):
            env.docker("import", str(tarball), tag, timeout=600)


def build_image(env, deb):
    """Run scripts/package --image --offline on env's engine; return its output."""
    done = subprocess.run([str(REPO / "scripts" / "package"), "--image", "--deb", str(deb),
                           "--offline"], env={**env.env(), "DOCKER_BUILDKIT": "1"},
                          capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT, check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


def caddyfile(port):
    """Return the shipped Caddyfile serving http://127.0.0.1:port with no admin endpoint."""
    shipped = (REPO / "caddy" / "Caddyfile").read_text()
    return substitute(shipped, {
        "webhooks.example.com {\n": f"http://127.0.0.1:{port} {{\n\tbind 127.0.0.1\n",
        "\n{\n": "\n{\n\tadmin off\n"})


def override(caddyfile_path):
    """Return the test's compose override (see the module docstring) as a dict."""
    return {"services": {
        "deployhook": {"network_mode": "none"},
        "caddy": {"volumes": [f"{caddyfile_path}:/etc/caddy/Caddyfile:ro"]}}}


class Stack:
    """The example's three services as one compose project on env's engine."""

    def __init__(self, env, directory, config_dir, project_dir, port, uid):
        self.env = env
        self.port = port
        self.uid = uid  # the image's deployhook user
        self.override = Path(directory) / "compose.override.json"
        caddy = Path(directory) / "Caddyfile"
        caddy.write_text(caddyfile(port))
        # JSON is YAML: no YAML library is needed.
        self.override.write_text(json.dumps(override(caddy), indent=2))
        self.variables = {"DEPLOYHOOK_IMAGE": "deployhook", "HAPROXY_IMAGE": HAPROXY_IMAGE,
                          "CADDY_IMAGE": CADDY_IMAGE, "DOCKER_SOCKET": env.engine.socket,
                          "DEPLOYHOOK_CONFIG_DIR": str(config_dir),
                          "DEPLOYHOOK_PROJECT_DIR": str(project_dir)}

    def compose(self, *args, check=True):
        """Run compose (the flavour's) on the example and the override; return the result."""
        environment = {**self.env.env(), **self.variables}
        program, *rest = self.env.compose_command
        path = shutil.which(program, path=environment["PATH"])
        return subprocess.run([path, *rest, "-p", PROJECT, "-f", str(EXAMPLE), "-f",
                               str(self.override), *args], env=environment, cwd=EXAMPLE.parent,
                              capture_output=True, text=True, timeout=300, check=check)

    def container(self, service):
        """Return the ID of the service's container."""
        return self.compose("ps", "-q", service).stdout.strip()

    def logs(self, service):
        """Return the service's output (read from the engine, not through the proxy)."""
        done = self.env.docker("logs", self.container(service), check=False)
        return done.stdout + done.stderr

    def runs(self):
        """Return the runs the worker recorded (deployments.jsonl in its state volume)."""
        path = Path(self.volume("deployhook-state")) / "deployments.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def volume(self, name):
        """Return the host directory of the project's volume name."""
        return self.env.docker("volume", "inspect", "--format", "{{.Mountpoint}}",
                               f"{PROJECT}_{name}").stdout.strip()

    def proxy_socket(self):
        """Return the host path of the proxy's socket (in its volume's directory)."""
        return os.path.join(self.volume("docker-proxy"), "docker.sock")


def api_status(socket_path, method, path, body=None):
    """Send one Engine API request to socket_path, as the docker CLI does to its DOCKER_HOST;
    return the answer's status. The request goes out in one write: haproxy answers a refused
    request without reading its body, and closes."""
    content = b"" if body is None else json.dumps(body).encode()
    head = [f"{method} {path} HTTP/1.1", "Host: docker", "Connection: close",
            f"Content-Length: {len(content)}"]
    if body is not None:
        head.append("Content-Type: application/json")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(30)
        connection.connect(socket_path)
        connection.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + content)
        answer = http.client.HTTPResponse(connection, method=method)
        answer.begin()
        return answer.status
