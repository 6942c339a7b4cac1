"""deployhook's container image with the example compose file, on a private engine: built by
scripts/package --image from the Debian 12 package, it runs as user deployhook; a signed push
through Caddy deploys the demo service through the socket proxy, and one of an unhealthy image
rolls back through it; the proxy refuses exec and the other calls a deploy does not make, with
403 (image_stack says how the stack is set up)."""

import os
import re
import tempfile
from pathlib import Path

import pytest
from docker_env import DockerEnv, compose_flavour, free_port, missing_prerequisites
from github_push import BRANCH, REPOSITORY, make_push_body
from image_stack import Stack, api_status, build_image, import_images
from worker import DEFAULT_SECRET, config_text, send_delivery, sent_answer, target, wait_until

HERE = Path(__file__).resolve().parent
SERVICE = "app"
COMMIT = "7" * 40
UNHEALTHY_COMMIT = "8" * 40
START_TIMEOUT = 60.0
DEPLOY_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def image_env(packages):
    """Yield a private engine (compose v1, Debian 12's docker CLI) holding the built image
    deployhook and the base and front images; stop it after the module."""
    flavour = compose_flavour("v1")
    problems = missing_prerequisites(flavour)
    if problems:
        pytest.fail("cannot start a private Docker engine: " + "; ".join(problems))
    deb = packages["bookworm"].deb
    with DockerEnv(flavour) as env:
        import_images(env, deb)
        with env.timings.measure("image build"):
            build_image(env, deb)
        yield env
        print("image timings:", *env.timings.summary(), sep="\n  ")


@pytest.fixture(scope="module")
def stack(image_env):
    """Yield the example's Stack, up, with a demo project (service app, image v1, healthy) as
    its one target; take it down after the module."""
    env = image_env
    env.make_image(env.app_ref, "v1")
    project = env.new_project("demo")
    env.compose(project, "up", "-d")
    directory = Path(tempfile.mkdtemp(prefix="image-", dir=env.root))
    config = directory / "config"
    config.mkdir()
    settings = {"state_dir": "/var/lib/deployhook", "secret_file": "/etc/deployhook/secret"}
    table = target("demo", REPOSITORY, BRANCH, project, services=[SERVICE], health_timeout=30)
    (config / "deployhook.toml").write_text(config_text(settings, [table]))
    # As README tells: the secret belongs to the image's deployhook user, mode 0600.
    uid = int(env.docker("run", "--rm", "--network", "none", "deployhook", "id", "-u").stdout)
    secret = config / "secret"
    secret.write_text(DEFAULT_SECRET + "\n")
    secret.chmod(0o600)
    os.chown(secret, uid, uid)
    stack = Stack(env, directory, config, project, free_port(), uid)
    try:
        stack.compose("up", "-d")
        wait_until(lambda: caddy_answers(stack), START_TIMEOUT, "Caddy to answer", interval=0.5)
        yield stack
    finally:
        stack.compose("down", "--volumes", check=False)


def caddy_answers(stack):
    """Return True once Caddy answers a ping through to deployhook with pong."""
    done = send_delivery("--url", f"http://127.0.0.1:{stack.port}/webhook/deploy",
                         "--secret-file", stack_secret(stack), "--event", "ping",
                         HERE.parent / "fixtures" / "github" / "ping" / "octokit-ping-repo.json")
    return done.returncode == 0 and sent_answer(done)[0] == 200


def stack_secret(stack):
    """Return the secret file as this test reads it."""
    return Path(stack.variables["DEPLOYHOOK_CONFIG_DIR"]) / "secret"


def test_worker_runs_as_deployhook(stack):
    container = stack.container("deployhook")
    assert stack.env.inspect(container, "{{.Config.User}}") == "deployhook"
    pid = stack.env.inspect(container, "{{.State.Pid}}")
    status = Path(f"/proc/{pid}/status").read_text()
    uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
    assert uids == [str(stack.uid)] * 4 and stack.uid != 0


