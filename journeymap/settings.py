"""Journeymap settings, driven by environment variables.

Unset variables fail closed: DEBUG is off, so SECRET_KEY and ALLOWED_HOSTS must be given
and the HTTPS settings apply. `make run` sets DEBUG=1 for the local demo, which brings the
laptop defaults (a development key, localhost, a SQLite file in the checkout, the in-memory
channel layer and cache). Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
REDIS_URL; `manage.py check --deploy` then reports nothing.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The test suite and the type checker import these settings without serving anything; they get
# the laptop defaults below (DEBUG itself stays off, as pytest-django wants). pytest-django
# imports the settings before any conftest runs, so the flag cannot come from a fixture: it is
# JOURNEYMAP_TESTING=1 (set by the Makefile and by tests/conftest.py for the servers tests
# start), or else pytest or mypy already being imported, which no served process does.
TESTING = env_bool("JOURNEYMAP_TESTING", "pytest" in sys.modules or "mypy" in sys.modules)
LOCAL_DEFAULTS = DEBUG or TESTING
_DEV_SECRET = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if LOCAL_DEFAULTS else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if LOCAL_DEFAULTS else ""
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    # The admin, behind ADMIN_ENABLED and the sign-in throttle (journeymap/workspaces/admin_site.py)
    "journeymap.workspaces.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    # Before drf_spectacular: its Swagger UI template is overridden there (CSP nonces).
    "journeymap.workspaces",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    # django-health-check: its `manage.py health_check` command (GET /health/ is core/health.py)
    "health_check",
    "personas",
    "journeymap.maps",
    "journeymap.realtime",
    "journeymap.analysis",
    "journeymap.export",
    "journeymap.backup",
    "journeymap.demo",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "journeymap.core.middleware.SharedPageHeaders",
]

ROOT_URLCONF = "journeymap.urls"
ASGI_APPLICATION = "journeymap.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# When an acknowledged edit is on disk. FULL (the default): each commit waits for its fsync, so
# an ack survives a power loss. NORMAL: in WAL mode an ack survives the process being killed
# but not the machine losing power, and the fsync leaves the write path (commit p99 6.7 ms
# with it, 1.3 ms without, on this kind of VM: bench/sqlite_commit.py). PostgreSQL ignores it.
SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper()
if SQLITE_SYNCHRONOUS not in {"FULL", "EXTRA", "NORMAL"}:
    raise ImproperlyConfigured(
        f"SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL, not {SQLITE_SYNCHRONOUS!r}"
    )

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on the busy timeout
    # instead of failing with "database is locked" when they upgrade a read to a write.
    # WAL lets readers run beside the writer and costs ~4 ms per batch against ~9 ms for the
    # rollback journal (measured by bench/ws_fanout.py).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS};",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [FRONTEND_DIST] if FRONTEND_DIST.exists() else []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if LOCAL_DEFAULTS
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = LOCAL_DEFAULTS

LOGIN_URL = "/login/"

# Deleted maps and personas stay in the trash this many days; `manage.py purge_trash` (daily
# cron) then deletes them for good (docs/trash-and-audit.md).
TRASH_RETENTION_DAYS = int(os.environ.get("TRASH_RETENTION_DAYS", "30"))

# Trusted reverse proxies in front of the app. 0 (the default): the client address is
# REMOTE_ADDR and X-Forwarded-For is ignored; N: the Nth address from the right of
# X-Forwarded-For (the one the outermost trusted proxy saw). Used by every throttle.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# Upload limits, in bytes (docs/deploy.md, "Body-size limits"). The proxy in front must
# accept the largest request they allow: UPLOAD_MAX_REQUEST_BYTES (a customer import may send
# both of its files in one request; 1 MB covers the multipart envelope).
EVENT_IMPORT_MAX_BYTES = int(os.environ.get("EVENT_IMPORT_MAX_BYTES", str(512 * 1024 * 1024)))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(512 * 1024 * 1024)))
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
UPLOAD_MAX_REQUEST_BYTES = (
    max(EVENT_IMPORT_MAX_BYTES, 2 * IMPORT_MAX_BYTES, PHOTO_MAX_BYTES) + 1024 * 1024
)

# /metrics (journeymap/core/metrics.py) answers loopback, or this bearer token when set.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

REST_FRAMEWORK = {
    # Token first, so an anonymous caller gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "journeymap.workspaces.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "journeymap.workspaces.api.authentication.ShareLinkAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "journeymap.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["rest_framework.filters.OrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "journeymap.core.api.schema.ErrorDocumentingAutoSchema",
    "EXCEPTION_HANDLER": "journeymap.core.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NUM_PROXIES": NUM_PROXIES,
}

# API tokens (django-rest-knox): only a SHA-512 digest is stored; each token expires; logout
# and a password change revoke them (docs/security.md).
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
KNOX_TOKEN_MODEL = "workspaces.ApiToken"  # noqa: S105 - a model name
# knox's own migrations create its default `knox_authtoken` table even though the token model
# is swapped for ours; that table's foreign key to auth_user then blocks TRUNCATE on
# PostgreSQL (test flushes, `manage.py flush`). With no migrations for knox, Django creates
# tables only for its unswapped models: none.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
}

# Failed sign-ins, counted in the cache (so every process shares them) per username and per
# client address over a window; at the limit, sign-in answers 429 until the window ends.
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))

# The Django admin answers 404 unless this is on; its sign-in uses the same throttle.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", False)

# Workspace invitations: one-time links that expire.
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "7"))

SPECTACULAR_SETTINGS = {
    "TITLE": "Journeymap API",
    "DESCRIPTION": (
        "Personas, segments, features and live-edited customer journey maps. Sign in with "
        "`POST /api/auth/login/` (session, CSRF enforced) or get a token from "
        "`POST /api/auth/token/` and send `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files (drf-spectacular-sidecar), not a CDN, so the docs
    # page lives under the same Content-Security-Policy as the app.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "InvitationStatusEnum": ["pending", "accepted", "expired", "revoked"],
        "TrashKindEnum": ["map", "persona"],
    },
}

REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache holds the sign-in failure counts, so with several processes it must be shared.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# One channel-layer message goes to each *process* that has sockets on a map (see
# docs/architecture.md, "Fan-out"), so capacity counts processes' backlogs, not sockets.
CHANNEL_CAPACITY = int(os.environ.get("CHANNEL_CAPACITY", "1000"))
REDIS_POOL_SIZE = int(os.environ.get("REDIS_POOL_SIZE", "1000"))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "max_connections": REDIS_POOL_SIZE}],
                "capacity": CHANNEL_CAPACITY,
                "expiry": 30,
                "group_expiry": 86400,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY, "expiry": 30},
        }
    }

# Live layer limits, documented in docs/protocol.md.
WS_MAX_FRAME_BYTES = int(os.environ.get("WS_MAX_FRAME_BYTES", str(256 * 1024)))
OPS_MAX_PER_BATCH = int(os.environ.get("OPS_MAX_PER_BATCH", "500"))
CATCHUP_WINDOW = int(os.environ.get("CATCHUP_WINDOW", "1000"))


def _socket_sources(hosts: list[str]) -> list[str]:
    """ws/wss sources for the app's own hosts ('self' covers them in CSP Level 3 browsers;
    older ones need them spelled out). A local server runs on any port, without TLS."""
    sources: list[str] = []
    for host in hosts:
        if host == "*" or host.startswith("["):  # CSP host sources have no IPv6 literals
            continue
        name = f"*{host}" if host.startswith(".") else host
        sources += [f"ws://{name}:*", f"wss://{name}:*"] if LOCAL_DEFAULTS else [f"wss://{name}"]
    return sources


# Content-Security-Policy (django-csp). Nothing inline: the app is one Vite bundle and React
# sets styles through the CSSOM, which style-src does not govern. Pages that must inline a
# script or a style (the Swagger UI page) mark it with the request's nonce; the nonce only
# enters the header of a response that used it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, *_socket_sources(ALLOWED_HOSTS)],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

if not LOCAL_DEFAULTS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Probes and scrapers call a process directly over plain HTTP on loopback.
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Live layer: who may open a socket, and how long a share link lives (docs/protocol.md).
# Full origins (scheme://host:port), compared exactly. Unset: localhost on any port in DEBUG,
# else CSRF_TRUSTED_ORIGINS.
WS_ALLOWED_ORIGINS = env_list("WS_ALLOWED_ORIGINS")
SHARE_LINK_DEFAULT_DAYS = int(os.environ.get("SHARE_LINK_DEFAULT_DAYS", "30"))
SHARE_LINK_MAX_DAYS = int(os.environ.get("SHARE_LINK_MAX_DAYS", "365"))
