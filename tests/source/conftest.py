"""Fixtures for the source suite: real git servers on 127.0.0.1 (tests/lib/source_fixtures.py)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))

from source_fixtures import (age_identity, git_home, git_http, git_ssh,  # noqa: E402,F401
                             source_repo, source_root)
