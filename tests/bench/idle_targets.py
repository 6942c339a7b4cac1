#!/usr/bin/python3
"""What idle targets cost a worker: start `deployhook serve` with N targets and no jobs, then
print its thread count and the CPU it used over a window (from /proc).

    DEPLOYHOOK_BIN=build/src/deployhook /usr/bin/python3 tests/bench/idle_targets.py [N] [SECONDS]
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from worker import Worker, target  # noqa: E402


def cpu_seconds(pid):
    """Return the user and system CPU time of the process so far, in seconds."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def threads(pid):
    """Return the process's thread count."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise KeyError("Threads")


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    targets = [target(f"t{i:04d}", f"octo/repo-{i}", "main", compose=["true"], health_timeout=0)
               for i in range(count)]
    with tempfile.TemporaryDirectory() as root, Worker(root, targets) as worker:
        pid = worker.process.pid
        time.sleep(2.0)  # let the start (a first look at every queue) settle
        before, began = cpu_seconds(pid), time.monotonic()
        time.sleep(window)
        used, elapsed = cpu_seconds(pid) - before, time.monotonic() - began
        print(f"targets={count} threads={threads(pid)} cpu={used:.2f}s over {elapsed:.1f}s "
              f"= {100 * used / elapsed:.2f}% of a core")


if __name__ == "__main__":
    main()
