#!/usr/bin/python3
"""Write the seed corpora in tests/fuzz/corpus/<target>/ from the real fixtures in
tests/fixtures, in the input format each fuzz target's header comment describes.

Run it again after the fixtures change; it replaces the corpora (the regression inputs in
tests/fuzz/regressions/ are kept by hand and not touched).
"""

import hashlib
import hmac
import json
import shutil
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
CORPUS = HERE / "corpus"

# The secrets harness.hpp configures (SECRET_GITHUB_DOCS, SECRET_GITEA).
SECRET = "It's a Secret to Everybody"
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

# Deliveries GitHub sends with X-GitHub-Event push and ping, and other events the handler ignores.
HANDLER_FIXTURES = [
    "github/push/octokit-new-branch.json",
    "github/push/woodpecker-push.json",
    "github/push/woodpecker-forced.json",
    "github/push/woodpecker-tag.json",
    "github/push/octokit-tag-deleted.json",
    "github/push/goplayground-push.json",
    "github/push/adnanh-tab-indented.json",
    "github/ping/goplayground-ping.json",
    "github/ping/octokit-ping-repo.json",
    "github/create/octokit-tag-created.json",
    "github/delete/octokit-tag-deleted.json",
    "github/release/octokit-published.json",
    "gitea/push/goplayground-push.json",
    "forgejo/push/woodpecker-push.json",
    "gitlab/push/gogitlab-push.json",
]

# Real deliveries of every forge: (forge, its event name, fixture). The handler's seeds send
# them with that forge's headers ("forge:event" in the event line), proved with the secret of
# the harness's target of that forge (GitLab's is SECRET_GITEA: proof line "2").
FORGE_FIXTURES = [
    ("github", "workflow_run", "github/workflow_run/octokit-completed.json"),
    ("github", "registry_package", "github/registry_package/octokit-published-docker-abridged.json"),
    ("gitea", "push", "gitea/push/woodpecker-push.json"),
    ("gitea", "create", "gitea/create/goplayground-branch-create.json"),
    ("gitea", "delete", "gitea/delete/goplayground-branch-delete.json"),
    ("gitea", "release", "gitea/release/goplayground-release.json"),
    ("forgejo", "push", "forgejo/push/woodpecker-push.json"),
    ("forgejo", "create", "forgejo/create/woodpecker-tag.json"),
    ("gogs", "push", "gogs/push/goplayground-push.json"),
    ("gogs", "push", "gogs/push/gogs-issue-4233-signed.json"),
    ("gitlab", "Push Hook", "gitlab/push/woodpecker-push.json"),
    ("gitlab", "Push Hook", "gitlab/push/gogitlab-push.json"),
    ("gitlab", "Tag Push Hook", "gitlab/tag_push/woodpecker-tag.json"),
    ("gitlab", "System Hook", "gitlab/system_push/goplayground-system-push.json"),
    ("bitbucket", "repo:push", "bitbucket/push/goplayground-repo-push.json"),
    ("bitbucket", "pullrequest:created", "bitbucket/pullrequest/goplayground-created.json"),
    ("bitbucket-server", "repo:refs_changed", "bitbucket-server/push/goplayground-refs-changed.json"),
    ("bitbucket-server", "pr:opened", "bitbucket-server/pr/goplayground-opened.json"),
]

# Bodies GitHub would send as a form; the large ones are left out to keep the corpus small.
FORM_FIXTURES = [
    "github/push/octokit-new-branch.json",
    "github/push/woodpecker-tag.json",
    "github/ping/goplayground-ping.json",
]


def seed_name(relative):
    """Return a corpus file name for a fixture path: github/push/a.json -> github-push-a.json."""
    return relative.replace("/", "-")


def form_body(body):
    """Return body as GitHub's form delivery: the URL-encoded JSON in the payload field."""
    return urllib.parse.urlencode({"payload": body.decode()}).encode()


