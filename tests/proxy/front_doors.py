"""Real nginx and Caddy in front of a deployhook worker, started from the shipped configuration.

    tls = make_tls(directory)
    with Nginx(directory / "nginx", socket_path, tls) as nginx:
        reply = https_request(nginx.url, body, headers, tls.ca)

nginx/deployhook.conf, nginx/example-server.conf and caddy/Caddyfile are used as shipped; only
the listen port, the socket path and the certificate paths are substituted, and each
substitution must match exactly once, so a change to a shipped file cannot go unnoticed.
Both servers listen on 127.0.0.1 only and are stopped by pid (and their process group).

When run as root, nginx's workers run as www-data (Debian's `user www-data;`) and Caddy runs as
the user caddy, as their packages run them. Every directory they use must then be traversable by
those users: keep them under a directory of mode 0755 (pytest's tmp_path is 0700).

Needs tests/lib on sys.path (worker.py, docker_env.py).
"""

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docker_env import free_port, log_tail, terminate
from worker import Reply, wait_until

REPO = Path(__file__).resolve().parents[2]
SHIPPED_SOCKET = "/run/deployhook/deployhook.sock"
START_TIMEOUT = 15.0
REQUEST_TIMEOUT = 60


def substitute(text, replacements):
    """Return text with each key replaced by its value; raise ValueError unless each key
    occurs exactly once (the shipped file changed and the caller must follow)."""
    for old, new in replacements.items():
        count = text.count(old)
        if count != 1:
            raise ValueError(f"expected {old!r} exactly once in the shipped file, found {count}")
        text = text.replace(old, new)
    return text


def replace_socket(text, shipped, socket):
    """Return text with every mention of the shipped socket (the hook's location, and the
    commented read-side block's) pointing at socket; raise ValueError when there is none."""
    if shipped not in text:
        raise ValueError(f"expected {shipped!r} in the shipped file")
    return text.replace(shipped, socket)


def is_root():
    """Return True when this process may start servers that drop to their packaged users."""
    return os.geteuid() == 0


def give_to(path, user):
    """chown path (recursively) to user and its primary group, when running as root."""
    if not is_root():
        return
    entry = pwd.getpwnam(user)
    for directory, _, files in os.walk(path):
        os.chown(directory, entry.pw_uid, entry.pw_gid)
        for name in files:
            os.chown(os.path.join(directory, name), entry.pw_uid, entry.pw_gid)


@dataclass
class TlsFiles:
    ca: Path    # the certificate clients trust (--cacert)
    cert: Path  # the server's certificate, for localhost and 127.0.0.1
    key: Path


def openssl(*args):
    """Run openssl ARGS; raise CalledProcessError with its output when it fails."""
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_tls(directory):
    """Create a throwaway CA and a server certificate it signed for localhost and 127.0.0.1
    in directory; return their paths. The files are world-readable so the servers' own users
    can load them: they protect nothing but a test or demo on loopback."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    ca_key = directory / "ca.key"
    new_key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "30"]
    openssl("req", "-x509", *new_key, "-keyout", str(ca_key), "-out", str(files.ca),
            "-subj", "/CN=deployhook local CA")
    openssl("req", "-x509", *new_key, "-keyout", str(files.key), "-out", str(files.cert),
            "-subj", "/CN=localhost", "-CA", str(files.ca), "-CAkey", str(ca_key),
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-addext", "basicConstraints=critical,CA:FALSE",
            "-addext", "extendedKeyUsage=serverAuth")
    ca_key.unlink()
    for path in (files.ca, files.cert, files.key):
        path.chmod(0o644)
    directory.chmod(0o755)
    return files


def accepts_connections(port):
    """Return True when something accepts TCP connections on 127.0.0.1:port."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


