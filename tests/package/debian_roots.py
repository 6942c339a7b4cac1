"""Clean Debian roots for the package tests, made with mmdebstrap from Debian's own packages.

Each root is made once and kept as a tarball under /var/cache/deployhook-test/roots
($DEPLOYHOOK_ROOT_CACHE), named after what went into it, and made again when it is a week old;
every use unpacks a fresh copy. Commands enter a root with chroot inside a mount namespace of
their own (unshare --mount, private propagation): the /proc, /dev and bind mounts they need
exist only in that namespace and vanish with its last process, however it ends, so the host
never holds a mount into a root (Root.remove checks that before it deletes anything).
"""

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CACHE = Path(os.environ.get("DEPLOYHOOK_ROOT_CACHE", "/var/cache/deployhook-test/roots"))
MAX_AGE_S = 7 * 24 * 3600
MIRROR = os.environ.get("DEPLOYHOOK_DEBIAN_MIRROR", "http://deb.debian.org/debian")
MAKE_TIMEOUT = 1200  # seconds for mmdebstrap: a cold download of a build root

# Runs "$@" chrooted into $1 inside the caller's new mount namespace, after mounting /proc,
# /dev and each bind given as "--bind HOST INSIDE" or "--bind-ro HOST INSIDE".
ENTER = r"""
root=$1; shift
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
while [ "${1:-}" = --bind ] || [ "${1:-}" = --bind-ro ]; do
  mkdir -p "$root$3"
  mount --bind "$2" "$root$3"
  [ "$1" = --bind ] || mount -o remount,bind,ro "$root$3"
  shift 3
done
[ "$1" = -- ] && shift
exec chroot "$root" "$@"
"""
# Runs "$@" in $1 made the root of the caller's new mount namespace (pivot_root, not chroot: a
# Docker engine started in it works, since runc's own pivot_root needs the namespace's root to be
# the root), with /proc, /dev, /sys, the host's resolv.conf and a /tmp of its own. What the
# command leaves running keeps the namespace; /run is the root's own folder, so a later command
# finds its sockets and pid files.
ENTER_AS_MACHINE = r"""
root=$1; shift
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs tmpfs "$root/tmp"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/.host"
cd "$root"
pivot_root . .host
/.host/bin/umount -l /.host  # the host's: a minimal root may have no umount
[ "$1" = -- ] && shift
exec "$@"
"""
# What a command in a root finds: no proxy, no locale, no questions.
ENVIRONMENT = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "LC_ALL": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive", "HOME": "/root"}


def root_tarball(suite, variant="apt", include=(), hooks=(), name=None):
    """Return the cached tarball of a `suite` root (mmdebstrap --variant, with packages
    `include` and --customize-hook commands `hooks`, package lists kept), making it first when
    it is missing or a week old. Its file is named after suite, name (default: the variant)
    and the recipe; making it removes older tarballs of the same suite and name."""
    recipe = json.dumps([suite, variant, sorted(include), list(hooks), MIRROR])
    key = hashlib.sha256(recipe.encode()).hexdigest()[:12]
    stem = f"{suite}-{name or variant}"
    path = CACHE / f"{stem}-{key}.tar"
    if path.exists() and time.time() - path.stat().st_mtime < MAX_AGE_S:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    argv = ["mmdebstrap", "--quiet", f"--variant={variant}", "--skip=cleanup/apt/lists",
            "--format=tar"]
    argv += [f"--include={','.join(include)}"] if include else []
    argv += [f"--customize-hook={hook}" for hook in hooks]
    argv += [suite, str(partial), MIRROR]
    try:
        done = subprocess.run(argv, timeout=MAKE_TIMEOUT, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"mmdebstrap {suite} failed:\n{done.stderr[-4000:]}")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    for older in CACHE.glob(f"{stem}-*.tar"):
        if older != path:
            older.unlink()
    return path


def mounts_under(directory):
    """Return the mount points this process's namespace has at or below directory."""
    prefix = str(directory).rstrip("/") + "/"
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as mountinfo:
        for line in mountinfo:
            point = line.split()[4].replace("\\040", " ")
            if point == prefix.rstrip("/") or point.startswith(prefix):
                points.append(point)
    return points


class Root:
    """A fresh copy of a cached root in a temporary directory of its own."""

    def __init__(self, tarball, name):
        self.directory = Path(tempfile.mkdtemp(prefix=f"deployhook-{name}-"))
        subprocess.run(["tar", "-xf", str(tarball), "--numeric-owner", "-C", str(self.directory)],
                       check=True, timeout=300)

    def path(self, inside):
        """Return the host path of `inside` (an absolute path in the root)."""
        return self.directory / str(inside).lstrip("/")

    def argv(self, command, binds=()):
        """Return the host argv that runs command (an argv) in the root; binds: (host path,
        path inside, writable) triples mounted for it alone."""
        options = []
        for host, inside, writable in binds:
            options += ["--bind" if writable else "--bind-ro", str(host), str(inside)]
        return ["unshare", "--mount", "--propagation", "private", "sh", "-euc", ENTER, "enter",
                str(self.directory), *options, "--", *map(str, command)]

    def machine_argv(self, command):
        """Return the host argv that runs command (an argv) with the root as the root of its
        mount namespace, as on a machine of its own (ENTER_AS_MACHINE)."""
        return ["unshare", "--mount", "--propagation", "private", "sh", "-euc", ENTER_AS_MACHINE,
                "enter", str(self.directory), "--", *map(str, command)]

    def run(self, command, timeout=300, check=True, binds=(), input=None, machine=False):
        """Run command (an argv) in the root (machine: as ENTER_AS_MACHINE enters it); return
        the CompletedProcess (text). With check, a non-zero exit raises an AssertionError
        showing the output."""
        argv = self.machine_argv(command) if machine else self.argv(command, binds)
        done = subprocess.run(argv, input=input, env=ENVIRONMENT,
                              capture_output=True, text=True, timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{shlex.join(map(str, command))} exited {done.returncode}:\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def shell(self, script, **options):
        """Run a /bin/sh script in the root; see run."""
        return self.run(["/bin/sh", "-euc", script], **options)

    def popen(self, command, **options):
        """Start command (an argv) in the root without waiting; return the Popen. Its pid is the
        command's own: unshare, sh and chroot each exec the next."""
        return subprocess.Popen(self.argv(command), env=ENVIRONMENT, **options)

    def remove(self):
        """Delete the root; refuses while anything is mounted under it."""
        mounted = mounts_under(self.directory)
        if mounted:
            raise RuntimeError(f"not removing {self.directory}: mounted {mounted}")
        shutil.rmtree(self.directory)
