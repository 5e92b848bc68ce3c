"""The embedded gunicorn: its options and its logs (the live server: tests/cli/test_serve.py)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from custodes.web.server import KEEPALIVE_SECONDS, RedactingLogger, ServerOptions

TOKEN = "jof6tqi_uujoHA9j4GYUorfoNbg5LK-0V2azk35sO1c"


@pytest.fixture
def gunicorn_logs(tmp_path):
    """gunicorn's access and error logs, written to files by the redacting logger."""
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    # The default line, plus the Authorization header: a worst case for the filter.
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" "%({authorization}i)s"')
    logger = RedactingLogger(config)
    yield logger, tmp_path
    for log in (logger.error_log, logger.access_log):
        for handler in list(log.handlers):
            handler.close()
            log.removeHandler(handler)


def test_gunicorn_access_and_error_logs_never_show_links_or_bearer_tokens(gunicorn_logs):
    logger, folder = gunicorn_logs
    environ = {
        "REMOTE_ADDR": "192.0.2.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/r/{TOKEN}/",
        "PATH_INFO": f"/r/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://custodes.example.org/r/{TOKEN}/",
    }
    response = SimpleNamespace(status="302 Found", headers=[], sent=0)
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {TOKEN}")])
    logger.access(response, request, environ, timedelta(milliseconds=4))
    logger.error("Error handling request /r/%s/", TOKEN)
    logger.info("Authorization: Bearer %s", TOKEN)

    access = (folder / "access.log").read_text()
    errors = (folder / "error.log").read_text()
    assert TOKEN not in access + errors
    assert '"GET /r/[redacted]/ HTTP/1.1" 302' in access
    assert '"Bearer [redacted]"' in access
    assert "Error handling request /r/[redacted]/" in errors
    assert "Bearer [redacted]" in errors


def test_a_second_setup_adds_no_second_filter(gunicorn_logs):
    logger, _ = gunicorn_logs
    logger.setup(logger.cfg)
    assert len(logger.access_log.filters) == len(logger.error_log.filters) == 1


def test_server_options_become_gunicorn_settings():
    options = ServerOptions(host="::1", port=18200, workers=3, threads=6, backlog=4096)
    settings = options.gunicorn_settings()
    assert settings["bind"] == ["[::1]:18200"]
    assert (settings["workers"], settings["threads"], settings["worker_class"]) == (3, 6, "gthread")
    assert settings["backlog"] == 4096 and settings["keepalive"] == KEEPALIVE_SECONDS == 75
    assert settings["logger_class"] is RedactingLogger


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("port", 0, "port 0"), ("workers", 0, "workers"), ("graceful_timeout", 0, "graceful-timeout")],
)
def test_server_options_refuse_nonsense(field, value, words):
    values = {"host": "127.0.0.1", "port": 8000, "workers": 2, "threads": 4, field: value}
    with pytest.raises(ValueError, match=words):
        ServerOptions(**values)


@pytest.mark.django_db
def test_database_connections_are_set_up_for_the_server(settings):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            modes = [
                cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "busy_timeout")
            ]
            assert modes == ["wal", 2, 20_000]  # WAL, FULL, 20 s
        else:
            pool = connection.pool
            assert pool is not None and pool.max_size == settings.DB_POOL_SIZE
            assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0
            # Bound on the server and prepared once the connection has run it often enough.
            for _ in range(settings.DB_PREPARE_THRESHOLD + 1):
                cursor.execute("SELECT %s::integer AS custodes_prepared_probe", [1])
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["%custodes_prepared_probe%"],
            )
            assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize(("flag", "prepared"), [(None, True), ("0", False), ("1", True)])
def test_prepared_statements_can_be_turned_off_for_poolers_that_lose_them(flag, prepared, tmp_path):
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "CUSTODES_DB_PREPARED_STATEMENTS"}
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/unused"
    env["CUSTODES_DATA_DIR"] = str(tmp_path)
    if flag is not None:
        env["CUSTODES_DB_PREPARED_STATEMENTS"] = flag
    options = subprocess.run(
        [sys.executable, "-c", OPTIONS_OF_THE_DATABASE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = {"server_side_binding": True, "prepare_threshold": 5} if prepared else {}
    assert {k: v for k, v in json.loads(options).items() if k != "pool"} == expected


OPTIONS_OF_THE_DATABASE = (
    "import json; from custodes.web import settings; "
    "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
)


def test_workers_are_forked_with_the_loaded_objects_out_of_the_collectors_reach():
    import gc

    from custodes.web import server

    settings = ServerOptions(host="127.0.0.1", port=8000, workers=2, threads=4)
    assert settings.gunicorn_settings()["pre_fork"] is server._freeze_loaded_objects
    assert settings.gunicorn_settings()["preload_app"] is True  # loaded once, in the master
    try:
        server._freeze_loaded_objects(None, None)
        assert gc.get_freeze_count() > 10_000  # Django and the apps, at least
    finally:
        gc.unfreeze()


def test_the_master_loads_the_knowledge_base_before_workers_fork():
    from custodes.intel import _knowledge
    from custodes.web import server

    _knowledge._cached.cache_clear()
    application = object()
    assert server._warmed(application) is application
    assert _knowledge._cached.cache_info().currsize == 1


def test_the_master_loads_urls_catalogues_and_templates_before_workers_fork():
    """What each worker would otherwise load on its first request (about 0.5 s of CPU, while
    the first visitors wait) is loaded once, before the fork."""
    from django.template import engines
    from django.urls import get_resolver

    from custodes.web import server

    django_loader = engines["django"].engine.template_loaders[0]  # the cached loader
    django_loader.reset()
    jinja = engines["jinja2"].env
    jinja.cache.clear()
    resolver = get_resolver()
    resolver._reverse_dict.clear()
    server._warmed(object())
    parsed = {key.split(":")[0] for key in django_loader.get_template_cache}
    assert {"respond/block.html", "respond/_base.html", "base.html"} <= parsed
    assert "surveys/round_detail.html" in parsed  # an app's own templates too
    assert not any(name.startswith("admin/") for name in parsed)  # others load when used
    assert any(name == "respond/_fields.html" for _, name in jinja.cache)
    assert set(resolver._reverse_dict) >= {"en-gb", "cy"}
