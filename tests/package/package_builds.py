"""The packages under test: deployhook's .deb built by scripts/package for each release, on this
host for its own release (Debian 12) and inside a build root for the other (Debian 13), so each
links against its release's libraries.

A build root is a cached root (debian_roots) with build-essential, the Build-Depends of
scripts/debian/control and lintian; the source tree is bind-mounted into it read-only.
"""

import os
import subprocess
from pathlib import Path

from debian_roots import Root, root_tarball

REPO = Path(__file__).resolve().parents[2]
CONTROL = REPO / "scripts" / "debian" / "control"
BUILD_TIMEOUT = 2400  # seconds: a compile on two cores shared with other suites
# Unit tests inside the package build (dh_auto_test) cost the compile of the test runner; the
# unit suite runs them on this host anyway. DEPLOYHOOK_TEST_PACKAGE_CHECK=1 runs them in the
# other release's build too.
CHECK = os.environ.get("DEPLOYHOOK_TEST_PACKAGE_CHECK") == "1"


def build_depends():
    """Return the Build-Depends field of scripts/debian/control, on one line."""
    field, lines = None, []
    for line in CONTROL.read_text().splitlines():
        if line.startswith("Build-Depends:"):
            field = True
            lines.append(line.partition(":")[2])
        elif field and line[:1] in (" ", "\t"):
            lines.append(line)
        elif field:
            break
    return " ".join(" ".join(lines).split())


def build_root_tarball(suite):
    """Return the cached tarball of a root in which scripts/package can build for suite."""
    hook = f'chroot "$1" apt-get satisfy --yes --no-install-recommends "{build_depends()}"'
    return root_tarball(suite, variant="buildd", include=("lintian",), hooks=(hook,))


def build_on_host(out):
    """Build the package for this host's release with scripts/package; return the .deb's path
    and the build's output."""
    argv = [str(REPO / "scripts" / "package"), "--out", str(out), "--no-lintian"]
    if not CHECK:
        argv.append("--no-check")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=BUILD_TIMEOUT,
                          check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return only_deb(out), done.stdout


def build_in_root(root, out):
    """Build the package inside root (a build Root) with scripts/package from the source tree
    bind-mounted read-only; return the .deb's path (in out) and the build's output."""
    argv = ["/src/scripts/package", "--out", "/out", "--no-lintian"]
    if not CHECK:
        argv.append("--no-check")
    done = root.run(argv, timeout=BUILD_TIMEOUT, binds=[(REPO, "/src", False), (out, "/out", True)])
    return only_deb(out), done.stdout


def only_deb(directory):
    """Return the one deployhook_*.deb in directory."""
    debs = sorted(Path(directory).glob("deployhook_*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


def lintian(deb, root=None):
    """Run lintian on deb (inside root, with that release's lintian, when given); return its
    exit status (non-zero for an error tag, or when lintian itself failed) and output lines."""
    argv = ["lintian", "--fail-on", "error", "--display-info", "--pedantic"]
    if root is None:
        done = subprocess.run([*argv, str(deb)], capture_output=True, text=True, timeout=600,
                              check=False)
    else:
        done = root.run([*argv, f"/out/{deb.name}"], timeout=600, check=False,
                        binds=[(deb.parent, "/out", False)])
    return done.returncode, done.stdout.splitlines() + done.stderr.splitlines()


class BuildRoot(Root):
    """A fresh build root for suite."""

    def __init__(self, suite):
        super().__init__(build_root_tarball(suite), f"{suite}-build")
