"""Deployment problems (``custodes check``): the settings and the database as the server will
run them, with what to do about each, plus Django's own ``check --deploy`` findings.

Each ``*_problems`` function takes the values it judges, so that each rule can be tested on
its own; :func:`deployment_problems` reads them from the settings and the database.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from custodes.web.core.mail import LOG_EMAIL_BACKEND

__all__ = ["Level", "Problem", "deployment_problems"]


class Level(StrEnum):
    ERROR = "error"  # unsafe or broken: `custodes check` exits 1
    WARNING = "warning"
    INFO = "info"  # a fact worth seeing (the connection budget, the journal mode)


@dataclass(frozen=True)
class Problem:
    level: Level
    id: str
    message: str
    hint: str = ""

    def as_json(self) -> dict[str, str]:
        return {**asdict(self), "level": self.level.value}


# Django's deployment checks that a check below covers with advice for Custodes' settings.
COVERED_DJANGO_CHECKS = {
    "security.W004": "custodes.https",  # SECURE_HSTS_SECONDS
    "security.W008": "custodes.https",  # SECURE_SSL_REDIRECT
    "security.W009": "custodes.secret_key",
    "security.W012": "custodes.https",  # SESSION_COOKIE_SECURE
    "security.W016": "custodes.https",  # CSRF_COOKIE_SECURE
    "security.W018": "custodes.debug",
    "security.W020": "custodes.hosts",  # ALLOWED_HOSTS empty
}
# Email backends that never deliver a message.
UNSENT_EMAIL_BACKENDS = ("log", "console", "locmem", "dummy", "filebased")
MIN_SECRET_KEY_LENGTH = 50  # Django's own bar (security.W009)


def debug_problems(debug: bool) -> list[Problem]:
    if not debug:
        return []
    return [
        Problem(
            Level.ERROR,
            "custodes.debug",
            "DEBUG is on: error pages show settings, source code and data to anyone.",
            "Unset CUSTODES_DEBUG.",
        )
    ]


def secret_key_problems(key: str, key_file: Path | None) -> list[Problem]:
    """The key must be long and random; a key kept in a file must be readable by its owner
    only (it signs sessions and keys respondents' token hashes)."""
    problems = []
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5 or key.startswith("django-insecure-"):
        problems.append(
            Problem(
                Level.ERROR,
                "custodes.secret_key",
                f"The secret key is short or guessable ({len(key)} characters).",
                "Unset CUSTODES_SECRET_KEY to use the key generated in the data directory, "
                f"or set it to at least {MIN_SECRET_KEY_LENGTH} random characters.",
            )
        )
    if key_file is not None and key_file.exists():
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            problems.append(
                Problem(
                    Level.ERROR,
                    "custodes.secret_key",
                    f"The secret key file {key_file} can be read by other users (mode {mode:o}).",
                    f"chmod 600 {key_file}",
                )
            )
    return problems


def hosts_problems(allowed_hosts: list[str], base_url: str) -> list[Problem]:
    from django.http.request import validate_host

    problems = []
    if "*" in allowed_hosts:
        problems.append(
            Problem(
                Level.WARNING,
                "custodes.hosts",
                "ALLOWED_HOSTS accepts any host name.",
                "List the server's own names in CUSTODES_ALLOWED_HOSTS.",
            )
        )
    host = urlsplit(base_url).hostname or ""
    if not validate_host(host, allowed_hosts):
        problems.append(
            Problem(
                Level.ERROR,
                "custodes.hosts",
                f"Links point at {host!r} ({base_url}), which ALLOWED_HOSTS refuses: "
                "respondents would get 400 Bad Request.",
                f"Add {host} to CUSTODES_ALLOWED_HOSTS, or correct CUSTODES_BASE_URL.",
            )
        )
    return problems


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def https_problems(
    base_url: str,
    *,
    session_cookie_secure: bool,
    csrf_cookie_secure: bool,
    hsts_seconds: int,
    ssl_redirect: bool,
    proxy_ssl_header: tuple[str, str] | None,
) -> list[Problem]:
    """``custodes serve`` speaks plain HTTP: HTTPS is a proxy's job in front of it, and
    the settings must say so."""
    url = urlsplit(base_url)
    problems = []
    if ssl_redirect and proxy_ssl_header is None:
        problems.append(
            Problem(
                Level.ERROR,
                "custodes.https",
                "CUSTODES_SSL_REDIRECT is on without CUSTODES_BEHIND_PROXY: every request "
                "looks like plain HTTP and is redirected again and again.",
                "Set CUSTODES_BEHIND_PROXY=1 (the proxy must set X-Forwarded-Proto).",
            )
        )
    if url.scheme != "https":
        if not _is_loopback(url.hostname or ""):
            problems.append(
                Problem(
                    Level.ERROR,
                    "custodes.https",
                    f"Links are plain HTTP ({base_url}): respondents' secret links, "
                    "answers and watchdogs' passwords would cross the network unencrypted.",
                    "Serve through an HTTPS proxy; set CUSTODES_BASE_URL=https://… and "
                    "CUSTODES_BEHIND_PROXY=1.",
                )
            )
        return problems
    if proxy_ssl_header is None:
        problems.append(
            Problem(
                Level.ERROR,
                "custodes.https",
                "CUSTODES_BASE_URL is https but CUSTODES_BEHIND_PROXY is off: Django sees "
                "the proxy's requests as plain HTTP, and form posts fail the CSRF check.",
                "Set CUSTODES_BEHIND_PROXY=1 (the proxy must set X-Forwarded-Proto).",
            )
        )
    if not (session_cookie_secure and csrf_cookie_secure):
        problems.append(
            Problem(
                Level.ERROR,
                "custodes.https",
                "Session or CSRF cookies are not marked Secure.",
                "Leave SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE to the settings, "
                "which set them when CUSTODES_BASE_URL is https.",
            )
        )
    if hsts_seconds <= 0:
        problems.append(
            Problem(
                Level.WARNING,
                "custodes.https",
                "No Strict-Transport-Security header: a first visit can be downgraded to HTTP.",
                "Leave SECURE_HSTS_SECONDS to the settings, or set HSTS at the proxy.",
            )
        )
    if not ssl_redirect:
        problems.append(
            Problem(
                Level.WARNING,
                "custodes.https",
                "Plain-HTTP requests are answered, not redirected to HTTPS.",
                "Redirect at the proxy, or set CUSTODES_SSL_REDIRECT=1.",
            )
        )
    return problems


def email_problems(backend: str) -> list[Problem]:
    if backend == LOG_EMAIL_BACKEND:
        kind = "log"
    else:
        kind = backend.rsplit(".", 2)[-2] if backend.count(".") >= 2 else backend
    if kind not in UNSENT_EMAIL_BACKENDS:
        return []
    return [
        Problem(
            Level.WARNING,
            "custodes.email",
            f"Emails are not sent ({kind} backend): invitations and reminders, with their "
            "secret links, stay on this machine.",
            "Set EMAIL_HOST (SMTP) or CUSTODES_EMAIL_BACKEND.",
        )
    ]


def postgresql_problems(
    *, workers: int, threads: int, pool_size: int, max_connections: int, reserved: int
) -> list[Problem]:
    """The server holds at most (workers + its background-job worker) × pool size
    connections (one pool per process); they must fit, with room to spare, in what
    PostgreSQL allows ordinary users."""
    needed = (workers + 1) * pool_size
    available = max_connections - reserved
    budget = (
        f"({workers} workers + 1 job worker) × pool of {pool_size} = {needed} connections; "
        f"PostgreSQL allows {available} ({max_connections} max_connections − {reserved} reserved)"
    )
    hint = "Lower --workers or CUSTODES_DB_POOL_SIZE, or raise max_connections."
    problems = []
    if needed > available:
        problems.append(Problem(Level.ERROR, "custodes.db_pool", f"{budget}.", hint))
    elif needed > available // 2:
        problems.append(
            Problem(
                Level.WARNING,
                "custodes.db_pool",
                f"{budget}: little room is left for other clients and commands.",
                hint,
            )
        )
    else:
        problems.append(Problem(Level.INFO, "custodes.db_pool", f"{budget}."))
    if pool_size < threads:
        problems.append(
            Problem(
                Level.WARNING,
                "custodes.db_pool",
                f"The pool ({pool_size}) is smaller than the threads per worker ({threads}): "
                "requests will wait for a connection.",
                "Raise CUSTODES_DB_POOL_SIZE or lower --threads.",
            )
        )
    return problems


def sqlite_problems(journal_mode: str) -> list[Problem]:
    if journal_mode.lower() == "wal":
        return [Problem(Level.INFO, "custodes.sqlite", "SQLite journal mode: WAL.")]
    return [
        Problem(
            Level.ERROR,
            "custodes.sqlite",
            f"SQLite journal mode is {journal_mode}, not WAL: readers wait for every write "
            "(WAL does not work on network file systems).",
            "Keep the data directory on a local disk, or use PostgreSQL (DATABASE_URL).",
        )
    ]


def _database_problems(workers: int, threads: int, pool_size: int) -> list[Problem]:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode")
                return sqlite_problems(cursor.fetchone()[0])
            cursor.execute(
                "SELECT name, setting::int FROM pg_settings WHERE name IN "
                "('max_connections', 'superuser_reserved_connections', 'reserved_connections')"
            )
            limits = dict(cursor.fetchall())
    except DatabaseError as exc:
        return [Problem(Level.ERROR, "custodes.database", f"Cannot query the database: {exc}")]
    return postgresql_problems(
        workers=workers,
        threads=threads,
        pool_size=pool_size,
        max_connections=limits["max_connections"],
        reserved=limits["superuser_reserved_connections"] + limits.get("reserved_connections", 0),
    )


def django_deploy_problems() -> list[Problem]:
    """Django's ``check --deploy`` findings not covered by a check above."""
    from django.core import checks

    problems = []
    for message in checks.run_checks(include_deployment_checks=True):
        if message.id in COVERED_DJANGO_CHECKS or message.is_silenced():
            continue
        level = (
            Level.ERROR
            if message.level >= checks.ERROR
            else Level.WARNING
            if message.level >= checks.WARNING
            else Level.INFO
        )
        problems.append(Problem(level, message.id or "django", message.msg, message.hint or ""))
    return problems


def deployment_problems() -> list[Problem]:
    """Every problem of this deployment as ``custodes serve`` would run it, errors first."""
    from django.conf import settings

    key_file = None if os.environ.get("CUSTODES_SECRET_KEY") else settings.DATA_DIR / "secret_key"
    problems = [
        *debug_problems(settings.DEBUG),
        *secret_key_problems(settings.SECRET_KEY, key_file),
        *hosts_problems(settings.ALLOWED_HOSTS, settings.BASE_URL),
        *https_problems(
            settings.BASE_URL,
            session_cookie_secure=settings.SESSION_COOKIE_SECURE,
            csrf_cookie_secure=settings.CSRF_COOKIE_SECURE,
            hsts_seconds=settings.SECURE_HSTS_SECONDS,
            ssl_redirect=settings.SECURE_SSL_REDIRECT,
            proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        ),
        *email_problems(settings.EMAIL_BACKEND),
        *_database_problems(
            settings.SERVER_WORKERS, settings.SERVER_THREADS, settings.DB_POOL_SIZE
        ),
        *django_deploy_problems(),
    ]
    order = list(Level)
    return sorted(problems, key=lambda problem: order.index(problem.level))
