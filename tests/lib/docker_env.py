"""A private Docker engine and a local registry for tests that need real containers.

Everything lives in one temporary directory: the engine's data, its exec-root,
its socket, the registry's storage and the compose projects.  Nothing is
fetched from the network: images are made with ``docker import`` from a
tarball holding a static busybox.

Needs root, ``dockerd`` (with its containerd and runc), the ``docker`` CLI,
``docker-registry`` (distribution), a statically linked ``busybox`` and the
compose of the chosen flavour (see ComposeFlavour):

* ``v1``: ``docker-compose`` 1.29 (Debian 12's package) with Debian's docker CLI
  (/usr/bin/docker, 20.10) first on PATH, as a Debian 12 user has them;
* ``v2``: ``docker compose``, the compose v2 CLI plugin (2.26, unpacked from
  Debian 13's docker-compose package by scripts/install-deps into
  COMPOSE_V2_DIR/cli-plugins, not installed system-wide), with the newest docker
  CLI found on PATH (e.g. a 28.x static CLI in /usr/local/bin) first on PATH.
  The engine's private DOCKER_CONFIG directory holds a link to the plugin in its
  cli-plugins/, so only this engine's environment sees it.

Quirks seen with docker 20.10 (Debian), docker-compose 1.29 and registry 2.8:

* dockerd starts its own containerd under --exec-root.  The containerd shims
  are re-parented to PID 1 and outlive a SIGKILLed dockerd, and so do the
  containers' processes; ``Engine.stop`` finds such stragglers by the private
  exec-root in their command line and by the container IDs in their cgroup.
* dockerd bind-mounts --data-root onto itself (and network namespaces under
  --exec-root); a clean stop undoes this, a killed one does not, so cleanup
  unmounts whatever is left under the temporary directory before removing it.
* Unix socket paths are limited to ~108 bytes and containerd puts its sockets
  under --exec-root: keep TMPDIR short.
* dockerd writes a trust key to /etc/docker/key.json and turns on IPv4
  forwarding unless told otherwise: a private daemon.json sets
  ``deprecated-key-path`` (not a command-line flag in 20.10) and
  --ip-forward=false is passed.
* Registries on 127.0.0.0/8 are insecure (plain HTTP) by default: no
  --insecure-registry flag is needed.
* A ``docker`` CLI newer than the engine (28.x against 20.10) negotiates the
  API version and works.  Debian 12 has no ``docker compose`` (v2) plugin, only
  ``docker-compose`` v1: the v2 plugin comes from Debian 13's package.  The
  plugin is a Go binary linked against glibc 2.34, which Debian 12 has; both
  the 20.10 and the 28.x CLI run it.
* Compose v2 names containers ``project-service-1`` (v1: ``project_service_1``)
  and keeps '-' in project names (v1 drops it); both set the label
  ``com.docker.compose.project.working_dir`` to the project directory's
  absolute path, which is what the helpers find containers by.  v2 warns that
  the ``version`` key is obsolete and otherwise takes the same "2.4" file.
* docker-compose 1.29 takes file format "2.4" (healthcheck start_period,
  init, network_mode).  With every service on ``network_mode: none`` it
  creates no project network.  It reads DOCKER_HOST like the CLI does.
* ``busybox sleep`` as PID 1 ignores SIGTERM, so every stop or recreate would
  wait the 10 s grace period: the compose service uses ``init: true``.
* The vfs storage driver copies whole layers; with a ~2 MB busybox image that
  costs milliseconds, not seconds.
* ``docker import`` stamps the creation time, so two imports of the same
  files still get different image IDs.
"""

import contextlib
import dataclasses
import io
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import worker  # noqa: E402  (tests/lib is on sys.path wherever docker_env is)

