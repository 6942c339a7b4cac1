"""Operator controls against a real engine: `deployhook rollback` puts an earlier run's images
back (health-gated, recorded as a rollback), a pruned image fails it cleanly, and a paused
target queues pushes without running them until `deployhook resume`, across a restart."""

from deploy_support import (SERVICE, TARGET, bring_up, deliver_push, push_body, queue_push,
                            read_version, run_log, serving, wait_for_run)
from worker import wait_until

# What the runner logs when a pause holds the two queued jobs back.
HELD_BY_PAUSE = "queued=2 reason=\"paused: deployments wait for resume\""


def deploy_version(docker_env, worker, marker, commit):
    """Publish image `marker`, push `commit`, and return the run that deployed it."""
    docker_env.make_image(docker_env.app_ref, marker)
    run = deliver_push(worker, push_body(after=commit))
    assert run["result"] == "succeeded", run_log(run)
    return run


def roll_back(worker, *args, skip=0):
    """Run `deployhook rollback TARGET ARGS`, check it was queued; return the run's record."""
    queued = worker.command("rollback", TARGET, *args)
    assert queued.returncode == 0, queued.stderr
    return wait_for_run(worker, "rollback", skip=skip)


def test_rollback_puts_the_previous_and_then_any_earlier_run_back(docker_env, compose_project):
    bring_up(docker_env, compose_project, "v0")
    with serving(docker_env, compose_project) as worker:
        run1 = deploy_version(docker_env, worker, "v1", "1" * 40)
        run2 = deploy_version(docker_env, worker, "v2", "2" * 40)
        deploy_version(docker_env, worker, "v3", "3" * 40)

        # Pause first, as in an incident: pushes wait, a rollback asked for still runs.
        assert worker.command("pause", TARGET).returncode == 0
        back = roll_back(worker)
        assert back["result"] == "succeeded", run_log(back)
        assert back["kind"] == "rollback"
        assert back["restores"] == run2["id"]
        assert back["commit"] == "2" * 40
        assert docker_env.container_image(compose_project, SERVICE) == run2["images"][0]["after"]
        assert read_version(docker_env, docker_env.container(compose_project, SERVICE)) == "v2"
        assert [s["name"] for s in back["steps"]] == ["restore-tag", "up", "health"]

        further = roll_back(worker, "--to", run1["id"], skip=1)
        assert further["result"] == "succeeded", run_log(further)
        assert further["restores"] == run1["id"]
        container = docker_env.container(compose_project, SERVICE)
        assert read_version(docker_env, container) == "v1"
        assert docker_env.wait_health(container, "healthy") == "healthy"

        shown = worker.command("status", TARGET)
        assert shown.returncode == 0, shown.stderr
        assert "deployed: commit 111111111111" in shown.stdout


def test_rollback_to_a_pruned_image_fails_and_leaves_the_service_alone(docker_env,
                                                                      compose_project):
    bring_up(docker_env, compose_project, "v0")
    with serving(docker_env, compose_project) as worker:
        run1 = deploy_version(docker_env, worker, "v1", "1" * 40)
        deploy_version(docker_env, worker, "v2", "2" * 40)
        before = docker_env.container(compose_project, SERVICE)
        docker_env.docker("rmi", run1["images"][0]["after"])  # what `docker image prune` does

        back = roll_back(worker)

    assert back["result"] == "failed", run_log(back)
    assert "is gone (pruned?); nothing was put back" in run_log(back)
    assert back["steps"] == []
    assert docker_env.container(compose_project, SERVICE) == before
    assert read_version(docker_env, before) == "v2"


def test_rollback_with_an_unknown_run_is_a_usage_error(docker_env, compose_project):
    with serving(docker_env, compose_project) as worker:
        refused = worker.command("rollback", TARGET, "--to", "20991231T000000000Z-00000000")
        unknown = worker.command("rollback", "nope")

    assert refused.returncode == 2
    assert "no run 20991231T000000000Z-00000000" in refused.stderr
    assert unknown.returncode == 2
    assert f"(targets: {TARGET})" in unknown.stderr


def test_a_paused_target_queues_pushes_and_runs_the_newest_after_resume(docker_env,
                                                                       compose_project):
    bring_up(docker_env, compose_project, "v1")
    with serving(docker_env, compose_project) as worker:
        paused = worker.command("pause", TARGET, "--reason", "incident 42")
        assert paused.returncode == 0, paused.stderr
        docker_env.make_image(docker_env.app_ref, "v2")
        first = queue_push(worker, push_body(after="2" * 40))
        docker_env.make_image(docker_env.app_ref, "v3")
        second = queue_push(worker, push_body(after="3" * 40))

        # The runner saw both jobs and held them back (its log says so), and ran nothing.
        wait_until(lambda: HELD_BY_PAUSE in worker.log(), 30, "the runner to hold the jobs back")
        assert worker.history() == []
        assert len(worker.queued(TARGET)) == 2
        shown = worker.command("status", TARGET)
        assert "paused by" in shown.stdout and "incident 42" in shown.stdout
        assert "queued: 2 jobs" in shown.stdout

        worker.stop()
        held_before = worker.log().count(HELD_BY_PAUSE)
        worker.start()  # the pause is state on disk: it holds across a restart
        wait_until(lambda: worker.log().count(HELD_BY_PAUSE) > held_before, 30,
                   "the restarted runner to hold the jobs back")
        assert worker.history() == []

        resumed = worker.command("resume", TARGET)
        assert resumed.returncode == 0, resumed.stderr
        run = wait_for_run(worker, second)

    assert run["result"] == "succeeded", run_log(run)
    assert sorted(run["deliveries"]) == sorted([first, second])
    assert run["commit"] == "3" * 40
    container = docker_env.container(compose_project, SERVICE)
    assert read_version(docker_env, container) == "v3"
    wait_until(lambda: not worker.queued(TARGET), 10, "the queue to empty")
