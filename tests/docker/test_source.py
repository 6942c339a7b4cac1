"""Config from the repository on the real engine: a worker deploys a target whose compose file,
env files, encrypted secrets and images change from commit to commit, fetched over HTTP with a
token from a git server on 127.0.0.1. At every run the engine runs the commit's config (checked
in the containers: image, environment, compose's own config hash) and the history's `config` is
the hash of that commit's resolved compose config; a commit whose image is unhealthy is rolled
back to the previous commit's checkout and images together; a push whose webhook is dropped is
deployed by `poll`; `rollback --to` restores an earlier commit's config and image; the
encrypted canary never shows. And `build = true` builds the service from the commit's
Dockerfile on a locally made base image.

DEPLOYHOOK_TEST_SOURCE_COMMITS sets how many commits the sequence pushes (default 8 under
compose v2 and 6 under v1, for the suite's time; README quotes a run with 50)."""

import hashlib
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from deploy_support import (BRANCH, REPOSITORY, SERVICE, TARGET, push_body, queue_push, run_log,
                            serving_target, wait_for_run)
from docker_env import healthcheck

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from source_fixtures import age_identity, git_http, source_repo, source_root  # noqa: E402,F401
from worker import wait_until  # noqa: E402

CANARY = "canary-0f9e8d7c6b5a4"
POLL = 3
DROPPED = 5        # the commit whose webhook is never sent
UNHEALTHY = 3      # the commit whose image never becomes healthy
ROLLBACK_TO = 2    # the commit `rollback --to` brings back


def commit_count(flavour):
    """The commits to push: DEPLOYHOOK_TEST_SOURCE_COMMITS, or 8 (v2) and 6 (v1) to keep the
    suite's time; at least 6, for the dropped, unhealthy and restored ones."""
    default = 8 if flavour.name == "v2" else 6
    return max(int(os.environ.get("DEPLOYHOOK_TEST_SOURCE_COMMITS", default)), DROPPED + 1)


def compose_file(image, step):
    """The compose file of commit `step`: image, an environment value, two env files."""
    return json.dumps({
        "version": "2.4",
        "services": {SERVICE: {
            "image": image, "network_mode": "none", "init": True,
            "command": ["/bin/busybox", "sleep", "86400"], "healthcheck": healthcheck(),
            "environment": {"STEP": str(step)}, "env_file": ["app.env", "secret.env"]}}}, indent=1)


class Sequence:
    """The commits of the sequence and the images they name."""

    def __init__(self, docker_env, repo, identity, work):
        self.env = docker_env
        self.repo = repo
        self.registry = docker_env.registry.address
        self.secret = identity.encrypt_text(f"SECRET={CANARY}\n", work / "secret.env.age").read_bytes()
        self.images = {}  # reference: image id
        self.commits = {}  # step: commit id

    def reference(self, step):
        if step == UNHEALTHY:
            return f"{self.registry}/source/app:broken"
        return f"{self.registry}/source/app:v{step // 3}"  # some commits change the config alone

    def commit(self, step):
        reference = self.reference(step)
        if reference not in self.images:
            self.images[reference] = self.env.make_image(reference, f"step-{step}", healthy=step != UNHEALTHY)
        files = {"deploy/compose.yaml": compose_file(reference, step), "deploy/app.env": f"VALUE=value-{step}\n",
                 "deploy/secret.env.age": self.secret, "src/main.c": f"/* {step} */\n"}
        self.commits[step] = self.repo.commit(files, f"step {step}")
        return self.commits[step]


def running(docker_env):
    """Return (image id, {env name: value}, compose config-hash label) of the app's container."""
    ids = docker_env.docker("ps", "-q", "--filter", f"label=com.docker.compose.project={TARGET}",
                            "--filter", f"label=com.docker.compose.service={SERVICE}").stdout.split()
    assert len(ids) == 1, ids
    info = json.loads(docker_env.docker("inspect", ids[0]).stdout)[0]
    env = dict(item.split("=", 1) for item in info["Config"]["Env"])
    return info["Image"], env, info["Config"]["Labels"].get("com.docker.compose.config-hash")


def resolved_config(docker_env, repo, commit, directory):
    """Return "sha256:<hex>" of `compose config` of the repository's deploy/ at `commit`, in a
    folder of its own with the secret decrypted, as the worker runs it."""
    directory.mkdir(parents=True)
    for name in ("compose.yaml", "app.env"):
        (directory / name).write_text(repo.show(commit, f"deploy/{name}"))
    (directory / "secret.env").write_text(f"SECRET={CANARY}\n")
    output = docker_env.compose(directory, "config", project=TARGET).stdout
    return "sha256:" + hashlib.sha256(output.encode()).hexdigest()


