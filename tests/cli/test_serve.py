"""`custodes serve` as deployed: a real gunicorn master with two workers, on SQLite and on
PostgreSQL, under concurrent clients, idle keep-alive clients, and SIGTERM or Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

WORKERS = 2
THREADS = 4
# Fewer pooled connections than threads, so that the bound is the pool's, not the threads'.
POOL_SIZE = 3
USERNAME = "analyst"
PASSWORD = "correct horse battery staple 42"
TOKEN = "jof6tqi_uujoHA9j4GYUorfoNbg5LK-0V2azk35sO1c"
CUSTODES = [sys.executable, "-m", "custodes"]
STATIC_CSS = Path(__file__).parents[2] / "src/custodes/web/static/custodes/custodes.css"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running `custodes serve` (its own session, so signals reach only it)."""

    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 40) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)


def _start(env: dict[str, str], log: Path) -> Server:
    port = _free_port()
    command = [*CUSTODES, "serve", "--port", str(port), "--workers", str(WORKERS)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--threads", str(THREADS)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"custodes serve exited with {process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.base}/accounts/login/", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.stop(signal.SIGKILL)
    pytest.fail(f"custodes serve did not answer within 90 s:\n{server.output()}")


@contextmanager
def _postgres_database(url: str, name: str) -> Iterator[str]:
    """A fresh database on the server of ``url``, dropped afterwards; yields its URL."""
    import psycopg

    with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(request, tmp_path_factory) -> Iterator[dict[str, str]]:
    """The environment of a fresh deployment (data dir, database, a watchdog account)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "CUSTODES_WORKERS", "CUSTODES_THREADS"}
        and name not in {"CUSTODES_DB_POOL_SIZE", "CUSTODES_BASE_URL", "CUSTODES_DEBUG"}
    }
    env["CUSTODES_DATA_DIR"] = str(tmp_path_factory.mktemp(f"serve-{request.param}"))
    env["CUSTODES_DB_POOL_SIZE"] = str(POOL_SIZE)
    with ExitStack() as cleanup:
        if request.param == "postgresql":
            url = os.environ.get("DATABASE_URL", "")
            if not url.startswith(("postgres://", "postgresql://")):
                pytest.skip("PostgreSQL: run the tests with DATABASE_URL=postgres://…")
            name = f"{urlsplit(url).path.lstrip('/')}_serve_{os.getpid()}"
            env["DATABASE_URL"] = cleanup.enter_context(_postgres_database(url, name))
        created = subprocess.run(
            [*CUSTODES, "user", "create", USERNAME],
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n".encode(),
            capture_output=True,
            timeout=180,
            start_new_session=True,  # no terminal: the password prompt reads stdin
            check=False,
        )
        assert created.returncode == 0, created.stderr.decode()
        yield env


@pytest.fixture(scope="module")
def server(deployment, tmp_path_factory) -> Iterator[Server]:
    running = _start(deployment, tmp_path_factory.mktemp("log") / "serve.log")
    yield running
    assert running.stop() == 0, running.output()


def _csrf(client: httpx.Client, base: str) -> str:
    page = client.get(f"{base}/accounts/login/")
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _login_form(client: httpx.Client, base: str) -> dict[str, str]:
    return {"csrfmiddlewaretoken": _csrf(client, base), "username": USERNAME, "password": PASSWORD}


@pytest.fixture(scope="module")
def session_cookies(server) -> dict[str, str]:
    """A watchdog's session, shared by every client of a test (each request reads it from
    the database)."""
    with httpx.Client() as client:
        signed_in = client.post(
            f"{server.base}/accounts/login/", data=_login_form(client, server.base)
        )
        assert signed_in.status_code == 302, signed_in.text
        return {"sessionid": client.cookies["sessionid"]}


def test_concurrent_requests_static_files_and_secure_headers(server, session_cookies):
    def dashboard(_: int) -> httpx.Response:
        with httpx.Client(cookies=session_cookies) as client:
            return client.get(f"{server.base}/rounds/")

    with ThreadPoolExecutor(max_workers=24) as pool:
        responses = list(pool.map(dashboard, range(96)))
    assert [r.status_code for r in responses] == [200] * 96
    page = responses[0]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "no-store" in page.headers["cache-control"]
    assert page.headers["referrer-policy"]

    css = httpx.get(f"{server.base}/static/custodes/custodes.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.content == STATIC_CSS.read_bytes()
    assert css.headers["x-content-type-options"] == "nosniff"
    admin_css = httpx.get(f"{server.base}/static/admin/css/base.css")
    assert admin_css.status_code == 200 and b"{" in admin_css.content


def test_the_access_log_never_shows_a_respondents_link(server):
    assert httpx.get(f"{server.base}/r/{TOKEN}/").status_code in {404, 429}
    httpx.get(f"{server.base}/accounts/login/", headers={"Referer": f"{server.base}/r/{TOKEN}/"})
    time.sleep(0.5)  # the access log line is written after the response
    log = server.output()
    assert "GET /r/[redacted]/ HTTP/1.1" in log
    assert TOKEN not in log


def _established(port: int) -> int:
    """Open TCP connections accepted on ``port`` (the server's side), from /proc/net/tcp."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local_port = f":{port:04X}"
    return sum(
        1 for line in lines if line.split()[1].endswith(local_port) and line.split()[3] == "01"
    )


def test_idle_keepalive_clients_hold_no_database_connections(server, session_cookies, deployment):
    if "DATABASE_URL" not in deployment:
        pytest.skip("database connections are a PostgreSQL matter")
    import psycopg

    database = urlsplit(deployment["DATABASE_URL"]).path.lstrip("/")
    port = urlsplit(server.base).port
    counts: list[int] = []
    loading = threading.Event()

    def sample(monitor: psycopg.Connection) -> None:
        while loading.is_set():
            counts.append(
                monitor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
                ).fetchone()[0]
            )
            time.sleep(0.02)

    idle = [httpx.Client(cookies=session_cookies) for _ in range(50)]
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            first = list(pool.map(lambda client: client.get(f"{server.base}/rounds/"), idle))
        assert [r.status_code for r in first] == [200] * 50
        assert _established(port) >= 50  # the 50 clients keep their connections open

        with psycopg.connect(
            deployment["DATABASE_URL"], dbname="postgres", autocommit=True
        ) as monitor:
            loading.set()
            sampler = threading.Thread(target=sample, args=(monitor,))
            sampler.start()
            try:
                with (
                    ThreadPoolExecutor(max_workers=24) as pool,
                    httpx.Client(
                        cookies=session_cookies, limits=httpx.Limits(max_connections=24)
                    ) as busy,
                ):
                    load = list(pool.map(lambda _: busy.get(f"{server.base}/rounds/"), range(120)))
            finally:
                loading.clear()
                sampler.join()
        assert [r.status_code for r in load] == [200] * 120
        assert _established(port) >= 50
    finally:
        for client in idle:
            client.close()
    # Each web worker and the background-job worker `serve` starts has its own pool.
    assert counts and max(counts) <= (WORKERS + 1) * POOL_SIZE, counts
    assert max(counts) >= 1


