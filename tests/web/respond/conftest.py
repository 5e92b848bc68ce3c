"""Fixtures for the respondent form: a round of a small test questionnaire and links to it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client

FIXTURES = Path(__file__).parent / "fixtures"
QUESTIONNAIRE = FIXTURES / "respond-test.yaml"
BODY_A = "avon-and-somerset"
BODY_B = "bedfordshire"


@pytest.fixture
def respond_round(roster):
    """An open round of the test questionnaire to the 47 police bodies."""
    from django.utils import timezone

    from custodes.web.surveys.lifecycle import create_round

    return create_round(
        "respond-test",
        questionnaire=str(QUESTIONNAIRE),
        recipients="police-ew",
        closes_at=timezone.now() + timedelta(days=14),
        opens_at=timezone.now() - timedelta(days=1),
        actor="test",
    )


def issue(round_, code: str) -> tuple[object, str]:
    """A fresh link for the body with ``code``: ``(invitation, token)``."""
    from custodes.web.bodies.models import Body
    from custodes.web.surveys.tokens import issue_invitation

    return issue_invitation(round_, Body.objects.get(code=code), actor="test")


def open_link(client: Client, token: str) -> Client:
    """Opens the respondent link in ``client``, as clicking it in the email would."""
    response = client.get(f"/r/{token}/")
    assert response.status_code == 302, response.status_code
    return client


@pytest.fixture
def link_a(respond_round) -> tuple[object, str]:
    return issue(respond_round, BODY_A)


@pytest.fixture
def link_b(respond_round) -> tuple[object, str]:
    return issue(respond_round, BODY_B)


@pytest.fixture
def respondent_a(link_a) -> Client:
    """A browser session opened with body A's link."""
    return open_link(Client(), link_a[1])


@pytest.fixture
def respondent_b(link_b) -> Client:
    return open_link(Client(), link_b[1])
