"""Django settings, read from the environment.

``CUSTODES_DATA_DIR`` (default ``./custodes-data``) holds the embedded SQLite database and the
generated secret key. ``DATABASE_URL`` (``postgres://…``) switches to PostgreSQL. Emails are logged
without their links, not sent, unless ``CUSTODES_EMAIL_BACKEND`` or ``EMAIL_HOST`` say otherwise.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CUSTODES_DATA_DIR", "custodes-data")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The secret key: from the environment, else generated once and kept in the data dir."""
    if key := os.environ.get("CUSTODES_SECRET_KEY"):
        return key
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_flag("CUSTODES_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("CUSTODES_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CUSTODES_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# The address respondents' links point at; the server's own address when unset.
BASE_URL = os.environ.get("CUSTODES_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "custodes.web.core",
    "custodes.web.bodies",
    "custodes.web.surveys",
    "custodes.web.reports",
    "custodes.web.estate",
    "custodes.web.assessments",
    "custodes.web.jobs",
    "custodes.web.foi",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "custodes.web.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "custodes.web.urls"
WSGI_APPLICATION = "custodes.web.wsgi.application"

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
                "custodes.web.navigation.service_navigation",
                "custodes.web.demo_banners.synthetic_banners",
            ],
        },
    },
    {
        # The respondent's form fields only (custodes.web.jinja says why).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "custodes.web.jinja.environment"},
    },
]


def _env_int(name: str, default: int) -> int:
    """A positive whole number from the environment, or a clear error naming the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _default_workers() -> int:
    """Two worker processes per CPU this process may use, plus one (gunicorn's rule), at most 8."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cpus or 1) + 1, 8)


# The production server (`custodes serve --workers --threads`): worker processes, each with a
# pool of threads. The CLI options override these environment variables.
SERVER_WORKERS = _env_int("CUSTODES_WORKERS", _default_workers())
SERVER_THREADS = _env_int("CUSTODES_THREADS", 4)
# PostgreSQL connections each process may hold (one pool per process): by default one per
# thread, so the server holds at most workers × pool size, however many clients keep their
# HTTP connections open (a connection goes back to the pool at the end of each request).
DB_POOL_SIZE = _env_int("CUSTODES_DB_POOL_SIZE", SERVER_THREADS)
# Seconds a request waits for a pooled connection (when PostgreSQL is down, or the pool is
# smaller than the threads), and for SQLite's write lock.
DB_POOL_TIMEOUT_SECONDS = 10
SQLITE_BUSY_TIMEOUT_SECONDS = 20
# PostgreSQL: parameters bound on the server and statements prepared, so that PostgreSQL parses
# and plans the few statements each page runs once per connection instead of on every request
# (psycopg prepares a statement the 5th time a connection runs it, its default). In one process,
# a respondent's save and read-back cost PostgreSQL 0.56 ms of CPU a request with Django's
# default (values bound into the text, nothing prepared) and 0.22 ms with this. Off
# (CUSTODES_DB_PREPARED_STATEMENTS=0) behind a pooler that does not keep a session's prepared
# statements, such as PgBouncer before 1.21 in transaction mode.
DB_PREPARED_STATEMENTS = _env_flag("CUSTODES_DB_PREPARED_STATEMENTS", default=True)
DB_PREPARE_THRESHOLD = 5


# SQLite: writers take the lock when their transaction begins, so a busy writer makes the next
# one wait (up to the timeout) instead of failing at its first write. WAL: readers never wait
# for the writer. FULL: every commit is on disk before the save is acknowledged, so a power
# cut loses nothing (about 0.2 ms per commit).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
}


def _database() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "custodes.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            # Tests use a file too (not shared-cache memory, where a background thread's write
            # fails at once with "table is locked" instead of waiting like it does in
            # production).
            "TEST": {"NAME": str(DATA_DIR / "test-custodes.sqlite3")},
        }
    database = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    options = database.setdefault("OPTIONS", {})
    if str(database["ENGINE"]).endswith("sqlite3"):  # a sqlite:/// URL: the same settings
        options.update(SQLITE_OPTIONS)
    else:
        # Django's psycopg pool; it requires CONN_MAX_AGE = 0 (connections are pooled instead).
        options["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": DB_POOL_TIMEOUT_SECONDS,
        }
        if DB_PREPARED_STATEMENTS:
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", DB_PREPARE_THRESHOLD)
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "custodes_cache",
    },
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Watchdog logins (the sign-in page and the admin's) are throttled by django-axes, counting
# failures in the database so that every worker process sees them: after
# CUSTODES_LOGIN_FAILURE_LIMIT failures for one account, or from one address, further attempts
# are refused (429) until CUSTODES_LOGIN_COOLOFF_MINUTES after the latest. Each failure and
# lockout is logged (logger "axes") with the account and address, never the password.
AUTHENTICATION_BACKENDS = [
    "custodes.web.core.logins.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CUSTODES_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("CUSTODES_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # per account, and per address
AXES_LOCKOUT_CALLABLE = "custodes.web.core.logins.lockout_response"
AXES_SENSITIVE_PARAMETERS: list[str] = []  # log the account and address (the password never)
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)  # as the token throttle: set by the proxy
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "surveys:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions and cookies: HttpOnly everywhere, Secure when served over HTTPS.
_https = BASE_URL.startswith("https://")
SESSION_ENGINE = "custodes.web.core.sessions"  # Django's database sessions, read faster
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _https
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_SECURE = _https
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": with it browsers send "Origin: null" on form posts and CSRF checks fail.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = _env_flag("CUSTODES_SSL_REDIRECT")
SECURE_HSTS_SECONDS = 31536000 if _https else 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if _env_flag("CUSTODES_BEHIND_PROXY") else None
)

