"""Per-target hook paths: POST <hook_path>/<target name> takes deliveries for that target alone
and tries only its secret; the hook path itself still serves every target; GET below the hook
path stays the read side."""

from integration_support import PUSH, assert_answer, fixture, noop_target, run_cli

SHOP_SECRET = "shop's own secret"
BLOG_SECRET = "blog's own secret"
HOOK = "/webhook/deploy"


def per_target_worker(start_worker, tmp_path, count=0):
    """Start a worker with targets shop and blog (each with its own secret) on the push's
    repository and branch, and `count` more targets spare-<i> with secrets of their own."""
    targets = []
    for name, secret in [("shop", SHOP_SECRET), ("blog", BLOG_SECRET)] + [
            (f"spare-{i}", f"spare secret {i}") for i in range(count)]:
        path = tmp_path / f"{name}.secret"
        path.write_text(secret + "\n")
        path.chmod(0o600)
        targets.append(noop_target(name, secret_file=str(path)))
    return start_worker(targets)


def post(worker, body, secret, path, delivery=None):
    """POST the push to path, signed with secret; return the Reply."""
    return worker.deliver(body, secret=secret, delivery=delivery,
                          params={"REQUEST_URI": path, "SCRIPT_NAME": path})


def request_line(worker, delivery):
    """Return the worker's request log line about delivery."""
    (line,) = [line for line in worker.log().splitlines()
               if "request " in line and f"delivery={delivery} " in line]
    return line


def test_a_per_target_path_queues_its_target_alone(start_worker, tmp_path):
    worker = per_target_worker(start_worker, tmp_path)
    body = fixture(PUSH)
    answer = assert_answer(post(worker, body, BLOG_SECRET, f"{HOOK}/blog"), 202, "queued")
    assert [entry["target"] for entry in answer["targets"]] == ["blog"]
    # Signed with shop's secret, sent to blog's path: blog's secret alone is tried.
    assert_answer(post(worker, body + b" ", SHOP_SECRET, f"{HOOK}/blog"), 401, "invalid_signature")
    # The hook path itself still serves every target, by whichever secret signed.
    answer = assert_answer(post(worker, body + b"  ", SHOP_SECRET, HOOK), 202, "queued")
    assert [entry["target"] for entry in answer["targets"]] == ["shop"]


def test_a_bogus_body_on_a_per_target_path_costs_one_hmac(start_worker, tmp_path):
    worker = per_target_worker(start_worker, tmp_path, count=60)
    bogus = b"{" + b" " * (1024 * 1024) + b"}"
    assert_answer(post(worker, bogus, "nobody's secret", f"{HOOK}/spare-40", "bogus-one"), 401,
                  "invalid_signature")
    assert "secrets_tried=1" in request_line(worker, "bogus-one").split()
    assert_answer(post(worker, bogus, "nobody's secret", HOOK, "bogus-all"), 401,
                  "invalid_signature")
    assert "secrets_tried=62" in request_line(worker, "bogus-all").split()


def test_a_post_to_the_path_of_no_target_is_404(start_worker, tmp_path):
    worker = per_target_worker(start_worker, tmp_path)
    for name in ("nope", "metrics", "shop/extra"):
        reply = post(worker, fixture(PUSH), SHOP_SECRET, f"{HOOK}/{name}")
        assert_answer(reply, 404, "unknown_target")
    assert worker.queued("shop") == []


def test_get_below_the_hook_path_stays_the_read_side(start_worker, tmp_path):
    worker = per_target_worker(start_worker, tmp_path)
    # Without read_token_file the read side answers 404 in plain text, for targets' paths too.
    for path in (f"{HOOK}/metrics", f"{HOOK}/shop"):
        reply = worker.deliver(b"", method="GET", signature=False,
                               params={"REQUEST_URI": path, "SCRIPT_NAME": path})
        assert reply.status == 404 and reply.json is None, path
    assert_answer(worker.deliver(b"", method="GET"), 405, "method_not_allowed")


def test_check_config_prints_each_targets_url(start_worker, tmp_path):
    worker = per_target_worker(start_worker, tmp_path)
    done = run_cli("check-config", "--config", str(worker.config))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert f"url: POST {HOOK}/shop " in out
    assert f"url: POST {HOOK}/blog " in out
    assert "body_timeout: 10s" in out
