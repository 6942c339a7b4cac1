"""The whole deployhook chain on this machine, for scripts/run (which installs and builds first).

  run_stack.py start --binary PATH [--port N]   (re)start everything, deliver one push, show it
  run_stack.py deliver                          push a new demo image and deliver one more push
  run_stack.py stop                             stop what start started, by its pid files

start brings up: a Docker engine (the running one when `docker info` answers, else a private
dockerd without networking), a registry on 127.0.0.1 holding the demo image, a compose project
whose service runs that image (network_mode: none, with a healthcheck), the worker on a unix
socket of group www-data, and nginx with TLS on 127.0.0.1:PORT configured from nginx/.

A second target, `web`, deploys the same image blue-green: busybox httpd on one of two slots
(network_mode: host, 127.0.0.1 only) behind a second nginx whose upstream block includes the
file the worker rewrites at each switch. Each delivery deploys both targets; GETs go through
that nginx while `web` deploys, and the demo says how many there were and how many failed.

State lives in .run/ at the top of the checkout (configuration, secret, logs, pid files, the
worker's state_dir, the registry's storage). What www-data must reach (the worker's socket and
nginx's temporary files) and the private engine (whose socket paths must stay short) live in
/run/deployhook-demo, because a checkout under a home directory may not be traversable.
Needs root: it starts dockerd and an nginx whose workers run as www-data.
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "lib"), str(REPO / "tests" / "proxy")]

from docker_env import (DockerEnv, Engine, Registry, RegistryApi, Timings,  # noqa: E402
                        free_port, remove_tree, require_tool, run, write_compose_project)
from front_doors import Nginx, make_tls  # noqa: E402
from http_load import GetLoad  # noqa: E402
from slot_fronts import NginxFront  # noqa: E402
from slot_project import write_slot_project  # noqa: E402
from worker import config_text, fastcgi_request, target, wait_until  # noqa: E402

# Tests point both elsewhere (DEPLOYHOOK_DEMO_STATE, DEPLOYHOOK_DEMO_RUNTIME) so as not to touch
# a demo that runs from this checkout.
STATE = Path(os.environ.get("DEPLOYHOOK_DEMO_STATE", REPO / ".run"))
RUNTIME = Path(os.environ.get("DEPLOYHOOK_DEMO_RUNTIME", "/run/deployhook-demo"))
PIDS = STATE / "pids"
LOGS = STATE / "logs"
STACK_FILE = STATE / "stack.json"
PROJECT = STATE / "deployhook-demo"  # the compose project; its name is the directory's
SECRET = STATE / "secret"
READ_TOKEN = STATE / "read.token"  # the read side's bearer token (status page, /metrics)
CONFIG = STATE / "deployhook.toml"
SOCKET = RUNTIME / "deployhook.sock"
TARGET, REPOSITORY, BRANCH, SERVICE = "demo", "demo/app", "main", "app"
# The blue-green target: its compose project (slot projects deployhook-web-blue and -green),
# its two slots, and the nginx in front of them.
WEB_TARGET = "web"
WEB_PROJECT = STATE / "deployhook-web"
WEB_FRONT = RUNTIME / "web-front"
LOAD_INTERVAL_S = 0.05  # each of 4 GET threads through the web front door: 80 requests/s
DEPLOY_TIMEOUT = 180.0
STOP_TIMEOUT = 60.0  # the worker lets a running compose step finish for up to 30 s
# What each pid file's process calls itself (/proc/PID/comm), so a reused pid is left alone.
PROGRAMS = {"nginx": "nginx", "web-front": "nginx", "worker": "deployhook",
            "registry": "docker-registry", "dockerd": "dockerd"}


class DemoDocker(DockerEnv):
    """DockerEnv's image and compose helpers (make_image, compose, container, wait_health) on
    an engine given by its environment and the registry at registry_address, instead of a
    temporary engine and registry of their own."""

    def __init__(self, env, registry_address):  # deliberately not DockerEnv's
        self.timings = Timings()
        self._env = dict(env)
        self.registry = RegistryApi(registry_address)

    def env(self):
        return dict(self._env)

    def docker(self, *args, **kwargs):
        return run([require_tool("docker"), *args], env=self.env(), **kwargs)


def say(message):
    """Print one progress line."""
    print(f"== {message}", flush=True)


# -- pid files ---------------------------------------------------------------------------------

def write_pid(name, pid):
    """Record the pid of a process start started, for stop."""
    PIDS.mkdir(parents=True, exist_ok=True)
    (PIDS / f"{name}.pid").write_text(f"{pid}\n")


def alive(pid, program):
    """Return True while pid runs program (a zombie or another program counts as gone)."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return comm == program and state != "Z"