def json_fixtures():
    """Return the relative paths of every JSON fixture (payloads and vectors)."""
    return sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/**/*.json"))


def request_head_seeds(fixture_sizes):
    """CGI heads: the real bodies' lengths under both content types, and each way to be refused."""
    seeds = {}
    for name, size in fixture_sizes.items():
        seeds[f"post-json-{name.removesuffix('.json')}"] = f"POST\n{size}\n{JSON}"
    seeds["post-form"] = f"POST\n{fixture_sizes['github-push-octokit-new-branch.json']}\n{FORM}"
    seeds["post-json-charset"] = f"POST\n100\n{JSON}; charset=utf-8"
    seeds["get"] = "GET\n0\n"  # not POST
    seeds["no-length"] = "POST"  # CONTENT_LENGTH not sent
    seeds["empty-length"] = f"POST\n\n{JSON}"  # CONTENT_LENGTH sent empty
    seeds["too-large"] = f"POST\n26214401\n{JSON}"  # one byte above the default cap
    seeds["twenty-digits"] = f"POST\n00000000000000000001\n{JSON}"  # longer than 19 digits
    seeds["text-plain"] = "POST\n10\ntext/plain"  # neither JSON nor a form
    return {name: text.encode() for name, text in seeds.items()}


def signature_seeds():
    """Every triple of signatures.json as header line + body (the SHA-1 and bare-hex ones are
    malformed for X-Hub-Signature-256, which makes them useful negative seeds)."""
    seeds = {}
    triples = json.loads((FIXTURES / "signatures.json").read_text())
    for index, triple in enumerate(triples):
        body = (FIXTURES / triple["file"]).read_bytes()
        name = f"{index:02d}-{triple['algorithm']}-{seed_name(triple['file'])}"
        seeds[name] = triple["value"].encode() + b"\n" + body
    return seeds


def handler_seeds():
    """Signed deliveries of real payloads (event from the fixture's directory), as JSON and as
    forms, plus one per way the signature can be wrong."""
    seeds = {}
    for relative in HANDLER_FIXTURES:
        event = relative.split("/")[1]
        body = (FIXTURES / relative).read_bytes()
        delivery = hashlib.sha1(relative.encode()).hexdigest()
        seeds[seed_name(relative)] = f"{event}\n{JSON}\n\n{delivery}\n".encode() + body
    for relative in FORM_FIXTURES:
        event = relative.split("/")[1]
        body = form_body((FIXTURES / relative).read_bytes())
        seeds["form-" + seed_name(relative)] = f"{event}\n{FORM}\n\nform\n".encode() + body
    push = (FIXTURES / "github/push/octokit-new-branch.json").read_bytes()
    seeds["signed-by-other-secret"] = f"push\n{JSON}\n2\nd2\n".encode() + push
    seeds["unsigned"] = f"push\n{JSON}\n-\nd3\n".encode() + push  # no signature header
    for forge, event, relative in FORGE_FIXTURES:
        body = (FIXTURES / relative).read_bytes()
        proof = "2" if forge == "gitlab" else ""
        seeds[f"{forge}-{seed_name(relative)}"] = \
            f"{forge}:{event}\n{JSON}\n{proof}\n{forge}-delivery\n".encode() + body
    gitlab = (FIXTURES / "gitlab/push/woodpecker-push.json").read_bytes()
    # A GitLab token equal to a GitHub target's secret: must never deploy anything.
    seeds["gitlab-token-of-github-target"] = f"gitlab:Push Hook\n{JSON}\n\nd6\n".encode() + gitlab
    mac = hmac.new(SECRET.encode(), push, hashlib.sha256).hexdigest()
    seeds["uppercase-hex"] = f"push\n{JSON}\nsha256={mac.upper()}\nd4\n".encode() + push
    seeds["sha1-prefix"] = f"push\n{JSON}\nsha1={mac[:40]}\nd5\n".encode() + push  # legacy form
    return seeds


