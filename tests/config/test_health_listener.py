"""gunicorn's health listener (config/gunicorn.py, GUNICORN_HEALTH_BIND) against a real gunicorn."""

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


def test_the_health_listener_reports_a_database_outage_while_every_request_thread_is_busy():
    web_port, health_port, closed_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Nothing listens there: the database is down.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port}/kindred",
        "CACHE_URL": "locmemcache://health",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "GUNICORN_HEALTH_BIND": f"127.0.0.1:{health_port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }
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