HEALTH_INTERVAL = "1s"
COMMAND_TIMEOUT = 120.0
ENGINE_START_TIMEOUT = 60.0
REGISTRY_START_TIMEOUT = 20.0
STOP_TIMEOUT = 20.0
POLL_INTERVAL = 0.1
# containerd keeps sockets up to ~40 bytes below --exec-root.
MAX_ROOT_LENGTH = 60
TOOLS = ("dockerd", "docker", "docker-registry", "busybox")
# Where scripts/install-deps unpacks the compose v2 CLI plugin (cli-plugins/docker-compose).
COMPOSE_V2_DIR = os.environ.get("DEPLOYHOOK_COMPOSE_V2_DIR",
                                "/usr/local/lib/deployhook-test/compose-v2")
# Debian 12's docker CLI (docker.io, 20.10), which compose v1 is paired with.
DEBIAN_DOCKER_CLI = "/usr/bin/docker"


class DockerEnvError(RuntimeError):
    """A command failed, a process did not start, or a deadline passed."""


def wait_until(predicate, timeout, what, interval=POLL_INTERVAL):
    """Call predicate() until it returns a true value; return that value.

    Raises DockerEnvError naming ``what`` if timeout seconds pass first.
    """
    return worker.wait_until(predicate, timeout, what, interval, error=DockerEnvError)


def run(args, env=None, cwd=None, input=None, timeout=COMMAND_TIMEOUT, check=True):
    """Run a command, capturing text output; return the CompletedProcess.

    Raises DockerEnvError if it exits non-zero (when check) or outlives timeout.
    """
    try:
        done = subprocess.run(args, env=env, cwd=cwd, input=input, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except subprocess.TimeoutExpired as exc:
        raise DockerEnvError(f"{args[0]} timed out after {timeout}s: {args}") from exc
    done.stdout = done.stdout.decode(errors="replace")
    done.stderr = done.stderr.decode(errors="replace")
    if check and done.returncode != 0:
        raise DockerEnvError(f"{args} exited {done.returncode}:\n{done.stderr.strip()}")
    return done


def missing_prerequisites(flavour=None):
    """Return a list of reasons this machine cannot run the harness (empty if it can).

    Given a ComposeFlavour, its own tools are checked too.
    """
    problems = []
    if os.geteuid() != 0:
        problems.append("must run as root (dockerd needs it)")
    problems += [f"{tool} not found on PATH" for tool in TOOLS if not shutil.which(tool)]
    busybox = shutil.which("busybox")
    if busybox and not is_static_elf(busybox):
        problems.append(f"{busybox} is not statically linked (install busybox-static)")
    if flavour is not None:
        problems += flavour.problems()
    return problems


def cli_version(path):
    """Return the client version of the docker CLI at path as a tuple of ints, or ()."""
    done = run([path, "--version"], check=False, timeout=20)
    # "Docker version 28.2.2, build e6534b4" / "Docker version 20.10.24+dfsg1, build 297e128"
    words = done.stdout.split()
    if done.returncode != 0 or len(words) < 3:
        return ()
    numbers = []
    for part in words[2].rstrip(",").split("."):
        digits = "".join(itertools.takewhile(str.isdigit, part))
        if not digits:
            break
        numbers.append(int(digits))
    return tuple(numbers)


def newest_docker_cli():
    """Return the docker CLI on PATH with the highest version (the first on PATH on a tie).

    Returns None if there is none.
    """
    seen, found = set(), []
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(directory or ".", "docker")
        real = os.path.realpath(path)
        if real in seen or not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        seen.add(real)
        found.append(path)
    return max(found, key=cli_version, default=None)


@dataclasses.dataclass(frozen=True)
class ComposeFlavour:
    """Which compose and which docker CLI the engine's environment offers.

    name     ``v1`` or ``v2``
    compose  the compose argv prefix (``docker-compose`` / ``docker compose``), for tests and
             for the worker's ``compose`` key
    cli      the docker CLI whose directory comes first on PATH
    plugin   the compose v2 CLI plugin to link into the engine's DOCKER_CONFIG, or None
    """

    name: str
    compose: tuple
    cli: str
    plugin: str = None

    def search_path(self, path):
        """Return PATH value path with the CLI's directory moved to the front."""
        first = os.path.dirname(self.cli)
        rest = [d for d in path.split(os.pathsep) if d and d != first]
        return os.pathsep.join([first, *rest])

    def problems(self):
        """Return the reasons this flavour cannot run here (empty if it can)."""
        problems = []
        if not (self.cli and os.access(self.cli, os.X_OK)):
            problems.append(f"compose {self.name}: docker CLI {self.cli} not found")
        if self.compose[0] != "docker" and not shutil.which(
                self.compose[0], path=self.search_path(os.environ.get("PATH", os.defpath))):
            problems.append(f"compose {self.name}: {self.compose[0]} not found on PATH")
        if self.plugin and not os.access(self.plugin, os.X_OK):
            problems.append(f"compose {self.name}: no compose v2 plugin at {self.plugin} "
                            "(run scripts/install-deps)")
        return problems


COMPOSE_FLAVOURS = ("v1", "v2")


def compose_flavour(name):
    """Return the ComposeFlavour called name (see COMPOSE_FLAVOURS); ValueError if unknown."""
    if name == "v1":
        return ComposeFlavour("v1", ("docker-compose",), DEBIAN_DOCKER_CLI)
    if name == "v2":
        return ComposeFlavour("v2", ("docker", "compose"),
                              newest_docker_cli() or DEBIAN_DOCKER_CLI,
                              os.path.join(COMPOSE_V2_DIR, "cli-plugins", "docker-compose"))
    raise ValueError(f"unknown compose flavour {name!r} (known: {', '.join(COMPOSE_FLAVOURS)})")


def require_tool(name):
    """Return the full path of executable ``name``; raise DockerEnvError if absent."""
    path = shutil.which(name)
    if not path:
        raise DockerEnvError(f"{name} not found on PATH")
    return path


def is_static_elf(path):
    """Return True if path is an ELF executable without a program interpreter."""
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2:  # 64-bit only
            return False
        order = "little" if header[5] == 1 else "big"
        phoff = int.from_bytes(header[32:40], order)
        phentsize = int.from_bytes(header[54:56], order)
        phnum = int.from_bytes(header[56:58], order)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    pt_interp = 3
    return all(int.from_bytes(table[i:i + 4], order) != pt_interp
               for i in range(0, len(table), phentsize))


def free_port():
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path, lines=20):
    """Return the last lines of a log file, or '' if it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def terminate(proc, timeout=STOP_TIMEOUT):
    """Stop a Popen process: SIGTERM, wait up to timeout, then SIGKILL and reap.

    Returns its exit status. Does nothing but reap if it has already exited.
    """
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait(timeout)


def pids_where(proc_file, needles):
    """Return ids of processes (not this one) whose /proc/PID/proc_file contains any needle."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/{proc_file}", "rb") as f:
                content = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(needle in content for needle in needles):
            pids.append(int(entry))
    return pids


