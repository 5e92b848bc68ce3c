"""A respondent's link reaches only that body's return, and only while the link is usable."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from custodes.web.core.logging import RedactTokensFilter
from custodes.web.surveys.models import Return
from custodes.web.surveys.tokens import revoke_invitation
from custodes.web.surveys.views.respond import SESSION_INVITATION

from .conftest import BODY_A, BODY_B, issue, open_link

B_SECRET = "Bedfordshire private note 7c1e"
UNKNOWN_TOKEN = "x" * 43


def _pages(client: Client) -> list[str]:
    paths = [
        "/respond/",
        "/respond/respondent/",
        "/respond/drones/",
        "/respond/other/",
        "/respond/check/",
    ]
    return [client.get(path).content.decode() for path in paths]


def test_body_a_never_sees_body_b_answers(respond_round, respondent_a, respondent_b, link_b):
    respondent_b.post("/respond/other/", {"notes": B_SECRET, "action": "later"})
    assert Return.objects.get(body__code=BODY_B).draft == {"other.notes": B_SECRET}
    invitation_b, _ = link_b
    tampered = [
        f"/respond/?invitation={invitation_b.pk}",
        f"/respond/other/?body={BODY_B}&return={invitation_b.pk}",
        f"/respond/check/?invitation={invitation_b.pk}",
    ]
    for html in _pages(respondent_a) + [respondent_a.get(p).content.decode() for p in tampered]:
        assert B_SECRET not in html
        assert "Bedfordshire" not in html
    assert B_SECRET in respondent_b.get("/respond/other/").content.decode()


def test_body_a_cannot_write_to_body_b(respond_round, respondent_a, respondent_b):
    respondent_a.post(
        "/respond/other/", {"notes": "from A", "action": "later", "body": BODY_B, "round": "other"}
    )
    assert not Return.objects.filter(body__code=BODY_B).exclude(draft={}).exists()
    assert Return.objects.get(body__code=BODY_A).draft == {"other.notes": "from A"}


def test_unknown_token_is_not_found_and_says_nothing_about_bodies(respond_round):
    response = Client().get(f"/r/{UNKNOWN_TOKEN}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This link is not valid" in html
    assert "Constabulary" not in html and "Police" not in html
    assert UNKNOWN_TOKEN not in html


def test_revoked_token_is_refused(link_a):
    invitation, token = link_a
    revoke_invitation(invitation, actor="test")
    response = Client().get(f"/r/{token}/")
    assert response.status_code == 410
    assert "Avon" not in response.content.decode()


def test_expired_token_is_refused(link_a):
    invitation, token = link_a
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = Client().get(f"/r/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_session_stops_working_when_the_link_is_revoked(link_a, respondent_a):
    assert respondent_a.get("/respond/").status_code == 200
    revoke_invitation(link_a[0], actor="test")
    response = respondent_a.get("/respond/")
    assert response.status_code == 410
    assert "Avon" not in response.content.decode()
    assert respondent_a.get("/respond/drones/").status_code == 403  # session ended
    assert respondent_a.post("/respond/other/", {"notes": "late"}).status_code == 403
    assert not Return.objects.filter(body__code=BODY_A).exclude(draft={}).exists()


def test_session_stops_working_when_a_new_link_replaces_it(respond_round, respondent_a):
    _, new_token = issue(respond_round, BODY_A)
    assert respondent_a.get("/respond/").status_code == 410
    assert open_link(Client(), new_token).get("/respond/").status_code == 200


def test_session_stops_working_when_the_link_expires(link_a, respondent_a):
    invitation = link_a[0]
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()
    assert respondent_a.get("/respond/check/").status_code == 410


def test_respondent_pages_need_a_session(respond_round):
    for path in ("/respond/", "/respond/drones/", "/respond/check/", "/respond/done/"):
        response = Client().get(path)
        assert response.status_code == 403
        assert "open the link in the email" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/rounds/",
        "/rounds/respond-test/",
        "/reports/respond-test/",
        "/admin/",
        "/admin/surveys/return/",
        "/api/rounds",
    ],
)
def test_respondent_session_never_reaches_watchdog_pages(respondent_a, path):
    response = respondent_a.get(path)
    if response.status_code == 302:
        assert "login" in response["Location"]
    else:
        assert response.status_code in (401, 403)


def test_session_key_is_cycled_and_holds_only_the_invitation(link_a):
    client = Client()
    client.get("/respond/")  # a session exists before the link is opened
    client.session.save()
    before = client.session.session_key
    open_link(client, link_a[1])
    session = client.session
    assert session.session_key != before
    assert dict(session.items()) == {SESSION_INVITATION: link_a[0].pk}


def test_opening_a_link_ends_the_browsers_earlier_session_whoever_it_was(link_a, watchdog):
    """The earlier session is deleted, not carried over: a watchdog signed in in the same
    browser is signed out, and the respondent's session is never also a watchdog's."""
    client = Client()
    client.force_login(watchdog)
    before = client.session.session_key
    open_link(client, link_a[1])
    assert not Session.objects.filter(session_key=before).exists()
    assert dict(client.session.items()) == {SESSION_INVITATION: link_a[0].pk}
    assert client.get("/rounds/").status_code == 302  # to the sign-in page


def test_token_is_never_stored_in_clear(respond_round, link_a):
    _, token = link_a
    client = open_link(Client(), token)
    client.post("/respond/other/", {"notes": "hello", "action": "later"})
    for model in apps.get_models():
        for row in model.objects.all().values():
            assert token not in repr(row), f"token found in {model.__name__}"
    for session in Session.objects.all():
        assert token not in repr(session.get_decoded())
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM custodes_cache")
        assert token not in repr(cursor.fetchall())


def test_bad_tokens_are_throttled_per_address(settings, link_a):
    settings.TOKEN_THROTTLE_LIMIT = 3
    guesser = Client(REMOTE_ADDR="127.0.0.9")
    for attempt in range(3):
        assert guesser.get(f"/r/{attempt}{UNKNOWN_TOKEN}/").status_code == 404
    refused = guesser.get(f"/r/{UNKNOWN_TOKEN}/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "Too many attempts" in refused.content.decode()
    assert Client(REMOTE_ADDR="127.0.0.10").get(f"/r/{UNKNOWN_TOKEN}/").status_code == 404


def test_a_valid_link_opens_from_a_throttled_address(settings, link_a, link_b):
    """A force's headquarters behind one NAT address: a guesser there blocks no one's link."""
    settings.TOKEN_THROTTLE_LIMIT = 2
    shared = "127.0.0.13"
    for attempt in range(4):
        Client(REMOTE_ADDR=shared).get(f"/r/{attempt}{UNKNOWN_TOKEN}/")
    assert Client(REMOTE_ADDR=shared).get(f"/r/{UNKNOWN_TOKEN}/").status_code == 429
    colleague = open_link(Client(REMOTE_ADDR=shared), link_a[1])
    assert colleague.get("/respond/").status_code == 200
    link_a[0].refresh_from_db()
    revoke_invitation(link_a[0], actor="test")
    assert Client(REMOTE_ADDR=shared).get(f"/r/{link_a[1]}/").status_code == 429  # no 410 hint
    assert Client(REMOTE_ADDR=shared).get(f"/r/{link_b[1]}/").status_code == 302


def test_throttle_window_ends(settings, link_a):
    settings.TOKEN_THROTTLE_LIMIT = 1
    guesser = Client(REMOTE_ADDR="127.0.0.11")
    assert guesser.get(f"/r/{UNKNOWN_TOKEN}/").status_code == 404
    assert guesser.get(f"/r/{UNKNOWN_TOKEN}/").status_code == 429
    settings.TOKEN_THROTTLE_WINDOW_SECONDS = 0
    assert guesser.get(f"/r/{UNKNOWN_TOKEN}/").status_code == 404


def test_good_links_do_not_count_as_failures(settings, link_a):
    settings.TOKEN_THROTTLE_LIMIT = 2
    client = Client(REMOTE_ADDR="127.0.0.12")
    for _ in range(4):
        assert client.get(f"/r/{link_a[1]}/").status_code == 302


def test_csrf_is_enforced(link_a):
    client = Client(enforce_csrf_checks=True)
    open_link(client, link_a[1])
    assert client.post("/respond/other/", {"notes": "x", "action": "later"}).status_code == 403
    assert client.post("/respond/check/").status_code == 403
    page = client.get("/respond/other/")
    csrf = page.context["csrf_token"]
    response = client.post(
        "/respond/other/", {"notes": "x", "action": "later", "csrfmiddlewaretoken": str(csrf)}
    )
    assert response.status_code == 302


def test_security_headers(link_a):
    client = Client()
    start = client.get(f"/r/{link_a[1]}/")
    page = client.get("/respond/")
    for response in (start, page):
        assert response["Cache-Control"] == "no-store"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
    assert "HttpOnly" in str(client.cookies["sessionid"])


def test_start_accepts_only_get(link_a):
    assert Client().post(f"/r/{link_a[1]}/").status_code == 405


def test_token_reaches_logs_only_in_redactable_form(caplog, respond_round):
    token = "T0ken" + "q" * 40
    with caplog.at_level(logging.DEBUG):
        Client().get(f"/r/{token}/")
    redact = RedactTokensFilter()
    for record in caplog.records:
        redact.filter(record)
        assert token not in record.getMessage()
