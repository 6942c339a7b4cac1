"""Memory a worker takes to read a large history is given back: one scrape of a 64 MiB
deployments.jsonl leaves the worker's resident memory where it was before, within a bound."""

import json
import signal
import uuid
from pathlib import Path

from integration_support import STOP_TIMEOUT, noop_target, wait_for_run
from worker import Worker, fastcgi_request, wait_until

TOKEN = "read-token-0123456789"
HISTORY_BYTES = 64 << 20
SLACK_KB = 24 << 10  # what a scrape may keep (the index's recent runs, allocator slack)


def resident_kb(pid):
    """Return the process's VmRSS in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise KeyError("VmRSS")


def scrape(worker):
    """GET the worker's metrics with the read token; return the Reply."""
    path = "/webhook/deploy/metrics"
    return fastcgi_request(worker.socket, {
        "REQUEST_METHOD": "GET", "REQUEST_URI": path, "DOCUMENT_URI": path, "SCRIPT_NAME": path,
        "HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}, timeout=60)


def write_large_history(worker, run):
    """Replace the worker's history by copies of `run` (each with its own id and many
    deliveries) adding up to HISTORY_BYTES; return how many runs it holds."""
    count, written = 0, 0
    with open(worker.state_dir / "deployments.jsonl", "w") as history:
        while written < HISTORY_BYTES:
            copy = dict(run, id=f"{run['id']}-{count}",
                        deliveries=[str(uuid.uuid4()) for _ in range(60)])
            line = json.dumps(copy, separators=(",", ":")) + "\n"
            history.write(line)
            written += len(line)
            count += 1
    return count


def test_memory_read_for_a_large_history_is_given_back(tmp_path):
    token_file = tmp_path / "read.token"
    token_file.write_text(TOKEN + "\n")
    worker = Worker(tmp_path / "worker", [noop_target()],
                    settings={"read_token_file": str(token_file), "keep_runs": 1000000})
    try:
        worker.start()
        assert worker.command("deploy", "app").returncode == 0
        run = wait_for_run(worker, "manual")
        worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
        runs = write_large_history(worker, run)

        worker.start(timeout=60)
        pid = worker.process.pid
        before = resident_kb(pid)
        reply = scrape(worker)
        assert reply.status == 200
        assert f'deployhook_deployments_total{{target="app",result="succeeded"}} {runs}' in \
            reply.body.decode(), reply.body[:2000]
        wait_until(lambda: resident_kb(pid) <= before + SLACK_KB, 10,
                   f"the worker's memory to come back near {before} kB "
                   f"(now {resident_kb(pid)} kB)")
    finally:
        worker.stop(signal.SIGTERM, timeout=STOP_TIMEOUT)
