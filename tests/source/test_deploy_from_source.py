"""A target whose compose files come from its repository, run by a real worker against real git
servers (HTTP with a token, SSH with a deploy key) and the fake `docker`: compose runs in the
checkout of the pushed commit, read-only; the commit must be on the branch; .age files are
decrypted into a private tmpfs for the run alone and their values never show; bad input fails
the run before any compose command; `poll` finds a tip no delivery announced."""

import json
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from accounts import launcher_for, system_account  # noqa: E402
from fake_docker_control import FakeDocker  # noqa: E402
from github_push import BRANCH, REPOSITORY, deliver_push, make_push_body  # noqa: E402
from receiver import Receiver  # noqa: E402
from worker import FAST_RUNNER_ENV, Worker, fastcgi_request, toml_value, wait_until  # noqa: E402

TARGET = "app"
HOOK = "/webhook/deploy"
READ_TOKEN = "read-token-0123456789"
CANARY = "canary-7f3a9c2e51d4b8"
COMPOSE = "services:\n  app:\n    image: registry.test/app:latest\n    env_file: app.env\n"
SOURCE_STEPS = ["fetch", "verify", "checkout", "decrypt"]


def files(version, secret=None, identity=None, work=None):
    """Return the files of a commit: deploy/compose.yaml naming `version`, deploy/app.env.age
    holding `secret` (encrypted to identity), and a file outside source_path."""
    out = {"deploy/compose.yaml": COMPOSE + f"# version {version}\n", "README.md": f"v{version}\n"}
    if secret is not None:
        encrypted = identity.encrypt_text(f"TOKEN={secret}\nMODE=prod\n", work / f"app-{version}.env.age")
        out["deploy/app.env.age"] = encrypted.read_bytes()
    return out


class Sourced:
    """A worker whose target `app` deploys from `url`, with the fake docker."""

    def __init__(self, root, url, access, env=None, notify_url=None, launcher=(), **options):
        self.root = Path(root)
        self.fake = FakeDocker(self.root)
        table = {"name": TARGET, "repository": REPOSITORY, "branch": BRANCH, "source": url,
                 "source_path": "deploy", "services": ["app"], "compose": ["docker", "compose"],
                 "pull_timeout": 60, "up_timeout": 60, "health_timeout": 20, **access, **options}
        read_token = self.root / "read.token"
        read_token.write_text(READ_TOKEN + "\n")
        read_token.chmod(0o600)
        self.worker = Worker(self.root / "worker", targets=[table],
                             settings={"read_token_file": str(read_token)},
                             env=self.fake.worker_env(**FAST_RUNNER_ENV, **(env or {})),
                             launcher=launcher)
        if notify_url:
            with open(self.worker.config, "a") as config:
                config.write(f"\n[[notify]]\nkind = \"webhook\"\nurl = {toml_value(notify_url)}\n"
                             f"secret_file = {toml_value(str(self.worker.secret_file))}\n"
                             f"on = {toml_value(['started', 'succeeded', 'failed'])}\n")

    def __enter__(self):
        self.worker.start()
        return self

    def __exit__(self, *exc):
        self.worker.stop(timeout=60)
        self.fake.stop_leftovers()

    def push(self, commit):
        return deliver_push(self.worker, make_push_body(commit))

    def runs(self, count, timeout=60):
        return wait_until(lambda: len(self.worker.history()) >= count and not self.worker.queued(TARGET)
                          and self.worker.history(), timeout, f"{count} recorded runs")

    def checkout(self, commit):
        return self.worker.state_dir / "checkouts" / TARGET / commit

    def compose_calls(self):
        """The compose commands the runs ran (not the version probe, which runs anywhere)."""
        return [call for call in self.fake.calls()
                if "compose" in " ".join(call["argv"][:2]) and call["argv"][-1] != "version"]

    def run_log(self, run):
        return Path(run["log"]).read_text()

    def read(self, path):
        """GET path of the read side, as nginx passes it, with the read token; the body."""
        params = {"REQUEST_METHOD": "GET", "REQUEST_URI": path, "DOCUMENT_URI": path, "SCRIPT_NAME": path,
                  "HTTP_ACCEPT": "*/*", "HTTP_AUTHORIZATION": f"Bearer {READ_TOKEN}"}
        reply = fastcgi_request(self.worker.socket, params)
        assert reply.status == 200, (path, reply.status)
        return reply.body.decode(errors="replace")


@pytest.fixture
def token_access(tmp_path, git_http):
    path = tmp_path / "token"
    path.write_text(git_http.token + "\n")
    path.chmod(0o600)
    return {"source_token_file": str(path)}


@pytest.fixture
def identity_access(tmp_path, age_identity, token_access):
    return {**token_access, "age_identity_file": str(age_identity.identity_file)}


