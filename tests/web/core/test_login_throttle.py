"""Watchdog logins are throttled per account and per address (django-axes, in the database)."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import httpx
import pytest
from axes.models import AccessAttempt
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

LIMIT = 3
RIGHT = "correct horse battery"  # the ``watchdog`` fixture's password
WRONG = "Tr0ub4dor&3-wrong"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def _sign_in(address: str, username: str, password: str, path: str = "/accounts/login/"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password})
    return client, response


def _assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    page = response.content.decode()
    assert '<h1 class="heading-xl">Too many attempts to sign in</h1>' in page
    retry_at = re.search(r'data-retry-at="([^"]+)"', page)
    assert retry_at is not None
    waited = datetime.fromisoformat(retry_at[1]) - timezone.now()
    assert timedelta(minutes=14) < waited <= timedelta(minutes=15)
    assert "Traceback" not in page and response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_an_account_is_locked_out_whatever_the_address(watchdog):
    for attempt in range(LIMIT - 1):
        _, response = _sign_in(f"192.0.2.{attempt}", "analyst", WRONG)
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    _, response = _sign_in("192.0.2.50", "analyst", WRONG)
    _assert_locked_out(response)
    client, response = _sign_in("192.0.2.51", "analyst", RIGHT)
    _assert_locked_out(response)
    assert "_auth_user_id" not in client.session
    client, response = _sign_in("192.0.2.51", "someone-else", WRONG)
    assert response.status_code == 200  # other accounts from other addresses are unaffected


@pytest.mark.django_db
def test_an_address_is_locked_out_whatever_the_account(watchdog):
    for name in ["alice", "bob", "carol"][:LIMIT]:
        _, response = _sign_in("198.51.100.7", name, WRONG)
    _assert_locked_out(response)
    _, response = _sign_in("198.51.100.7", "analyst", RIGHT)
    _assert_locked_out(response)
    client, response = _sign_in("198.51.100.8", "analyst", RIGHT)
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(watchdog):
    for _ in range(LIMIT - 1):
        _, response = _sign_in("203.0.113.4", "analyst", WRONG, "/admin/login/")
        assert response.status_code == 200
    _, response = _sign_in("203.0.113.4", "analyst", WRONG, "/admin/login/")
    _assert_locked_out(response)
    _, response = _sign_in("203.0.113.5", "analyst", RIGHT, "/admin/login/")
    _assert_locked_out(response)


@pytest.mark.django_db
def test_signing_in_works_again_after_the_cool_off(watchdog):
    for _ in range(LIMIT):
        _sign_in("192.0.2.9", "analyst", WRONG)
    _assert_locked_out(_sign_in("192.0.2.9", "analyst", RIGHT)[1])
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    client, response = _sign_in("192.0.2.9", "analyst", RIGHT)
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_failures_are_logged_with_account_and_address_never_the_password(watchdog, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(LIMIT):
            _sign_in("192.0.2.77", "analyst", WRONG)
    assert "Locking out" in caplog.text
    assert 'username: "analyst"' in caplog.text and "192.0.2.77" in caplog.text
    assert WRONG not in caplog.text
    stored = repr(list(AccessAttempt.objects.values()))
    assert "analyst" in stored and WRONG not in stored


@pytest.mark.django_db
def test_scripts_and_the_test_client_still_authenticate_without_a_request(watchdog, client):
    assert client.login(username="analyst", password=RIGHT)
    assert client.get("/rounds/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted_against_a_live_server(live_server, watchdog):
    """Twenty wrong passwords at once, each on its own connection: every failure is counted
    (no lost update between server threads) and the account ends locked out."""
    attempts = 20
    start = threading.Barrier(attempts)

    def attempt(password: str, wait: bool) -> int:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            page = client.get("/accounts/login/").text
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            assert csrf is not None
            if wait:
                start.wait()
            form = {"username": "analyst", "password": password, "csrfmiddlewaretoken": csrf[1]}
            return client.post("/accounts/login/", data=form).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(lambda _: attempt(WRONG, wait=True), range(attempts)))
    assert set(statuses) <= {200, 429} and 429 in statuses
    counted = AccessAttempt.objects.filter(username="analyst").aggregate(
        failures=Sum("failures_since_start")
    )
    assert counted["failures"] == attempts
    assert attempt(RIGHT, wait=False) == 429
