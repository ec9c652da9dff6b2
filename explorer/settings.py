"""Settings for Symptom Explorer, read from environment variables with safe local defaults.

Locally nothing needs setting: SQLite, DEBUG on, local-memory cache. In production set
DJANGO_DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves the API docs page's scripts from our own origin (strict CSP)
    "explorer",
    "conditions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "explorer.availability.DatabaseUnavailableMiddleware",  # 503 + quiet log when the DB is down
    "explorer.compression.PublicGZipMiddleware",  # public pages only: never one with a secret
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "explorer.accounts.StaffSecondFactorMiddleware",  # admin pages need the second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "conditions.content_version.middleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Admin logins are throttled (see explorer/accounts.py): after AXES_FAILURE_LIMIT failures for one
# username from one client address, that pair is locked out for AXES_COOLOFF_TIME hours; an address
# with AXES_ADDRESS_FAILURE_LIMIT failures over all usernames is locked out whatever the username.
# The client address is the one the TRUSTED_PROXY_COUNT proxies in front saw (X-Forwarded-For).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "explorer.accounts.AddressCappedHandler"
AXES_CLIENT_IP_CALLABLE = "explorer.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True

ROOT_URLCONF = "explorer.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "explorer.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "explorer.wsgi.application"

# SQLite by default; DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/explorer) for production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Optional read replica: public pages read from it, writes and the admin use the primary.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["explorer.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default" is what every process of a server shares (rendered pages, per-address counts):
# Redis (REDIS_URL) for several app servers, else files on this server's disk
# (SHARED_CACHE_DIR), so after a content change or a restart each page is rendered once per
# server, not once per worker, and the rate limit counts an address across all workers.
# "local" is each process's own copy of the pages it served last: a hit costs no file or
# network read (about 0.02 ms against 0.4-0.6 ms).
REDIS_URL = env_str("REDIS_URL")
SHARED_CACHE_DIR = Path(env_str("SHARED_CACHE_DIR", str(BASE_DIR / "var" / "shared-cache")))
if REDIS_URL:
    SHARED_CACHE = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "explorer",
    }
else:
    SHARED_CACHE = {
        "BACKEND": "explorer.file_cache.SharedFileCache",
        "LOCATION": str(SHARED_CACHE_DIR),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
CACHES = {
    "default": SHARED_CACHE,
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 50},  # the hottest pages: a few MB a worker
    },
}
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Strict CSP: no inline script or style anywhere; htmx and our CSS come from 'self'. No nonce
# either: nothing inline needs one, and cached pages are shared between visitors.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # the operator chose not to preload
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Staff need a second factor (authenticator app) before any admin page; off with DEBUG on, so the
# local admin from `make run` signs in with its password alone.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "Symptom Explorer"

# Database down: pages answer 503 with this Retry-After (seconds), and the log says so once per
# kind of failure per DATABASE_DOWN_LOG_SECONDS (see explorer/availability.py).
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 30)
DATABASE_DOWN_LOG_SECONDS = env_int("DATABASE_DOWN_LOG_SECONDS", 10)

# Product settings.
EXPLORER_MAX_FEATURES = 30
EXPLORER_PAGE_SIZE = 50
# A results page explains at most this many (result, ticked feature) pairs: up to five features
# show 50 results a page, ten show 25, thirty 10 (see `results_per_page`). 250 keeps the worst
# page under 150 kB of HTML on ORPHA+OMIM data too, whose cards cite several annotations each.
EXPLORER_PAGE_LINES = 250
# The match and search indexes are built once per content version and stored in the database;
# each app server keeps a copy here that its workers memory-map (see README "Serving").
INDEX_SNAPSHOT_DIR = Path(env_str("INDEX_SNAPSHOT_DIR", str(BASE_DIR / "var" / "index-snapshots")))
# After a content change, visitors are answered from the previous index while the new one builds.
INDEX_BUILD_IN_BACKGROUND = env_bool("INDEX_BUILD_IN_BACKGROUND", True)
# A background refresh builds in a child process (manage.py build_indexes), not in the worker.
INDEX_BUILD_IN_SUBPROCESS = env_bool("INDEX_BUILD_IN_SUBPROCESS", True)
# Load them when the WSGI application is imported (before gunicorn forks, with --preload).
INDEX_PRELOAD = env_bool("INDEX_PRELOAD", True)
# How long a process waits for another one's build before building the index itself.
INDEX_BUILD_WAIT_SECONDS = env_int("INDEX_BUILD_WAIT_SECONDS", 60)
# `import_hpo` runs at this CPU niceness (a batch job beside the app's workers: they come first).
IMPORT_NICENESS = env_int("IMPORT_NICENESS", 10)
# Anonymous public pages may be kept by browsers and shared proxies/CDNs this long (seconds), and
# served stale this much longer while revalidating (a 304 when the content has not changed), so an
# edit reaches every visitor within their sum.
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 2)
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = env_int("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", 3)
# A results download (CSV) lists at most this many conditions, and says so when it stops early.
EXPLORER_DOWNLOAD_MAX_CONDITIONS = env_int("EXPLORER_DOWNLOAD_MAX_CONDITIONS", 1000)
# Requests per address per minute for expensive calls (a ranking, a download), by kind; 429 above.
EXPLORER_RATE_LIMITS = {
    "explore": env_int("RATE_LIMIT_EXPLORE", 120),
    "download": env_int("RATE_LIMIT_DOWNLOAD", 20),
}
# ...of which an address may spend at most this many at once; the rest come at the steady rate
# (120 a minute: one every half second), so one client cannot occupy every worker.
EXPLORER_RATE_BURST = env_int("RATE_LIMIT_BURST", 10)
# How many reverse proxies in front of the app append to X-Forwarded-For. 0: trust none and use
# the connection's address (a visitor could otherwise pick any address and dodge every limit).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# "Report a problem with this page": at most this many reports an hour from one address.
PROBLEM_REPORTS_PER_HOUR = env_int("PROBLEM_REPORTS_PER_HOUR", 5)