def stop_pid(name, timeout=20.0):
    """Stop the process in PIDS/<name>.pid (SIGTERM, SIGKILL at the deadline) and its process
    group's leftovers; remove the pid file. Does nothing when it is not running."""
    path = PIDS / f"{name}.pid"
    if not path.exists():
        return
    pid, program = int(path.read_text()), PROGRAMS[name]
    if alive(pid, program):
        say(f"stopping {name} (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        try:
            wait_until(lambda: not alive(pid, program), timeout, f"{name} to exit", 0.2)
        except TimeoutError:
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)  # each was started as its own session leader
    path.unlink()


# -- the pieces ----------------------------------------------------------------------------------

def start_engine():
    """Return the environment of a Docker engine: the running one, else a private dockerd."""
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    if probe.returncode == 0:
        say("using the Docker engine that is already running")
        return {k: v for k, v in os.environ.items() if k.startswith("DOCKER_")}
    say("starting a private Docker engine (no bridge network, no iptables)")
    engine = Engine(str(RUNTIME / "engine"), Timings())
    os.makedirs(engine.root, exist_ok=True)
    engine.start()
    write_pid("dockerd", engine.proc.pid)
    return {"DOCKER_HOST": engine.host, "DOCKER_CONFIG": engine.cli_config}


def start_registry():
    """Start a registry on 127.0.0.1 with empty storage; return its address."""
    root = STATE / "registry"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    registry = Registry(str(root), Timings())
    registry.start()
    write_pid("registry", registry.proc.pid)
    say(f"registry on {registry.address}")
    return registry.address


def start_project(docker, image):
    """Write the compose project, push a first healthy image and bring it up as running now."""
    write_compose_project(str(PROJECT), image, SERVICE)
    docker.make_image(image, "v1")
    docker.compose(str(PROJECT), "pull", SERVICE)
    docker.compose(str(PROJECT), "up", "-d", SERVICE)
    docker.wait_health(docker.container(str(PROJECT), SERVICE), "healthy", timeout=60)
    say(f"compose project {PROJECT.name} runs {image} (version v1), healthy")


def start_web_front(image):
    """Write the blue-green project and start the nginx in front of its slots; return
    (front, slots)."""
    write_slot_project(str(WEB_PROJECT), image, SERVICE)
    front = NginxFront(WEB_FRONT)
    front.__enter__()  # it outlives this process: stop() stops it by its pid file
    write_pid("web-front", front.process.pid)
    slots = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    say(f"nginx for the blue-green target on {front.url}, slots {' and '.join(slots)}")
    return front, slots


def write_worker_config(front, slots):
    """Write .run/deployhook.toml: the socket for www-data, the demo target, and web, the same
    image deployed blue-green behind front."""
    timeouts = {"compose": ["docker-compose"], "pull_timeout": 120, "up_timeout": 120,
                "health_timeout": 60}
    CONFIG.write_text(config_text(
        {"listen": f"unix:{SOCKET}", "socket_mode": "0660", "socket_group": "www-data",
         "state_dir": str(STATE / "state"), "secret_file": str(SECRET),
         "read_token_file": str(READ_TOKEN)},
        [target(TARGET, REPOSITORY, BRANCH, PROJECT, services=[SERVICE], **timeouts),
         target(WEB_TARGET, REPOSITORY, BRANCH, WEB_PROJECT, services=[SERVICE], **timeouts,
                strategy="blue-green", slots=slots, upstream_file=str(front.upstream_file),
                upstream_format="nginx", reload=front.reload_argv(), ready_path="/ready",
                drain=2, release="migrate")]))


