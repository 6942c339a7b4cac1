"""Real git servers on 127.0.0.1 serving the bare repositories under one project root (see
source_repo.py), as forges and self-hosted servers serve them to deployhook:

    with GitHttpServer(directory / "http", root, token="t0ken") as http:
        http.url("app")                  # http://127.0.0.1:PORT/app.git
        http.env(home)                   # git's environment with the token as Basic auth
    with GitSshServer(directory / "ssh", root) as ssh:
        ssh.url("app")                   # ssh://deployhook-git@127.0.0.1:PORT/ROOT/app.git
        ssh.env(home)                    # git's environment with the deploy key, known_hosts

GitHttpServer is nginx checking HTTP Basic (user x-access-token, the token as password) in
front of `git http-backend` through fcgiwrap, smart HTTP only (clone, fetch, ls-remote; no push),
protocol v2. GitSshServer is sshd with a host key of its own that lets one system account (its
shell git-shell) in with one ed25519 deploy key and nothing else.

Every server runs in its own directory and process group, is waited on until it accepts
connections (with a deadline) and is stopped by pid. The directories must be traversable by
the servers' users when run as root (www-data, the SSH account): keep them under a 0755
directory, as the root of the repositories. GitSshServer needs root (it creates an account).

Needs tests/lib on sys.path (worker.py, docker_env.py).
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

from docker_env import STOP_TIMEOUT, free_port, log_tail, terminate
from git_client import TOKEN_USER, basic_authorization, git_env
from process_table import live_processes_in_group
from worker import wait_until

START_TIMEOUT = 15.0
HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
GIT_SHELL = "/usr/bin/git-shell"
SSH_USER = "deployhook-git"
# git on the servers reads repositories another user owns (the test's); it refuses unless told.
SERVER_GIT_CONFIG = {"safe.directory": "*"}


def accepts_connections(port):
    """Return True when something accepts TCP connections on 127.0.0.1:port."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def unix_socket_accepts(path):
    """Return True when something accepts connections on the unix socket at path."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as probe:
        probe.settimeout(1)
        probe.connect(str(path))
        return True
    return False


def wrote_pid(path, pid):
    """Return True when the pid file at path names pid: nginx and sshd write it only once they
    listen, so a port that accepts without it belongs to someone else."""
    try:
        return Path(path).read_text().strip() == str(pid)
    except OSError:
        return False


def is_root():
    return os.geteuid() == 0


class Process:
    """A server process of its own process group, its output in log_path."""

    def __init__(self, name, argv, log_path, env=None):
        self.name, self.log_path = name, Path(log_path)
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, ready):
        """Wait until ready(pid) is true; raise RuntimeError with the log if the process exits
        first, TimeoutError at the deadline."""
        def check():
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.popen.returncode}:\n"
                                   f"{log_tail(self.log_path, 40)}")
            return ready(self.popen.pid)
        wait_until(check, START_TIMEOUT, f"{self.name} to accept connections")

    def stop(self):
        """Stop it by pid (SIGTERM, then SIGKILL), then kill what is left of its group and wait
        until none of it runs (a SIGKILLed process is gone only once the kernel has ended it)."""
        terminate(self.popen)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        pgid = self.popen.pid
        wait_until(lambda: not live_processes_in_group(pgid), STOP_TIMEOUT,
                   f"what is left of {self.name}'s process group to end")


class Servers:
    """Starts processes in order and stops them in reverse, also when starting fails."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)
        self.processes = []
        self.pids = []  # of every process started, stopped or not

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def spawn(self, name, argv, ready, env=None):
        process = Process(name, argv, self.directory / f"{name}.log", env)
        self.processes.append(process)
        self.pids.append(process.popen.pid)
        process.wait_ready(ready)
        return process

    def stop(self):
        """Stop every process, in reverse order; a process that will not end is raised about
        once the others are stopped too."""
        failure = None
        while self.processes:
            try:
                self.processes.pop().stop()
            except TimeoutError as error:
                failure = failure or error
        if failure:
            raise failure

    def log(self):
        """Return the end of every process's log."""
        return "\n".join(f"== {p.name}\n{log_tail(p.log_path, 40)}" for p in self.processes)


