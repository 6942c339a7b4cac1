"""Unprivileged system users for tests that run the worker as the systemd unit does (its own
user, not root): permission bugs hide behind root. Creating a user needs root.

    account = system_account("deployhook-it")     # created on first use, left in place
    Worker(..., launcher=launcher_for(account, groups=["docker"]))
"""

import grp
import pwd
import subprocess


def system_account(name):
    """Return the pwd entry of system user name, creating it (no home, no shell) when missing.
    Concurrent suites may share it, so it is never removed."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        name], check=False, capture_output=True)
        return pwd.getpwnam(name)


def launcher_for(account, groups=()):
    """Return the argv prefix that runs a command as account, with only the named groups
    besides its own (setpriv, from util-linux)."""
    group_ids = [str(grp.getgrnam(group).gr_gid) for group in groups]
    supplementary = [f"--groups={','.join(group_ids)}"] if group_ids else ["--clear-groups"]
    return ["setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
            *supplementary, "--"]