def start_worker(binary, docker_env):
    """Start `deployhook serve` on SOCKET and wait until it answers."""
    env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
           "HOME": os.environ.get("HOME", "/root"), **docker_env}
    with open(LOGS / "deployhook.log", "ab") as log:
        process = subprocess.Popen([binary, "serve", "--config", str(CONFIG)], env=env,
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   start_new_session=True)
    write_pid("worker", process.pid)

    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited; see {LOGS / 'deployhook.log'}")
        with contextlib.suppress(ConnectionError, subprocess.TimeoutExpired):
            return fastcgi_request(SOCKET, {"REQUEST_METHOD": "GET"}, timeout=5)
        return None

    wait_until(answers, 15, "the worker's socket")
    say(f"worker listening on {SOCKET} (group www-data), state in {STATE / 'state'}")


def start_nginx(port, tls):
    """Start nginx from nginx/ on 127.0.0.1:port; return its webhook URL."""
    nginx = Nginx(RUNTIME / "nginx", SOCKET, tls, port, read_side=True)
    nginx.start()
    write_pid("nginx", nginx.process.pid)
    say(f"nginx on {nginx.url} (its log: {nginx.log_path})")
    return nginx.url


# -- one delivery --------------------------------------------------------------------------------

def push_payload(after, version):
    """Return the bytes of a GitHub-like push of commit after to the demo repository."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    commit = {"id": after, "message": f"Deploy {version}", "timestamp": now,
              "author": {"name": "Demo", "email": "demo@example.com", "username": "demo"}}
    push = {"ref": f"refs/heads/{BRANCH}", "before": "0" * 40, "after": after,
            "created": False, "deleted": False, "forced": False,
            "repository": {"name": "app", "full_name": REPOSITORY, "default_branch": BRANCH},
            "pusher": {"name": "demo", "email": "demo@example.com"},
            "head_commit": commit, "commits": [commit]}
    return (json.dumps(push, indent=2) + "\n").encode()


def deliver(stack):
    """Push a new image version, send a signed push through nginx, wait for its deployments
    (both targets) while GETs go through the blue-green target's front door, and show them.
    Returns 0 when both succeeded and no GET failed."""
    docker = DemoDocker(stack["docker_env"], stack["registry"])
    version = time.strftime("v%Y%m%d-%H%M%S")
    after = hashlib.sha1(version.encode()).hexdigest()
    # The commit's revision label, as docker/metadata-action sets it: status shows it.
    docker.make_image(stack["image"], version, revision=after)
    say(f"pushed {stack['image']} version {version} (revision {after[:12]}) to the registry")
    payload = STATE / "deliveries" / f"push-{version}.json"
    payload.parent.mkdir(exist_ok=True)
    payload.write_bytes(push_payload(after, version))
    delivery = f"demo-{version}"
    say(f"signed push of {after[:12]} through nginx (delivery {delivery}); GETs go through "
        f"{stack['web_url']} meanwhile")
    with GetLoad(stack["web_url"] + "/version", interval_s=LOAD_INTERVAL_S) as load:
        sent = subprocess.run([sys.executable, str(REPO / "scripts" / "send-delivery"),
                               "--url", stack["url"], "--cacert", stack["ca"],
                               "--secret-file", str(SECRET), "--delivery", delivery,
                               str(payload)],
                              capture_output=True, text=True, timeout=60, check=False)
        print(sent.stdout, end="")
        if sent.returncode != 0 or not sent.stdout.startswith("HTTP 202"):
            print(sent.stderr, end="", file=sys.stderr)
            return 1
        runs = {name: wait_for_run(delivery, name) for name in (TARGET, WEB_TARGET)}
        during = load.window()
    subprocess.run([stack["binary"], "status", "--config", str(CONFIG), "--limit", "5"],
                   timeout=30, check=False)
    container = docker.container(str(PROJECT), SERVICE)
    running = docker.docker("exec", container, "/bin/busybox", "cat", "/version").stdout
    say(f"deployment {runs[TARGET]['result']}: {SERVICE} now runs version {running} "
        f"(the run's output: {runs[TARGET].get('log', '-')})")
    web = runs[WEB_TARGET]
    with urllib.request.urlopen(stack["web_url"] + "/version", timeout=10) as answer:
        serving = answer.read().decode().strip()
    say(f"blue-green deployment of {WEB_TARGET} {web['result']}: slot {web.get('slot', '-')} "
        f"serves version {serving}; {during.requests} GETs through {stack['web_url']} during "
        f"it, {during.failed} failed (the run's output: {web.get('log', '-')})")
    ok = all(run_record["result"] == "succeeded" for run_record in runs.values())
    return 0 if ok and during.failed == 0 else 1


def deploy_first_web_version(stack):
    """Deploy the image to the blue-green target's first slot (`deployhook deploy`), so that
    the first delivery switches slots under load."""
    subprocess.run([stack["binary"], "deploy", WEB_TARGET, "--config", str(CONFIG)], check=True,
                   timeout=30, capture_output=True)
    first = wait_for_run("manual", WEB_TARGET)
    # unchanged: the demo target pulled the same image already, and the slot is started anyway.
    if first["result"] not in ("succeeded", "unchanged"):
        raise RuntimeError(f"the first deployment of {WEB_TARGET} {first['result']}: "
                           f"see {first.get('log', LOGS)}")
    say(f"{WEB_TARGET}: first version live in slot {first.get('slot')}")


def wait_for_run(delivery, target_name):
    """Return the history record of target_name's run that covered delivery (deadline
    DEPLOY_TIMEOUT)."""
    history = STATE / "state" / "deployments.jsonl"

    def recorded():
        if not history.exists():
            return None
        for line in history.read_text().splitlines():
            record = json.loads(line) if line.strip() else {}
            if delivery in record.get("deliveries", []) and record.get("target") == target_name:
                return record
        return None

    say(f"waiting for the deployment of {target_name} (up to {DEPLOY_TIMEOUT:.0f} s)")
    return wait_until(recorded, DEPLOY_TIMEOUT, f"the deployment of {delivery}", 0.5)


# -- commands ------------------------------------------------------------------------------------

def start(binary, port):
    """Stop what runs, then start everything afresh (only the secret and the read token are kept); return the
    exit status of the first delivery."""
    stop()
    for old in ("state", "deliveries", "logs"):  # history of a registry that is gone
        shutil.rmtree(STATE / old, ignore_errors=True)
    for directory in (STATE, LOGS):
        directory.mkdir(parents=True, exist_ok=True)
    RUNTIME.mkdir(parents=True, exist_ok=True)
    RUNTIME.chmod(0o755)
    for kept in (SECRET, READ_TOKEN):
        if not kept.exists():
            kept.write_text(os.urandom(32).hex() + "\n")
            kept.chmod(0o600)
    tls = make_tls(STATE / "tls")
    docker_env = start_engine()
    registry = start_registry()
    image = f"{registry}/demo/app:latest"
    stack = {"binary": str(Path(binary).resolve()), "docker_env": docker_env, "image": image,
             "registry": registry, "ca": str(tls.ca)}
    STACK_FILE.write_text(json.dumps(stack, indent=2) + "\n")
    start_project(DemoDocker(docker_env, registry), image)
    front, slots = start_web_front(image)
    stack["web_url"] = front.url
    write_worker_config(front, slots)
    start_worker(stack["binary"], docker_env)
    stack["url"] = start_nginx(port, tls)
    STACK_FILE.write_text(json.dumps(stack, indent=2) + "\n")
    deploy_first_web_version(stack)
    status = deliver(stack)
    print_next_steps(stack)
    return status


def print_next_steps(stack):
    """Say where everything is and how to go on."""
    page = stack["url"] + "/"
    send = (f"scripts/send-delivery --url {stack['url']} --cacert {stack['ca']} "
            f"--secret-file {SECRET} FILE.json")
    print(f"""
