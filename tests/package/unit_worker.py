"""The packaged worker started in a root without systemd running, the way its installed units
have systemd start it: deployhook.socket's listening socket (path, owner, group, mode) handed over
on fd 0, deployhook.service's ExecStart as its User and Group (with their supplementary groups),
its StateDirectory, Environment and UMask, no new privileges and no capabilities. Every value
is read from the unit files the package installed, not repeated here."""

import os
import shlex
import signal
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

from systemd_units import unit_settings  # noqa: E402
from worker import wait_until  # noqa: E402

UNIT_DIRS = ("/usr/lib/systemd/system", "/lib/systemd/system")
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 40.0


def installed_unit(root, name):
    """Return the host path of the unit file `name` the package installed in root."""
    for directory in UNIT_DIRS:
        path = root.path(f"{directory}/{name}")
        if path.is_file():
            return path
    raise FileNotFoundError(f"{name} in none of {UNIT_DIRS}")


def account_ids(root, user, group):
    """Return (uid, gid) of user and group in root's own passwd and group files."""
    uid = next(int(line.split(":")[2]) for line in root.path("/etc/passwd").read_text().splitlines()
               if line.split(":")[0] == user)
    gid = next(int(line.split(":")[2]) for line in root.path("/etc/group").read_text().splitlines()
               if line.split(":")[0] == group)
    return uid, gid


class UnitWorker:
    """`deployhook serve` in root as its units describe it; stopped by pid."""

    def __init__(self, root, log_path):
        self.root, self.log_path = root, Path(log_path)
        self.socket_unit = unit_settings(installed_unit(root, "deployhook.socket"))
        self.service = unit_settings(installed_unit(root, "deployhook.service"))
        self.socket_path = root.path(self.socket_unit["ListenStream"])
        self.process = None

    def listening_socket(self):
        """Make the socket as systemd does for the socket unit; return it, listening."""
        directory = self.socket_path.parent
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(int(self.socket_unit.get("DirectoryMode", "0755"), 8))
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.socket_path))
        os.chown(self.socket_path, *account_ids(self.root, self.socket_unit["SocketUser"],
                                                self.socket_unit["SocketGroup"]))
        os.chmod(self.socket_path, int(self.socket_unit["SocketMode"], 8))
        sock.listen(16)
        return sock

    def prepare_state_directory(self):
        """Give StateDirectory to the service's user, as systemd does before it starts it."""
        state = self.root.path(f"/var/lib/{self.service['StateDirectory']}")
        state.mkdir(parents=True, exist_ok=True)
        os.chown(state, *account_ids(self.root, self.service["User"], self.service["Group"]))
        state.chmod(int(self.service.get("StateDirectoryMode", "0755"), 8))

    def command(self):
        """Return the argv, run in the root, that becomes ExecStart as the service's user."""
        user, group = self.service["User"], self.service["Group"]
        environment = [f"PATH={SYSTEMD_PATH}", f"USER={user}", f"LOGNAME={user}",
                       *shlex.split(self.service.get("Environment", ""))]
        assert self.service.get("NoNewPrivileges") == "yes"
        assert self.service.get("CapabilityBoundingSet", "x") == ""
        return ["/bin/sh", "-c", f'umask {self.service.get("UMask", "0022")} && exec "$@"', "unit",
                "setpriv", f"--reuid={user}", f"--regid={group}", "--init-groups",
                "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
                "env", "-i", *environment, *shlex.split(self.service["ExecStart"])]

    def start(self):
        """Start the worker on the socket unit's socket; return self once it serves it."""
        assert self.service["StandardInput"] == "socket"
        assert self.socket_unit["Accept"] == "no"
        self.prepare_state_directory()
        sock = self.listening_socket()
        with open(self.log_path, "wb") as log:
            self.process = self.root.popen(self.command(), stdin=sock.fileno(), stdout=log,
                                           stderr=log)
        sock.close()  # the worker holds it now, as it would hold systemd's
        wait_until(lambda: "listen=fd:0" in self.log() or self.process.poll() is not None,
                   timeout=START_TIMEOUT, what="the worker to serve fd 0")
        assert self.process.poll() is None, self.log()
        return self

    def log(self):
        """Return what the worker wrote to stderr and stdout so far."""
        return self.log_path.read_text(errors="replace")

    def credentials(self):
        """Return the worker process's {"Uid": [...], "Gid": [...], "Groups": [...]} and the
        host path of its executable."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("Uid", "Gid", "Groups", "NoNewPrivs", "CapBnd", "CapEff"):
                fields[name] = value.split()
        return fields, os.readlink(f"/proc/{self.process.pid}/exe")

    def stop(self):
        """Send SIGTERM as systemd's stop does; return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(STOP_TIMEOUT)
