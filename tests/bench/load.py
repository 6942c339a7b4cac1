"""Load on 127.0.0.1 and what it costs: wrk driven by deliveries.lua, and a process's CPU time
and memory read from /proc.

    meter = ProcessMeter(worker_pid).start()
    result = run_wrk(url, ["body=push.json", "secret=secret"], connections=16, duration=5)
    usage = meter.stop()
    print(result.rps, usage.cpu_seconds / result.requests)

Every wrk run is bounded by its --duration (and deliveries.lua's stop_after) and by a timeout
on the process; the sampler thread stops with its meter.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
LUA_SCRIPT = HERE / "deliveries.lua"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RESULT_MARK = "WRK-RESULT "


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    statuses: dict                 # HTTP status (int) -> responses
    latency_us: dict               # p50, p90, p99, max, mean
    errors: dict                   # connect, read, write, timeout
    output: str = field(repr=False, default="")

    @property
    def rps(self):
        """Completed requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0


def wrk_command(url, script_args, connections, duration, threads=2, timeout_s=10):
    """Return wrk's argv for deliveries.lua with script_args (key=value strings)."""
    wrk = shutil.which("wrk") or "/usr/bin/wrk"
    return [wrk, "-t", str(min(threads, connections)), "-c", str(connections),
            "-d", f"{duration}s", "--timeout", f"{timeout_s}s", "--latency",
            "-s", str(LUA_SCRIPT), url, "--", *script_args]


def parse_wrk_output(text):
    """Return the WrkResult in wrk's output; raise RuntimeError when there is none."""
    for line in text.splitlines():
        if line.startswith(RESULT_MARK):
            data = json.loads(line[len(RESULT_MARK):])
            return WrkResult(data["requests"], data["duration_us"] / 1e6,
                             {int(k): v for k, v in data["statuses"].items()},
                             data["latency_us"], data["errors"], text)
    raise RuntimeError(f"wrk printed no result:\n{text[-2000:]}")


class Wrk:
    """One wrk process running deliveries.lua against url, in the background.

    With stop_after, each of its threads stops after that many responses and marks it in a
    file; wait_stopped() then interrupts wrk (SIGINT: it reports at once instead of waiting
    out its duration)."""

    def __init__(self, url, script_args, connections, duration, threads=2, stop_after=0):
        self.duration = duration
        self.threads = min(threads, connections)
        self.scratch = Path(tempfile.mkdtemp(prefix="dh-wrk-"))
        args = list(script_args)
        if stop_after:
            args += [f"stop_after={stop_after}", f"done_file={self.scratch / 'done'}"]
        self.argv = wrk_command(url, args, connections, duration, threads)
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        return self

    def running(self):
        return self.process.poll() is None

    def stopped_threads(self):
        """Return how many threads reached stop_after."""
        return len(list(self.scratch.glob("done.*")))

    def wait_stopped(self, timeout):
        """Wait until every thread reached stop_after (at most timeout seconds), then interrupt
        wrk so it reports."""
        deadline = time.monotonic() + timeout
        while self.stopped_threads() < self.threads and self.running():
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        if self.running():
            self.process.send_signal(signal.SIGINT)

    def finish(self):
        """Wait for wrk (killed by pid past its duration plus a margin); return its WrkResult."""
        try:
            output, _ = self.process.communicate(timeout=self.duration + 30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate(timeout=10)
        except BaseException:  # interrupted: leave no load generator behind
            self.process.kill()
            self.process.wait(10)
            raise
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        return parse_wrk_output(output)


def run_wrk(url, script_args, connections, duration, threads=2):
    """Run wrk with deliveries.lua for duration seconds; return its WrkResult."""
    return Wrk(url, script_args, connections, duration, threads).start().finish()


def proc_status_kb(pid, name):
    """Return a /proc/PID/status field in kB (VmRSS, VmHWM, ...)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise KeyError(name)


def cpu_times(pid):
    """Return (user, system, children's user, children's system) CPU seconds of pid; the
    children's are those of its reaped children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    # After the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    return tuple(int(value) / CLOCK_TICKS for value in fields[11:15])


def cpu_seconds(pid, children=False):
    """Return the user + system CPU seconds pid has used (with children: those of its
    reaped children instead)."""
    user, system, child_user, child_system = cpu_times(pid)
    return child_user + child_system if children else user + system


@dataclass
class Usage:
    user_seconds: float       # the process itself, in user space
    system_seconds: float     # the process itself, in the kernel on its behalf
    child_cpu_seconds: float  # user + system of its reaped children (deployment steps, hooks)
    peak_rss_kb: int          # VmHWM at the end: the peak since the process started
    max_sampled_rss_kb: int   # largest VmRSS sampled while metering
    samples_kb: list          # VmRSS samples, in order

    @property
    def cpu_seconds(self):
        """User + system CPU seconds of the process itself."""
        return self.user_seconds + self.system_seconds


class ProcessMeter:
    """Measures one process between start() and stop(): CPU time, and VmRSS sampled every
    interval seconds by a thread."""

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval = pid, interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        self.times0 = cpu_times(self.pid)
        self.child0 = cpu_seconds(self.pid, children=True)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            try:
                self.samples.append(proc_status_kb(self.pid, "VmRSS"))
            except (OSError, KeyError):
                return
            self._stop.wait(self.interval)

    def rss_kb(self):
        """Return the process's VmRSS now."""
        return proc_status_kb(self.pid, "VmRSS")

    def stop(self):
        """Stop sampling; return the Usage since start()."""
        self._stop.set()
        self._thread.join(5)
        self.samples.append(self.rss_kb())
        user, system, _, _ = cpu_times(self.pid)
        return Usage(user - self.times0[0], system - self.times0[1],
                     cpu_seconds(self.pid, children=True) - self.child0,
                     proc_status_kb(self.pid, "VmHWM"), max(self.samples), list(self.samples))


def child_pids(pid):
    """Return the ids of pid's direct children (nginx's master: its worker processes)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def wait_for_quiet(read_count, quiet_s=1.0, timeout=60.0):
    """Poll read_count() until it stops changing for quiet_s (bounded by timeout); return it."""
    deadline = time.monotonic() + timeout
    last, since = read_count(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = read_count()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return now
    return last
