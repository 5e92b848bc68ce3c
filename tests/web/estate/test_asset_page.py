"""The watchdog's asset page: every field, evidence, history, and the manufacturer override."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db


def _url(code: str, asset_id: str) -> str:
    return reverse("estate:asset", args=[code, asset_id])


def test_login_and_watchdog_needed(client, kent_imported):
    url = _url("kent", "K1")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    clerk = get_user_model().objects.create_user("clerk", password="correct horse battery")
    client.force_login(clerk)
    assert client.get(url).status_code == 302
    refused = client.post(url, {"manufacturer": "Axis", "reason": "label"})
    assert refused.status_code == 302
    assert Asset.objects.get(body=kent_imported, asset_id="K1").manufacturer_override == ""


def test_page_shows_fields_evidence_concern_and_history(watchdog_client, kent_imported):
    page = watchdog_client.get(_url("kent", "K1"))
    assert page.status_code == 200
    html = page.content.decode()
    asset = Asset.objects.get(body=kent_imported, asset_id="K1")
    assert asset.manufacturer_evidence  # the resolver's evidence is listed item by item
    for item in asset.manufacturer_evidence:
        assert f"<li>{item}</li>" in html
    assert f"{round(asset.manufacturer_confidence * 100)}%" in html
    assert asset.concern_since is not None
    assert asset.concern_since.strftime("%-d %B %Y") in html
    for shown in ("SD49225XA-HNR", "Maidstone HQ", "1 May 2018", "in service"):
        assert shown in html
    assert "created" in html and "register import" in html and ">test</td>" in html
    assert 'style="' not in html and "<script" not in html


def test_override_with_reason_is_applied_and_recorded(watchdog_client, kent_imported):
    url = _url("kent", "K1")
    done = watchdog_client.post(url, {"manufacturer": "Axis", "reason": "Axis label on site"})
    assert done.status_code == 302 and done["Location"] == url
    asset = Asset.objects.get(body=kent_imported, asset_id="K1")
    assert asset.manufacturer == "Axis Communications" and asset.manufacturer_override == "Axis"
    assert asset.override_reason == "Axis label on site"
    change = AssetChange.objects.filter(asset=asset).last()
    assert (change.action, change.by, change.reason) == (
        "updated",
        "user:analyst",
        "Axis label on site",
    )
    assert (
        change.before["manufacturer"] == "Dahua"
        and change.after["manufacturer"] == "Axis Communications"
    )
    html = watchdog_client.get(url).content.decode()
    assert "Manufacturer of K1 is now Axis Communications." in html
    assert "Dahua → Axis Communications" in html and "user:analyst" in html

    cleared = watchdog_client.post(url, {"manufacturer": "", "reason": "label was a sticker"})
    assert cleared.status_code == 302
    asset.refresh_from_db()
    assert (asset.manufacturer, asset.manufacturer_override, asset.override_reason) == (
        "Dahua",
        "",
        "",
    )
    assert asset.changes.count() == 3  # created, overridden, cleared


@pytest.mark.parametrize("reason", ["", "   "])
def test_missing_reason_changes_nothing(watchdog_client, kent_imported, reason):
    url = _url("kent", "K1")
    refused = watchdog_client.post(url, {"manufacturer": "Axis", "reason": reason})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'class="error-summary"' in html and 'href="#reason"' in html
    assert 'id="reason-error"' in html and 'value="Axis"' in html  # the entry is kept
    asset = Asset.objects.get(body=kent_imported, asset_id="K1")
    assert asset.manufacturer == "Dahua" and asset.manufacturer_override == ""
    assert asset.changes.count() == 1


def test_too_long_manufacturer_is_refused(watchdog_client, kent_imported):
    refused = watchdog_client.post(_url("kent", "K1"), {"manufacturer": "A" * 201, "reason": "x"})
    assert refused.status_code == 400 and 'href="#manufacturer"' in refused.content.decode()
    assert Asset.objects.get(body=kent_imported, asset_id="K1").changes.count() == 1


def test_form_needs_a_csrf_token(watchdog, kent_imported):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(watchdog)
    url = _url("kent", "K1")
    assert checked.post(url, {"manufacturer": "Axis", "reason": "label"}).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in checked.get(url).content.decode()


def test_asset_of_another_body_is_not_found(watchdog_client, kent_imported):
    assert watchdog_client.get(_url("essex", "K1")).status_code == 404
    assert watchdog_client.post(_url("essex", "K1"), {"reason": "x"}).status_code == 404
    assert watchdog_client.get(_url("kent", "nope")).status_code == 404
    assert watchdog_client.get(_url("no-such-body", "K1")).status_code == 404


def test_asset_ids_link_on_watchdog_pages_only(watchdog_client, survey_round, kent_imported):
    asset = Asset.objects.create(
        body=kent_imported, asset_id="CAM 7/B", kind="external_cctv_camera"
    )
    register = watchdog_client.get(reverse("estate:body", args=["kent"])).content.decode()
    assert f'href="{_url("kent", "K1")}">K1</a>' in register
    assert f'href="{_url("kent", asset.asset_id)}"' in register
    assert watchdog_client.get(_url("kent", asset.asset_id)).status_code == 200

    _, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="test")
    respondent = Client()
    assert respondent.get(f"/r/{token}/").status_code == 302
    own = respondent.get(reverse("estate:own-register")).content.decode()
    assert ">K1</th>" in own and "/assets/" not in own
    assert respondent.get(_url("kent", "K1")).status_code == 302  # to the login page


def test_save_over_a_change_made_since_the_form_was_opened_is_refused(
    watchdog_client, kent_imported
):
    from custodes.web.estate.services import update_asset

    url = _url("kent", "K1")
    version = watchdog_client.get(url).context["version"]
    asset = Asset.objects.get(body=kent_imported, asset_id="K1")
    update_asset(asset, {"notes": "moved to the car park"}, actor="user:other", reason="survey")
    refused = watchdog_client.post(
        url, {"manufacturer": "Axis", "reason": "Axis label", "version": version}
    )
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "changed by someone else since you opened it" in html
    assert 'value="Axis"' in html and "Axis label" in html  # what was typed is kept
    assert "moved to the car park" in html  # and the other change is shown
    asset.refresh_from_db()
    assert asset.manufacturer_override == "" and asset.changes.count() == 2
    again = watchdog_client.post(
        url, {"manufacturer": "Axis", "reason": "Axis label", "version": refused.context["version"]}
    )
    assert again.status_code == 302
    asset.refresh_from_db()
    assert asset.manufacturer_override == "Axis" and asset.notes == "moved to the car park"