def test_compose_runs_in_the_read_only_checkout_of_the_pushed_commit(tmp_path, git_http, source_repo,
                                                                     token_access):
    first = source_repo.commit(files(1))
    second = source_repo.commit(files(2))
    with Sourced(tmp_path, git_http.url(source_repo.name), token_access) as sourced:
        sourced.push(first)
        run = sourced.runs(1)[-1]
        assert run["result"] == "succeeded", sourced.run_log(run)
        assert run["commit"] == first
        assert [step["name"] for step in run["steps"]][:3] == ["fetch", "verify", "checkout"]
        assert run["config"].startswith("sha256:")
        tree = sourced.checkout(first)
        assert (tree / "compose.yaml").read_text() == source_repo.show(first, "deploy/compose.yaml")
        assert not (tree / "README.md").exists()  # only source_path is checked out
        assert not os.stat(tree / "compose.yaml").st_mode & 0o222
        assert not os.stat(tree).st_mode & 0o222
        calls = sourced.compose_calls()
        assert calls and all(call["cwd"] == str(tree) for call in calls)
        assert all(call["env"].get("COMPOSE_PROJECT_NAME") == TARGET for call in calls)

        sourced.push(second)
        run = sourced.runs(2)[-1]
        assert run["result"] == "succeeded" and run["commit"] == second
        assert sourced.compose_calls()[-1]["cwd"] == str(sourced.checkout(second))
        # The history names both commits: both checkouts are kept for a rollback.
        assert sourced.checkout(first).is_dir() and sourced.checkout(second).is_dir()


def test_a_commit_not_on_the_branch_fails_before_any_compose_command(tmp_path, git_http, source_repo,
                                                                     token_access):
    source_repo.commit(files(1))
    lost = source_repo.orphan_commit(files(2))
    with Sourced(tmp_path, git_http.url(source_repo.name), token_access) as sourced:
        sourced.push(lost)
        run = sourced.runs(1)[-1]
        assert run["result"] == "failed"
        assert f"commit {lost[:12]} is not on branch {BRANCH}" in sourced.run_log(run)
        assert sourced.compose_calls() == []
        assert [step["name"] for step in run["steps"]] == ["fetch", "verify"]


@pytest.mark.parametrize("case", ["wrong token", "unreachable", "no source_path", "not decryptable"])
def test_bad_input_fails_the_run_naming_what_failed(tmp_path, git_http, source_repo, age_identity,
                                                    identity_access, case):
    commit = source_repo.commit(files(1, CANARY, age_identity, tmp_path))
    access, options, url = dict(identity_access), {}, git_http.url(source_repo.name)
    expected = f"cannot fetch branch {BRANCH} from"
    if case == "wrong token":
        wrong = tmp_path / "wrong-token"
        wrong.write_text("not-the-token\n")
        wrong.chmod(0o600)
        access["source_token_file"] = str(wrong)
    elif case == "unreachable":
        url = git_http.url("no-such-repository")
    elif case == "no source_path":
        options["source_path"] = "nowhere"
        expected = 'source_path "nowhere" is no folder at commit'
    else:
        other = age_identity.__class__(tmp_path / "other-age")
        access["age_identity_file"] = str(other.identity_file)
        expected = "cannot decrypt app.env.age with"
    with Sourced(tmp_path, url, access, **options) as sourced:
        sourced.push(commit)
        run = sourced.runs(1)[-1]
        log = sourced.run_log(run)
        assert run["result"] == "failed"
        assert expected in log
        assert "nothing was changed" in log
        assert sourced.compose_calls() == []
        for text in (log, json.dumps(run), sourced.worker.log()):
            assert git_http.token not in text and CANARY not in text


def test_age_files_are_decrypted_privately_for_the_run_and_never_shown(tmp_path, git_http, source_repo,
                                                                       age_identity, identity_access):
    commit = source_repo.commit(files(1, CANARY, age_identity, tmp_path))
    runtime = Path("/dev/shm") / f"deployhook-test-{os.getpid()}"
    runtime.mkdir(mode=0o700)
    receiver = Receiver().start()
    try:
        with Sourced(tmp_path, git_http.url(source_repo.name), identity_access,
                     env={"RUNTIME_DIRECTORY": str(runtime)}, notify_url=receiver.url("/hook")) as sourced:
            # compose prints what it resolved, the secret too; `up` waits so the test can look.
            sourced.fake.set(config={"output": f"services:\n  app:\n    environment:\n      TOKEN: {CANARY}\n"},
                             up={"sleep": 3})
            sourced.push(commit)
            link = sourced.checkout(commit) / "app.env"
            wait_until(lambda: sourced.fake.calls("up"), 30, "the run's up step")
            assert link.exists()  # the decrypted file, during the run
            plain = link.resolve()
            assert plain.read_text() == f"TOKEN={CANARY}\nMODE=prod\n"
            assert str(plain).startswith(str(runtime / "secrets"))
            assert stat.S_IMODE(os.stat(plain).st_mode) == 0o600
            assert stat.S_IMODE(os.stat(plain.parent).st_mode) == 0o700
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        assert CANARY.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
                    except (FileNotFoundError, ProcessLookupError, PermissionError):
                        pass
            run = sourced.runs(1)[-1]
            assert run["result"] == "succeeded", sourced.run_log(run)
            assert [step["name"] for step in run["steps"]][:4] == SOURCE_STEPS
            assert not link.exists() and not plain.parent.exists()  # gone with the run
            log = sourced.run_log(run)
            assert "TOKEN: [redacted]" in log
            assert CANARY not in log
            assert CANARY not in (sourced.worker.state_dir / "deployments.jsonl").read_text()
            assert CANARY not in sourced.worker.log()
            shown = [sourced.read(f"{HOOK}/status"), sourced.read(f"{HOOK}/"),
                     sourced.read(f"{HOOK}/runs/{run['id']}/log")]
            assert "[redacted]" in shown[2]
            notes = receiver.wait_for(2)  # started, succeeded (with the log's tail)
            shown += [note["body"].decode(errors="replace") for note in notes]
            for text in shown:
                assert CANARY not in text
    finally:
        receiver.stop()
        if runtime.exists():
            for path in sorted(runtime.rglob("*"), reverse=True):
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
            runtime.rmdir()