def event_seeds():
    """Every forge's real deliveries as forge, event and body lines, plus GitHub's pushes."""
    seeds = {f"{forge}-{event.replace(' ', '-').replace(':', '-')}-{seed_name(relative)}":
             f"{forge}\n{event}\n".encode() + (FIXTURES / relative).read_bytes()
             for forge, event, relative in FORGE_FIXTURES}
    for relative in HANDLER_FIXTURES:
        seeds["github-" + seed_name(relative)] = \
            f"github\n{relative.split('/')[1]}\n".encode() + (FIXTURES / relative).read_bytes()
    return seeds


def config_seeds():
    """deployhook.toml files: SPEC's full example, the smallest valid one, and typical mistakes."""
    target = ('[[target]]\nname = "app"\nrepository = "octo/app"\nbranch = "main"\n'
              'project_dir = "/srv/app"\n')
    full = (
        'listen = "unix:/run/deployhook/deployhook.sock"\nsocket_mode = "0660"\n'
        'socket_group = "www-data"\nstate_dir = "/var/lib/deployhook"\nsecret_file = "secret"\n'
        "max_body_bytes = 26214400\nthreads = 4\n\n"
        '[[target]]\nname = "nixfleet"\nrepository = "markus-barta/nixfleet"\nbranch = "master"\n'
        'project_dir = "/home/ops/docker"\nservices = ["nixfleet"]\ncompose = ["docker", "compose"]\n'
        "compose_files = []\npull_timeout = 600\nup_timeout = 300\nhealth_timeout = 120\n"
        'rollback = true\nsecret_file = "secret"\n'
    )
    seeds = {
        "spec-example.toml": full,
        "minimal.toml": target,
        "tcp-listen.toml": 'listen = "127.0.0.1:9000"\n' + target,
        "two-targets.toml": target + target.replace('"app"', '"site"'),
        "duplicate-name.toml": target + target,  # the same target name twice
        "unknown-key.toml": target + "branches = [\"main\"]\n",  # typo of branch
        "wrong-type.toml": target.replace('branch = "main"', "branch = 1"),  # not a string
        "no-secret.toml": "#noenv\n" + target,  # neither secret_file nor WEBHOOK_SECRET
        "empty-secret.toml": 'secret_file = "empty-secret"\n' + target,  # the file is empty
        "bad-name.toml": target.replace('"app"', '"App!"'),  # outside [a-z0-9_-]
        "bad-mode.toml": 'socket_mode = "0999"\n' + target,  # not octal
        "no-targets.toml": 'state_dir = "/tmp"\n',  # no [[target]]
        "broken-toml.toml": target + "[[target\n",  # unterminated table header
        "forges.toml": target.replace('"main"\n', '"main"\nforge = "gitlab"\n') +
        target.replace('"app"', '"built"').replace('"main"\n', '"main"\ntrigger = "workflow_run"\n'
                                                   'workflow = "ci"\n'),
        "bad-forge.toml": target + 'forge = "gitlab.com"\n',  # not a forge name
        "trigger-for-gitea.toml": target + 'forge = "gitea"\ntrigger = "package"\n',  # GitHub only
    }
    return {name: text.encode() for name, text in seeds.items()}


def write(target, seeds):
    """Replace corpus/<target>/ with the seeds."""
    directory = CORPUS / target
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    for name, data in seeds.items():
        (directory / name).write_bytes(data)


def main():
    payloads = {seed_name(r): (FIXTURES / r).read_bytes() for r in json_fixtures()}
    write("request_head", request_head_seeds({n: len(b) for n, b in payloads.items()
                                               if n.startswith("github-push")}))
    write("signature", signature_seeds())
    write("form", {"form-" + seed_name(r): form_body((FIXTURES / r).read_bytes())
                   for r in FORM_FIXTURES})
    write("payload", payloads)
    write("event", event_seeds())
    write("handler", handler_seeds())
    write("config", config_seeds())


if __name__ == "__main__":
    main()
