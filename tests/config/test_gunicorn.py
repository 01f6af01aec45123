"""config/gunicorn.py against a real gunicorn: the application is imported once, by the master, and
recycled workers are copies of it that serve as the first ones did."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.config.test_health_listener import _free_port, _wait_until_listening

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)


def _connections_to_the_test_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts connections in pg_stat_activity")
def test_recycled_workers_are_copies_of_a_master_that_holds_no_connection():
    port = _free_port()
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DATABASE_POOL_MIN": "0",
        "CACHE_URL": "locmemcache://gunicorn-test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        # Each worker is replaced after three requests.
        "GUNICORN_MAX_REQUESTS": "3",
    }
    before = _connections_to_the_test_database()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603
        [gunicorn, "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_listening(port, server)
        # The master imported the application (and with it the database driver's library)...
        assert "psycopg" in Path(f"/proc/{server.pid}/maps").read_text()
        # ...without opening a connection its workers could inherit.
        assert _connections_to_the_test_database() == before
        for _ in range(12):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                assert response.status == 200
                assert b'"database": "ok"' in response.read()
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert log.count("Autorestarting worker") >= 2