# Email: written to the log without their links by default (logger custodes.mail, never
# the secret links); SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "CUSTODES_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "custodes.web.core.mail.LogEmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("CUSTODES_FROM_EMAIL", "custodes@localhost")

# Where the watchdog's staff report problems with the service (a URL or mailto:), shown in
# the phase banner of their pages. Empty: the banner only says whom to tell.
FEEDBACK_URL = os.environ.get("CUSTODES_FEEDBACK_URL", "").strip()
if FEEDBACK_URL and not FEEDBACK_URL.startswith(("https://", "http://", "mailto:")):
    raise ImproperlyConfigured(
        f"CUSTODES_FEEDBACK_URL must be an http(s):// or mailto: address, not {FEEDBACK_URL[:60]!r}"
    )

# Respondent links.
INVITATION_TTL_DAYS = int(os.environ.get("CUSTODES_INVITATION_TTL_DAYS", "120"))
# Failed token look-ups allowed per client address per window before answers are refused.
TOKEN_THROTTLE_LIMIT = int(os.environ.get("CUSTODES_TOKEN_THROTTLE_LIMIT", "10"))
TOKEN_THROTTLE_WINDOW_SECONDS = 15 * 60
# The survey team as respondents see it on every page of the form (each optional; without an
# email or phone number, respondents are told to reply to the email that brought their link).
SURVEY_CONTACT_NAME = os.environ.get("CUSTODES_SURVEY_CONTACT_NAME", "").strip()
SURVEY_CONTACT_EMAIL = os.environ.get("CUSTODES_SURVEY_CONTACT_EMAIL", "").strip()
SURVEY_CONTACT_PHONE = os.environ.get("CUSTODES_SURVEY_CONTACT_PHONE", "").strip()

# Packet captures uploaded for egress analysis: largest accepted, and whether to keep the file
# after analysis (by default it is deleted once analysed).
CAPTURE_MAX_BYTES = int(os.environ.get("CUSTODES_CAPTURE_MAX_BYTES", str(2 * 1024**3)))
KEEP_CAPTURES = _env_flag("CUSTODES_KEEP_CAPTURES")
# Register files uploaded through the web, refused as soon as they pass this size (they stream
# to a temporary file). Any other upload is held in memory only up to 1 MiB.
REGISTER_UPLOAD_MAX_BYTES = int(os.environ.get("CUSTODES_REGISTER_MAX_BYTES", "50000000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024**2
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Background jobs (custodes.web.jobs), queued and run by Huey: a SQLite file in the data
# directory by default (no extra service), or Redis when CUSTODES_QUEUE_URL is set (workers on
# several machines share one queue). Each job is also a row in the database, so none is lost.
QUEUE_URL = os.environ.get("CUSTODES_QUEUE_URL", "").strip()
if QUEUE_URL and not QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"CUSTODES_QUEUE_URL must be a Redis URL (redis://host:6379/0), not {QUEUE_URL[:60]!r}"
    )
QUEUE_NAME = os.environ.get("CUSTODES_QUEUE_NAME", "").strip() or "custodes"
JOB_WORKERS = int(os.environ.get("CUSTODES_JOB_WORKERS", "2"))
JOB_HEARTBEAT_SECONDS = float(os.environ.get("CUSTODES_JOB_HEARTBEAT_SECONDS", "10"))
HUEY = {
    "name": QUEUE_NAME,
    "huey_class": "huey.RedisHuey" if QUEUE_URL else "huey.SqliteHuey",
    "immediate": False,
    "results": False,  # outcomes are kept on the Job rows
    **({"url": QUEUE_URL} if QUEUE_URL else {"filename": str(DATA_DIR / "queue.sqlite3")}),
    "consumer": {"workers": JOB_WORKERS, "worker_type": "thread", "shutdown_timeout": 10},
}

LANGUAGE_CODE = "en-gb"
# The respondent's form is also in Welsh (custodes/locale); every other page is in English.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR.parent / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # whitenoise serves app static files from their finders
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "custodes.web.core.logging.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "loggers": {
        # The development server's access log would print respondents' links.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Emails not sent (no mail server): logged without their links.
        "custodes.mail": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CUSTODES_LOG_LEVEL", "WARNING")},
}