class GitHttpServer(Servers):
    """nginx -> fcgiwrap -> git http-backend at http://127.0.0.1:port/<name>.git.

    token: the password nginx accepts for user x-access-token (any other, or none: 401).
    As root, nginx's workers, fcgiwrap and git http-backend run as www-data.
    """

    def __init__(self, directory, project_root, token):
        super().__init__(directory)
        self.project_root = Path(project_root)
        self.token = token
        self.port = free_port()
        self.socket_path = self.directory / "fcgiwrap.sock"

    def url(self, name):
        """Return the clone URL of repository name."""
        return f"http://127.0.0.1:{self.port}/{name}.git"

    def env(self, home, token=None, config=None, extra=None):
        """Return git's environment that sends token (default: the right one; "" sends no
        Authorization header) as deployhook does, through http.extraHeader."""
        token = self.token if token is None else token
        pairs = [("http.extraHeader", basic_authorization(token))] if token else []
        pairs += list((config or {}).items())
        return git_env(home, pairs, extra)

    def write_config(self):
        d = self.directory
        htpasswd = subprocess.run(["openssl", "passwd", "-apr1", "-stdin"], input=self.token,
                                  capture_output=True, text=True, check=True, timeout=30)
        (d / "htpasswd").write_text(f"{TOKEN_USER}:{htpasswd.stdout.strip()}\n")
        (d / "htpasswd").chmod(0o644)
        temp = d / "temp"
        temp.mkdir(exist_ok=True)
        paths = "\n".join(f"    {kind}_temp_path {temp / kind};"
                          for kind in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
        environment = "\n".join(
            f"            fastcgi_param {name} {value};" for name, value in (
                ("SCRIPT_FILENAME", HTTP_BACKEND),
                ("PATH_INFO", "$uri"),
                ("GIT_PROJECT_ROOT", str(self.project_root)),
                ("GIT_HTTP_EXPORT_ALL", '""'),
                # git since 2.34 also reads HTTP_GIT_PROTOCOL, the header nginx passes anyway.
                ("GIT_PROTOCOL", "$http_git_protocol"),
                ("GIT_CONFIG_NOSYSTEM", "1"),
                ("GIT_CONFIG_COUNT", str(len(SERVER_GIT_CONFIG))),
                *((item for n, (k, v) in enumerate(SERVER_GIT_CONFIG.items())
                   for item in ((f"GIT_CONFIG_KEY_{n}", k), (f"GIT_CONFIG_VALUE_{n}", f'"{v}"')))),
                ("HOME", "/nonexistent"),
            ))
        user = "user www-data;\n" if is_root() else ""
        conf = d / "nginx.conf"
        conf.write_text(
            f"{user}worker_processes 1;\npid {d / 'nginx.pid'};\n"
            f"error_log {d / 'nginx.log'} info;\n"
            "events {\n    worker_connections 64;\n}\n"
            f"http {{\n    access_log {d / 'access.log'};\n{paths}\n"
            f"    server {{\n        listen 127.0.0.1:{self.port};\n"
            "        client_max_body_size 64m;\n"
            "        location / {\n"
            "            auth_basic \"git\";\n"
            f"            auth_basic_user_file {d / 'htpasswd'};\n"
            "            include /etc/nginx/fastcgi_params;\n"
            f"{environment}\n"
            f"            fastcgi_pass unix:{self.socket_path};\n"
            "        }\n    }\n}\n")
        return conf

    def start(self):
        conf = self.write_config()
        self.socket_path.unlink(missing_ok=True)
        # spawn-fcgi binds the socket (owned by www-data when root) and execs fcgiwrap (-n: in
        # the foreground), so the pid is fcgiwrap's.
        owner = (["-U", "www-data", "-G", "www-data", "-u", "www-data", "-g", "www-data"]
                 if is_root() else [])
        path = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
        self.spawn("fcgiwrap", ["spawn-fcgi", "-n", "-s", str(self.socket_path), "-M", "0660",
                                *owner, "--", shutil.which("fcgiwrap") or "/usr/sbin/fcgiwrap",
                                "-f"],
                   lambda pid: unix_socket_accepts(self.socket_path), env=path)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn("nginx", [nginx, "-c", str(conf), "-e", str(self.directory / "nginx.log"),
                             "-g", "daemon off;"],
                   lambda pid: wrote_pid(self.directory / "nginx.pid", pid)
                   and accepts_connections(self.port), env=path)


def ssh_keygen(path, comment):
    """Create an ed25519 key pair without passphrase at path, path.pub; return the public line."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
                   check=True, capture_output=True, timeout=30)
    return Path(f"{path}.pub").read_text().strip()


def ssh_command(key, known_hosts):
    """Return the GIT_SSH_COMMAND deployhook uses with key and known_hosts."""
    return (f"ssh -i {key} -o IdentitiesOnly=yes -o UserKnownHostsFile={known_hosts}"
            " -o StrictHostKeyChecking=yes -o BatchMode=yes")


class GitSshServer(Servers):
    """sshd at 127.0.0.1:port letting user (shell git-shell) in with deploy_key only.

    Attributes: url(name), deploy_key (private key path, 0600), deploy_key_public,
    known_hosts_line ("[127.0.0.1]:PORT ssh-ed25519 ..."), known_hosts (a file holding it),
    other_key (a key sshd refuses), wrong_known_hosts (another host key for the same address).
    Copy the key and known_hosts with client_files() for a client running as another user.
    """

    def __init__(self, directory, project_root, user=SSH_USER):
        super().__init__(directory)
        if not is_root():
            raise PermissionError("GitSshServer needs root: it creates a system account")
        self.project_root = Path(project_root)
        self.user = user
        self.port = free_port()
        d = self.directory
        self.deploy_key = d / "deploy_key"
        self.deploy_key_public = ssh_keygen(self.deploy_key, "deployhook deploy key")
        self.other_key = d / "other_key"
        ssh_keygen(self.other_key, "not the deploy key")
        host_key = d / "host_key"
        host_public = ssh_keygen(host_key, "host")
        self.host_key = host_key
        self.known_hosts_line = f"[127.0.0.1]:{self.port} {' '.join(host_public.split()[:2])}"
        self.known_hosts = d / "known_hosts"
        self.known_hosts.write_text(self.known_hosts_line + "\n")
        impostor = ssh_keygen(d / "impostor_host_key", "impostor")
        self.wrong_known_hosts = d / "wrong_known_hosts"
        self.wrong_known_hosts.write_text(
            f"[127.0.0.1]:{self.port} {' '.join(impostor.split()[:2])}\n")
        for path in (self.known_hosts, self.wrong_known_hosts):
            path.chmod(0o644)
        self.keys_dir = None

    def url(self, name):
        """Return the clone URL of repository name."""
        return f"ssh://{self.user}@127.0.0.1:{self.port}{self.project_root}/{name}.git"

    def env(self, home, key=None, known_hosts=None, config=None, extra=None):
        """Return git's environment that connects with key and known_hosts (default: the
        deploy key and the right known_hosts) as deployhook does, through GIT_SSH_COMMAND."""
        command = ssh_command(key or self.deploy_key, known_hosts or self.known_hosts)
        return git_env(home, config, {"GIT_SSH_COMMAND": command, **(extra or {})})

    def client_files(self, directory, owner=None):
        """Copy the deploy key (0600) and known_hosts (0644) into directory (0755), owned by
        owner (a pwd entry) when given; return (key, known_hosts) paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o755)
        key, known = directory / "deploy_key", directory / "known_hosts"
        shutil.copyfile(self.deploy_key, key)
        key.chmod(0o600)
        shutil.copyfile(self.known_hosts, known)
        known.chmod(0o644)
        if owner is not None:
            for path in (directory, key, known):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        return key, known

    def login_account(self):
        """Return the pwd entry of the login user, made (or set) to have git-shell as its shell,
        / as its home (sshd tells every client when it cannot chdir there) and an unusable
        password ('*': none matches, yet the account is not locked, which sshd without PAM
        refuses). It is shared by concurrent suites and left in place."""
        try:
            entry = pwd.getpwnam(self.user)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/",
                            "--shell", GIT_SHELL, "--password", "*", self.user],
                           check=False, capture_output=True, timeout=60)
            entry = pwd.getpwnam(self.user)
        if entry.pw_shell != GIT_SHELL or entry.pw_dir != "/":
            subprocess.run(["usermod", "--home", "/", "--shell", GIT_SHELL, self.user],
                           check=True, capture_output=True, timeout=60)
            entry = pwd.getpwnam(self.user)
        return entry

    def write_config(self):
        d = self.directory
        # sshd checks the path to authorized_keys (StrictModes): every directory up to / owned
        # by root or the user and writable by no one else, which /tmp (1777) is not.
        self.keys_dir = Path(tempfile.mkdtemp(prefix="deployhook-git-ssh-", dir="/run"))
        self.keys_dir.chmod(0o755)
        keys = self.keys_dir / "authorized_keys"
        keys.write_text(f"restrict {self.deploy_key_public}\n")
        keys.chmod(0o644)
        # sshd's privilege separation directory, which Debian's unit creates (RuntimeDirectory).
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        safe = SERVER_GIT_CONFIG
        setenv = " ".join([f"GIT_CONFIG_COUNT={len(safe)}", "GIT_CONFIG_NOSYSTEM=1",
                           *(f"GIT_CONFIG_KEY_{n}={k} GIT_CONFIG_VALUE_{n}={v}"
                             for n, (k, v) in enumerate(safe.items()))])
        conf = d / "sshd_config"
        conf.write_text("\n".join([
            f"ListenAddress 127.0.0.1:{self.port}",
            f"HostKey {self.host_key}",
            f"PidFile {d / 'sshd.pid'}",
            f"AuthorizedKeysFile {keys}",
            "AuthorizedPrincipalsFile none",
            f"AllowUsers {self.user}",
            "AuthenticationMethods publickey",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "HostbasedAuthentication no",
            "PermitRootLogin no",
            "UsePAM no",
            "StrictModes yes",
            "DisableForwarding yes",
            "PermitTTY no",
            "PrintMotd no",
            "AcceptEnv GIT_PROTOCOL",
            f"SetEnv {setenv}",
            "LogLevel VERBOSE",
            "",
        ]))
        return conf

    def start(self):
        self.login_account()
        conf = self.write_config()
        # sshd re-executes itself, so it wants an absolute path; -D: foreground, -e: log to stderr.
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        checked = subprocess.run([sshd, "-t", "-f", str(conf)], capture_output=True, text=True,
                                 timeout=30, check=False)
        if checked.returncode != 0:
            raise RuntimeError(f"sshd -t rejects {conf}: {checked.stderr.strip()}")
        self.spawn("sshd", [sshd, "-D", "-e", "-f", str(conf)],
                   lambda pid: wrote_pid(self.directory / "sshd.pid", pid)
                   and accepts_connections(self.port))

    def stop(self):
        super().stop()
        if self.keys_dir is not None:
            shutil.rmtree(self.keys_dir, ignore_errors=True)
            self.keys_dir = None
