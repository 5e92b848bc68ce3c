"""`custodes check`: each deployment problem is found, with its level, and only when present."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from custodes.cli import app
from custodes.web.deployment import (
    Level,
    debug_problems,
    deployment_problems,
    email_problems,
    hosts_problems,
    https_problems,
    postgresql_problems,
    secret_key_problems,
    sqlite_problems,
)

GOOD_KEY = secrets.token_urlsafe(50)
SECURE_PROXY = ("HTTP_X_FORWARDED_PROTO", "https")


def levels(problems) -> list[str]:
    return [problem.level.value for problem in problems]


def test_debug_on_is_an_error():
    assert levels(debug_problems(True)) == ["error"]
    assert debug_problems(False) == []


@pytest.mark.parametrize(
    "key",
    ["too-short", "a" * 80, "django-insecure-" + GOOD_KEY],
    ids=["short", "one-character", "django-insecure"],
)
def test_a_short_or_guessable_secret_key_is_an_error(key):
    [problem] = secret_key_problems(key, None)
    assert problem.level is Level.ERROR and problem.id == "custodes.secret_key"


def test_a_secret_key_file_readable_by_others_is_an_error(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(GOOD_KEY)
    key_file.chmod(0o600)
    assert secret_key_problems(GOOD_KEY, key_file) == []
    key_file.chmod(0o644)
    [problem] = secret_key_problems(GOOD_KEY, key_file)
    assert problem.level is Level.ERROR
    assert "mode 644" in problem.message and problem.hint == f"chmod 600 {key_file}"


def test_hosts_any_name_warns_and_a_refused_link_host_is_an_error():
    assert hosts_problems(["custodes.example.org"], "https://custodes.example.org") == []
    assert hosts_problems([".example.org"], "https://custodes.example.org") == []
    assert levels(hosts_problems(["*"], "https://custodes.example.org")) == ["warning"]
    [refused] = hosts_problems(["127.0.0.1", "localhost"], "https://custodes.example.org")
    assert refused.level is Level.ERROR and "custodes.example.org" in refused.hint


def https(base_url: str, **overrides):
    values = {
        "session_cookie_secure": True,
        "csrf_cookie_secure": True,
        "hsts_seconds": 31536000,
        "ssl_redirect": True,
        "proxy_ssl_header": SECURE_PROXY,
    }
    return https_problems(base_url, **(values | overrides))


def test_https_behind_a_proxy_with_every_setting_is_fine():
    assert https("https://custodes.example.org") == []


def test_plain_http_links_are_an_error_except_on_loopback():
    plain = {"ssl_redirect": False, "proxy_ssl_header": None, "hsts_seconds": 0}
    assert levels(https("http://custodes.example.org", **plain)) == ["error"]
    assert https("http://127.0.0.1:8000", **plain) == []
    assert https("http://localhost:8000", **plain) == []


@pytest.mark.parametrize(
    ("overrides", "level", "words"),
    [
        ({"proxy_ssl_header": None, "ssl_redirect": False}, "error", "CSRF"),
        ({"session_cookie_secure": False}, "error", "Secure"),
        ({"csrf_cookie_secure": False}, "error", "Secure"),
        ({"hsts_seconds": 0}, "warning", "Strict-Transport-Security"),
        ({"ssl_redirect": False}, "warning", "not redirected"),
    ],
)
def test_each_missing_https_setting_is_reported(overrides, level, words):
    problems = https("https://custodes.example.org", **overrides)
    [found] = [problem for problem in problems if words in problem.message]
    assert found.level.value == level
    assert len(problems) == len(overrides)


def test_an_ssl_redirect_without_the_proxy_header_loops():
    problems = https("https://custodes.example.org", proxy_ssl_header=None)
    assert levels(problems) == ["error", "error"]
    assert "again and again" in problems[0].message


@pytest.mark.parametrize("kind", ["console", "locmem", "dummy", "filebased"])
def test_email_that_is_never_sent_warns(kind):
    assert levels(email_problems(f"django.core.mail.backends.{kind}.EmailBackend")) == ["warning"]


def test_smtp_email_is_fine():
    assert email_problems("django.core.mail.backends.smtp.EmailBackend") == []


def test_the_postgresql_connection_budget():
    limits = {"max_connections": 100, "reserved": 3}
    [fits] = postgresql_problems(workers=5, threads=4, pool_size=4, **limits)
    assert fits.level is Level.INFO and "24 connections" in fits.message  # 5 + 1 job worker
    [tight] = postgresql_problems(workers=12, threads=4, pool_size=4, **limits)
    assert tight.level is Level.WARNING
    [over] = postgresql_problems(workers=24, threads=4, pool_size=4, **limits)
    assert over.level is Level.ERROR and "100 connections" in over.message
    assert "97" in over.message
    small_pool = postgresql_problems(workers=2, threads=8, pool_size=2, **limits)
    assert levels(small_pool) == ["info", "warning"]
    assert "wait for a connection" in small_pool[1].message


def test_sqlite_must_use_wal():
    assert levels(sqlite_problems("wal")) == ["info"]
    [problem] = sqlite_problems("delete")
    assert problem.level is Level.ERROR and "delete" in problem.message


@pytest.mark.django_db
def test_the_live_database_is_checked(settings):
    settings.SERVER_WORKERS = 10_000
    problems = {problem.id: problem for problem in deployment_problems()}
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert problems["custodes.sqlite"].level is Level.INFO  # the test database uses WAL
    else:
        assert problems["custodes.db_pool"].level is Level.ERROR
        assert "max_connections" in problems["custodes.db_pool"].message


@pytest.mark.django_db
def test_djangos_own_deploy_findings_are_included_once(settings):
    settings.DEBUG = True
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    ids = [problem.id for problem in deployment_problems()]
    assert "security.W005" in ids  # Django's, not covered by a Custodes check
    assert ids.count("custodes.debug") == 1 and "security.W018" not in ids


@pytest.mark.django_db
def test_the_command_prints_a_table_or_json_and_exits_1_on_errors(settings):
    runner = CliRunner()
    clean = runner.invoke(app, ["check", "--json"])
    report = json.loads(clean.stdout)
    assert report["errors"] == 0, report
    assert clean.exit_code == 0
    assert {"level", "id", "message", "hint"} == set(report["problems"][0])

    settings.DEBUG = True
    failing = runner.invoke(app, ["check", "--json"])
    assert failing.exit_code == 1
    assert json.loads(failing.stdout)["errors"] == 1
    table = runner.invoke(app, ["check"])
    assert table.exit_code == 1
    assert "custodes.debug" in table.stdout and "1 error(s)" in table.stdout


@pytest.mark.parametrize("value", ["lots", "0", "²"])
def test_a_bad_server_size_in_the_environment_is_a_clear_error(tmp_path, value):
    env = {**os.environ, "CUSTODES_DATA_DIR": str(tmp_path), "CUSTODES_DB_POOL_SIZE": value}
    checked = subprocess.run(
        [sys.executable, "-m", "custodes", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 1
    assert f"CUSTODES_DB_POOL_SIZE must be a whole number of at least 1, not {value!r}" in (
        checked.stderr
    )