The stack is running.
  webhook URL   {stack['url']}   (certificate: {stack['ca']})
  secret        {SECRET}
  worker        {CONFIG}, log {LOGS / 'deployhook.log'}
  history       {stack['binary']} status --config {CONFIG}
  blue-green    {stack['web_url']}/version   (target {WEB_TARGET}: nginx switches slots at each deploy)
  status page   {page}   (it asks for "Authorization: Bearer <the token in {READ_TOKEN}>")
    curl --cacert {stack['ca']} -H "Authorization: Bearer $(cat {READ_TOKEN})" {page}status
    curl --cacert {stack['ca']} -H "Authorization: Bearer $(cat {READ_TOKEN})" -H "Accept: text/html" -o status.html {page}
Another push (new image, new signed delivery):  scripts/run deliver
Send a payload yourself:  {send}
  (the same bytes again are answered 200 "duplicate")
Stop everything scripts/run started:  scripts/run stop""")


def stop():
    """Stop what start started, newest first; remove the demo's containers and runtime files."""
    stop_pid("nginx")
    stop_pid("web-front")
    stop_pid("worker", STOP_TIMEOUT)
    if STACK_FILE.exists():
        stack = json.loads(STACK_FILE.read_text())
        docker = DemoDocker(stack["docker_env"], stack.get("registry", ""))
        projects = [(PROJECT, None)] + [(WEB_PROJECT, f"{WEB_PROJECT.name}-{slot}")
                                        for slot in ("blue", "green")]
        for directory, name in projects:
            if (directory / "docker-compose.yml").exists():
                with contextlib.suppress(Exception):
                    docker.compose(str(directory), "down", "--volumes", "--timeout", "5",
                                   project=name, check=False, timeout=60)
    stop_pid("registry")
    if (PIDS / "dockerd.pid").exists():
        stop_pid("dockerd", STOP_TIMEOUT)
        Engine(str(RUNTIME / "engine"), Timings()).kill_leftovers()
    if RUNTIME.exists():
        remove_tree(str(RUNTIME))
    STACK_FILE.unlink(missing_ok=True)