class _SlowBody:
    """A request body sent in two parts: the second only once ``release`` is set."""

    def __init__(self, body: bytes) -> None:
        self.head, self.tail = body[: len(body) // 2], body[len(body) // 2 :]
        self.sent_head = threading.Event()
        self.release = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        self.sent_head.set()
        self.release.wait(30)
        yield self.tail


@pytest.mark.parametrize("how", ["SIGTERM to the master", "Ctrl-C to the process group"])
def test_shutdown_lets_an_in_flight_request_finish(deployment, tmp_path, how):
    server = _start(deployment, tmp_path / "serve.log")
    try:
        with httpx.Client() as client:
            form = _login_form(client, server.base)
            form["padding"] = "x" * 64_000
            body = _SlowBody(httpx.QueryParams(form).__str__().encode())
            answers: list[httpx.Response] = []
            posting = threading.Thread(
                target=lambda: answers.append(
                    client.post(
                        f"{server.base}/accounts/login/",
                        content=body,
                        headers={
                            "Content-Type": "application/x-www-form-urlencoded",
                            "Content-Length": str(len(body.head) + len(body.tail)),
                        },
                        timeout=60,
                    )
                )
            )
            posting.start()
            assert body.sent_head.wait(10)
            time.sleep(0.5)  # a worker thread is now reading the body
            if how == "SIGTERM to the master":
                server.process.send_signal(signal.SIGTERM)
            else:
                os.killpg(server.process.pid, signal.SIGINT)
            time.sleep(1)
            assert server.process.poll() is None, "stopped without waiting for the request"
            body.release.set()
            posting.join(30)
        assert answers and answers[0].status_code == 302, server.output()
        assert answers[0].headers["location"].startswith("/rounds/")
        assert server.process.wait(timeout=40) == 0, server.output()
        assert "Stopped." in server.output()
    finally:
        server.stop(signal.SIGKILL)


def test_a_port_in_use_is_a_clear_error(deployment):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = subprocess.run(
            [*CUSTODES, "serve", "--port", str(port), "--workers", "1"],
            env=deployment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert refused.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in refused.stderr
    assert "Address already in use" in refused.stderr and "Try --port" in refused.stderr
