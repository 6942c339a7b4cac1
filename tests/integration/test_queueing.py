"""The rows of SPEC's HTTP table that queue (or refuse to queue) a deployment: 202 with the job
on disk, duplicate, a redelivery after a failed run, 503 and 500; both body formats; several
targets and secrets; a burst of concurrent deliveries.
"""

import re
import resource
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from integration_support import (PUSH, PUSH_AFTER, PUSH_REPOSITORY, RUN_TIMEOUT, assert_answer,
                                 binary, fixture, log_lines, noop_target, run_locks_held, sign,
                                 wait_for_run, wait_queue_empty, wait_until)


# Address space the 500 test leaves the worker above what it already uses.
MEMORY_MARGIN = 32 << 20


def form_body(json_body):
    """Return json_body as GitHub's application/x-www-form-urlencoded delivery sends it."""
    return urllib.parse.urlencode({"payload": json_body}).encode()


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "application/x-www-form-urlencoded"])
def test_queues_a_push_to_the_deploy_branch_with_the_job_on_disk(start_worker, content_type):
    worker = start_worker()
    body = fixture(PUSH)
    if content_type == "application/x-www-form-urlencoded":
        body = form_body(body)  # signed as sent: over the raw form body
    with run_locks_held(worker, "app"):
        answer = assert_answer(worker.deliver(body, delivery="delivery-202",
                                              content_type=content_type), 202, "queued")
        assert (answer["target"], answer["after"], answer["delivery"]) == \
            ("app", PUSH_AFTER, "delivery-202")
        assert (worker.state_dir / "queue" / "app" / f"{answer['id']}.json").is_file()
        (job,) = worker.queued("app")
        assert (job["id"], job["delivery"], job["repository"], job["ref"], job["after"]) == \
            (answer["id"], "delivery-202", PUSH_REPOSITORY, "refs/heads/main", PUSH_AFTER)
    run = wait_for_run(worker, "delivery-202")
    assert (run["target"], run["after"], run["result"]) == ("app", PUSH_AFTER, "succeeded")
    wait_queue_empty(worker, "app")


def test_matches_the_repository_name_ignoring_case(start_worker):
    worker = start_worker([noop_target(repository="Woodpecker-CI/WOODPECKER")])
    with run_locks_held(worker, "app"):
        assert_answer(worker.deliver(fixture(PUSH)), 202, "queued")


@pytest.mark.parametrize("moment", ["pending", "succeeded"])
def test_answers_duplicate_for_the_same_body_again(start_worker, moment):
    worker = start_worker()
    body = fixture(PUSH)
    with run_locks_held(worker, "app"):
        first = assert_answer(worker.deliver(body, delivery="first"), 202, "queued")
        if moment == "pending":
            assert_answer(worker.deliver(body, delivery="first"), 200, "duplicate")
            assert [job["id"] for job in worker.queued("app")] == [first["id"]]
    wait_for_run(worker, "first", "succeeded")
    wait_queue_empty(worker, "app")
    # A manual redelivery keeps the GUID; another hook sends another one: both are duplicates.
    for delivery in ("first", "second"):
        assert_answer(worker.deliver(body, delivery=delivery), 200, "duplicate")
    assert worker.queued("app") == []


def test_queues_a_redelivery_of_a_push_whose_deployment_failed(start_worker):
    worker = start_worker([noop_target(compose=["false"])])
    body = fixture(PUSH)
    first = assert_answer(worker.deliver(body, delivery="doomed"), 202, "queued")
    wait_for_run(worker, "doomed", "failed")
    again = assert_answer(worker.deliver(body, delivery="doomed"), 202, "queued")
    assert again["id"] != first["id"]
    wait_until(lambda: len(worker.history()) == 2, RUN_TIMEOUT, "the redelivery's run")
    assert [(run["deliveries"], run["result"]) for run in worker.history()] == \
        [(["doomed"], "failed")] * 2


@pytest.mark.parametrize("blocked", ["queue/app", "seen"])
def test_answers_503_when_the_job_cannot_be_stored(start_worker, blocked):
    worker = start_worker()
    # As root, permissions do not stop the worker: a regular file where it needs a directory does.
    in_the_way = worker.state_dir / blocked
    in_the_way.parent.mkdir(parents=True, exist_ok=True)
    in_the_way.write_text("a file where deployhook needs a directory\n")
    body = fixture(PUSH)
    assert_answer(worker.deliver(body, delivery="refused"), 503, "unavailable")
    assert log_lines(worker, "decision=unavailable")
    in_the_way.unlink()
    # The refused attempt does not count as accepted: GitHub's retry is queued.
    assert_answer(worker.deliver(body, delivery="retried"), 202, "queued")
    wait_for_run(worker, "retried", "succeeded")