def main(argv):
    parser = argparse.ArgumentParser(prog="scripts/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="start", choices=["start", "deliver", "stop"])
    parser.add_argument("--binary", help="the deployhook executable (start)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEPLOYHOOK_PORT", 8443)),
                        help="nginx's HTTPS port on 127.0.0.1 (default 8443, or $DEPLOYHOOK_PORT)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("needs root (it starts dockerd, and nginx with workers as www-data)")
    if args.command == "stop":
        stop()
        say("stopped")
        return 0
    if args.command == "deliver":
        if not STACK_FILE.exists() or not alive_from_pidfile("worker"):
            parser.error("nothing running: start it with scripts/run")
        return deliver(json.loads(STACK_FILE.read_text()))
    if not args.binary:
        parser.error("start needs --binary")
    try:
        return start(args.binary, args.port)
    except Exception as e:  # leave what runs for inspection; say how to clean up
        print(f"scripts/run: {e}\nlogs: {LOGS}, {RUNTIME}; clean up with: scripts/run stop",
              file=sys.stderr)
        return 1


def alive_from_pidfile(name):
    """Return True when the process in PIDS/<name>.pid is running."""
    path = PIDS / f"{name}.pid"
    return path.exists() and alive(int(path.read_text()), PROGRAMS[name])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
