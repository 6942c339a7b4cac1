"""`deployhook check-config` shows the notifiers and commit status it understood, never a URL
or a token."""

TOKEN = "T0KEN-check-config"


def test_shows_notifiers_and_commit_status_without_secrets(workers, receiver, tmp_path):
    url_file = tmp_path / "slack.url"
    url_file.write_text(f"https://hooks.example/{TOKEN}\n")
    token_file = tmp_path / "status.token"
    token_file.write_text(TOKEN + "\n")
    worker = workers(start=False, status_token_file=str(token_file), notify=[
        {"kind": "slack", "url_file": str(url_file), "on": ["failed"]},
        {"kind": "ntfy", "url": receiver.url(f"/{TOKEN}"), "targets": ["app"]},
    ])
    done = worker.command("check-config")
    assert done.returncode == 0, done
    lines = done.stdout.splitlines()
    assert "  commit status: https://api.github.com as deployhook/app" in lines
    assert f"notify[0] slack: url from {url_file}; on failed; targets (all)" in lines
    assert ("notify[1] ntfy: url inline; on stale failed timed_out rolled_back rollback_failed; "
            "targets app") in lines
    assert TOKEN not in done.stdout + done.stderr