def kill_pids(pids):
    """Send SIGKILL to each pid, ignoring those already gone."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def mounts_under(path):
    """Return the mount points strictly below path, deepest first."""
    prefix = os.path.abspath(path) + "/"
    points = []
    with open("/proc/self/mounts") as f:
        for line in f:
            point = line.split()[1].encode().decode("unicode_escape")
            if point.startswith(prefix) or point + "/" == prefix:
                points.append(point)
    return sorted(points, key=len, reverse=True)


def remove_tree(path):
    """Unmount whatever is mounted at or below path, then delete path."""
    for point in mounts_under(path):
        run(["umount", "--lazy", point], check=False)
    shutil.rmtree(path, ignore_errors=True)


class Timings:
    """Named durations, in the order they were measured."""

    def __init__(self):
        self.items = []

    @contextlib.contextmanager
    def measure(self, name):
        """Context manager adding (name, seconds) once its block has run."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.items.append((name, time.monotonic() - start))

    def summary(self):
        """Return one line per kind of measurement: count, mean and max seconds."""
        by_name = {}
        for name, seconds in self.items:
            by_name.setdefault(name, []).append(seconds)
        return [f"{name}: n={len(s)} mean={sum(s) / len(s):.2f}s max={max(s):.2f}s"
                for name, s in by_name.items()]


