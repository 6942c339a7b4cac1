"""What /proc says about processes: which are alive, which belong to a process group.

A zombie (exited, not yet reaped, e.g. by a machine's init that reaps slowly) counts as gone
everywhere here: it holds no port, file or lock and runs no code."""

from pathlib import Path


def _fields(pid):
    """Return the fields of /proc/PID/stat after the command (which may hold spaces): state,
    ppid, pgrp, ...; None when pid is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2:].split()
    except (OSError, ValueError):
        return None


def alive(pid):
    """Return True while pid runs (a zombie counts as gone)."""
    fields = _fields(pid)
    return fields is not None and fields[0] != "Z"


def live_processes_in_group(pgid):
    """Return the pids of live (not zombie) processes whose process group is pgid."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _fields(entry.name)
            if fields is not None and fields[0] != "Z" and int(fields[2]) == pgid:
                found.append(int(entry.name))
    return found
