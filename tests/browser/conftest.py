"""The demo, served for real, for the end-to-end browser tests.

``custodes demo --no-serve`` prepares a data directory once per test session (and, when the
suite runs on PostgreSQL, a database of its own: ``<test database>_demo_<worker>_…``, dropped
afterwards); each test module gets a copy of both served by ``custodes serve`` (gunicorn and a
job worker) on a free loopback port, so a module may change what it likes. The reader's
report is written by ``custodes report`` and served as the static files a watchdog publishes.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_demo import DEMO_ROUND, Demo, DemoSite, sign_in
from page_checks import DESKTOP, PageChecks

import custodes

SOURCE = Path(custodes.__file__).resolve().parent.parent
START_SECONDS = 120  # generous: CI runs two test workers on two cores


class Databases:
    """PostgreSQL databases for the demo copies when the suite runs on PostgreSQL (the test
    run's ``DATABASE_URL``): each copy made from the prepared one as a template."""

    def __init__(self, url: str) -> None:
        self.url = urllib.parse.urlsplit(url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        self.prefix = f"{self.url.path.lstrip('/') or 'custodes'}_demo_{worker}"[:50]
        self.made: list[str] = []

    def url_of(self, name: str) -> str:
        return urllib.parse.urlunsplit(self.url._replace(path=f"/{name}"))

    def _run(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url_of("postgres"), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def create(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its name."""
        name = f"{self.prefix}_{len(self.made)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self._run(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{copy}'
        )
        self.made.append(name)
        return name

    def drop_all(self) -> None:
        self._run(*(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in reversed(self.made)))


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases | None]:
    """The PostgreSQL databases of the demo copies, or None on SQLite."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    made = Databases(url)
    yield made
    made.drop_all()


def _env(data_dir: Path, database: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``custodes`` process on ``data_dir`` and, when given, the
    PostgreSQL database ``database`` (a URL), else the SQLite file in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CUSTODES_BASE_URL")}
    if database:
        env["DATABASE_URL"] = database
    env.update(
        CUSTODES_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")])),
        COLUMNS="240",
        TERM="dumb",
        NO_COLOR="1",
        **extra,
    )
    return env


def _custodes(*args: str, env: dict[str, str], timeout: float = START_SECONDS) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "custodes", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise AssertionError(f"custodes {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory, databases: Databases | None) -> Demo:
    """``custodes demo --no-serve`` in a data directory of its own, run twice (a re-run must
    add nothing and still work); the watchdog password and respondent link it prints."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("Debian's chromium is not installed (scripts/test installs it with apt-get)")
    data_dir = tmp_path_factory.mktemp("demo-data")
    database = databases.create() if databases else None
    env = _env(data_dir, databases.url_of(database) if databases and database else None)
    _custodes("demo", "--no-serve", env=env)
    out = _custodes("demo", "--no-serve", env=env)
    password = re.search(r"Sign in as:\s+watchdog / (\S+)", out)
    token = re.search(r"Respondent link:\s+\S+/r/([A-Za-z0-9_-]+)/", out)
    published = re.search(r"Published assessment:\s+\S*?(/sat/[a-z0-9-]+/)", out)
    assert password and token and published, f"unexpected output of custodes demo:\n{out}"
    return Demo(data_dir, password[1], token[1], database, published[1])


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"custodes serve exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise AssertionError(f"custodes serve did not answer:\n{log.read_text(errors='replace')}")


def _copy(demo: Demo, tmp_path_factory, databases: Databases | None) -> tuple[Path, str | None]:
    """A copy of the demo's data directory and database (a URL; None on SQLite)."""
    data_dir = tmp_path_factory.mktemp("demo-copy") / "data"
    shutil.copytree(demo.data_dir, data_dir)
    if databases is None or demo.database is None:
        return data_dir, None
    return data_dir, databases.url_of(databases.create(template=demo.database))


@pytest.fixture(scope="module")
def demo_site(demo_data: Demo, tmp_path_factory, databases) -> Iterator[DemoSite]:
    """A copy of the demo data served by ``custodes serve`` for this module only."""
    data_dir, database = _copy(demo_data, tmp_path_factory, databases)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir.parent / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "custodes", "serve", "--port", str(port)],
            env=_env(
                data_dir,
                database,
                CUSTODES_BASE_URL=url,
                CUSTODES_WORKERS="1",
                CUSTODES_THREADS="4",
            ),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(url, process, log)
        yield DemoSite(
            url,
            data_dir,
            demo_data.password,
            demo_data.token,
            published_assessment=demo_data.published_assessment,
        )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def published_report(demo_data: Demo, tmp_path_factory, databases) -> Iterator[str]:
    """The demo round's report as ``custodes report`` writes it, served as plain static files
    (what a reader finds where the watchdog publishes it); its base URL."""
    data_dir, database = _copy(demo_data, tmp_path_factory, databases)
    out = data_dir.parent / "published"
    _custodes("report", "--round", DEMO_ROUND, "--out", str(out), env=_env(data_dir, database))
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def checks() -> Iterator[PageChecks]:
    """The accessibility and layout checks; a test calls ``checks.verify()`` at its end, and
    problems a failing test left unreported are reported here."""
    found = PageChecks()
    yield found
    if found.problems:
        found.verify()


@pytest.fixture(scope="module")
def watchdog_state(browser, demo_site: DemoSite) -> dict:
    """A signed-in watchdog's cookies, signed in once per module (the login throttle counts)."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, demo_site)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser) -> Iterator:
    """``open_page(storage_state=None)``: a page in a fresh browser context."""
    contexts = []

    def make(storage_state: dict | None = None):
        context = browser.new_context(viewport=DESKTOP, storage_state=storage_state)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
