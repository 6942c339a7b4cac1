"""scripts/send-delivery, the local test harness: signs a payload file and delivers it to a
worker's socket with cgi-fcgi or to an HTTPS URL with curl, and prints the status and body."""

from held_worker import OTHER_PUSH, PING, PUSH, TARGET, held_worker, sha256
from front_doors import Nginx
from worker import FIXTURES, fixture
from worker import send_delivery as send
from worker import sent_answer as answer


def test_signed_push_to_a_socket_is_queued(workdir):
    with held_worker(workdir) as worker:
        done = send("--socket", worker.socket, "--secret-file", worker.secret_file,
                    "--delivery", "harness-1", FIXTURES / PUSH)
        assert done.returncode == 0, done.stderr
        status, body = answer(done)
        assert (status, body["status"], body["delivery"]) == (202, "queued", "harness-1")
        [job] = worker.queued(TARGET)
        assert job["body_sha256"] == sha256(fixture(PUSH))


def test_bad_signature_is_answered_401(workdir):
    with held_worker(workdir) as worker:
        done = send("--socket", worker.socket, "--secret", worker.secret, "--bad-signature",
                    FIXTURES / PUSH)
        assert done.returncode == 0, done.stderr
        assert answer(done) == (401, {"status": "invalid_signature"})
        assert worker.queued(TARGET) == []


def test_form_encoded_push_is_queued(workdir):
    with held_worker(workdir) as worker:
        done = send("--socket", worker.socket, "--secret", worker.secret, "--form",
                    FIXTURES / OTHER_PUSH)
        status, body = answer(done)
        assert (status, body["status"]) == (202, "queued")
        assert len(worker.queued(TARGET)) == 1


def test_secret_may_come_from_the_environment(workdir):
    with held_worker(workdir) as worker:
        done = send("--socket", worker.socket, "--event", "ping",
                    FIXTURES / PING,
                    env={"PATH": "/usr/bin:/bin", "WEBHOOK_SECRET": worker.secret})
        assert answer(done) == (200, {"status": "pong"})


def test_push_through_nginx_with_curl_is_queued(workdir, tls):
    with held_worker(workdir / "worker", "www-data") as worker:
        with Nginx(workdir / "nginx", worker.socket, tls) as nginx:
            done = send("--url", nginx.url, "--cacert", tls.ca, "--secret-file",
                        worker.secret_file, "--delivery", "via-nginx", FIXTURES / PUSH)
        status, body = answer(done)
        assert (status, body["status"], body["delivery"]) == (202, "queued", "via-nginx")
        assert worker.queued(TARGET)[0]["delivery"] == "via-nginx"


def test_no_answer_exits_1(workdir):
    done = send("--socket", workdir / "nobody-listens.sock", "--secret", "s",
                FIXTURES / PUSH)
    assert done.returncode == 1
    assert "no answer" in done.stderr
    assert done.stdout == ""


def test_missing_secret_is_a_usage_error(workdir):
    done = send("--socket", workdir / "w.sock", FIXTURES / PUSH,
                env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "no secret" in done.stderr
