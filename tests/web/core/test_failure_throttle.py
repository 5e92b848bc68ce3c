"""The throttle for guessed links and agent tokens, against a live server with real threads.

Each burst sends 100 bad guesses at once from one address: exactly ``TOKEN_THROTTLE_LIMIT`` of
them are looked up and answered (404 or 401), every other one gets 429 with ``Retry-After``,
and a valid link or token from the same address works all the while.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.db import connection

from custodes.web.bodies.models import Body
from custodes.web.core.models import FailedLookups
from custodes.web.core.throttle import FailureThrottle
from custodes.web.estate import scans
from custodes.web.surveys.tokens import issue_invitation

GUESSES = 100
VALID = 10  # valid requests sent among the guesses
LIMIT = 10
BAD_TOKEN = "x" * 43
STYLESHEET = "/static/custodes/custodes.css"


def _concurrency() -> int:
    """Requests in flight at once: all 100 on SQLite. On PostgreSQL each one holds a server
    connection in the live server's thread-per-request model; 20 stays well below the shared
    server's ``max_connections`` (100) while still racing every increment."""
    return GUESSES if connection.vendor == "sqlite" else 20


def _burst(
    base_url: str, send: Callable[[httpx.Client], int], valid: Callable[[httpx.Client], int]
) -> Counter:
    """Sends GUESSES bad guesses at once, each on its own connection, with VALID valid
    requests among them; returns the statuses, the valid requests' as ``("valid", status)``."""
    workers = _concurrency()
    start = threading.Barrier(workers)

    def one(index: int) -> object:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            if index < workers:
                # Connected first (a static file touches no database), so that the guesses
                # race in the application rather than in the test server's listen backlog.
                client.get(STYLESHEET).raise_for_status()
                start.wait()
            if index % 11 == 5:
                try:
                    return ("valid", valid(client))
                except httpx.TransportError:
                    # Django's test server has now and then reset the connection of a valid
                    # request in this burst on PostgreSQL (about one run in seven with 40
                    # requests in flight; cause not found). Valid requests are never
                    # counted by the throttle, so the same request on a fresh connection
                    # must then be answered like any other.
                    with httpx.Client(base_url=base_url, timeout=60) as retry:
                        return ("valid", valid(retry))
            return send(client)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return Counter(pool.map(one, range(GUESSES + VALID)))


@pytest.mark.django_db(transaction=True)
def test_concurrent_bad_links_are_checked_exactly_up_to_the_limit(
    live_server, survey_round, settings
):
    settings.TOKEN_THROTTLE_LIMIT = LIMIT
    _, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="test")

    def guess(client: httpx.Client) -> int:
        return client.get(f"/r/{BAD_TOKEN}/").status_code

    def open_link(client: httpx.Client) -> int:
        return client.get(f"/r/{token}/").status_code

    statuses = _burst(live_server.url, guess, open_link)
    assert statuses == Counter({404: LIMIT, 429: GUESSES - LIMIT, ("valid", 302): VALID})
    with httpx.Client(base_url=live_server.url) as client:
        refused = client.get(f"/r/{BAD_TOKEN}/")
        assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 900
        assert open_link(client) == 302
    assert FailedLookups.objects.get(scope="respond-links").failures == GUESSES + 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_bad_agent_tokens_are_checked_exactly_up_to_the_limit(
    live_server, roster, settings
):
    settings.TOKEN_THROTTLE_LIMIT = LIMIT
    _, token = scans.issue_agent_token(Body.objects.get(code="kent"), actor="test")
    scan = {
        "scanner": "custodes test",
        "started_at": "2026-01-01T10:00:00+00:00",
        "finished_at": "2026-01-01T10:05:00+00:00",
        "targets": ["10.0.0.0/24"],
        "devices": [],
    }

    def post(client: httpx.Client, bearer: str) -> int:
        headers = {"Authorization": f"Bearer {bearer}"}
        return client.post("/api/scans", json=scan, headers=headers).status_code

    statuses = _burst(
        live_server.url, lambda client: post(client, BAD_TOKEN), lambda client: post(client, token)
    )
    assert statuses == Counter({401: LIMIT, 429: GUESSES - LIMIT, ("valid", 200): VALID})


@pytest.mark.django_db
def test_counts_are_per_scope_and_address_and_windows_are_forgotten(settings):
    settings.TOKEN_THROTTLE_LIMIT = 2
    links, agents = FailureThrottle("links"), FailureThrottle("agents")
    assert [links.record_failure("192.0.2.1") for _ in range(2)] == [0, 0]
    assert links.record_failure("192.0.2.1") > 0
    assert agents.record_failure("192.0.2.1") == 0
    assert links.record_failure("192.0.2.2") == 0
    assert "192.0.2.1" not in repr(list(FailedLookups.objects.values()))  # only its hash
    settings.TOKEN_THROTTLE_WINDOW_SECONDS = 0
    assert links.record_failure("192.0.2.3") == 0  # a new window clears the ended ones
    assert list(FailedLookups.objects.filter(scope="links").values_list("failures")) == []
