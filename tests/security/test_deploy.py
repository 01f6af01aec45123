"""`manage.py check --deploy` with the production environment CI uses reports nothing."""

import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.config import database

PROD_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "kindred.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://kindred.example.org",
    "SITE_URL": "https://kindred.example.org",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def test_check_deploy_reports_nothing_with_production_settings():
    import os

    # DJANGO_ALLOW_ASYNC_UNSAFE is the browser tests' own switch, never set in production.
    dropped = ("SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PROD_ENV, SECRET_KEY=secrets.token_urlsafe(48), DJANGO_SETTINGS_MODULE="config.settings")
    env["DATABASE_URL"] = database.url(connection.settings_dict)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_when_no_database_server_is_named(settings):
    from django.core.checks import run_checks

    settings.DATABASE_IS_EMBEDDED = True
    warnings = [m for m in run_checks(include_deployment_checks=True) if m.id == "kindred.W001"]
    assert len(warnings) == 1
    assert "DATABASE_URL" in warnings[0].msg
    settings.DATABASE_IS_EMBEDDED = False
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "kindred.W001"]
