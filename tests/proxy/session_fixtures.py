"""Session fixtures shared by every suite that puts a real front door before a worker.

runtime     a session directory of mode 0755, so www-data and caddy can reach sockets and files
tls         a throwaway CA and a server certificate for 127.0.0.1 (session)

Import both into a conftest: `from session_fixtures import runtime, tls  # noqa: F401`.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from front_doors import make_tls


@pytest.fixture(scope="session")
def runtime():
    """Yield a directory everyone may traverse (pytest's tmp_path is 0700); removed at the end."""
    path = Path(tempfile.mkdtemp(prefix="dh-front-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def tls(runtime):
    """The CA and server certificate every front door of the session uses."""
    return make_tls(runtime / "tls")
