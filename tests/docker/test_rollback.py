"""Rollback you can trust, against a real engine: a run interrupted after it recreated the
service rolls back, when rerun, to the images it replaced (not to what it left running), and a
rollback after the compose file moved to another image reference still brings the previous
image back."""

from deploy_support import (SERVICE, TARGET, bring_up, deliver_push, push_body, queue_push,
                            read_version, run_log, serving, step_names, wait_for_run)
from docker_env import write_compose_project
from worker import wait_until


def snapshot_stored(worker):
    """Return True once a queued job of the target carries the snapshot of the images it
    replaces: written just before the run's first `up`."""
    return any("snapshot" in job for job in worker.queued(TARGET))


def test_rerun_after_a_stop_past_up_rolls_back_to_the_images_before_it(docker_env,
                                                                      compose_project):
    v1, _ = bring_up(docker_env, compose_project, "v1")
    v2 = docker_env.make_image(docker_env.app_ref, "v2", healthy=False)
    with serving(docker_env, compose_project) as worker:
        delivery = queue_push(worker, push_body(after="5" * 40))
        wait_until(lambda: snapshot_stored(worker), 60, "the snapshot in the job file")
        assert worker.stop() == 0  # SIGTERM: `up` may finish, the run is not recorded
        assert worker.history() == []
        (job,) = worker.queued(TARGET)
        assert job["snapshot"] == [{"service": SERVICE, "reference": docker_env.app_ref,
                                    "image": v1}]
        # The interrupted attempt may or may not have recreated the service: either way, the
        # rerun must go back to v1.
        worker.start()
        run = wait_for_run(worker, delivery)

    assert run["result"] == "rolled_back", run_log(run)
    assert "[snapshot: the images noted by an interrupted attempt" in run_log(run)
    assert run["images"][0]["before"] == v1
    assert run["images"][0]["after"] == v2
    assert step_names(run)[-1] == "rollback-health"
    container = docker_env.container(compose_project, SERVICE)
    assert docker_env.container_image(compose_project, SERVICE) == v1
    assert docker_env.wait_health(container, "healthy") == "healthy"
    assert read_version(docker_env, container) == "v1"


def test_rollback_after_the_compose_file_changed_its_reference(docker_env, compose_project):
    v1, _ = bring_up(docker_env, compose_project, "v1")
    moved = docker_env.app_ref.rsplit(":", 1)[0] + ":next"
    write_compose_project(compose_project, moved)
    v2 = docker_env.make_image(moved, "v2", healthy=False)
    with serving(docker_env, compose_project) as worker:
        run = deliver_push(worker, push_body(after="6" * 40))

    assert run["result"] == "rolled_back", run_log(run)
    assert run["images"][0]["reference"] == moved
    assert run["images"][0]["after"] == v2
    tags = [s["argv"] for s in run["steps"] if s["name"] == "rollback-tag"]
    assert tags == [["docker", "tag", v1, moved]]
    container = docker_env.container(compose_project, SERVICE)
    assert docker_env.container_image(compose_project, SERVICE) == v1
    assert docker_env.wait_health(container, "healthy") == "healthy"
    assert run["steps"][-1]["name"] == "rollback-health"
