"""check-config on a target whose compose files come from its repository: it says where from,
how it gets in (never the token itself) and what it does with images, polls and .age files; a
URL with a password in it is refused, naming the line and the key to use instead."""

from integration_support import run_cli

TOKEN = "source-token-5b8e0c71"


def write_config(directory, source, extra=()):
    """Write deployhook.toml with one target whose source is `source`; return its path."""
    (directory / "secret").write_text("source-check-secret\n")
    (directory / "secret").chmod(0o600)
    (directory / "token").write_text(TOKEN + "\n")
    (directory / "token").chmod(0o600)
    lines = ['secret_file = "secret"', "", "[[target]]", 'name = "shop"', 'repository = "acme/shop"',
             'branch = "main"', f'source = "{source}"', 'source_path = "deploy"',
             'source_token_file = "token"', *extra]
    path = directory / "deployhook.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_prints_where_the_compose_files_come_from(tmp_path):
    config = write_config(tmp_path, "https://git.example.com/acme/shop.git",
                          ["poll = 60", "build = true", 'age_identity_file = "age.key"', 'project_name = "shop-prod"'])
    done = run_cli("check-config", "--config", str(config))
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "target shop: acme/shop branch main in the commit's checkout" in out
    assert "source: https://git.example.com/acme/shop.git, folder deploy, project shop-prod" in out
    assert "access: token (HTTP Authorization header)" in out
    assert "images: built from the checkout; poll: every 60 s; .age files: decrypted with" in out
    assert TOKEN not in out + done.stderr.decode()


def test_refuses_a_password_in_the_url(tmp_path):
    config = write_config(tmp_path, "https://deploy:hunter22@git.example.com/acme/shop.git")
    done = run_cli("check-config", "--config", str(config))
    assert done.returncode != 0
    assert f"{config}:7: target[0].source: holds a password: put the token in source_token_file" \
        in done.stderr.decode()
