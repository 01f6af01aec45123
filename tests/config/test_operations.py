import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.config.database import url as database_url

ROOT = Path(settings.BASE_DIR)

pytestmark = pytest.mark.django_db


def run_django(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in env_overrides or env_overrides[k] is not None}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_healthz_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_503_when_the_database_does_not_answer(tmp_path):
    # A real unreachable database: a Unix socket folder where no PostgreSQL listens.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = run_django(code, DATABASE_URL=f"postgresql://postgres@/kindred?host={tmp_path}")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 503,
        "body": {"database": "unavailable", "cache": "ok"},
    }


def test_healthz_says_503_at_once_when_postgresql_refuses_connections():
    # Requests wait for the pool to reconnect; the health check must not, or a load balancer
    # would never see the outage.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = run_django(code, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/kindred")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "status": 503,
        "body": {"database": "unavailable", "cache": "ok"},
    }
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("import django; django.setup()", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    result = run_django("import django; django.setup(); print('started')", DEBUG="true", SECRET_KEY="")
    assert result.returncode == 0, result.stderr


def test_mail_is_configured_only_through_mailers():
    code = "import django, json; django.setup(); from django.conf import settings;print(json.dumps(settings.MAILERS))"
    result = run_django(code, EMAIL_URL="smtp+tls://user:pw@mail.example.org:587")
    assert result.returncode == 0, result.stderr
    mailer = json.loads(result.stdout.strip().splitlines()[-1])["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"]["host"] == "mail.example.org"
    assert mailer["OPTIONS"]["port"] == 587
    assert mailer["OPTIONS"]["use_tls"] is True


def test_the_404_page_is_in_the_site_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page
    assert "Skip to main content" in page


def test_the_500_page_shows_no_stack_trace(settings):
    settings.ROOT_URLCONF = "tests.config.urls_with_failure"
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page


def test_the_403_page_is_in_the_site_style(settings, client):
    settings.ROOT_URLCONF = "tests.config.urls_with_failure"
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()


def test_an_expired_form_explains_what_to_do():
    # A POST without a CSRF token: typically a form left open for hours.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_the_400_page_is_in_the_site_style(client):
    response = client.get("/", headers={"host": "evil.example.org"})
    assert response.status_code == 400
    assert "did not make sense" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/about/", "/guidelines/", "/privacy/", "/terms/"])
def test_public_pages_are_real_pages_with_the_medical_disclaimer(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kindred is not medical advice." in page
    assert "<main" in page and 'aria-label="Main"' in page


def test_a_database_restart_costs_no_more_than_the_requests_in_flight():
    url = database_url(connection.settings_dict)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        this_test_pid = cursor.fetchone()[0]
    # A real WSGI handler (the test Client keeps connections open between requests): one request,
    # then every server connection of that process is killed, as a restart would, then the next.
    code = """
import os
import django; django.setup()
import psycopg
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory

app = get_wsgi_application()

def get(path):
    status = []
    body = app(RequestFactory().get(path).environ, lambda s, h: status.append(s))
    b"".join(body)
    body.close()
    return status[0].split()[0]

first = get("/healthz")
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as killer:
    killer.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
        [int(os.environ["SPARE_PID"])],
    )
print(first, get("/healthz"), get("/"))
"""
    result = run_django(code, DATABASE_URL=url, ALLOWED_HOSTS="testserver", SPARE_PID=str(this_test_pid))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["200", "200", "200"]


def test_a_redis_cache_url_gives_a_shared_cache_for_sessions_and_rate_limits(redis_url):
    code = (
        "import django, uuid; django.setup();"
        "from django.conf import settings; from django.core.cache import cache;"
        "key = uuid.uuid4().hex; cache.set(key, 'shared', 30);"
        "print(settings.CACHES['default']['BACKEND'], cache.get(key), settings.SESSION_ENGINE)"
    )
    result = run_django(code, CACHE_URL=redis_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "config.cache.ResilientRedisCache",
        "shared",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_the_benchmark_floor_exists_only_when_asked_for(client, settings, django_assert_num_queries):
    assert client.get(reverse("benchmark_floor")).status_code == 404
    settings.BENCHMARK_FLOOR = True
    with django_assert_num_queries(0):
        response = client.get(reverse("benchmark_floor"))
    assert response.status_code == 200
    assert "Floor" in response.content.decode()


def test_a_media_bucket_switches_uploads_to_s3_and_keeps_their_addresses_on_the_site():
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings; from django.core.files.storage import storages;"
        "from storages.backends.s3 import S3Storage; media = storages['default'];"
        "print(json.dumps({'backend': settings.STORAGES['default']['BACKEND'], 's3': isinstance(media, S3Storage),"
        " 'bucket': media.bucket_name, 'endpoint': media.endpoint_url, 'url': media.url('updates/a b.webp')}))"
    )
    result = run_django(
        code,
        MEDIA_BUCKET="kindred-media",
        MEDIA_BUCKET_ENDPOINT_URL="https://objects.example.org",
        AWS_ACCESS_KEY_ID="test-key",
        AWS_SECRET_ACCESS_KEY="test-secret",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "backend": "config.storage.MediaBucketStorage",
        "s3": True,
        "bucket": "kindred-media",
        "endpoint": "https://objects.example.org",
        # Served by the site's own media view, after its member check: the bucket stays private.
        "url": "/media/updates/a%20b.webp",
    }


def test_without_a_media_bucket_uploads_stay_in_the_media_folder():
    code = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default'])"
    result = run_django(code, MEDIA_BUCKET=None)
    assert result.returncode == 0, result.stderr
    assert "django.core.files.storage.FileSystemStorage" in result.stdout
