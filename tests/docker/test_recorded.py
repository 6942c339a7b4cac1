"""What runs is what was recorded, against a real engine under each compose flavour: images
with no labels at all deploy, roll back and are recognised as unchanged; a service with
`pull_policy: always` stays on the image a rollback put back; an image that goes away between
the pull and its inspection fails the run before anything is recreated."""

import json
import os
import shutil
import stat

from deploy_support import (SERVICE, TARGET, bring_up, deliver_push, push_body, read_version,
                            run_log, serving, step_names, wait_for_run)


def deploy_unlabelled(docker_env, worker, marker, commit):
    """Publish an image without labels (`marker` in /version), push `commit`; return the run."""
    image = docker_env.make_image(docker_env.app_ref, marker, labels=False)
    run = deliver_push(worker, push_body(after=commit))
    return image, run


def running(docker_env, project):
    """Return (image id, /version) of the service's container."""
    container = docker_env.container(project, SERVICE)
    return docker_env.container_image(project, SERVICE), read_version(docker_env, container)


def repository(reference):
    """Return the repository of an image reference (no tag)."""
    return reference.rsplit(":", 1)[0]


def test_unlabelled_images_deploy_record_both_ids_and_roll_back(docker_env, compose_project):
    v0, _ = bring_up(docker_env, compose_project, "v0", labels=False)
    with serving(docker_env, compose_project) as worker:
        v1, run1 = deploy_unlabelled(docker_env, worker, "v1", "1" * 40)
        assert run1["result"] == "succeeded", run_log(run1)
        (image,) = run1["images"]
        assert image["before"] == v0
        assert image["after"] == v1
        assert image["revision"] is None
        # The registry's digest of the image that runs now.
        assert image["digest"].startswith(repository(docker_env.app_ref) + "@sha256:")
        pulled = docker_env.docker("image", "inspect", "--format", "{{json .RepoDigests}}", v1).stdout
        assert image["digest"] in json.loads(pulled)
        assert running(docker_env, compose_project) == (v1, "v1")

        # Nothing new in the registry: the next push changes no image.
        same = deliver_push(worker, push_body(after="2" * 40))
        assert same["result"] == "unchanged", run_log(same)
        assert same["images"][0]["before"] == same["images"][0]["after"] == v1

        v3, run3 = deploy_unlabelled(docker_env, worker, "v3", "3" * 40)
        assert run3["result"] == "succeeded", run_log(run3)
        assert run3["images"][0]["after"] == v3

        back = worker.command("rollback", TARGET)
        assert back.returncode == 0, back.stderr
        back = wait_for_run(worker, "rollback")
        assert back["result"] == "succeeded", run_log(back)
        assert back["images"][0]["before"] == v3 and back["images"][0]["after"] == v1
        assert running(docker_env, compose_project) == (v1, "v1")

        # And forward again to the newest, by its run id.
        further = worker.command("rollback", TARGET, "--to", run3["id"])
        assert further.returncode == 0, further.stderr
        further = wait_for_run(worker, "rollback", skip=1)
        assert further["result"] == "succeeded", run_log(further)
        assert further["restores"] == run3["id"]
        assert further["images"][0]["before"] == v1 and further["images"][0]["after"] == v3
        assert running(docker_env, compose_project) == (v3, "v3")


def test_a_pull_policy_always_service_stays_on_the_rolled_back_image(docker_env, compose_project):
    compose_file = os.path.join(compose_project, "docker-compose.yml")
    with open(compose_file) as f:
        document = json.load(f)
    document["services"][SERVICE]["pull_policy"] = "always"
    with open(compose_file, "w") as f:
        json.dump(document, f, indent=2)
    v1, _ = bring_up(docker_env, compose_project, "v1", labels=False)
    with serving(docker_env, compose_project) as worker:
        v2 = docker_env.make_image(docker_env.app_ref, "v2", healthy=False, labels=False)
        run = deliver_push(worker, push_body(after="4" * 40))

    assert run["result"] == "rolled_back", run_log(run)
    assert run["images"][0]["after"] == v2
    assert step_names(run)[-1] == "rollback-health"
    # The registry still serves v2 under the tag: a rollback's `up` that pulled would run it.
    assert running(docker_env, compose_project) == (v1, "v1")
    if docker_env.compose_command == ["docker", "compose"]:
        assert "--pull" in run["steps"][1]["argv"] and "never" in run["steps"][1]["argv"]


def test_an_image_gone_between_pull_and_inspection_fails_the_run_before_up(docker_env,
                                                                          compose_project):
    v1, container = bring_up(docker_env, compose_project, "v1", labels=False)
    # A `docker` in front of the real one removes the pulled image just before the worker
    # first inspects it, as a concurrent `docker image prune -a` or `rmi` would.
    shim_dir = os.path.join(docker_env.root, "shim")
    os.makedirs(shim_dir)
    real = shutil.which("docker", path=docker_env.env()["PATH"])
    trigger = os.path.join(shim_dir, "remove-once")
    open(trigger, "w").close()
    shim = os.path.join(shim_dir, "docker")
    with open(shim, "w") as f:
        f.write(f"""#!/bin/sh
if [ "$1" = image ] && [ "$2" = inspect ] && rm "{trigger}" 2>/dev/null; then
  "{real}" rmi -f "$3" >/dev/null 2>&1
fi
exec "{real}" "$@"
""")
    os.chmod(shim, os.stat(shim).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    path = shim_dir + os.pathsep + docker_env.env()["PATH"]
    with serving(docker_env, compose_project, env_extra={"PATH": path}) as worker:
        docker_env.make_image(docker_env.app_ref, "v2", labels=False)
        run = deliver_push(worker, push_body(after="5" * 40))

    assert not os.path.exists(trigger), "the shim never saw an image inspection"
    assert run["result"] == "failed", run_log(run)
    assert step_names(run) == ["pull"], run_log(run)
    assert "[image: cannot read the image" in run_log(run)
    assert docker_env.container(compose_project, SERVICE) == container
    assert running(docker_env, compose_project) == (v1, "v1")