class Engine:
    """A dockerd of our own, with no bridge network, on a socket in ``root``.

    Given a ComposeFlavour, its environment puts the flavour's docker CLI first on PATH and
    its CLI config directory holds the flavour's compose plugin; without one, the tools on
    PATH are used as they are.
    """

    def __init__(self, root, timings, flavour=None):
        self.root = root
        self.timings = timings
        self.flavour = flavour
        self.socket = os.path.join(root, "docker.sock")
        self.exec_root = os.path.join(root, "x")
        self.data_root = os.path.join(root, "data")
        self.log_path = os.path.join(root, "dockerd.log")
        self.cli_config = os.path.join(root, "cli")
        self.proc = None

    @property
    def host(self):
        """The DOCKER_HOST value for this engine."""
        return f"unix://{self.socket}"

    def env(self):
        """Return an environment (a new dict) pointing docker and docker-compose here."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("DOCKER_", "COMPOSE_"))}
        env["DOCKER_HOST"] = self.host
        env["DOCKER_CONFIG"] = self.cli_config
        if self.flavour is not None:
            env["PATH"] = self.flavour.search_path(env.get("PATH", os.defpath))
        return env

    def cli(self):
        """Return the path of the docker CLI this engine's environment runs."""
        if self.flavour is not None:
            return self.flavour.cli
        return require_tool("docker")

    def docker(self, *args, **kwargs):
        """Run ``docker ARGS`` against this engine; return the CompletedProcess.

        Keyword arguments go to run(); raises DockerEnvError on failure.
        """
        return run([self.cli(), *args], env=self.env(), **kwargs)

    def start(self):
        """Start dockerd and wait until it answers; raise DockerEnvError if it does not."""
        for d in (self.exec_root, self.data_root, self.cli_config):
            os.makedirs(d, exist_ok=True)
        if self.flavour is not None and self.flavour.plugin:
            plugins = os.path.join(self.cli_config, "cli-plugins")
            os.makedirs(plugins, exist_ok=True)
            link = os.path.join(plugins, "docker-compose")
            if not os.path.lexists(link):
                os.symlink(self.flavour.plugin, link)
        config = os.path.join(self.root, "daemon.json")
        with open(config, "w") as f:
            json.dump({"deprecated-key-path": os.path.join(self.root, "key.json")}, f)
        args = [require_tool("dockerd"), "--config-file", config,
                "--bridge=none", "--iptables=false", "--ip6tables=false",
                "--ip-forward=false", "--userland-proxy=false",
                "--storage-driver=vfs", "--log-level=warn",
                "--data-root", self.data_root, "--exec-root", self.exec_root,
                "--pidfile", os.path.join(self.root, "dockerd.pid"), "-H", self.host]
        with self.timings.measure("engine start"), open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
            wait_until(self._answers, ENGINE_START_TIMEOUT, "dockerd to answer")

    def _answers(self):
        """Return True once the engine answers; raise DockerEnvError if dockerd died."""
        if self.proc.poll() is not None:
            raise DockerEnvError(f"dockerd exited {self.proc.returncode}:\n"
                                 f"{log_tail(self.log_path)}")
        probe = self.docker("version", "--format", "{{.Server.Version}}",
                            check=False, timeout=10)
        return probe.returncode == 0

    def remove_containers(self):
        """Force-remove every container (and its anonymous volumes) on this engine."""
        ids = self.docker("ps", "-aq").stdout.split()
        if ids:
            self.docker("rm", "-fv", *ids)

    def stop(self):
        """Remove all containers, stop dockerd by pid, and kill anything it left behind."""
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None:
                self.remove_containers()
        finally:
            with self.timings.measure("engine stop"):
                terminate(self.proc)
            self.proc = None
            self.kill_leftovers()

    def kill_leftovers(self):
        """SIGKILL container processes, shims and containerd that a dead dockerd left.

        Containers are found by their cgroup, the rest by the exec-root in their
        command line.  After a clean stop there are none.
        """
        containers_dir = os.path.join(self.data_root, "containers")
        ids = os.listdir(containers_dir) if os.path.isdir(containers_dir) else []
        kill_pids(pids_where("cgroup", [f"/{i}" for i in ids]) if ids else [])
        kill_pids(pids_where("cmdline", [self.exec_root]))


