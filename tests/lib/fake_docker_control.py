"""Install the fake `docker` (tests/lib/fake_docker) for a worker, steer it, read what it saw.

    fake = FakeDocker(tmp_path)
    fake.set(pull={"sleep": 1}, up={"exit": 1})
    env = fake.worker_env()            # PATH with the fake first, plus its DOCKER_FAKE_* files
    ...
    [call["argv"] for call in fake.calls("pull")]
"""

import json
import os
import signal
from pathlib import Path

from process_table import alive

PROGRAM = Path(__file__).resolve().parent / "fake_docker"
NAMES = ("docker", "docker-compose")
SYSTEM_PATH = "/usr/bin:/bin"


class FakeDocker:
    """One installation of the fake: a bin directory, a control file and a record file."""

    def __init__(self, root):
        root = Path(root)
        self.bin = root / "fake-bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            link = self.bin / name
            if not link.exists():
                link.symlink_to(PROGRAM)
        self.control = root / "fake-docker-control.json"
        self.record = root / "fake-docker-record.jsonl"
        self.set()

    def worker_env(self, **extra):
        """Return a small environment for a worker whose steps find this fake as docker."""
        env = {"PATH": f"{self.bin}:{SYSTEM_PATH}", "HOME": str(Path.home()),
               "DOCKER_FAKE_RECORD": str(self.record), "DOCKER_FAKE_CONTROL": str(self.control)}
        env.update(extra)
        return env

    def set(self, **behaviours):
        """Replace the behaviour of every operation (see fake_docker's docstring) atomically."""
        temporary = self.control.with_suffix(".tmp")
        temporary.write_text(json.dumps(behaviours))
        os.replace(temporary, self.control)

    def calls(self, *operations):
        """Return the invocations so far, oldest first, merged from their start and end lines,
        only those of the given operations when any are given. A call still running or killed
        has end None."""
        if not self.record.exists():
            return []
        calls, running = [], {}
        text = self.record.read_text()
        for line in text[:text.rfind("\n") + 1].splitlines():  # a line being written waits
            entry = json.loads(line)
            if entry["event"] == "start":
                call = dict(entry, start=entry["time"], end=None, exit=None)
                running[entry["pid"]] = call
                calls.append(call)
            elif entry["pid"] in running:
                call = running.pop(entry["pid"])
                call.update(end=entry["time"], exit=entry["exit"])
        return [c for c in calls if not operations or c["operation"] in operations]

    def stop_leftovers(self):
        """SIGKILL the process group of every recorded call that is still alive (a worker
        killed mid-step leaves its step running)."""
        for call in self.calls():
            for pid in [call["pid"], *call["children"]]:
                if self.is_running(pid):
                    try:
                        os.killpg(call["pgid"], signal.SIGKILL)
                    except ProcessLookupError:
                        pass

    def is_running(self, pid):
        """Return True when pid is a live (not zombie) process of this installation's fake."""
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return False
        return alive(pid) and str(self.bin).encode() in command


def container_json(health, image="sha256:" + "0" * 63 + "1",
                   reference="registry.test/app:latest"):
    """Return what the fake's `docker inspect` prints of the app's container (as fake_docker's
    default does), with the given health, image id and reference."""
    return json.dumps([{
        "Id": "f4ce0c0ffee0", "Image": image,
        "Config": {"Image": reference, "Labels": {"com.docker.compose.service": "app"}},
        "State": {"Status": "running", "Health": {"Status": health},
                  "StartedAt": "2024-05-01T12:00:00.000000000Z", "ExitCode": 0},
        "RestartCount": 0, "HostConfig": {"RestartPolicy": {"Name": "always"}}}]) + "\n"


def overlapping(calls):
    """Return the pairs of calls whose [start, end] intervals overlap (unfinished ones reach
    to infinity)."""
    ordered = sorted(calls, key=lambda c: c["start"])
    pairs = []
    for i, first in enumerate(ordered):
        first_end = first["end"] if first["end"] is not None else float("inf")
        for second in ordered[i + 1:]:
            if second["start"] < first_end:
                pairs.append((first, second))
    return pairs
