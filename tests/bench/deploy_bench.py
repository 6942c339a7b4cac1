"""Push to live: how long deployhook takes from a signed push to the new container healthy and
the run recorded, beside a bare `compose pull && compose up -d` followed by waiting for health,
on the same private engine (tests/lib/docker_env.py: its own dockerd, a registry on 127.0.0.1,
everything in one temporary directory and stopped by pid), under compose v1 and v2.

The project is one busybox service with a healthcheck (every 1 s) and stop_grace_period 1s. Each
trial first publishes a new image (labelled with the push's commit, as CI would), untimed; then
the clock runs. The worker runs with the product's timing (no test shortening). After one
warm-up each, deployhook and bare alternate, `rounds` times; the figures are medians.

deployhook's split comes from the run's record: pickup (push sent to run started), state reads
(the run's wall time outside pull, up and health: the compose probe, snapshot, config, image
inspections, pins), pull, up, health (the recorded steps) and record (run finished to the record
seen in the history).
"""

import json
import os
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS / "lib"), str(TESTS / "docker")]

from deploy_support import BRANCH, REPOSITORY, SERVICE, TARGET, push_body  # noqa: E402
from docker_env import DockerEnv, compose_flavour  # noqa: E402
from worker import Worker, target, wait_until  # noqa: E402

RUN_DEADLINE = 60.0
HEALTH_POLL = 0.05   # the bare side's look at the container's health
RECORD_POLL = 0.01   # the bench's look at the history
PHASES = ("pickup", "state reads", "pull", "up", "health", "record")
TIMED_STEPS = ("pull", "up", "health")


def wall(text):
    """Return an RFC 3339 UTC time as written by deployhook ("...T06:45:18.123Z") in seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def bench_project(env):
    """Write the project (service app: healthchecked busybox, stop_grace_period 1s); return it."""
    project = Path(env.new_project("bench"))
    compose_file = project / "docker-compose.yml"
    compose = json.loads(compose_file.read_text())
    compose["services"][SERVICE]["stop_grace_period"] = "1s"
    compose_file.write_text(json.dumps(compose, indent=2))
    return project


def publish(env, marker):
    """Push a new healthy image as app_ref, labelled with a new commit; return the commit."""
    commit = uuid.uuid4().hex + uuid.uuid4().hex[:8]
    env.make_image(env.app_ref, marker, revision=commit)
    return commit


def healthy_container(env, project):
    """Return the service's container once it is healthy, else None."""
    container = env.container(str(project), SERVICE)
    return container if container and env.health(container) == "healthy" else None


def bare_trial(env, project, marker):
    """Publish, then time compose pull && compose up -d && wait for health; return the split."""
    publish(env, marker)
    started = time.monotonic()
    env.compose(str(project), "pull", SERVICE)
    pulled = time.monotonic()
    env.compose(str(project), "up", "-d", SERVICE)
    up = time.monotonic()
    wait_until(lambda: healthy_container(env, project), RUN_DEADLINE, "the bare container healthy",
               interval=HEALTH_POLL)
    done = time.monotonic()
    return {"total": done - started, "pull": pulled - started, "up": up - pulled,
            "health": done - up}


def recorded_run(worker, delivery):
    """Return the history record of the run covering delivery, or None."""
    return next((run for run in worker.history() if delivery in run["deliveries"]), None)


def deployhook_split(run, sent, seen):
    """Return the phases of a recorded run (seconds) given the wall times push sent and seen."""
    steps = {name: sum(s["seconds"] for s in run["steps"] if s["name"] == name)
             for name in TIMED_STEPS}
    started, finished = wall(run["started_at"]), wall(run["finished_at"])
    return {"pickup": started - sent, "state reads": finished - started - sum(steps.values()),
            **steps, "record": seen - finished}


def deployhook_trial(env, worker, marker):
    """Publish, then time a signed push until its run is recorded; return total and split."""
    commit = publish(env, marker)
    body = push_body(after=commit)
    delivery = str(uuid.uuid4())
    sent_wall, started = time.time(), time.monotonic()
    reply = worker.deliver(body, event="push", delivery=delivery)
    if reply.status != 202:
        raise RuntimeError(f"push answered {reply.status}: {reply.body!r}")
    run = wait_until(lambda: recorded_run(worker, delivery), RUN_DEADLINE,
                     "the run recorded", interval=RECORD_POLL)
    done, seen_wall = time.monotonic(), time.time()
    if run["result"] != "succeeded":
        raise RuntimeError(f"run {run['id']} {run['result']}:\n{worker.log()}")
    return {"total": done - started, **deployhook_split(run, sent_wall, seen_wall)}


def medians(trials):
    """Return the median of each key over a list of dicts with the same keys."""
    return {key: statistics.median(t[key] for t in trials) for key in trials[0]}


def measure_flavour(name, rounds):
    """Start a private engine for compose `name`; return (bare trials, deployhook trials)."""
    flavour = compose_flavour(name)
    with DockerEnv(flavour) as env:
        project = bench_project(env)
        publish(env, "first")
        env.compose(str(project), "pull", SERVICE)
        env.compose(str(project), "up", "-d", SERVICE)
        wait_until(lambda: healthy_container(env, project), RUN_DEADLINE, "the first container")
        table = target(TARGET, REPOSITORY, BRANCH, project, services=[SERVICE],
                       compose=env.compose_command, health_timeout=30)
        worker_env = env.env()
        worker_env.setdefault("PATH", os.defpath)
        with Worker(Path(env.root) / "worker", targets=[table], env=worker_env) as worker:
            deployhook_trial(env, worker, "warm-dh")
            bare_trial(env, project, "warm-bare")
            bare, ours = [], []
            for i in range(rounds):
                order = [("dh", ours), ("bare", bare)]
                for kind, into in order if i % 2 == 0 else reversed(order):
                    marker = f"{kind}-{i}"
                    trial = (deployhook_trial(env, worker, marker) if kind == "dh"
                             else bare_trial(env, project, marker))
                    into.append(trial)
                    print(f"  compose {name} {kind:<4} round {i + 1}: {trial['total']:.2f} s",
                          flush=True)
    return bare, ours


def report(results):
    """Print one row per flavour: bare, deployhook, own share, then deployhook's split."""
    print()
    print(f"{'compose':<8} {'bare s':>7} {'deployhook s':>13} {'own share s':>12}  "
          + "  ".join(f"{p:>11}" for p in PHASES))
    for name, (bare, ours) in results.items():
        b, d = medians(bare), medians(ours)
        share = d["total"] - b["total"]
        print(f"{name:<8} {b['total']:>7.2f} {d['total']:>13.2f} {share:>+12.2f}  "
              + "  ".join(f"{d[p]:>11.2f}" for p in PHASES))
        print(f"{'':<8} bare split: pull {b['pull']:.2f}, up {b['up']:.2f}, "
              f"health {b['health']:.2f}")


def run(flavours, rounds):
    """Measure each compose flavour, print the table; return the raw trials as a dict."""
    results = {name: measure_flavour(name, rounds) for name in flavours}
    report(results)
    return {name: {"bare": bare, "deployhook": ours} for name, (bare, ours) in results.items()}