def test_poll_deploys_a_tip_no_delivery_announced(tmp_path, git_http, source_repo, token_access):
    first = source_repo.commit(files(1))
    with Sourced(tmp_path, git_http.url(source_repo.name), token_access, poll=1) as sourced:
        run = sourced.runs(1)[-1]  # the tip, found at the first look
        assert run["deliveries"] == ["poll"] and run["commit"] == first
        second = source_repo.commit(files(2))  # a push whose webhook was lost
        run = sourced.runs(2, timeout=30)[-1]
        assert run["deliveries"] == ["poll"] and run["commit"] == second
        assert run["result"] == "succeeded"


def test_a_deploy_key_over_ssh(tmp_path, git_ssh, source_repo):
    commit = source_repo.commit(files(1))
    key, known_hosts = git_ssh.client_files(tmp_path / "ssh")
    access = {"source_key_file": str(key), "source_known_hosts": str(known_hosts)}
    with Sourced(tmp_path, git_ssh.url(source_repo.name), access) as sourced:
        sourced.push(commit)
        run = sourced.runs(1)[-1]
        assert run["result"] == "succeeded", sourced.run_log(run)
        assert (sourced.checkout(commit) / "compose.yaml").read_text() == \
            source_repo.show(commit, "deploy/compose.yaml")


def test_a_manual_deploy_takes_the_branch_tip(tmp_path, git_http, source_repo, token_access):
    source_repo.commit(files(1))
    tip = source_repo.commit(files(2))
    with Sourced(tmp_path, git_http.url(source_repo.name), token_access) as sourced:
        sourced.worker.command("deploy", TARGET)
        run = sourced.runs(1)[-1]
        assert run["result"] == "succeeded", sourced.run_log(run)
        assert run["commit"] == tip


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to stage another user")
def test_a_worker_of_its_own_user_fetches_decrypts_and_deploys(git_ssh, source_repo, age_identity, tmp_path):
    """As the systemd unit runs it: its own user, HOME its passwd entry's (no such folder), no
    RUNTIME_DIRECTORY (secrets under /dev/shm/deployhook-<uid>), key and identity files its own."""
    account = system_account("deployhook-it")
    commit = source_repo.commit(files(1, CANARY, age_identity, tmp_path))
    root = Path(tempfile.mkdtemp(prefix="deployhook-source-user-"))
    root.chmod(0o755)
    secrets = Path("/dev/shm") / f"deployhook-{account.pw_uid}"
    try:
        key, known_hosts = git_ssh.client_files(root / "ssh")
        identity = root / "age-identity.txt"
        shutil.copyfile(age_identity.identity_file, identity)
        identity.chmod(0o600)
        access = {"source_key_file": str(key), "source_known_hosts": str(known_hosts),
                  "age_identity_file": str(identity)}
        sourced = Sourced(root, git_ssh.url(source_repo.name), access, launcher=launcher_for(account),
                          env={"HOME": account.pw_dir})
        sourced.worker.state_dir.mkdir()
        for path in [root, *root.rglob("*")]:
            os.lchown(path, account.pw_uid, account.pw_gid)
        with sourced:
            sourced.fake.set(up={"sleep": 2})
            sourced.push(commit)
            wait_until(lambda: sourced.fake.calls("up"), 30, "the run's up step")
            plain = (sourced.checkout(commit) / "app.env").resolve()
            assert plain.read_text() == f"TOKEN={CANARY}\nMODE=prod\n"
            assert plain.is_relative_to(secrets)
            assert os.stat(plain).st_uid == account.pw_uid
            assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o700
            run = sourced.runs(1)[-1]
            assert run["result"] == "succeeded", sourced.run_log(run)
            assert [step["name"] for step in run["steps"]][:4] == SOURCE_STEPS
            assert not plain.exists()
            assert CANARY not in sourced.run_log(run) and CANARY not in sourced.worker.log()
            foreign = [path for path in sourced.worker.state_dir.rglob("*")
                       if path.lstat().st_uid != account.pw_uid]
            assert foreign == []
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(secrets, ignore_errors=True)
