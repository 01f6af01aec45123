"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Each value can be overridden from the environment so one file serves every machine size.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core plus one, one request at a time each. With two threads per worker a request
# back from PostgreSQL waited for the other thread to let go of the GIL: at 10 concurrent members
# the feed's 99th percentile was 273 ms with two threads and 96 ms with one, at the same throughput
# (bench/RESULTS.md).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows into an outage; not so often that
# re-importing Django (a second of CPU) shows in the load benchmark: at 2,000 it did 23 times in 3 minutes.
max_requests = 10000
max_requests_jitter = 1000
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


def when_ready(server):
    if not health_bind:
        return
    # Settings only, no django.setup(): the master must not open connections its workers inherit;
    # each check opens and closes its own database connection.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.health import serve_in_background

    serve_in_background(health_bind)
    server.log.info("Health checks answered at http://%s/healthz", health_bind)


def post_worker_init(worker):
    # What a worker imported at start-up (Django, the URL map, templates: 140,000 objects) lives as long
    # as the worker. Frozen, the collector stops walking it: a full collection on the busiest question
    # took 90 ms and now takes under 20 (bench/RESULTS.md).
    gc.collect()
    gc.freeze()