def test_answers_500_when_memory_runs_out_and_keeps_serving(start_worker):
    if b"__asan_init" in binary().read_bytes():
        pytest.skip("AddressSanitizer aborts on an exhausted allocator instead of throwing")
    worker = start_worker(settings={"max_body_bytes": 1 << 30, "threads": 1})
    with open(f"/proc/{worker.process.pid}/status") as handle:
        size = int(re.search(r"VmSize:\s+(\d+) kB", handle.read()).group(1)) * 1024
    # Cap the worker's address space a little above what it uses now: buffering a body of
    # more than the margin then fails with std::bad_alloc, which nothing expects.
    resource.prlimit(worker.process.pid, resource.RLIMIT_AS,
                     (size + MEMORY_MARGIN, resource.RLIM_INFINITY))
    body = b" " * (MEMORY_MARGIN * 3 // 2)
    assert_answer(worker.deliver(body), 500, "error")
    assert_answer(worker.deliver(fixture(PUSH), event="ping"), 200, "pong")


def test_form_body_signed_over_the_decoded_json_is_rejected(shared_worker):
    body = fixture(PUSH)
    reply = shared_worker.deliver(form_body(body), signature=sign(body),
                                  content_type="application/x-www-form-urlencoded")
    assert_answer(reply, 401, "invalid_signature")
    assert shared_worker.queued("app") == []


@pytest.mark.parametrize("form, event, status, name", [
    (form_body(fixture("github/ping/octokit-ping-repo.json")), "ping", 200, "pong"),
    # A form without a payload field.
    (b"hook=" + urllib.parse.quote_plus(fixture(PUSH)).encode(), "push", 400, "bad_payload"),
    # A payload field that is not JSON.
    (form_body(b"Hello, World!"), "push", 400, "bad_payload"),
    # A broken %-escape in the payload field.
    (b"payload=%7B%zz", "push", 400, "bad_payload"),
])
def test_reads_form_bodies_from_the_payload_field(shared_worker, form, event, status, name):
    reply = shared_worker.deliver(form, event=event,
                                  content_type="application/x-www-form-urlencoded")
    assert_answer(reply, status, name)


def test_queues_one_push_for_every_target_on_its_repository_and_branch(start_worker):
    worker = start_worker([noop_target("web"), noop_target("api"),
                           noop_target("staging", branch="staging")])
    with run_locks_held(worker, "web", "api"):
        answer = assert_answer(worker.deliver(fixture(PUSH), delivery="both"), 202, "queued")
        listed = {entry["target"]: entry["id"] for entry in answer["targets"]}
        assert sorted(listed) == ["api", "web"]
        for name in ("web", "api"):
            assert [job["id"] for job in worker.queued(name)] == [listed[name]]
        assert worker.queued("staging") == []
    wait_until(lambda: {run["target"] for run in worker.history()} == {"web", "api"},
               RUN_TIMEOUT, "a run of each target")


def test_a_target_with_its_own_secret_deploys_only_deliveries_signed_with_it(start_worker,
                                                                              tmp_path):
    own_secret = tmp_path / "own.secret"
    own_secret.write_text("the own target's secret\n")
    worker = start_worker([noop_target("shared"),
                           noop_target("own", secret_file=str(own_secret))])
    body = fixture(PUSH)
    other_body = body + b"\n"  # the same push, another exact body (not a duplicate)
    with run_locks_held(worker, "shared", "own"):
        shared = assert_answer(worker.deliver(body), 202, "queued")
        assert [entry["target"] for entry in shared["targets"]] == ["shared"]
        own = assert_answer(worker.deliver(other_body, secret="the own target's secret"),
                            202, "queued")
        assert [entry["target"] for entry in own["targets"]] == ["own"]
        assert [len(worker.queued("shared")), len(worker.queued("own"))] == [1, 1]


def test_a_target_is_not_deployed_by_a_delivery_only_another_secret_verifies(start_worker,
                                                                             tmp_path):
    own_secret = tmp_path / "own.secret"
    own_secret.write_text("the own target's secret\n")
    worker = start_worker([noop_target("own", secret_file=str(own_secret)),
                           noop_target("elsewhere", repository="octo/elsewhere")])
    # Signed with the global secret, which verifies only target `elsewhere` (another
    # repository): the push is ignored and `own` is not deployed.
    answer = assert_answer(worker.deliver(fixture(PUSH)), 200, "ignored")
    assert answer["reason"]
    assert worker.queued("own") == []


def test_queues_every_one_of_many_concurrent_deliveries(start_worker):
    worker = start_worker()
    count = 40
    # The real push with 0..39 trailing spaces: the same JSON, 40 distinct exact bodies.
    bodies = [fixture(PUSH) + b" " * i for i in range(count)]
    deliveries = [f"burst-{i}" for i in range(count)]
    with run_locks_held(worker, "app"):
        with ThreadPoolExecutor(max_workers=8) as pool:
            replies = list(pool.map(lambda i: worker.deliver(bodies[i], delivery=deliveries[i]),
                                    range(count)))
        answers = [assert_answer(reply, 202, "queued") for reply in replies]
        ids = {answer["id"] for answer in answers}
        assert len(ids) == count
        assert {job["id"] for job in worker.queued("app")} == ids
        assert_answer(worker.deliver(fixture(PUSH), event="ping"), 200, "pong")

    def covered():
        return {d for run in worker.history() for d in run["deliveries"]} >= set(deliveries)
    wait_until(covered, RUN_TIMEOUT, "runs covering every delivery of the burst")
    wait_queue_empty(worker, "app")
