"""What is on a root's disk, and which of it no installed package owns: how the package suite
tells that a purge removed everything the package (and its maintainer scripts) added."""

import os
import re
from pathlib import Path

# Not the package's business: kernel and runtime file systems, the package manager's own
# state, caches and logs, and man's cache of pages shown (systemd-analyze verify shows them).
SKIPPED = ("/proc", "/dev", "/sys", "/run", "/tmp", "/var/lib/dpkg", "/var/lib/apt",
           "/var/cache/apt", "/var/cache/debconf", "/var/cache/ldconfig", "/var/cache/man",
           "/var/log")
# Backups that the shadow tools write beside the account files they change.
ACCOUNT_BACKUPS = {"/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-"}
# Merged /usr: dpkg may list /lib/x for what is on disk as /usr/lib/x.
ALIASES = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/lib": "/usr/lib", "/lib32": "/usr/lib32",
           "/lib64": "/usr/lib64", "/libx32": "/usr/libx32"}


def canonical(path):
    """Return path with a merged-/usr alias replaced by its /usr directory."""
    for alias, real in ALIASES.items():
        if path == alias or path.startswith(alias + "/"):
            return real + path[len(alias):]
    return path


def files_in(root):
    """Return the set of paths (files, links and directories, as seen inside root) on root's
    disk, without the SKIPPED trees."""
    paths = set()
    top = str(root.directory)
    for directory, subdirectories, names in os.walk(top):
        inside = directory[len(top):] or "/"
        subdirectories[:] = [name for name in subdirectories
                             if os.path.join(inside, name) not in SKIPPED]
        for name in subdirectories + names:
            paths.add(canonical(os.path.join(inside, name)))
    return paths


def owned(root):
    """Return the set of paths the packages installed in root list, merged-/usr aliases
    resolved."""
    paths = set()
    for listing in Path(root.path("/var/lib/dpkg/info")).glob("*.list"):
        paths.update(canonical(line) for line in listing.read_text().splitlines() if line)
    return paths


def init_link_owned(path, owned_paths):
    """Return True when path is an /etc/rc?.d link that update-rc.d made for an init script an
    installed package owns (a dependency's, such as procps's)."""
    match = re.fullmatch(r"/etc/rc[0-6S]\.d/[SK]\d\d(.+)", path)
    return bool(match) and f"/etc/init.d/{match.group(1)}" in owned_paths


def unowned(root, paths):
    """Return, sorted, those of paths that no installed package owns."""
    owned_paths = owned(root)
    return sorted(path for path in set(paths) - owned_paths - ACCOUNT_BACKUPS
                  if not init_link_owned(path, owned_paths))
