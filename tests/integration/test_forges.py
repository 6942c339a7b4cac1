"""One real delivery per forge, sent by scripts/send-delivery --forge exactly as that forge
sends it (its headers, its proof), to a worker with one target per forge: each is queued at its
commit and deployed; a wrong proof, or a proof made for another forge's target, is 401."""

import signal

import pytest

from integration_support import (STOP_TIMEOUT, Worker, noop_target, send_delivery, sent_answer,
                                 wait_for_run)
from forge_pushes import FORGE_PUSHES, forge_targets
from worker import FIXTURES

GITLAB_SECRET = "gitlab-token-3f9a"


@pytest.fixture(scope="module")
def forge_worker(tmp_path_factory):
    """A worker with one target per forge; the GitLab target has its own secret."""
    root = tmp_path_factory.mktemp("forges")
    gitlab_secret = root / "gitlab.secret"
    gitlab_secret.write_text(GITLAB_SECRET + "\n")
    targets = forge_targets(compose=["true"], health_timeout=0)
    for table in targets:
        if table["forge"] == "gitlab":
            table["secret_file"] = str(gitlab_secret)
    targets.append(noop_target("bbs", "~gopher/webhook-test", "main", forge="bitbucket-server"))
    worker = Worker(root, targets)
    worker.start()
    yield worker
    worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)


def send(worker, forge, relative, *args, secret=None):
    """Send tests/fixtures/relative as forge with send-delivery; return (status, body)."""
    secret = secret or (GITLAB_SECRET if forge == "gitlab" else worker.secret)
    done = send_delivery("--socket", worker.socket, "--forge", forge, "--secret", secret, *args,
                         FIXTURES / relative)
    assert done.returncode == 0, done.stderr
    return sent_answer(done)


@pytest.mark.parametrize("forge", list(FORGE_PUSHES))
def test_each_forges_push_is_queued_at_its_commit_and_deployed(forge_worker, forge):
    name, relative, _, _, commit = FORGE_PUSHES[forge]
    delivery = f"{forge}-delivery-1"
    status, body = send(forge_worker, forge, relative, "--delivery", delivery)
    assert (status, body["status"], body["target"], body["after"], body["delivery"]) == \
        (202, "queued", name, commit, delivery)
    run = wait_for_run(forge_worker, delivery)
    assert (run["target"], run["after"], run["result"]) == (name, commit, "succeeded")
    assert f"forge={forge}" in forge_worker.log()


@pytest.mark.parametrize("forge", list(FORGE_PUSHES))
def test_each_forges_push_whose_commit_is_not_a_commit_id_is_400(forge_worker, forge, tmp_path):
    # The real push with its commit (after, checkout_sha, target.hash) made a path that would
    # climb out of the commit-status URL; signed right, so only the commit is wrong.
    name, relative, _, _, commit = FORGE_PUSHES[forge]
    bad = tmp_path / "push.json"
    bad.write_bytes((FIXTURES / relative).read_bytes().replace(commit.encode(), b"../../../../user/repos"))
    status, body = send(forge_worker, forge, bad, "--delivery", f"{forge}-bad-commit")
    assert (status, body["status"]) == (400, "bad_payload")
    assert forge_worker.queued(name) == []


@pytest.mark.parametrize("forge", list(FORGE_PUSHES))
def test_each_forges_wrong_proof_is_401(forge_worker, forge):
    _, relative, _, _, _ = FORGE_PUSHES[forge]
    status, body = send(forge_worker, forge, relative, "--bad-signature")
    assert (status, body) == (401, {"status": "invalid_signature"})


def test_a_gitlab_token_equal_to_another_forges_secret_is_401(forge_worker):
    # The worker's global secret verifies every non-GitLab target; sent as GitLab's token it
    # must not, and no GitLab target has it.
    _, relative, _, _, _ = FORGE_PUSHES["gitlab"]
    status, body = send(forge_worker, "gitlab", relative, secret=forge_worker.secret)
    assert (status, body) == (401, {"status": "invalid_signature"})


def test_a_github_signature_on_a_gitea_body_does_not_deploy_the_gitea_target(forge_worker):
    # Signed right, but as GitHub: only GitHub targets are tried, and none has this repository.
    _, relative, _, _, _ = FORGE_PUSHES["gitea"]
    status, body = send(forge_worker, "github", relative, "--delivery", "gitea-as-github")
    assert (status, body["status"], body["reason"]) == (200, "ignored", "repository is not configured")


def test_bitbucket_server_ping_is_pong_and_its_branch_deletion_is_ignored(forge_worker):
    status, body = send(forge_worker, "bitbucket-server",
                        "bitbucket-server/push/goplayground-refs-changed.json",
                        "--event", "diagnostics:ping")
    assert (status, body) == (200, {"status": "pong"})
    status, body = send(forge_worker, "bitbucket-server",
                        "bitbucket-server/push/goplayground-refs-changed.json")
    assert (status, body["status"], body["reason"]) == (200, "ignored", "push deletes the ref")


def test_gitlab_tag_push_and_bitbucket_pull_request_are_ignored(forge_worker):
    status, body = send(forge_worker, "gitlab", "gitlab/tag_push/gogitlab-tag-push.json",
                        "--event", "Tag Push Hook")
    assert (status, body["status"], body["reason"]) == (200, "ignored", "push is a tag")
    status, body = send(forge_worker, "bitbucket", "bitbucket/pullrequest/goplayground-created.json",
                        "--event", "pullrequest:created")
    assert (status, body["status"], body["reason"]) == (200, "ignored", "event is not push")


def test_check_config_shows_each_targets_forge_and_proof(forge_worker):
    done = forge_worker.command("check-config")
    assert done.returncode == 0, done.stderr
    assert "forge: gitlab, proof X-Gitlab-Token" in done.stdout
    assert "forge: gitea, proof X-Gitea-Signature" in done.stdout
    assert "forge: bitbucket-server, proof X-Hub-Signature: sha256=" in done.stdout
    assert done.stdout.count("trigger: push") == len(FORGE_PUSHES) + 1
    assert GITLAB_SECRET not in done.stdout
