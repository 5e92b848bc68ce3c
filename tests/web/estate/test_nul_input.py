"""A NUL character typed into a register form is a validation error on every backend."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db


def test_an_override_with_a_nul_character_returns_the_form(watchdog_client, kent_imported):
    url = reverse("estate:asset", args=["kent", "K1"])
    for form in (
        {"manufacturer": "Da\x00hua", "reason": "seen"},
        {"manufacturer": "Dahua", "reason": "a\x00"},
    ):
        response = watchdog_client.post(url, form)
        assert response.status_code == 400
        assert "NUL character" in response.content.decode()
    assert Asset.objects.get(asset_id="K1").manufacturer_override == ""


def test_an_upload_reason_with_a_nul_character_is_refused(survey_round, kent_imported):
    _, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="test")
    client = Client()
    client.get(f"/r/{token}/")
    changes = AssetChange.objects.count()
    upload = io.BytesIO(b"Asset ID,Type,Make,Qty\nE1,drone,Autel,2\n")
    upload.name = "register.csv"
    response = client.post(reverse("estate:own-register"), {"register": upload, "reason": "x\x00"})
    assert response.status_code == 302
    assert any("NUL character" in str(m) for m in response.wsgi_request._messages)
    assert AssetChange.objects.count() == changes
