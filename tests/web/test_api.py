"""The JSON API: watchdog accounts only; same figures as the CLI."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from custodes.web.surveys.analysis import round_findings

pytestmark = pytest.mark.django_db


def test_api_needs_a_watchdog(client, past_round):
    assert client.get("/api/rounds").status_code == 401
    get_user_model().objects.create_user("someone", password="x" * 16)
    client.login(username="someone", password="x" * 16)
    assert client.get("/api/rounds").status_code == 403


def test_rounds_status_and_findings(watchdog_client, past_round):
    rounds = watchdog_client.get("/api/rounds").json()
    assert [r["name"] for r in rounds] == ["round-2022"]
    status = watchdog_client.get("/api/rounds/round-2022/status").json()
    assert len(status) == 47 and {s["status"] for s in status} == {"not_invited"}
    data = watchdog_client.get("/api/rounds/round-2022/findings?as_of=2022-10-01T00:00:00Z").json()
    expected = round_findings(past_round).to_dict()
    assert data["findings"] == expected["findings"] and data["recipients"] == 47
    assert watchdog_client.get("/api/rounds/nope").status_code == 404
    assert watchdog_client.get("/api/docs").status_code == 200
