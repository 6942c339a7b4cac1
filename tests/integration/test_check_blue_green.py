"""check-config on a blue-green target: it prints the slots and the front door, and refuses a
reload that is not an executable file and a compose file whose services cannot run in both
slots (a container_name, a host port that is not the slot's), naming the service and key.

The compose command here is a script that prints what `docker-compose config` printed for such
a file (captured from compose 1.29), with the slot's port it was given; the parser is unit-tested
on both generations' output (tests/test_slot_conflicts.cpp). With docker-compose installed, one
test also runs the real `config` on a real file."""

import shutil

import pytest

from integration_support import run_cli

SECRET = "blue-green-check-secret-4d1e"
CONFLICTING = """services:
  app:
    container_name: shop
    image: x/app:latest
    ports:
    - 127.0.0.1:8080:80/tcp
    - published: ${DEPLOYHOOK_PORT}
      target: 81
version: '2.4'
"""


def write_config(directory, reload, compose):
    """Write deployhook.toml with one blue-green target; return its path."""
    (directory / "secret").write_text(SECRET + "\n")
    (directory / "secret").chmod(0o600)
    (directory / "project").mkdir(exist_ok=True)
    lines = [
        'secret_file = "secret"', "", "[[target]]", 'name = "shop"', 'repository = "octo/shop"',
        'branch = "main"', 'project_dir = "project"', f"compose = {compose}",
        'strategy = "blue-green"', 'slots = ["127.0.0.1:8081", "127.0.0.1:8082"]',
        'upstream_file = "upstream.conf"', f"reload = {reload}",
    ]
    path = directory / "deployhook.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def fake_compose(directory, printed):
    """Write a compose command whose `config` prints printed (DEPLOYHOOK_PORT filled in)."""
    script = directory / "fake-compose"
    script.write_text("#!/bin/sh\n"
                      'if [ "$1" = version ]; then echo "docker-compose version 1.29.2"; exit 0; fi\n'
                      f"cat <<EOF\n{printed}EOF\n")
    script.chmod(0o755)
    return f'["{script}"]'


def test_prints_the_slots_and_accepts_a_file_both_slots_can_run(tmp_path):
    compose = fake_compose(tmp_path, "services:\n  app:\n    image: x/app\n    network_mode: host\n")
    done = run_cli("check-config", "--config", str(write_config(tmp_path, '["/bin/true"]', compose)))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "strategy: blue-green" in out
    assert f"slots: blue 127.0.0.1:8081, green 127.0.0.1:8082; upstream_file {tmp_path / 'upstream.conf'}" in out


def test_refuses_a_reload_that_is_not_executable(tmp_path):
    compose = fake_compose(tmp_path, "services:\n  app:\n    image: x/app\n")
    done = run_cli("check-config", "--config",
                   str(write_config(tmp_path, '["/usr/sbin/no-such-nginx", "-s", "reload"]', compose)))
    assert done.returncode == 1
    assert "error: target shop: reload: /usr/sbin/no-such-nginx is not an executable file" in \
        done.stderr.decode()


def test_refuses_a_container_name_and_a_fixed_port_naming_service_and_key(tmp_path):
    compose = fake_compose(tmp_path, CONFLICTING)
    done = run_cli("check-config", "--config", str(write_config(tmp_path, '["/bin/true"]', compose)))
    assert done.returncode == 1
    errors = done.stderr.decode().splitlines()
    assert errors == [
        "error: target shop: service app: container_name shop: two slots cannot both have it",
        "error: target shop: service app: ports: host port 8080 is not the slot's; publish "
        "${DEPLOYHOOK_PORT} (two slots cannot both have it)"], errors


def test_the_real_docker_compose_config_is_read(tmp_path):
    if not shutil.which("docker-compose"):
        pytest.skip("docker-compose is not installed")
    write_config(tmp_path, '["/bin/true"]', '["docker-compose"]')
    (tmp_path / "project" / "docker-compose.yml").write_text(
        'version: "2.4"\nservices:\n  app:\n    image: x/app\n    ports:\n'
        '      - "127.0.0.1:${DEPLOYHOOK_PORT}:80"\n      - "9090:81"\n')
    done = run_cli("check-config", "--config", str(tmp_path / "deployhook.toml"))
    assert done.returncode == 1, done.stdout
    assert done.stderr.decode().splitlines() == [
        "error: target shop: service app: ports: host port 9090 is not the slot's; publish "
        "${DEPLOYHOOK_PORT} (two slots cannot both have it)"]
