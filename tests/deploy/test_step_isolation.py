"""Steps see nothing of the payload and little of the worker: argv from the configuration
only, a small environment, cwd = project_dir, no shell anywhere."""

import os
from pathlib import Path

from worker import DEFAULT_SECRET

AFTER = "5e" * 20
# A branch name git allows and a shell would run: `touch pwned` in the steps' cwd.
HOSTILE_BRANCH = "main;touch${IFS}pwned"
WORKER_SECRET_ENV = "webhook-secret-from-env"


def step_words(call):
    """Return every string a step received: argv, cwd, environment names and values."""
    return [*call["argv"], call["cwd"], *call["env"].keys(), *call["env"].values()]


def test_shell_syntax_in_branch_and_commit_message_reaches_no_step(
        workers, fake, push_body, deliver, only_run, tmp_path, project_dir):
    canary = tmp_path / "canary"
    canary.write_text("must survive")
    made = [tmp_path / f"made-by-payload-{n}" for n in range(3)]
    message = (f"$(touch {made[0]}) `touch {made[1]}`; touch {made[2]}; rm -rf {canary}\n"
               f"| touch {made[0]} && touch {made[1]}")
    worker = workers(branch=HOSTILE_BRANCH, compose=["docker-compose"])
    body = push_body(AFTER, ref=f"refs/heads/{HOSTILE_BRANCH}", message=message)
    run = only_run(worker, deliver(worker, body))
    assert run["result"] == "succeeded"

    calls = fake.calls()
    assert [call["argv"] for call in fake.calls("pull", "up")] == [
        ["docker-compose", "pull", "app"], ["docker-compose", "up", "-d", "--pull", "never", "app"]]
    for call in calls:
        for word in step_words(call):
            assert not any(part in word for part in ("touch", "pwned", "rm -rf", AFTER)), call
    assert not any(path.exists() for path in made)
    assert canary.exists()
    for directory in {project_dir, worker.root, tmp_path, Path.cwd()}:
        assert not (directory / "pwned").exists()


def test_steps_get_only_path_home_docker_and_compose_variables_in_project_dir(
        workers, fake, push_body, deliver, only_run, project_dir):
    extra = {"SECRET_LEAK": "1", "WEBHOOK_SECRET": WORKER_SECRET_ENV, "LANG": "C.UTF-8",
             "COMPOSE_PROJECT_NAME": "shop", "DOCKER_CONFIG": str(project_dir / "docker-config")}
    worker = workers(env=extra)
    run = only_run(worker, deliver(worker, push_body(AFTER)))
    assert run["result"] == "succeeded"

    expected = {name: value for name, value in worker.env.items()
                if name in ("PATH", "HOME") or name.startswith(("DOCKER_", "COMPOSE_"))}
    assert {"COMPOSE_PROJECT_NAME", "DOCKER_CONFIG", "PATH", "HOME"} <= expected.keys()
    calls = fake.calls()
    assert {"ps", "inspect", "image-inspect", "pull", "up"} <= {
        call["operation"] for call in calls}
    for call in calls:
        assert call["env"] == expected, call["operation"]
        assert "SECRET_LEAK" not in call["env"] and "WEBHOOK_SECRET" not in call["env"]
        assert not any(secret in word for word in step_words(call)
                       for secret in (WORKER_SECRET_ENV, DEFAULT_SECRET))
        # The compose command's version probe (its generation) runs from /, before the run.
        where = "/" if call["operation"] == "version" else os.path.realpath(project_dir)
        assert os.path.realpath(call["cwd"]) == where, call["operation"]