def push(stack, directory, commit):
    """Deliver a signed push of commit through Caddy, check it was queued; return its
    delivery id."""
    body = directory / "push.json"
    body.write_bytes(make_push_body(commit))
    done = send_delivery("--url", f"http://127.0.0.1:{stack.port}/webhook/deploy",
                         "--secret-file", stack_secret(stack), "--event", "push", body)
    status, answer = sent_answer(done)
    assert (status, answer["status"], answer["target"]) == (202, "queued", "demo"), answer
    return answer["delivery"]


def run_for(stack, delivery):
    """Wait for the worker's record of the run that covered delivery; return it."""
    def recorded():
        return next((run for run in stack.runs() if delivery in run["deliveries"]), None)
    try:
        return wait_until(recorded, DEPLOY_TIMEOUT, f"the run of delivery {delivery}",
                          interval=0.5)
    except TimeoutError as error:
        pytest.fail(f"{error}\n{stack.logs('deployhook')}\n{stack.logs('proxy')[-4000:]}")


def test_signed_push_through_caddy_deploys_through_the_proxy(stack, tmp_path):
    env = stack.env
    project = stack.variables["DEPLOYHOOK_PROJECT_DIR"]
    before = env.container_image(project, SERVICE)
    v2 = env.make_image(env.app_ref, "v2", revision=COMMIT)
    run = run_for(stack, push(stack, tmp_path, COMMIT))

    assert run["result"] == "succeeded", stack.logs("deployhook")
    assert [step["name"] for step in run["steps"]] == ["pull", "up", "health"]
    container = env.container(project, SERVICE)
    assert before != v2 and env.inspect(container, "{{.Image}}") == v2
    assert env.health(container) == "healthy"
    # The steps went through the proxy: its log has the pull and the recreate.
    proxy_log = stack.logs("proxy")
    assert re.search(r'"POST /v[0-9.]+/images/create\?[^"]*fromImage=', proxy_log), proxy_log
    assert re.search(r'"POST /v[0-9.]+/containers/create\?name=', proxy_log), proxy_log


def test_unhealthy_push_rolls_back_through_the_proxy(stack, tmp_path):
    env = stack.env
    project = stack.variables["DEPLOYHOOK_PROJECT_DIR"]
    running = env.container_image(project, SERVICE)
    bad = env.make_image(env.app_ref, "v3", healthy=False, revision=UNHEALTHY_COMMIT)
    run = run_for(stack, push(stack, tmp_path, UNHEALTHY_COMMIT))

    assert run["result"] == "rolled_back", stack.logs("deployhook")
    assert run["images"][0]["after"] == bad
    assert env.container_image(project, SERVICE) == running
    assert env.wait_health(env.container(project, SERVICE), "healthy") == "healthy"
    # The previous image was tagged back through the proxy.
    assert re.search(r'"POST /v[0-9.]+/images/sha256:[0-9a-f]+/tag\?', stack.logs("proxy"))


@pytest.mark.parametrize("method, path", [
    ("POST", "/v1.41/containers/{id}/exec"),
    ("GET", "/v1.41/containers/{id}/logs?stdout=1"),
    ("GET", "/v1.41/containers/{id}/export"),
    ("POST", "/v1.41/containers/prune"),
    ("POST", "/v1.41/images/create?fromSrc=-&repo=imported"),
    ("GET", "/v1.41/secrets"),
    ("POST", "/v1.41/swarm/init"),
    ("GET", "/v1.41/system/df"),
])
def test_proxy_refuses_calls_a_deploy_does_not_make(stack, method, path):
    socket_path = stack.proxy_socket()
    demo = stack.env.container(stack.variables["DEPLOYHOOK_PROJECT_DIR"], SERVICE)
    # The proxy passes a deploy's calls on (so a 403 below is its refusal, not a dead proxy).
    assert api_status(socket_path, "GET", f"/v1.41/containers/{demo}/json") == 200
    body = {"Cmd": ["/bin/busybox", "true"]} if path.endswith("/exec") else None
    assert api_status(socket_path, method, path.format(id=demo), body) == 403