# What a registry may answer a manifest GET with, most specific first.
MANIFEST_TYPES = ", ".join((
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json"))


class RegistryApi:
    """The HTTP API of a registry at address (host:port, as used in image references)."""

    def __init__(self, address):
        self.address = address

    def tag(self, name, source, target):
        """Make tag target of repository name point at source's manifest, in the registry only.

        The same manifest bytes under a second tag: same digest, and no engine's tags touched.
        Raises DockerEnvError if the registry refuses or cannot be reached.
        """
        url = f"http://{self.address}/v2/{name}/manifests/"
        try:
            request = urllib.request.Request(url + source, headers={"Accept": MANIFEST_TYPES})
            with urllib.request.urlopen(request, timeout=10) as reply:
                manifest, kind = reply.read(), reply.headers["Content-Type"]
            request = urllib.request.Request(url + target, data=manifest, method="PUT",
                                             headers={"Content-Type": kind})
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, OSError) as error:
            raise DockerEnvError(f"cannot tag {name}:{source} as {target}: {error}") from error


class Registry(RegistryApi):
    """A docker-registry (distribution) on 127.0.0.1, storing under ``root``."""

    def __init__(self, root, timings):
        self.port = free_port()
        super().__init__(f"127.0.0.1:{self.port}")
        self.root = root
        self.timings = timings
        self.config_path = os.path.join(root, "registry.yml")
        self.log_path = os.path.join(root, "registry.log")
        self.proc = None
        self._write_config()

    @property
    def running(self):
        """True while the registry process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def _write_config(self):
        """Write the registry's config file (JSON, which YAML accepts)."""
        config = {
            "version": "0.1",
            "log": {"level": "warn", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": os.path.join(self.root, "storage")},
                        "delete": {"enabled": True}},
            "http": {"addr": self.address, "secret": uuid.uuid4().hex},
        }
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=2)

    def start(self):
        """Start the registry (same port and storage as before) and wait until it serves /v2/.

        Raises DockerEnvError if it exits or does not answer in time.
        """
        if self.running:
            return
        with self.timings.measure("registry start"), open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [require_tool("docker-registry"), "serve", self.config_path],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            wait_until(self._answers, REGISTRY_START_TIMEOUT, "the registry to answer")

    def _answers(self):
        """Return True once GET /v2/ succeeds; raise DockerEnvError if the registry died."""
        if not self.running:
            raise DockerEnvError(f"docker-registry exited:\n{log_tail(self.log_path)}")
        try:
            with urllib.request.urlopen(f"http://{self.address}/v2/", timeout=2) as reply:
                return reply.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self):
        """Stop the registry by pid; its port then refuses connections."""
        if self.proc is not None:
            terminate(self.proc)
            self.proc = None

    def restart(self):
        """Stop, then start the registry; raise DockerEnvError if it does not come back."""
        self.stop()
        self.start()


def image_tarball(busybox, marker, healthy):
    """Return bytes of a root filesystem tar: /bin/busybox, /bin/sh, /tmp, /version[, /healthy]."""
    now = time.time()
    buf = io.BytesIO()

    def add(name, kind=tarfile.REGTYPE, mode=0o644, data=b"", link=""):
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.mtime, info.linkname = kind, mode, now, link
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)

    with open(busybox, "rb") as f:
        busybox_bytes = f.read()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        add("bin", tarfile.DIRTYPE, 0o755)
        add("bin/busybox", mode=0o755, data=busybox_bytes)
        add("bin/sh", tarfile.SYMTYPE, 0o777, link="busybox")
        add("tmp", tarfile.DIRTYPE, 0o1777)
        add("version", data=marker.encode())
        if healthy:
            add("healthy")
    return buf.getvalue()


