"""The health check a load balancer asks: on the site at /healthz, and on gunicorn's own health
listener (GUNICORN_HEALTH_BIND, config/gunicorn.py), which answers even when every request thread
is busy waiting for the database.

503 only when the database does not answer. An unreachable cache is reported but keeps the answer
200: the site works without Redis (config/cache.py), and a load balancer would otherwise take every
web server out at once.
"""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def report() -> tuple[int, dict[str, str]]:
    status = {"database": "ok", "cache": "ok"}
    try:
        _ask_the_database()
    except Exception as error:
        # No traceback: during an outage the load balancer asks every few seconds.
        logger.error("Health check: the database did not answer (%s)", error)
        status["database"] = "unavailable"
    # A constant value: concurrent checks from several machines cannot make each other fail.
    cache.set("healthz", "ok", 60)
    if cache.get("healthz") != "ok":
        status["cache"] = "unavailable"
    return (200 if status["database"] == "ok" else 503), status


def _ask_the_database() -> None:
    # A new connection rather than one from the pool: a request waits up to the pool's timeout for
    # the database to come back, which would hide an outage from the load balancer.
    with psycopg.connect(**{**connection.get_connection_params(), "connect_timeout": 2}) as database:
        database.execute("SELECT 1")


class _HealthRequest(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.split("?")[0] != "/healthz":
            self.send_error(404)
            return
        status, body = report()
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass


def serve_in_background(bind: str) -> ThreadingHTTPServer:
    """Answer GET /healthz on `host:port` from a thread of this process until it exits."""
    host, _, port = bind.rpartition(":")
    server = ThreadingHTTPServer((host or "127.0.0.1", int(port)), _HealthRequest)
    threading.Thread(target=server.serve_forever, name="health-listener", daemon=True).start()
    return server
