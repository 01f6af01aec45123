"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Each value can be overridden from the environment so one file serves every machine size.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, one request at a time each: with two threads per worker a request
# back from PostgreSQL waits for the other thread to let go of the GIL, which only adds latency.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# The application is imported once, by the master, and every worker starts as a copy of it, so a
# worker recycled by max_requests costs a fork rather than a second of CPU importing Django under
# load. The import opens no connection, so none is shared.
# A deploy restarts gunicorn (a reload signal would keep the old code).
preload_app = True
# Recycle workers now and then so a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10000))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Only the local TLS proxy may tell us the client's scheme and address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# A load balancer's health check must not queue behind requests: when the database restarts, every
# request thread waits in the pool for it, and /healthz on `bind` would answer 200 once it is back.
# GUNICORN_HEALTH_BIND (e.g. 127.0.0.1:8001) answers GET /healthz from a thread of the master
# process, which serves no requests. Off when empty.
health_bind = os.environ.get("GUNICORN_HEALTH_BIND", "")


def _warm_up() -> None:
    """Do in the master what Django otherwise does on a worker's first request: import every view
    (the URL map), the cache backend, what sessions, messages and dates load on first use and the
    template context processors, and compile every template, so a new worker's first page costs
    what its later ones do. None of this opens a connection."""
    from pathlib import Path

    from django.conf import settings
    from django.core.cache import caches
    from django.template import engines
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils.formats import get_format
    from django.utils.module_loading import import_string

    from community.fragments import templates_version

    get_resolver().reverse_dict  # noqa: B018 (imports the URL map and builds its reverse index)
    for alias in settings.CACHES:
        # A backend of its own, left for the collector: the workers' backends connect on first use.
        caches.create_connection(alias)
    for lazily_imported in (settings.SESSION_SERIALIZER, settings.MESSAGE_STORAGE):
        import_string(lazily_imported)
    get_format("DATE_FORMAT")  # imports the locale's formats
    for engine in engines.all():
        engine.engine.template_context_processors  # noqa: B018 (imports and keeps them)
    folder = Path(settings.BASE_DIR) / "templates"
    for path in folder.rglob("*.html"):
        get_template(str(path.relative_to(folder)))
    templates_version()


def when_ready(server):
    _warm_up()
    # Everything the master imported lives as long as the workers copied from it. Frozen before they
    # are, the collector never walks it: walking it would slow every full collection and copy every
    # page a worker shares with the master.
    gc.collect()
    gc.freeze()
    if not health_bind:
        return
    # Each check opens and closes its own database connection: the master keeps none for its
    # workers to inherit.
    from config.health import serve_in_background

    serve_in_background(health_bind)
    server.log.info("Health checks answered at http://%s/healthz", health_bind)


def post_worker_init(worker):
    # The pool's own threads open its first connections while the worker waits for its first
    # request, instead of that request waiting for them. Nothing waits here: with the database
    # down, the worker starts all the same and the pool keeps trying.
    from django.db import connections

    for alias in connections:
        if pool := getattr(connections[alias], "pool", None):
            pool.open(wait=False)
    # And what the worker itself set up (the URL map, templates) lives as long as the worker.
    gc.collect()
    gc.freeze()
