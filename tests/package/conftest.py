"""Fixtures for the package suite: deployhook's .deb for Debian 12 and Debian 13, and a clean
root of each release to install it in.

packages    {suite: Package}: each release's .deb, built once per session, or taken from
            $DEPLOYHOOK_TEST_PACKAGES/<suite>/ when that is set (session)
installed   a PackageRoot per suite: a fresh root of that release for the lifecycle tests,
            which run in file order on it (install, configure, serve, purge) (session)

Roots and builds are made concurrently: downloads overlap the compile on this host.
"""

import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lib"))
sys.path.insert(0, str(HERE))

from debian_roots import Root, root_tarball  # noqa: E402
from package_builds import BuildRoot, build_in_root, build_on_host, only_deb  # noqa: E402

# Debian 12 and Debian 13; a root of each gets the package built for it.
SUITES = ("bookworm", "trixie")
# A test root: a minimal installation (the Essential and required packages, apt), with systemd
# installed (not running) so that the release's own systemd-analyze can verify the units, and
# man-db, which it asks for the units' Documentation= pages.
TEST_ROOT = {"variant": "minbase", "include": ("man-db", "systemd")}


def host_suite():
    """Return this host's release codename (VERSION_CODENAME in /etc/os-release)."""
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.partition("=")[2].strip('"')
    return ""


@dataclass
class Package:
    """One release's .deb, and the build root it was made in (None: this host)."""
    suite: str
    deb: Path
    build_output: str
    build_root: Root = None


@dataclass
class PackageRoot:
    """A clean root of a release, the package built for that release, and what the lifecycle
    tests note on the way."""
    suite: str
    package: Package
    root: Root
    notes: dict = field(default_factory=dict)


def build(suite, out):
    """Build the package for suite into out: on this host for its own release, else in a build
    root of that release (kept for lintian). With $DEPLOYHOOK_TEST_PACKAGES, take the .deb
    built before from its <suite>/ folder instead. Return the Package."""
    out.mkdir(parents=True, exist_ok=True)
    built = os.environ.get("DEPLOYHOOK_TEST_PACKAGES")
    build_root = None if suite == host_suite() else BuildRoot(suite)
    if built:
        return Package(suite, only_deb(Path(built) / suite), "", build_root)
    if build_root is None:
        deb, output = build_on_host(out)
    else:
        deb, output = build_in_root(build_root, out)
    return Package(suite, deb, output, build_root)


@pytest.fixture(scope="session")
def packages(tmp_path_factory):
    """Yield {suite: Package} for every suite; build roots are removed at the end."""
    out = tmp_path_factory.mktemp("debs")
    with ThreadPoolExecutor(max_workers=len(SUITES) * 2) as pool:
        # The test roots' downloads run beside the builds; their tarballs are cached.
        for suite in SUITES:
            pool.submit(root_tarball, suite, **TEST_ROOT)
        futures = {suite: pool.submit(build, suite, out / suite) for suite in SUITES}
        built = {suite: future.result() for suite, future in futures.items()}
    yield built
    for package in built.values():
        if package.build_root is not None:
            package.build_root.remove()


@pytest.fixture(scope="session", params=SUITES)
def installed(request, packages):
    """Yield a PackageRoot: a fresh test root of the suite, with its package not yet installed."""
    suite = request.param
    root = Root(root_tarball(suite, **TEST_ROOT), suite)
    try:
        yield PackageRoot(suite, packages[suite], root)
    finally:
        root.remove()


def pytest_configure(config):
    """Refuse early, with a reason, when packages cannot be built or roots made here."""
    if os.geteuid() != 0:
        raise pytest.UsageError("tests/package needs root (mmdebstrap, chroot, mount namespaces)")
    missing = [tool for tool in ("mmdebstrap", "dpkg-buildpackage", "dh", "lintian", "unshare",
                                 "cgi-fcgi") if not shutil.which(tool)]
    if missing:
        raise pytest.UsageError(f"tests/package needs {', '.join(missing)}: run scripts/install-deps")