def healthcheck():
    """Return a compose healthcheck (every 1 s, 2 retries) that passes only if the image has
    /healthy."""
    return {"test": ["CMD", "/bin/busybox", "test", "-f", "/healthy"],
            "interval": HEALTH_INTERVAL, "timeout": HEALTH_INTERVAL, "retries": 2,
            "start_period": HEALTH_INTERVAL}


def write_compose_project(project_dir, image, service="app"):
    """Write project_dir/docker-compose.yml with one service running image; return project_dir.

    The service has no network, an init process, a long sleep as its command and a
    healthcheck (every 1 s, 2 retries) that passes only if the image has /healthy.
    The compose project name is the directory's base name.
    """
    os.makedirs(project_dir, exist_ok=True)
    compose = {
        "version": "2.4",
        "services": {
            service: {
                "image": image,
                "network_mode": "none",
                "init": True,
                "command": ["/bin/busybox", "sleep", "86400"],
                "healthcheck": healthcheck(),
            },
        },
    }
    # JSON is YAML, so no YAML library is needed.
    with open(os.path.join(project_dir, "docker-compose.yml"), "w") as f:
        json.dump(compose, f, indent=2)
    return project_dir


class DockerEnv:
    """A temporary directory holding a private engine, a registry and compose projects.

    flavour (a ComposeFlavour) picks the compose and the docker CLI that compose(), docker()
    and env() use; None keeps whatever is on PATH and ``docker-compose``.
    Use as a context manager, or call start() and, in a finally block, stop().
    """

    flavour = None

    def __init__(self, flavour=None):
        self.flavour = flavour
        self.timings = Timings()
        self.root = tempfile.mkdtemp(prefix="dh-")
        if len(self.root) > MAX_ROOT_LENGTH:
            shutil.rmtree(self.root)
            raise DockerEnvError(f"temporary directory {self.root!r} is too long for the "
                                 "engine's unix sockets: set TMPDIR to a shorter path")
        self.engine = Engine(self._subdir("engine"), self.timings, flavour)
        self.registry = Registry(self._subdir("registry"), self.timings)
        self.app_ref = f"{self.registry.address}/demo/app:latest"

    def _subdir(self, name):
        """Create and return the path of a new directory under the temporary root."""
        path = os.path.join(self.root, name)
        os.makedirs(path)
        return path

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Start the engine and the registry; on failure stop what started, then raise."""
        try:
            self.engine.start()
            self.registry.start()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        """Stop the registry and the engine and delete the temporary directory."""
        try:
            self.registry.stop()
        finally:
            try:
                self.engine.stop()
            finally:
                remove_tree(self.root)

    def env(self):
        """Return an environment dict with DOCKER_HOST pointing at the private engine."""
        return self.engine.env()

    def docker(self, *args, **kwargs):
        """Run ``docker ARGS`` on the private engine; return the CompletedProcess."""
        return self.engine.docker(*args, **kwargs)

    @property
    def compose_command(self):
        """The compose argv prefix: ["docker-compose"] or ["docker", "compose"] (the flavour's)."""
        return list(self.flavour.compose) if self.flavour else ["docker-compose"]

    def compose(self, project_dir, *args, project=None, **kwargs):
        """Run ``COMPOSE [-p project] ARGS`` in project_dir (COMPOSE: compose_command);
        return the CompletedProcess.

        Raises DockerEnvError on failure (unless check=False is passed).
        """
        name = ["-p", project] if project else []
        program, *rest = self.compose_command
        env = self.env()
        # The flavour's PATH (its docker CLI first); without a flavour, this process's PATH.
        path = shutil.which(program, path=env.get("PATH") if self.flavour else None)
        if not path:
            raise DockerEnvError(f"{program} not found on PATH")
        with self.timings.measure(f"compose {args[0]}"):
            return run([path, *rest, *name, *args], env=env, cwd=project_dir, **kwargs)

    def image_id(self, ref):
        """Return the engine's image ID for ref, or None if it has no such image."""
        found = self.docker("image", "inspect", "--format", "{{.Id}}", ref, check=False)
        return found.stdout.strip() if found.returncode == 0 else None

    def make_image(self, ref, marker, healthy=True, revision=None, labels=True):
        """Build an image whose /version holds marker (and /healthy if healthy), push it as ref.

        marker is one line; it is also the image label ``version``.  revision, when given,
        is the label ``org.opencontainers.image.revision`` (as docker/metadata-action sets
        it).  labels=False makes an image with no labels at all (``.Config.Labels`` is null:
        no ``version``, and no revision may be given).  The engine keeps no copy: its tag
        ``ref`` is left as it was, so only a pull brings the new image.
        Returns the new image ID (sha256:...).  Raises DockerEnvError if the push
        fails (e.g. the registry is stopped), ValueError for a multi-line marker or a
        revision without labels.
        """
        if not marker or "\n" in marker:
            raise ValueError("marker must be one non-empty line")
        if not labels and revision is not None:
            raise ValueError("an image without labels has no revision label")
        tarball = image_tarball(require_tool("busybox"), marker, healthy)
        changes = []
        if labels:
            changes += ["--change", f"LABEL version={json.dumps(marker)}"]
        if revision is not None:
            changes += ["--change", f"LABEL org.opencontainers.image.revision={revision}"]
        address, _, reference = ref.partition("/")
        name, _, tag = reference.rpartition(":")
        if address != self.registry.address or not name:
            raise ValueError(f"{ref} is not name:tag in this registry")
        # Pushed under a tag of its own, then tagged in the registry: the engine's tag ref is
        # never moved, so a worker pulling ref at this moment sees the old image or the new one.
        staging = f"{address}/{name}:build-{uuid.uuid4().hex[:12]}"
        with self.timings.measure("image build+push"):
            new = self.docker("import", *changes,
                              "--change", 'CMD ["/bin/busybox", "sleep", "86400"]',
                              "-", input=tarball).stdout.strip()
            try:
                self.docker("tag", new, staging)
                self.docker("push", staging)
                self.registry.tag(name, staging.rpartition(":")[2], tag)
            finally:
                self.docker("rmi", staging)
        return new

    def new_project(self, name="demo", image=None, service="app"):
        """Write a compose project named name (see write_compose_project); return its dir.

        image defaults to app_ref.  Raises FileExistsError if name was used already.
        """
        project_dir = os.path.join(self.root, "projects", name)
        os.makedirs(project_dir)
        return write_compose_project(project_dir, image or self.app_ref, service)

    def service_containers(self, project_dir, service):
        """Return the IDs of all containers compose made for service from project_dir."""
        labels = {"com.docker.compose.project.working_dir": os.path.abspath(project_dir),
                  "com.docker.compose.service": service}
        filters = [arg for k, v in labels.items() for arg in ("--filter", f"label={k}={v}")]
        return self.docker("ps", "-aq", "--no-trunc", *filters).stdout.split()

    def container(self, project_dir, service):
        """Return the ID of the service's container, or None if there is none.

        Raises DockerEnvError if there are several.
        """
        ids = self.service_containers(project_dir, service)
        if len(ids) > 1:
            raise DockerEnvError(f"{len(ids)} containers for service {service}: {ids}")
        return ids[0] if ids else None

    def container_image(self, project_dir, service):
        """Return the image ID the service's container runs, or None if it has no container."""
        container = self.container(project_dir, service)
        return self.inspect(container, "{{.Image}}") if container else None

    def inspect(self, container, template):
        """Return ``docker inspect --format template container`` without surrounding space."""
        return self.docker("inspect", "--format", template, container).stdout.strip()

    def health(self, container):
        """Return the container's State.Health.Status ('starting', 'healthy', 'unhealthy').

        Returns None if it has no healthcheck.
        """
        state = json.loads(self.inspect(container, "{{json .State.Health}}"))
        return state["Status"] if state else None

    def wait_health(self, container, status, timeout=30.0):
        """Wait until health(container) == status; return status or raise DockerEnvError."""
        with self.timings.measure(f"until {status}"):
            wait_until(lambda: self.health(container) == status,
                       timeout, f"{container[:12]} to be {status}")
        return status
