"""Fixtures shared by the tests: the roster in the database, rounds, a watchdog client,
headless Chromium (Debian's package) driven by Playwright for the browser tests, and the
repository's scripts loaded as modules."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest

UK = ZoneInfo("Europe/London")


@pytest.fixture
def roster(db):
    """The shipped roster of 47 bodies, loaded into the test database."""
    from custodes.web.bodies.services import sync_roster

    sync_roster()


@pytest.fixture
def survey_round(roster):
    """An open round of police-estate-2022 to the 47 bodies, closing in a week."""
    from django.utils import timezone

    from custodes.web.surveys.lifecycle import create_round

    return create_round(
        "test-round",
        questionnaire="police-estate-2022",
        recipients="police-ew",
        closes_at=timezone.now() + timedelta(days=7),
        opens_at=timezone.now() - timedelta(days=7),
        actor="test",
    )


@pytest.fixture
def past_round(roster):
    """A round that ran in 2022 (opened 24 June, closed 30 September)."""
    from custodes.web.surveys.lifecycle import create_round

    return create_round(
        "round-2022",
        questionnaire="police-estate-2022",
        recipients="police-ew",
        opens_at=datetime(2022, 6, 24, 9, tzinfo=UK),
        closes_at=datetime(2022, 9, 30, 23, 59, tzinfo=UK),
        actor="test",
    )


@pytest.fixture
def watchdog(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        "analyst", password="correct horse battery", is_staff=True
    )


@pytest.fixture
def watchdog_client(client, watchdog):
    client.force_login(watchdog)
    return client


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module. Module scope, not session: Playwright's sync API
    keeps an event loop running while it is open, and other tests call ``asyncio.run``."""
    executable = _chromium()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (scripts/test installs it with apt-get)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make():
        context = browser.new_context()
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def loopback_base():
    """Shifts a lab's loopback base (``127.0.N.0``) by ten in the third octet per parallel test
    worker, so that two workers never bind the same addresses and ports."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    shift = 10 * int(worker or 0)

    def shifted(base: str) -> str:
        first, second, third, fourth = base.split(".")
        return f"{first}.{second}.{int(third) + shift}.{fourth}"

    return shifted


@pytest.fixture
def immediate_jobs(settings):
    """Background jobs run at once, in this process, when they are queued (Huey's immediate
    mode, with its in-memory queue). Queued after a commit: in a test inside a transaction,
    wrap the action in ``django_capture_on_commit_callbacks(execute=True)``."""
    from huey.contrib.djhuey import HUEY

    settings.JOB_HEARTBEAT_SECONDS = 3600  # the run is over long before a heartbeat is due
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = False


REPOSITORY = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_script():
    """Loads a script of the repository (``scripts/…``, ``benchmarks/…``) as a module, with its
    own folder importable as it is when the script runs, and registered under its name while
    it loads (dataclasses look their module up)."""
    loaded: dict[str, ModuleType] = {}

    def load(relative: str) -> ModuleType:
        if relative in loaded:
            return loaded[relative]
        path = REPOSITORY / relative
        name = f"repo_script_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        sys.path.insert(0, str(path.parent))
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(path.parent))
        loaded[relative] = module
        return module

    yield load
    for module in loaded.values():
        sys.modules.pop(module.__name__, None)
