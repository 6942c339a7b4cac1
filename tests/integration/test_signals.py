"""Signals an operator (or a closing terminal) sends a running worker: HUP reloads the config,
USR1 changes nothing, and the worker keeps serving through both."""

import signal

from integration_support import (PUSH, PUSH_REPOSITORY, assert_answer, config_text, fixture,
                                 log_lines, noop_target, wait_for_run, wait_until)

RELOAD_TIMEOUT = 10.0


def rewrite_config(worker, targets, **settings):
    """Write the worker's config again with these targets (and its own listen, state_dir and
    secret_file, plus settings)."""
    base = {"listen": f"unix:{worker.socket}", "state_dir": str(worker.state_dir),
            "secret_file": str(worker.secret_file)}
    base.update(settings)
    worker.config.write_text(config_text(base, targets))


def reload(worker, expected_lines):
    """Send SIGHUP and wait until the worker has logged its reload line number expected_lines;
    return that line."""
    worker.process.send_signal(signal.SIGHUP)
    lines = wait_until(lambda: len(log_lines(worker, "reload")) >= expected_lines and
                       log_lines(worker, "reload"), RELOAD_TIMEOUT, "the reload log line")
    return lines[expected_lines - 1]


def test_hup_swaps_in_a_good_config_for_the_next_delivery(start_worker):
    worker = start_worker([noop_target(repository="someone/else")])
    assert_answer(worker.deliver(fixture(PUSH)), 200, "ignored")

    rewrite_config(worker, [noop_target(repository=PUSH_REPOSITORY)])
    line = reload(worker, 1)
    assert line.startswith("<5>reload ") and "targets=1" in line

    reply = worker.deliver(fixture(PUSH))
    assert_answer(reply, 202, "queued")
    assert wait_for_run(worker, reply.json["delivery"])["result"] == "succeeded"
    assert worker.process.poll() is None


def test_hup_deploys_a_target_it_adds_and_a_changed_target_with_its_new_settings(start_worker):
    worker = start_worker([noop_target("app")])
    # `app` now fails (compose `false`), and `other` is new.
    rewrite_config(worker, [noop_target("app", compose=("false",)), noop_target("other")])
    reload(worker, 1)

    for name in ("other", "app"):
        done = worker.command("deploy", name)
        assert done.returncode == 0, done.stderr
    try:
        wait_until(lambda: len(worker.history()) == 2, 30, "a run of each target")
    except TimeoutError as timeout:  # say what the worker did instead
        raise AssertionError(f"{timeout}; history: {worker.history()}; queued: "
                             f"{worker.queued('app')} {worker.queued('other')}; log:\n"
                             f"{worker.log()[-4000:]}") from timeout
    results = {run["target"]: run["result"] for run in worker.history()}
    assert results == {"other": "succeeded", "app": "failed"}


def test_hup_with_a_bad_config_keeps_the_running_one_and_says_why(start_worker):
    worker = start_worker([noop_target(repository="someone/else")])
    # A typo'd key: the file does not load.
    worker.config.write_text(worker.config.read_text() + 'servcies = ["app"]\n')
    line = reload(worker, 1)
    assert line.startswith("<3>reload ")
    assert "servcies" in line and "kept" in line
    assert len(log_lines(worker, "reload")) == 1

    assert worker.process.poll() is None
    assert_answer(worker.deliver(fixture(PUSH)), 200, "ignored")  # still the old targets

    # A good file later is taken as usual.
    rewrite_config(worker, [noop_target(repository=PUSH_REPOSITORY)])
    assert reload(worker, 2).startswith("<5>reload ")
    assert_answer(worker.deliver(fixture(PUSH)), 202, "queued")


def test_hup_that_moves_state_dir_is_refused(start_worker, tmp_path):
    worker = start_worker()
    rewrite_config(worker, [noop_target()], state_dir=str(tmp_path / "elsewhere"))
    line = reload(worker, 1)
    assert line.startswith("<3>reload ") and "state_dir" in line
    assert_answer(worker.deliver(fixture(PUSH), event="ping"), 200, "pong")


def test_usr1_leaves_every_accept_thread_serving(start_worker):
    worker = start_worker(settings={"threads": 2})
    worker.process.send_signal(signal.SIGUSR1)
    wait_until(lambda: log_lines(worker, "SIGUSR1") or log_lines(worker, "User defined signal 1"),
               RELOAD_TIMEOUT, "the worker to note SIGUSR1")
    # libfcgi's own handler would let each of the two threads answer one more request, then
    # leave: more requests than threads must all be answered.
    for _ in range(5):
        assert_answer(worker.deliver(fixture(PUSH), event="ping"), 200, "pong")
    assert worker.process.poll() is None
    assert worker.stop() == 0
