"""The worker's own socket (socket_mode 0660, socket_group) admits the proxy's user and refuses
everybody else."""

import pwd
import subprocess

import pytest

from held_worker import held_worker
from front_doors import is_root


def answers_as(user, socket_path):
    """Return True when user, with its own groups only, gets an answer on socket_path."""
    gid = pwd.getpwnam(user).pw_gid
    argv = ["setpriv", "--reuid", user, "--regid", str(gid), "--init-groups",
            "cgi-fcgi", "-bind", "-connect", str(socket_path)]
    done = subprocess.run(argv, env={"PATH": "/usr/bin:/bin", "REQUEST_METHOD": "GET"},
                          capture_output=True, timeout=20, check=False)
    return done.stdout.startswith(b"Status: 405")


@pytest.mark.parametrize("proxy_user", ["www-data", "caddy"])
def test_socket_admits_the_proxy_user_and_refuses_others(workdir, proxy_user):
    if not is_root():
        pytest.skip("needs root to act as other users")
    with held_worker(workdir, socket_group=proxy_user) as worker:
        assert answers_as(proxy_user, worker.socket)
        assert not answers_as("nobody", worker.socket)