def check_deployed(docker_env, worker, run, sequence, step, work):
    """The run deployed commit `step`: the engine runs its image and environment, and the
    history's config is that commit's."""
    commit = sequence.commits[step]
    assert run["result"] == "succeeded", run_log(run)
    assert run["commit"] == commit
    image, env, _ = running(docker_env)
    assert image == sequence.images[sequence.reference(step)]
    assert (env["STEP"], env["VALUE"], env["SECRET"]) == (str(step), f"value-{step}", CANARY)
    checkout = worker.state_dir / "checkouts" / TARGET / commit
    assert (checkout / "compose.yaml").read_text() == sequence.repo.show(commit, "deploy/compose.yaml")
    assert run["config"] == resolved_config(docker_env, sequence.repo, commit, work / f"config-{step}")


@pytest.fixture
def sourced(docker_env, git_http, source_repo, age_identity, tmp_path):
    """Return (table, sequence) for a target deploying source_repo over HTTP with a token."""
    token = tmp_path / "token"
    token.write_text(git_http.token + "\n")
    token.chmod(0o600)
    table = {"name": TARGET, "repository": REPOSITORY, "branch": BRANCH, "source": git_http.url(source_repo.name),
             "source_path": "deploy", "source_token_file": str(token),
             "age_identity_file": str(age_identity.identity_file), "services": [SERVICE],
             "compose": docker_env.compose_command, "health_timeout": 20, "pull_timeout": 60, "up_timeout": 60,
             "poll": POLL}
    return table, Sequence(docker_env, source_repo, age_identity, tmp_path)


def test_every_run_runs_its_commits_config(docker_env, sourced, compose_flavour, tmp_path):
    table, sequence = sourced
    count = commit_count(compose_flavour)
    sequence.commit(0)
    with serving_target(docker_env, table) as worker:
        first = wait_for_run(worker, "poll")  # the tip, found by polling at the start
        check_deployed(docker_env, worker, first, sequence, 0, tmp_path)
        runs = {0: first}
        for step in range(1, count + 1):
            committed = datetime.now(timezone.utc)
            commit = sequence.commit(step)
            if step == DROPPED:
                runs[step] = wait_until(lambda: next((run for run in worker.history() if run["commit"] == commit),
                                                     None), POLL + 60, "the dropped push's run, by polling")
                assert runs[step]["deliveries"] == ["poll"]
                # Queued within one poll interval of the commit (and one ls-remote).
                queued = datetime.fromisoformat(runs[step]["queued_at"].replace("Z", "+00:00"))
                assert (queued - committed).total_seconds() <= POLL + 1
            else:
                runs[step] = wait_for_run(worker, queue_push(worker, push_body(commit)))
            if step == UNHEALTHY:
                assert runs[step]["result"] == "rolled_back", run_log(runs[step])
                image, env, _ = running(docker_env)  # the previous commit's config and image
                assert env["STEP"] == str(step - 1)
                assert image == sequence.images[sequence.reference(step - 1)]
                continue
            check_deployed(docker_env, worker, runs[step], sequence, step, tmp_path)
        assert len([run for run in worker.history() if run["result"] == "succeeded"]) == count  # 1 + count - 1

        back = worker.command("rollback", TARGET, "--to", runs[ROLLBACK_TO]["id"])
        assert back.returncode == 0, back.stderr
        restored = wait_for_run(worker, "rollback")
        assert restored["result"] == "succeeded", run_log(restored)
        image, env, _ = running(docker_env)
        assert env["STEP"] == str(ROLLBACK_TO)
        assert image == sequence.images[sequence.reference(ROLLBACK_TO)]

        for run in worker.history():
            assert CANARY not in run_log(run)
        assert CANARY not in json.dumps(worker.history()) + worker.log()


def test_build_from_the_commits_dockerfile(docker_env, sourced):
    table, sequence = sourced
    base = f"{sequence.registry}/source/base:1"
    docker_env.make_image(base, "base")
    built = "deployhook-test/built:latest"
    compose = json.loads(compose_file(built, 1))
    compose["services"][SERVICE]["build"] = "."
    compose["services"][SERVICE]["env_file"] = ["app.env"]
    commits = []
    for version in ("one", "two"):
        commits.append(sequence.repo.commit({
            "deploy/compose.yaml": json.dumps(compose), "deploy/app.env": "VALUE=x\n",
            "deploy/Dockerfile": f"FROM {base}\nCOPY version /version\n", "deploy/version": f"built-{version}\n"}))
    table = {**table, "build": True, "poll": 0}
    with serving_target(docker_env, table) as worker:
        for number, commit in enumerate(commits):
            run = wait_for_run(worker, queue_push(worker, push_body(commit)))
            assert run["result"] == "succeeded", run_log(run)
            assert [step["name"] for step in run["steps"]][3] == "build"
            image, _, _ = running(docker_env)
            record = next(image_record for image_record in run["images"] if image_record["service"] == SERVICE)
            assert record["after"] == image == docker_env.image_id(built)
            ids = docker_env.docker("ps", "-q", "--filter", f"label=com.docker.compose.project={TARGET}").stdout.split()
            version = docker_env.docker("exec", ids[0], "/bin/busybox", "cat", "/version").stdout
            assert version == f"built-{['one', 'two'][number]}\n"
