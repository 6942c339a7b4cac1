"""Deploy what CI built: against a real engine and registry, a push whose image is not built
yet waits for it, a push whose image never comes is `stale` with the old container untouched,
and a pull that changes nothing is `unchanged`; redeliveries after either deploy again.

Images carry the label org.opencontainers.image.revision as docker/metadata-action sets it.
"""

import json

from deploy_support import (BRANCH, REPOSITORY, SERVICE, bring_up, deliver_push, push_body,
                            queue_push, read_version, run_log, serving, step_names,
                            wait_for_run)
from worker import fixture, wait_until

COMMIT_A = "a" * 39 + "1"
COMMIT_B = "b" * 39 + "2"


def waiting_for_image(worker):
    """Return True once the worker logged that a run waits for its commit's image."""
    return "waiting for the commit's image" in worker.log()


def test_push_before_its_image_exists_waits_then_deploys_it(docker_env, compose_project):
    v1, _ = bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    with serving(docker_env, compose_project, image_timeout=120, image_poll=1) as worker:
        delivery = queue_push(worker, push_body(after=COMMIT_B))
        wait_until(lambda: waiting_for_image(worker), 60, "the run to wait for the image")
        assert worker.history() == []
        assert docker_env.container_image(compose_project, SERVICE) == v1

        v2 = docker_env.make_image(docker_env.app_ref, "v2", revision=COMMIT_B)
        run = wait_for_run(worker, delivery)

    assert run["result"] == "succeeded", run_log(run)
    assert run["commit"] == COMMIT_B
    assert step_names(run) == ["pull", "wait-image", "up", "health"], run_log(run)
    (image,) = run["images"]
    digest = image.pop("digest")  # the registry's digest of v2
    assert digest.startswith(docker_env.app_ref.rsplit(":", 1)[0] + "@sha256:")
    assert image == {"service": SERVICE, "reference": docker_env.app_ref,
                     "before": v1, "after": v2, "revision": COMMIT_B}
    container = docker_env.container(compose_project, SERVICE)
    assert docker_env.container_image(compose_project, SERVICE) == v2
    assert read_version(docker_env, container) == "v2"


def test_image_never_published_is_stale_and_leaves_the_container_alone(docker_env,
                                                                      compose_project):
    v1, before = bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    with serving(docker_env, compose_project, image_timeout=3, image_poll=1) as worker:
        run = deliver_push(worker, push_body(after=COMMIT_B))

    assert run["result"] == "stale", run_log(run)
    assert step_names(run) == ["pull", "wait-image"], run_log(run)
    assert run["images"][0]["revision"] == COMMIT_A
    assert docker_env.container(compose_project, SERVICE) == before
    assert docker_env.container_image(compose_project, SERVICE) == v1
    assert docker_env.inspect(before, "{{.State.Status}}") == "running"


def test_redelivery_after_stale_deploys_once_the_image_exists(docker_env, compose_project):
    bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    body = push_body(after=COMMIT_B)
    with serving(docker_env, compose_project, image_timeout=2, image_poll=1) as worker:
        stale = deliver_push(worker, body)
        assert stale["result"] == "stale", run_log(stale)

        v2 = docker_env.make_image(docker_env.app_ref, "v2", revision=COMMIT_B)
        run = deliver_push(worker, body)  # GitHub's "Redeliver": the same bytes

    assert run["result"] == "succeeded", run_log(run)
    assert run["commit"] == COMMIT_B
    assert docker_env.container_image(compose_project, SERVICE) == v2


def test_unlabelled_image_unchanged_then_redelivery_deploys_the_new_one(docker_env,
                                                                       compose_project):
    v1, before = bring_up(docker_env, compose_project, "v1")
    body = push_body(after=COMMIT_B)
    with serving(docker_env, compose_project) as worker:
        unchanged = deliver_push(worker, body)
        assert unchanged["result"] == "unchanged", run_log(unchanged)
        assert "up" in step_names(unchanged)
        assert unchanged["images"][0]["before"] == unchanged["images"][0]["after"] == v1
        assert docker_env.container(compose_project, SERVICE) == before

        v2 = docker_env.make_image(docker_env.app_ref, "v2")
        run = deliver_push(worker, body)

    assert run["result"] == "succeeded", run_log(run)
    assert docker_env.container_image(compose_project, SERVICE) == v2


def test_redelivery_after_success_is_a_duplicate(docker_env, compose_project):
    bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    docker_env.make_image(docker_env.app_ref, "v2", revision=COMMIT_B)
    body = push_body(after=COMMIT_B)
    with serving(docker_env, compose_project) as worker:
        run = deliver_push(worker, body)
        assert run["result"] == "succeeded", run_log(run)
        again = worker.deliver(body)

    assert again.status == 200, again.body
    assert again.json["status"] == "duplicate"


def test_status_shows_the_commit_and_the_deployed_revision(docker_env, compose_project):
    bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    docker_env.make_image(docker_env.app_ref, "v2", revision=COMMIT_B)
    with serving(docker_env, compose_project) as worker:
        run = deliver_push(worker, push_body(after=COMMIT_B))
        shown = worker.command("status")

    assert run["result"] == "succeeded", run_log(run)
    assert shown.returncode == 0, shown.stderr
    row = next(line for line in shown.stdout.splitlines() if run["id"] in line)
    assert COMMIT_B[:12] in row
    assert "revision" in shown.stdout.splitlines()[0].lower()


def workflow_run_body(head_sha, conclusion="success", event="push", action="completed"):
    """Return a real GitHub workflow_run delivery (octokit's completed run) re-aimed at this
    suite's repository and branch, for commit head_sha."""
    payload = json.loads(fixture("github/workflow_run/octokit-completed.json"))
    payload["action"] = action
    payload["workflow_run"].update(conclusion=conclusion, event=event, head_branch=BRANCH,
                                   head_sha=head_sha)
    payload["repository"]["full_name"] = REPOSITORY
    return json.dumps(payload).encode()


def test_workflow_run_trigger_deploys_the_built_commit_and_ignores_the_rest(docker_env,
                                                                         compose_project):
    bring_up(docker_env, compose_project, "v1", revision=COMMIT_A)
    v2 = docker_env.make_image(docker_env.app_ref, "v2", revision=COMMIT_B)
    with serving(docker_env, compose_project, trigger="workflow_run") as worker:
        pushed = worker.deliver(push_body(after=COMMIT_B), event="push")
        assert pushed.status == 200 and pushed.json["status"] == "ignored", pushed.body
        for body in (workflow_run_body(COMMIT_B, conclusion="failure"),
                     workflow_run_body(COMMIT_B, event="pull_request"),
                     workflow_run_body(COMMIT_B, action="requested")):
            reply = worker.deliver(body, event="workflow_run")
            assert reply.status == 200 and reply.json["status"] == "ignored", reply.body
        assert worker.queued("app") == []

        delivery = queue_push(worker, workflow_run_body(COMMIT_B), event="workflow_run")
        run = wait_for_run(worker, delivery)

    assert run["result"] == "succeeded", run_log(run)
    assert run["commit"] == COMMIT_B
    assert docker_env.container_image(compose_project, SERVICE) == v2
