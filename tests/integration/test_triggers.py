"""Build-finished triggers through the real worker: a workflow_run target deploys the head_sha
of a successful run started by a push to its branch, a package target the revision label of a
published package; every other run, action or push is 200 ignored with a reason."""

import signal

import pytest

from integration_support import (STOP_TIMEOUT, Worker, assert_answer, fixture, log_lines,
                                 noop_target, variant, wait_for_run)

RUN = "github/workflow_run/octokit-completed.json"
RUN_SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625"
PACKAGE = "github/registry_package/octokit-published-docker-abridged.json"
LABEL_SHA = "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b"


@pytest.fixture(scope="module")
def trigger_worker(tmp_path_factory):
    targets = [noop_target("built", "octo-org/octo-repo", "master", trigger="workflow_run",
                           workflow="test"),
               noop_target("pkg", "Codertocat/hello-world-npm", "master", trigger="package",
                           package="hello-world-npm")]
    worker = Worker(tmp_path_factory.mktemp("triggers"), targets)
    worker.start()
    yield worker
    worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)


def run_variant(**changes):
    """The octokit completed run, started by a push unless changes say otherwise."""
    def change(document):
        document["workflow_run"]["event"] = "push"
        for key, value in changes.items():
            if key == "action":
                document["action"] = value
            elif key == "workflow":
                document["workflow"]["name"] = value
                document["workflow"]["path"] = value
                document["workflow_run"]["path"] = value
            elif value is None:
                document["workflow_run"].pop(key)
            else:
                document["workflow_run"][key] = value
    return variant(RUN, change)


def test_a_successful_push_run_deploys_its_head_sha(trigger_worker):
    reply = trigger_worker.deliver(run_variant(), event="workflow_run", delivery="run-ok")
    answer = assert_answer(reply, 202, "queued")
    assert (answer["target"], answer["after"]) == ("built", RUN_SHA)
    run = wait_for_run(trigger_worker, "run-ok")
    assert (run["after"], run["result"]) == (RUN_SHA, "succeeded")


IGNORED_RUNS = {
    "the real dispatch run": (fixture(RUN), "workflow run was started by repository_dispatch, not push"),
    "failure": (run_variant(conclusion="failure"), "workflow run concluded failure, not success"),
    "pull_request": (run_variant(event="pull_request"), "workflow run was started by pull_request, not push"),
    "requested": (run_variant(action="requested", conclusion=None),
                  "workflow run is requested, not completed"),
    "other workflow": (run_variant(workflow="lint"), "workflow is not the target's workflow"),
    "other branch": (run_variant(head_branch="develop"), "workflow run is not for a deploy branch"),
}


@pytest.mark.parametrize("case", list(IGNORED_RUNS))
def test_other_runs_are_ignored_with_a_reason(trigger_worker, case):
    body, reason = IGNORED_RUNS[case]
    answer = assert_answer(trigger_worker.deliver(body, event="workflow_run"), 200, "ignored")
    assert answer["reason"] == reason
    assert trigger_worker.queued("built") == []


def test_a_run_whose_head_sha_is_not_a_commit_is_ignored_and_logged(trigger_worker):
    reply = trigger_worker.deliver(run_variant(head_sha="not-a-sha"), event="workflow_run",
                                   delivery="run-bad-sha")
    assert assert_answer(reply, 200, "ignored")["reason"] == "workflow run has no valid head_sha"
    (line,) = log_lines(trigger_worker, "delivery=run-bad-sha")
    assert "workflow_run.head_sha is not a commit id" in line


def test_a_run_without_head_sha_is_a_bad_payload(trigger_worker):
    reply = trigger_worker.deliver(run_variant(head_sha=None), event="workflow_run")
    assert_answer(reply, 400, "bad_payload")


def test_a_push_to_a_workflow_run_target_is_ignored_saying_it_waits(trigger_worker):
    def to_octo_repo(document):
        document["repository"]["full_name"] = "octo-org/octo-repo"
        document["ref"] = "refs/heads/master"
    body = variant("github/push/woodpecker-push.json", to_octo_repo)
    answer = assert_answer(trigger_worker.deliver(body), 200, "ignored")
    assert answer["reason"] == "target built deploys when its workflow run succeeds, not on push"


def test_a_published_package_deploys_its_revision_label(trigger_worker):
    reply = trigger_worker.deliver(fixture(PACKAGE), event="registry_package", delivery="pkg-ok")
    answer = assert_answer(reply, 202, "queued")
    assert (answer["target"], answer["after"]) == ("pkg", LABEL_SHA)
    assert wait_for_run(trigger_worker, "pkg-ok")["after"] == LABEL_SHA


def test_a_package_update_is_ignored(trigger_worker):
    body = variant(PACKAGE, lambda document: document.update(action="updated"))
    answer = assert_answer(trigger_worker.deliver(body, event="registry_package"), 200, "ignored")
    assert answer["reason"] == "package was updated, not published"
