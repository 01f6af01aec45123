"""config/gunicorn.py against a real gunicorn: the application is imported once, by the master,
and recycled workers are copies of it; the health listener (GUNICORN_HEALTH_BIND) answers while every
request thread is busy."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.config.database import url as database_url

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, timeout: float) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _wait_until_listening(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing listened on {port}")


def _start_gunicorn(**environment: str) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(  # noqa: S603
        [gunicorn, "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_the_health_listener_reports_a_database_outage_while_every_request_thread_is_busy():
    web_port, health_port, closed_port = _free_port(), _free_port(), _free_port()
    server = _start_gunicorn(
        # Nothing listens there: the database is down.
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/kindred",
        CACHE_URL="locmemcache://health",
        GUNICORN_BIND=f"127.0.0.1:{web_port}",
        GUNICORN_HEALTH_BIND=f"127.0.0.1:{health_port}",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="1",
    )
    try:
        _wait_until_listening(web_port, server)
        _wait_until_listening(health_port, server)
        # The worker's only thread reads a request that never ends, as it would wait in the pool
        # for a database that is restarting.
        with socket.create_connection(("127.0.0.1", web_port)) as stuck:
            stuck.sendall(b"GET /questions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            time.sleep(0.3)
            with pytest.raises(OSError):
                _get(web_port, timeout=1)
            assert _get(health_port, timeout=5) == (503, {"database": "unavailable", "cache": "ok"})
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connections_to_the_test_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_recycled_workers_are_copies_of_a_master_that_holds_no_connection():
    port = _free_port()
    database = settings.DATABASES["default"]
    before = _connections_to_the_test_database()
    server = _start_gunicorn(
        DATABASE_URL=database_url(database),
        DATABASE_POOL_MIN="0",
        CACHE_URL="locmemcache://gunicorn-test",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        # Each worker is replaced after three requests.
        GUNICORN_MAX_REQUESTS="3",
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


FIRST_REQUESTS = """
import sys
from wsgiref.util import setup_testing_defaults

from config import gunicorn
from config.wsgi import application

gunicorn._warm_up()
before = set(sys.modules)
for path in ("/healthz", "/", "/no-such-page/"):
    environ = {}
    setup_testing_defaults(environ)
    environ["PATH_INFO"] = path
    b"".join(application(environ, lambda status, headers, exc_info=None: print(path, status)))
# Python's own codecs for host names, imported on a first connection, are a few milliseconds.
print(sorted(name for name in set(sys.modules) - before if not name.startswith(("encodings.", "stringprep"))))
"""


@pytest.mark.django_db
def test_a_new_workers_first_requests_import_nothing_the_master_could_have(redis_url):
    """Each worker gunicorn starts or recycles is a copy of the master after `when_ready`. What its
    first request imports, every new worker imports again while members wait: the Redis client
    alone made that request 300-500 ms under load."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FIRST_REQUESTS],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "CACHE_URL": redis_url,
            "ALLOWED_HOSTS": "127.0.0.1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert lines[:3] == ["/healthz 200 OK", "/ 200 OK", "/no-such-page/ 404 Not Found"], result.stderr
    assert lines[3] == "[]"
