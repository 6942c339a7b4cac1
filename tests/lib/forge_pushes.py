"""One real push of each forge (tests/fixtures), the target it deploys and the commit it aims
at: shared by the integration suite (over FastCGI) and the front-door suite (through nginx and
Caddy)."""

# forge: (target name, fixture, repository, branch, the commit it pushes)
FORGE_PUSHES = {
    "github": ("gh", "github/push/woodpecker-push.json", "woodpecker-ci/woodpecker", "main",
               "366701fde727cb7a9e7f21eb88264f59f6f9b89c"),
    "gitea": ("gitea", "gitea/push/goplayground-push.json", "example/example", "master",
              "67b56589a45103f891bdee7c0546e5d40bc02001"),
    "forgejo": ("forgejo", "forgejo/push/forgejo-docs-example.json", "forgejo/webhooks", "develop",
                "bffeb74224043ba2feb48d137756c8a9331c449a"),
    "gogs": ("gogs", "gogs/push/gogs-issue-4233-signed.json", "Treeminder/portal", "master",
             "68885af8c4e894ea05889e854486f022b6cb3fb2"),
    "gitlab": ("gitlab", "gitlab/push/gogitlab-push.json", "mike/diaspora", "master",
               "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"),
    "bitbucket": ("bitbucket", "bitbucket/push/goplayground-repo-push.json", "team_name/repo_name",
                  "name-of-branch", "709d658dc5b6d6afcd46049c2f332ee3f515a67d"),
}


def forge_targets(**options):
    """Return one [[target]] table per forge of FORGE_PUSHES (plus options), as
    worker.target() builds them."""
    from worker import target
    return [target(name, repository, branch, forge=forge, **options)
            for forge, (name, _, repository, branch, _) in FORGE_PUSHES.items()]
