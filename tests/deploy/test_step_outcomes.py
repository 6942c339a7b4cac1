"""What each step's failure makes of a run: failed, timed_out, rolled_back; and which steps
never run after it."""

import signal

import pytest

from fake_docker_control import container_json
from process_table import live_processes_in_group
from worker import wait_until

AFTER = "9f" * 20
PREVIOUS_IMAGE = "sha256:" + "ab" * 32
PREVIOUS_REFERENCE = "registry.test/octo/app:stable"
UNHEALTHY = container_json("unhealthy")
HEALTHY = container_json("healthy")
KILL_GRACE = 5  # seconds between SIGTERM and SIGKILL to a timed-out step's group


def step_names(run):
    """Return the names of the recorded steps of a run, in order."""
    return [step["name"] for step in run["steps"]]


def test_failed_pull_is_recorded_failed_and_up_never_runs(workers, fake, push_body, deliver,
                                                          only_run):
    fake.set(pull={"exit": 1, "output": "manifest unknown\n"})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "failed"
    assert step_names(run) == ["pull"]
    assert run["steps"][0]["exit_code"] == 1
    assert fake.calls("pull") and not fake.calls("up")


def test_failed_up_is_recorded_failed_without_health_gate(workers, fake, push_body, deliver,
                                                         only_run):
    fake.set(up={"exit": 17})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "failed"
    assert step_names(run) == ["pull", "up"]
    assert run["steps"][1]["exit_code"] == 17
    assert len(fake.calls("inspect")) == 1  # the snapshot; no gate
    assert not fake.calls("tag")


def test_unhealthy_deployment_is_rolled_back_to_the_previous_image(
        workers, fake, push_body, deliver, only_run):
    # The snapshot's look, the gate's, the rollback gate's.
    fake.set(inspect={"outputs": [container_json("healthy", PREVIOUS_IMAGE, PREVIOUS_REFERENCE),
                                  UNHEALTHY, HEALTHY]})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "rolled_back"
    assert step_names(run) == ["pull", "up", "health", "rollback-tag", "rollback-up",
                               "rollback-health"]

    calls = fake.calls()
    operations = [call["operation"] for call in calls]
    tag = operations.index("tag")
    assert calls[tag]["argv"] == ["docker", "tag", PREVIOUS_IMAGE, PREVIOUS_REFERENCE]
    assert operations[:tag].count("inspect") == 2
    ups = [call for call in calls if call["operation"] == "up"]
    assert len(ups) == 2
    assert ups[1]["argv"] == ups[0]["argv"] == ["docker", "compose", "up", "-d", "--pull", "never",
                                                "app"]
    assert ups[1]["start"] > calls[tag]["start"]


def test_rollback_whose_containers_stay_unhealthy_is_rollback_failed(
        workers, fake, push_body, deliver, only_run):
    fake.set(inspect={"outputs": [HEALTHY, UNHEALTHY]})
    worker = workers()
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "rollback_failed"
    assert step_names(run)[-1] == "rollback-health"
    assert run["steps"][-1]["exit_code"] != 0
    assert len(fake.calls("up")) == 2


def test_unhealthy_deployment_without_rollback_fails_and_tags_nothing(
        workers, fake, push_body, deliver, only_run):
    fake.set(inspect={"outputs": [HEALTHY, UNHEALTHY]})
    worker = workers(rollback=False)
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "failed"
    assert step_names(run) == ["pull", "up", "health"]
    assert not fake.calls("tag")
    assert len(fake.calls("up")) == 1


def test_zero_health_timeout_skips_the_health_gate(workers, fake, push_body, deliver,
                                                  only_run):
    fake.set(inspect={"outputs": [HEALTHY, UNHEALTHY]})
    worker = workers(health_timeout=0)
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "succeeded"
    assert step_names(run) == ["pull", "up"]
    assert len(fake.calls("inspect")) == 1  # the snapshot before the pull, no gate


@pytest.mark.parametrize("ignore_term, exit_code, least_seconds", [
    ("child", 128 + signal.SIGTERM, 2),             # the pull itself stops at SIGTERM
    ("all", 128 + signal.SIGKILL, 2 + KILL_GRACE),  # only SIGKILL, KILL_GRACE later, stops it
], ids=["pull-heeds-sigterm", "pull-ignores-sigterm"])
def test_hung_pull_is_killed_with_its_children_at_the_pull_timeout(
        workers, fake, push_body, deliver, only_run, ignore_term, exit_code, least_seconds):
    """ignore_term: which of the hung pull and its child shrug off SIGTERM, so SIGKILL must
    reach them through their process group."""
    fake.set(pull={"hang": True, "ignore_term": ignore_term})
    worker = workers(pull_timeout=2)
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "timed_out"
    assert step_names(run) == ["pull"]
    assert run["steps"][0]["exit_code"] == exit_code
    assert least_seconds <= run["steps"][0]["seconds"] < least_seconds + 10
    assert not fake.calls("up")

    (pull,) = fake.calls("pull")
    assert pull["end"] is None  # it never finished by itself
    assert pull["children"] and pull["pgid"] == pull["pid"]
    # SIGKILL was sent before the run was recorded; give the kernel a moment to finish them.
    wait_until(lambda: not live_processes_in_group(pull["pgid"]), 5,
               f"the end of process group {pull['pgid']}: {live_processes_in_group(pull['pgid'])}")