class FrontDoor:
    """A server process in its own directory and process group, serving https://127.0.0.1:port."""

    name = "front door"

    def __init__(self, directory, socket_path, tls, port=None, read_side=False):
        self.read_side = read_side  # uncomment the shipped read-side block, as deployhook(8) says
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o755)
        self.socket_path = str(socket_path)
        self.tls = tls
        self.port = port or free_port()
        self.log_path = self.directory / "server.log"
        self.process = None

    @property
    def url(self):
        """The webhook URL GitHub would be given."""
        return f"https://127.0.0.1:{self.port}/webhook/deploy"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def command(self):
        """Return (argv, env) that run the server in the foreground."""
        raise NotImplementedError

    def start(self):
        """Write the configuration, start the server and return self once its port accepts
        connections; raise RuntimeError with its log when it exits first."""
        argv, env = self.command()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.process.returncode}:\n"
                                   f"{self.log()}")
            return accepts_connections(self.port)

        try:
            wait_until(ready, START_TIMEOUT, f"{self.name} on port {self.port}")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stop the server by pid (SIGTERM, then SIGKILL), then kill whatever is left in its
        process group (nginx's workers, should the master have been killed)."""
        if self.process is None:
            return
        terminate(self.process)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def log(self):
        """Return the end of what the server wrote."""
        return log_tail(self.log_path, 40)


class Nginx(FrontDoor):
    """nginx serving nginx/example-server.conf, which includes nginx/deployhook.conf.

    The directory plays /etc/nginx: it holds nginx.conf, Debian's fastcgi_params and
    snippets/deployhook.conf, so the shipped relative includes resolve as on a real host.
    """

    name = "nginx"

    def write_config(self):
        """Write nginx.conf, the site and the snippet; return the path of nginx.conf."""
        d = self.directory
        (d / "snippets").mkdir(exist_ok=True)
        shutil.copy("/etc/nginx/fastcgi_params", d / "fastcgi_params")
        snippet = (REPO / "nginx" / "deployhook.conf").read_text()
        if self.read_side:
            snippet = snippet.replace("#read-side ", "")
        (d / "snippets" / "deployhook.conf").write_text(snippet)
        upstream = (REPO / "nginx" / "deployhook-upstream.conf").read_text()
        (d / "conf.d").mkdir(exist_ok=True)
        (d / "conf.d" / "deployhook-upstream.conf").write_text(
            replace_socket(upstream, f"unix:{SHIPPED_SOCKET};", f"unix:{self.socket_path};"))
        site = substitute((REPO / "nginx" / "example-server.conf").read_text(), {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.port} ssl http2;",
            "/etc/ssl/certs/webhooks.example.com.pem": str(self.tls.cert),
            "/etc/ssl/private/webhooks.example.com.key": str(self.tls.key),
        })
        (d / "site.conf").write_text(site)
        temp = d / "temp"
        temp.mkdir(exist_ok=True)
        user = "user www-data;\n" if is_root() else ""
        paths = "\n".join(f"    {kind}_temp_path {temp / kind};"
                          for kind in ("client_body", "fastcgi", "proxy", "uwsgi", "scgi"))
        conf = d / "nginx.conf"
        conf.write_text(
            f"{user}worker_processes 1;\npid {d / 'nginx.pid'};\nerror_log {self.log_path} info;\n"
            "events {\n    worker_connections 64;\n}\n"
            f"http {{\n    access_log off;\n{paths}\n    include conf.d/*.conf;\n"
            "    include site.conf;\n}\n")
        return conf

    def command(self):
        conf = self.write_config()
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return ([nginx, "-c", str(conf), "-e", str(self.log_path), "-g", "daemon off;"],
                {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")})


class Caddy(FrontDoor):
    """Caddy serving caddy/Caddyfile with a given certificate instead of automatic HTTPS.

    As root it runs as the user caddy, with HOME and XDG directories of its own (Caddy keeps
    its storage and an autosaved config there); the admin endpoint is off so nothing listens
    on localhost:2019.
    """

    name = "caddy"
    # Added to the shipped global options block.
    GLOBAL_OPTIONS = "{\n\tadmin off\n\tauto_https disable_redirects\n"

    def write_config(self):
        """Write the Caddyfile; return its path."""
        shipped = (REPO / "caddy" / "Caddyfile").read_text()
        if self.read_side:
            shipped = shipped.replace("#read-side ", "")
        site = (f"https://127.0.0.1:{self.port} {{\n\tbind 127.0.0.1\n"
                f"\ttls {self.tls.cert} {self.tls.key}\n")
        path = self.directory / "Caddyfile"
        shipped = replace_socket(shipped, f"unix/{SHIPPED_SOCKET} {{", f"unix/{self.socket_path} {{")
        path.write_text(substitute(shipped, {"webhooks.example.com {\n": site,
                                             "\n{\n": "\n" + self.GLOBAL_OPTIONS}))
        return path

    def command(self):
        path = self.write_config()
        home = self.directory / "home"
        for sub in ("data", "config"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        give_to(home, "caddy")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
               "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}
        as_caddy = (["setpriv", "--reuid", "caddy", "--regid", "caddy", "--init-groups"]
                    if is_root() else [])
        return ([*as_caddy, "caddy", "run", "--config", str(path), "--adapter", "caddyfile"],
                env)


def https_request(url, body=b"", headers=None, cacert=None, method="POST"):
    """Send one request with curl (HTTP/2 when the server offers it) and return the Reply.

    Raises ConnectionError when curl gets no answer."""
    with tempfile.TemporaryDirectory(prefix="dhp-curl-") as scratch:
        head, content = Path(scratch) / "head", Path(scratch) / "body"
        argv = ["curl", "-sS", "-X", method, "-D", str(head), "-o", str(content),
                "-w", "%{http_code}", "--max-time", str(REQUEST_TIMEOUT)]
        if cacert:
            argv += ["--cacert", str(cacert)]
        for name, value in (headers or {}).items():
            argv += ["-H", f"{name}: {value}"]
        if method != "GET":
            argv += ["--data-binary", "@-"]
        argv.append(url)
        done = subprocess.run(argv, input=body, capture_output=True, timeout=REQUEST_TIMEOUT + 10,
                              check=False)
        if done.returncode != 0:
            raise ConnectionError(f"curl {url}: {done.stderr.decode(errors='replace').strip()}")
        return Reply(int(done.stdout), parse_headers(head.read_bytes()), content.read_bytes(),
                     parse_json(content.read_bytes()))


def parse_headers(raw):
    """Return the last response head curl dumped as {lower-case name: value}."""
    blocks = [b for b in raw.decode("latin-1").split("\r\n\r\n") if b.strip()]
    headers = {}
    for line in blocks[-1].split("\r\n")[1:] if blocks else []:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def parse_json(body):
    """Return body parsed as JSON, or None when it is not (e.g. nginx's own HTML pages)."""
    try:
        return json.loads(body)
    except ValueError:
        return None
