"""Every response except static files says ``Cache-Control: no-store``, and the README states
the headers as they are sent.

The walk visits every URL pattern of the project (admin and API included) as an anonymous
visitor, a watchdog and a respondent, filling each pattern's parameters with real objects
where they exist, and checks the header whatever the status (a 302 to the login page, a 404
or a 405 must not be cached either).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from custodes.web.bodies.models import Body
from custodes.web.surveys.lifecycle import definition_of
from custodes.web.surveys.tokens import issue_invitation

README = Path(__file__).resolve().parents[3] / "README.md"
STYLESHEET = "/static/custodes/custodes.css"


def url_patterns() -> Iterator[str]:
    """Every route of the project, as the resolver reports it (``ResolverMatch.route``)."""

    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    yield from walk(get_resolver().url_patterns, "")


def concrete_url(route: str, values: dict[str, str]) -> str:
    """``route`` with each parameter (``<conv:name>`` or a regex group) replaced by its value."""
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m[1]], route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m[1]], url)
    return "/" + url.replace("^", "").replace("$", "")


@pytest.fixture
def sessions(survey_round, watchdog) -> dict[str, Client]:
    admin = get_user_model().objects.create_superuser("admin", password="another horse battery")
    watchdog_client = Client()
    watchdog_client.force_login(admin)
    return {"anonymous": Client(), "watchdog": watchdog_client, "respondent": Client()}


@pytest.mark.django_db
def test_every_url_pattern_answers_no_store_in_every_session(survey_round, sessions):
    invitation, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="t")
    assert sessions["respondent"].get(f"/r/{token}/").status_code == 302
    values = {
        "token": token,
        "block_id": definition_of(survey_round.questionnaire).blocks[0].id,
        "name": survey_round.name,
        "code": "kent",
        "asset_id": "K-1",
        "pk": "1",
        "object_id": str(invitation.pk),
        "content_type_id": "1",
        "id": "1",
        "app_label": "surveys",
        "url": "no-such-page/",
        "job": "1",
        "filename": "index.html",
        "number": "1",
        "item": "1",
        "slug": "kent-scc-2013-2026-01-01-1",
        "reply": "1",
        "qid": "drones.count",
    }
    routes = list(url_patterns())
    assert len(routes) > 40
    statuses: set[int] = set()
    for route in routes:
        url = concrete_url(route, values)
        assert resolve(url).route.lstrip("^") == route.replace("/^", "/"), url
        for who, client in sessions.items():
            response = client.get(url)
            statuses.add(response.status_code)
            assert "no-store" in response.get("Cache-Control", ""), (who, url)
    assert {200, 302, 404} <= statuses  # real pages, redirects to sign in, and misses
    assert "no-store" in Client().get("/no/such/page/").get("Cache-Control", "")


@pytest.mark.django_db
def test_static_files_may_be_cached():
    response = Client().get(STYLESHEET)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_the_readme_states_the_referrer_policy_that_is_sent(client):
    stated = re.findall(r"`Referrer-Policy: ([a-z-]+)`", README.read_text(encoding="utf-8"))
    page = client.get("/accounts/login/")
    assert stated == [page["Referrer-Policy"]]
    meta = re.search(r'<meta name="referrer" content="([a-z-]+)">', page.content.decode())
    assert meta is not None and meta[1] == page["Referrer-Policy"]
