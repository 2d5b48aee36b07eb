"""Production settings pass Django's deploy checks with the environment a deployment sets."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key] = shlex.split(value)[0] if value else ""  # quoted so a shell can source it
    return values


def test_env_example_is_readable_by_a_shell_as_by_compose():
    script = "set -a; . ./.env.example; set +a; env"
    result = subprocess.run(["sh", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30,
                            env={"PATH": os.environ.get("PATH", "")})
    assert result.returncode == 0, result.stderr
    shell = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert {k: shell.get(k) for k in _env_example()} == _env_example()


def test_check_deploy_passes_with_the_documented_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"))}
    env.update(_env_example())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({k: v for k, v in _env_example().items() if k != "DJANGO_SECRET_KEY"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_compose_runs_every_service_with_the_same_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(services)
    assert "gunicorn config.wsgi" in services["web"]["command"]
    assert "celery -A config worker" in services["worker"]["command"]
    assert "django_celery_beat" in services["beat"]["command"]
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env"
    env = _env_example()
    assert env["DATABASE_URL"].split("@")[1].startswith("db:")
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["EMAIL_URL"].startswith("smtp://mail:")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
