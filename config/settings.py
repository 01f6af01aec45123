"""Kindred settings: one module, every deployment difference comes from the environment.

See README.md and .env.example for each variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local, git-ignored .env (written by `make run`: DEBUG=true) lets manage.py run on a developer's
# machine without exporting anything. Real environment variables always win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable while DEBUG is on; production must say its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random SECRET_KEY "
            "in the environment; for local work set DEBUG=true."
        )
    SECRET_KEY = "django-insecure-local-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Kindred")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "core",
    "accounts",
    "articles",
    "trials",
    "community",
    "messaging",
    "memorials",
    "insights",
    "demo",  # seed_demo and seed_scale only: production may leave it out.
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.BannedMemberMiddleware",
    "config.middleware.PrivacyHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
                "accounts.context_processors.notifications",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

# PostgreSQL everywhere. DATABASE_URL names the server (production, CI, your own); without it a
# private PostgreSQL in .pgdata/ is started for this project (config/embedded_db.py).
# A production machine that lost its DATABASE_URL would quietly start an empty private server:
# `check --deploy` says so (core/checks.py).
DATABASE_IS_EMBEDDED = not env.str("DATABASE_URL", default="")
if not DATABASE_IS_EMBEDDED:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from config import embedded_db

    DATABASES = {"default": embedded_db.database()}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Kindred runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")

from psycopg_pool import ConnectionPool  # noqa: E402

# A pool survives a database restart: broken connections are checked and replaced,
# so only the requests in flight at that moment fail.
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env.int("DATABASE_POOL_MIN", default=2),
    "max_size": env.int("DATABASE_POOL_MAX", default=10),
    "timeout": 10,
    "check": ConnectionPool.check_connection,
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters go to PostgreSQL apart from the statement, and a statement a connection has run
    # twice is kept prepared, plan included, so the busiest pages are not planned afresh each time.
    # Turn off behind a pooler in transaction mode, which cannot keep a connection's prepared
    # statements (PgBouncer before 1.21).
    DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Email is unique case-insensitively through a Lower("email") constraint, which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://kindred")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down must not take the site down: config/cache.py degrades to "no cache", and short
    # timeouts keep a Redis that hangs from holding every request for redis-py's 5 s.
    CACHES["default"]["BACKEND"] = "config.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=0.5, socket_timeout=1)
# Sessions read from the cache (Redis in production) and survive a cache flush through the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Visitor pages (home, articles, question lists, hubs) are kept whole in the cache this long;
# article changes and article comments invalidate them sooner (core/page_cache.py). 0 turns it off.
VISITOR_PAGE_CACHE_SECONDS = env.int("VISITOR_PAGE_CACHE_SECONDS", default=60)
# Adds /bench/floor/, the bare page bench/load.py measures every other page against.
BENCHMARK_FLOOR = env.bool("BENCHMARK_FLOOR", default=False)

AUTHENTICATION_BACKENDS = [
    "accounts.backends.MemberBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django 7 links bare "www." addresses with https; take that behaviour now.
URLIZE_ASSUME_HTTPS = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# Kindred is written in English only and has no translations. With the translation machinery off,
# "3 days ago", month names and plurals come straight from their English source text, word for word
# the same as Django's en_GB catalogue, without a catalogue lookup for each of them.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Vendor assets come from npm at install time (`npm ci`), never from a CDN or a committed copy.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Only the stylesheets: the site uses no Bootstrap JavaScript (pages work without scripts).
    ("vendor/bootstrap/css", BASE_DIR / "node_modules" / "bootstrap" / "dist" / "css"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With more than one web machine, uploads go to one S3-compatible bucket (django-storages) instead
# of MEDIA_ROOT. boto3 reads the credentials itself: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,
# or the machine's role.
MEDIA_BUCKET = env.str("MEDIA_BUCKET", default="")
if MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "config.storage.MediaBucketStorage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "endpoint_url": env.str("MEDIA_BUCKET_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_BUCKET_REGION", default="") or None,
            "file_overwrite": False,
        },
    }
if DEBUG:
    # Development serves straight from the source folders, so no collectstatic is needed.
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# Mail goes only through Django 6.1's MAILERS: the old EMAIL_* settings must not be defined.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_mailer_options = {
    key: _email[name]
    for key, name in [
        ("host", "EMAIL_HOST"),
        ("port", "EMAIL_PORT"),
        ("username", "EMAIL_HOST_USER"),
        ("password", "EMAIL_HOST_PASSWORD"),
        ("use_tls", "EMAIL_USE_TLS"),
        ("use_ssl", "EMAIL_USE_SSL"),
    ]
    if _email.get(name) not in (None, "")
}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"]}}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {**_mailer_options, "timeout": 10}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <hello@kindred.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (django.tasks). Development and tests run tasks inline as they are enqueued;
# production sets TASKS_BACKEND=database and runs `python manage.py db_worker` processes.
# django_tasks_db stays installed either way so its tables exist before the switch.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}}
else:
    raise ImproperlyConfigured('TASKS_BACKEND must be "immediate" or "database".')

# Email to members: digests skip members not seen for this long; a temporary failure is retried
# with doubling delays from DIGEST_RETRY_BASE_MINUTES, DIGEST_MAX_ATTEMPTS times in all.
DIGEST_INACTIVE_DAYS = env.int("DIGEST_INACTIVE_DAYS", default=180)
DIGEST_BATCH_SIZE = env.int("DIGEST_BATCH_SIZE", default=200)
DIGEST_RETRY_BASE_MINUTES = 15
DIGEST_MAX_ATTEMPTS = 6
NOTIFICATION_EMAIL_INTERVAL_MINUTES = 60

# Security. Production values are the defaults; DEBUG relaxes only what breaks plain HTTP locally.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Trust X-Forwarded-Proto only when a TLS proxy in front of us is known to set it.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: join with a display name and an email; a password is optional and
# members without one log in with a code sent by email.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_FORMS = {"signup": "accounts.forms.MemberSignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_HONEYPOT_FIELD = "website"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Ours, read through allauth's limiter so it counts the same client address (accounts/views.py).
    "subscribe": "10/h/ip",
}
# Behind a proxy every request comes from the proxy's address, so per-address limits would count all
# members as one. Anyone can send X-Forwarded-For, so it is read only when the operator says how many
# proxies of theirs add to it (or names the header their proxy sets to the client's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Members see where they are logged in and can end those sessions (/accounts/sessions/). Activity
# tracking stays off: it would write to the database on a member's requests now and then.
USERSESSIONS_TRACK_ACTIVITY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# A sign-up form sent back faster than this is a bot's: it gets a normal-looking answer, no account.
SIGNUP_MIN_FILL_SECONDS = env.int("SIGNUP_MIN_FILL_SECONDS", default=3)

# Consent to storing health details: the privacy policy version a member agrees to. Change it when
# the policy's health-data terms change (HealthDataConsent rows keep the version each member agreed to).
HEALTH_CONSENT_POLICY_VERSION = env.str("HEALTH_CONSENT_POLICY_VERSION", default="2026-11")
# "Download my data": how long the emailed one-time link works.
DATA_EXPORT_LINK_HOURS = 24

# No uploaded picture may declare more pixels than this (decompression bombs), whatever its file size.
PICTURE_MAX_TOTAL_PIXELS = 40_000_000

# Avatars: what the profile form accepts.
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 6000
AVATAR_SIZE = 512

ADMINS = env.list("ADMINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Posting limits (community/services.py). A member counts as new for NEW_MEMBER_DAYS after joining.
POSTING_MIN_INTERVAL_SECONDS = env.int("POSTING_MIN_INTERVAL_SECONDS", default=15)
NEW_MEMBER_DAYS = 7
DAILY_LIMITS_NEW_MEMBER = {"question": 10, "comment": 50, "update": 20, "answer": 50}
DAILY_LIMITS_MEMBER = {"question": 30, "comment": 300, "update": 100, "answer": 300}
# Moderation (community/moderation/).
PREMODERATION_FIRST_POSTS = env.int("PREMODERATION_FIRST_POSTS", default=2)
REPORT_HIDE_THRESHOLD = env.int("REPORT_HIDE_THRESHOLD", default=3)
REPORTS_PER_DAY = 20
# How often an open conversation asks whether anything new arrived (messaging/live.py).
MESSAGING_CHECK_SECONDS = 15
NEW_MEMBER_MAX_LINKS = 2
LINK_HOST_SPREAD_LIMIT = 3
DUPLICATE_WINDOW_SECONDS = 300
# Words that suggest a member may be thinking of harming themselves. The post stays up; the author
# is offered help at once and the post goes to the top of the queue.
CRISIS_PHRASES = [
    "kill myself",
    "end my life",
    "ending my life",
    "suicide",
    "suicidal",
    "want to die",
    "don't want to be here",
    "do not want to be here",
    "better off without me",
    "no reason to live",
    "hurt myself",
    "self harm",
    "self-harm",
]
UPDATE_PICTURE_MAX_BYTES = 10 * 1024 * 1024
UPDATE_PICTURE_MAX_PIXELS = 12000
UPDATE_PICTURE_SIZE = 1600

# Source maps are for developers' tools only; compressing them would slow every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
