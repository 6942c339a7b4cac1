"""Running the git CLI as deployhook will: a clean environment, configuration passed as
GIT_CONFIG_COUNT/GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n (never argv, where `ps` shows it), no
terminal prompts, and a deadline on every call.

    env = git_env(home, config={"http.extraHeader": "Authorization: Basic ..."})
    done = run_git(["ls-remote", url, "main"], env)
"""

import base64
import os
import subprocess

GIT_TIMEOUT = 60.0
# The user deployhook's token goes with, as GitHub, Gitea and Forgejo accept it.
TOKEN_USER = "x-access-token"


class GitFailed(subprocess.CalledProcessError):
    """git exited non-zero; its stderr is part of the message."""

    def __str__(self):
        return f"{super().__str__()}\n{self.stderr}"


def basic_authorization(token, user=TOKEN_USER):
    """Return the Authorization header line deployhook sends for token."""
    credentials = base64.b64encode(f"{user}:{token}".encode()).decode()
    return f"Authorization: Basic {credentials}"


def git_env(home, config=None, extra=None):
    """Return an environment for git that reads no system or user configuration but config
    ({key: value}, or a list of pairs for repeated keys), never prompts, and has HOME (a
    directory that may not exist) and the extra variables given."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "HOME": str(home),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
    }
    pairs = list(config.items()) if isinstance(config, dict) else list(config or [])
    if pairs:
        env["GIT_CONFIG_COUNT"] = str(len(pairs))
        for number, (key, value) in enumerate(pairs):
            env[f"GIT_CONFIG_KEY_{number}"] = key
            env[f"GIT_CONFIG_VALUE_{number}"] = str(value)
    env.update(extra or {})
    return env


def run_git(args, env, cwd=None, timeout=GIT_TIMEOUT, check=True, launcher=()):
    """Run `git ARGS` (after the launcher argv prefix, e.g. setpriv) with stdin closed; return
    the CompletedProcess (text). Raises subprocess.TimeoutExpired at the deadline, and
    GitFailed (with git's stderr) when check and git fails."""
    done = subprocess.run([*launcher, "git", *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise GitFailed(done.returncode, done.args, done.stdout, done.stderr)
    return done
