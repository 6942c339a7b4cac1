"""Blue-green deploys against a real engine behind a real front door (nginx under compose v2,
Caddy under compose v1), with GETs going through the front door all along: consecutive deploys,
some to an image that never becomes healthy and some whose release fails, then `deployhook
rollback`. No request may fail; after each good deploy every answer comes from the new version,
after each bad one from the old. Latency at rest and during the deploys is printed.

The suite runs 4 deploys per front door (one unhealthy, one failing release, one healthy but
never ready); DEPLOYHOOK_TEST_BLUE_GREEN_DEPLOYS=20 runs the full sequence (5 unhealthy, 2 failing
release, 2 never ready), about 5 minutes under compose v2 and 9 under v1 here.

The service (tests/lib/slot_project.py) is busybox httpd on the slot's port (network_mode: host,
127.0.0.1 only); its release service fails when the image's /version says "nomigrate", and
ready_path answers 404 when it says "notready".
"""

import os

from deploy_support import (SERVICE, TARGET, deliver_push, push_body, run_log, serving,
                            step, wait_for_run)
from docker_env import free_port
from http_load import GetLoad
from slot_fronts import CaddyFront, NginxFront
from slot_project import write_slot_project
from worker import wait_until

# Each front door under one compose generation, so that both are covered in one suite's time.
FRONT_FOR = {"v2": NginxFront, "v1": CaddyFront}
# The deploys after the first: how many, which are to an image that is never healthy, which
# fail their release, which are healthy but never ready.
DEPLOYS = int(os.environ.get("DEPLOYHOOK_TEST_BLUE_GREEN_DEPLOYS", "4"))
UNHEALTHY = {n for n in (2, 7, 10, 14, 17) if n <= DEPLOYS}
BAD_RELEASE = {n for n in (3, 12) if n <= DEPLOYS}
NOT_READY = {n for n in (4, 19) if n <= DEPLOYS}
# The health gate's deadline, which ready_path shares: a never-ready version costs this long.
HEALTH_TIMEOUT = 12
ANSWERS_TO_CHECK = 40
REST_ANSWERS = 1000  # about 5 s of load before the first deploy: latency at rest
# Each GET thread asks every this many seconds: about 200 requests/s in all.
LOAD_INTERVAL_S = 0.02


def other(slot):
    return "green" if slot == "blue" else "blue"


def commit(number):
    return f"{number:040x}"


def answers(load, count=ANSWERS_TO_CHECK):
    """Return a window of at least count answers, all given after this call."""
    load.window()
    seen = load.window()

    def enough():
        seen.merge(load.window())
        return seen.requests >= count
    wait_until(enough, 30, f"{count} answers through the front door")
    return seen


def test_deploys_behind_the_front_door_drop_no_request(docker_env, tmp_path):
    front_class = FRONT_FOR[docker_env.flavour.name]
    project = write_slot_project(os.path.join(docker_env.root, "projects", "bluegreen"),
                                 docker_env.app_ref)
    slots = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    with front_class(tmp_path / front_class.name) as front:
        options = {"strategy": "blue-green", "slots": slots,
                   "upstream_file": str(front.upstream_file),
                   "upstream_format": front.upstream_format, "reload": front.reload_argv(),
                   "ready_path": "/ready", "drain": 1, "release": "migrate",
                   "health_timeout": HEALTH_TIMEOUT}
        docker_env.make_image(docker_env.app_ref, "v0")
        with serving(docker_env, project, **options) as worker:
            first = deliver_push(worker, push_body(after=commit(1000)))
            assert first["result"] == "succeeded", run_log(first)
            live = first["slot"]
            assert live == "blue"
            served, during, failures = "v0", [], []
            with GetLoad(front.url + "/version", interval_s=LOAD_INTERVAL_S) as load:
                rest = answers(load, REST_ANSWERS)
                good = ["v0"]
                for number in range(1, DEPLOYS + 1):
                    bad_release = number in BAD_RELEASE
                    marker = f"v{number}" + ("-nomigrate" if bad_release else
                                             "-notready" if number in NOT_READY else "")
                    docker_env.make_image(docker_env.app_ref, marker,
                                          healthy=number not in UNHEALTHY)
                    load.window()
                    run = deliver_push(worker, push_body(after=commit(number)))
                    window = load.window()
                    during.append(window)
                    if window.failed:
                        failures.append((number, window.statuses, window.errors))
                    expected = ("failed" if bad_release else
                                "rolled_back" if number in UNHEALTHY | NOT_READY else "succeeded")
                    assert run["result"] == expected, run_log(run)
                    if number in NOT_READY:  # healthy, so only ready_path kept it out
                        assert step(run, "health")["exit_code"] == 0, run_log(run)
                        assert step(run, "ready")["exit_code"] == 1, run_log(run)
                    # History names the slot serving: the new one after a switch, else the old.
                    assert run["slot"] == (other(live) if expected == "succeeded" else live)
                    live = run["slot"]
                    if expected == "succeeded":
                        served = marker
                        good.append(marker)
                    seen = answers(load)
                    assert set(seen.bodies) == {served}, (number, seen.bodies, run_log(run))
                    assert seen.failed == 0, (number, seen.statuses, seen.errors)

                back = worker.command("rollback", TARGET)
                assert back.returncode == 0, back.stderr
                rolled = wait_for_run(worker, "rollback")
                during.append(load.window())
                assert rolled["result"] == "succeeded", run_log(rolled)
                seen = answers(load)
                assert set(seen.bodies) == {good[-2]}, (seen.bodies, run_log(rolled))
                assert rolled["slot"] == other(live)
                shown = worker.command("status", TARGET)
                assert f"live slot: {rolled['slot']} (after run {rolled['id']})" in shown.stdout

    total = during[0]
    for window in during[1:]:
        total.merge(window)
    print(f"\nblue-green behind {front.name} (compose {docker_env.flavour.name}): {DEPLOYS} deploys "
          f"({len(UNHEALTHY)} unhealthy, {len(BAD_RELEASE)} failing release, "
          f"{len(NOT_READY)} never ready) and a rollback; "
          f"{total.requests} requests during them, {total.failed} failed, "
          f"{total.retried} sent again after a reload closed a kept connection; "
          f"p99 {total.p99_ms:.1f} ms during deploys, {rest.p99_ms:.1f} ms at rest")
    assert failures == [] and total.failed == 0, failures
    assert total.requests > 0
