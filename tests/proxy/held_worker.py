"""A worker whose target is locked, so it queues deliveries but runs none and its queue shows
exactly what arrived; and the few ways the tests reach and read it.

Needs tests/lib on sys.path (worker.py).
"""

import contextlib
import fcntl
import hashlib
import json
import re
from pathlib import Path

from front_doors import is_root
from worker import DEFAULT_SECRET, Worker, config_text, fastcgi_request, fixture, sign, target

TARGET = "app"
REPOSITORY = "Codertocat/Hello-World"  # the repository and branch of the push fixtures
BRANCH = "master"
PUSH = "github/push/octokit-new-branch.json"
OTHER_PUSH = "github/push/octokit-no-username-committer.json"  # same branch, other bytes
PING = "github/ping/octokit-ping-repo.json"


def sha256(data):
    """Return the hex SHA-256 of data, as jobs record their body."""
    return hashlib.sha256(data).hexdigest()


def log_fields(log_text, event="request"):
    """Return the key=value fields of each worker log line for event, in order."""
    records = []
    for line in log_text.splitlines():
        match = re.match(r"<\d>(\S+)(.*)", line)
        if match and match.group(1) == event:
            pairs = re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', match.group(2))
            records.append({key: value.strip('"') for key, value in pairs})
    return records


@contextlib.contextmanager
def holding_target_lock(state_dir, name=TARGET):
    """Hold state_dir/locks/<name>.lock as another worker process running that target would:
    the worker queues deliveries but runs none, so the queue shows exactly what arrived."""
    locks = Path(state_dir) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield


def write_inherited_socket_config(directory):
    """Write a secret and a deployhook.toml without `listen` (so the worker serves the socket
    it inherits on fd 0) into directory; return the config's path."""
    secret_file, config = directory / "secret", directory / "deployhook.toml"
    secret_file.write_text(DEFAULT_SECRET + "\n")
    config.write_text(config_text({"state_dir": str(directory / "state"),
                                   "secret_file": str(secret_file)},
                                  [target(TARGET, REPOSITORY, BRANCH)]))
    return config


def push_over_fastcgi(socket_path, delivery):
    """POST the PUSH fixture, signed with DEFAULT_SECRET, to a worker's socket as nginx would;
    return the Reply."""
    body = fixture(PUSH)
    return fastcgi_request(socket_path, {
        "REQUEST_METHOD": "POST", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_X_GITHUB_EVENT": "push",
        "HTTP_X_GITHUB_DELIVERY": delivery, "HTTP_X_HUB_SIGNATURE_256": sign(body)}, body)


def queued_job(state_dir):
    """Return the one job queued for the target in state_dir (fails when there is not one)."""
    [path] = (Path(state_dir) / "queue" / TARGET).glob("*.json")
    return json.loads(path.read_text())


@contextlib.contextmanager
def held_worker(directory, socket_group=None, settings=None):
    """Yield a started Worker for the push fixtures' repository whose target is locked
    (settings: more top-level config keys)."""
    settings = dict(settings or {})
    if socket_group and is_root():
        settings["socket_group"] = socket_group
    worker = Worker(directory, [target(TARGET, REPOSITORY, BRANCH)], settings=settings)
    with holding_target_lock(worker.state_dir), worker:
        yield worker
