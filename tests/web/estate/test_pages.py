"""Register pages: the watchdog sees every body; a respondent only its own body's register."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from register_rows import KENT_ROWS, write_csv

from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.estate.services import import_register
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db


def _respondent(round_, code: str) -> Client:
    _, token = issue_invitation(round_, Body.objects.get(code=code), actor="test")
    client = Client()
    assert client.get(f"/r/{token}/").status_code == 302
    return client


@pytest.fixture
def two_registers(kent_imported, tmp_path):
    essex = Body.objects.get(code="essex")
    rows = [["Asset ID", "Type", "Make", "Qty"], ["E1", "drone", "Autel", "2"]]
    import_register(essex, write_csv(tmp_path / "essex.csv", rows), actor="test")
    return kent_imported, essex


@pytest.mark.usefixtures("two_registers")
def test_watchdog_sees_the_nation_and_every_body(watchdog_client):
    page = watchdog_client.get(reverse("estate:national"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kent Police" in html and "Essex Police" in html
    assert "<svg" in html and 'style="' not in html  # charts obey the CSP
    body_page = watchdog_client.get(reverse("estate:body", args=["essex"])).content.decode()
    assert ">E1</a></th>" in body_page and ">K1<" not in body_page
    past = watchdog_client.get(reverse("estate:national") + "?as_of=2019-01-01")
    assert past.context["summary"].devices == 17 + 2  # Essex drones: procurement date unknown


def test_exports(watchdog_client, two_registers):
    csv_page = watchdog_client.get(reverse("estate:export") + "?body=kent&format=csv")
    text = b"".join(csv_page.streaming_content).decode()
    assert text.splitlines()[0].startswith("Body,Asset ID,Kind,Make")
    assert sum(1 for line in text.splitlines() if line.startswith("kent,")) == 5
    xlsx = watchdog_client.get(reverse("estate:export") + "?what=exposure&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    first = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[:4] == ["national", "total", "all devices", 38]


def test_pages_need_a_watchdog(client, two_registers):
    for url in (
        reverse("estate:national"),
        reverse("estate:body", args=["kent"]),
        reverse("estate:export"),
    ):
        assert client.get(url).status_code == 302  # to the login page


def test_respondent_sees_only_its_own_register(survey_round, two_registers):
    kent_client = _respondent(survey_round, "kent")
    page = kent_client.get(reverse("estate:own-register"))
    assert page.status_code == 200
    html = page.content.decode()
    assert ">K1</th>" in html and ">E1</th>" not in html
    download = kent_client.get(reverse("estate:own-register") + "?format=csv")
    content = b"".join(download.streaming_content).replace(b"\r", b"")
    assert b"\nkent,K1," in content and b"\nessex," not in content
    # No watchdog page is reachable from a respondent's session.
    assert kent_client.get(reverse("estate:body", args=["essex"])).status_code == 302
    assert kent_client.get(reverse("estate:export") + "?body=essex").status_code == 302
    essex_client = _respondent(survey_round, "essex")
    assert ">K1</th>" not in essex_client.get(reverse("estate:own-register")).content.decode()
    assert Client().get(reverse("estate:own-register")).status_code == 403


def test_respondent_uploads_a_new_version(
    survey_round,
    two_registers,
    tmp_path,
    settings,
    immediate_jobs,
    django_capture_on_commit_callbacks,
):
    settings.DATA_DIR = tmp_path / "data"
    client = _respondent(survey_round, "kent")
    rows = [list(r) for r in KENT_ROWS]
    rows[3][6] = "10"
    path = write_csv(tmp_path / "new.csv", rows)
    with path.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            reverse("estate:own-register"), {"register": handle, "reason": "new PTZ count"}
        )
    assert done.status_code == 302
    asset = Asset.objects.get(body__code="kent", asset_id="K1")
    assert asset.quantity == 10
    change = AssetChange.objects.filter(asset=asset).last()
    assert (change.by, change.reason) == ("respondent:kent", "new PTZ count")
    page = client.get(reverse("estate:own-register")).content.decode()
    assert "Register import</strong>" in page and "0 new, 1 changed" in page
    rows[3][6] = "ten"
    bad = write_csv(tmp_path / "bad.csv", rows)
    with bad.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("estate:own-register"), {"register": handle})
    assert refused.status_code == 302
    page = client.get(reverse("estate:own-register")).content.decode()
    assert "1 problem(s) in bad.csv: nothing was saved" in page and "Row 4" in page
    assert Asset.objects.get(body__code="kent", asset_id="K1").quantity == 10
    assert list((settings.DATA_DIR / "uploads" / "registers").iterdir()) == []


def test_discrepancy_page(watchdog_client, past_round, kent_imported):
    from test_cli_and_discrepancies import ANSWERS

    from custodes.web.surveys.lifecycle import return_for, submit_return

    submit_return(
        return_for(past_round, kent_imported), ANSWERS, actor="t", submitted_at=past_round.closes_at
    )
    page = watchdog_client.get(reverse("estate:discrepancies", args=[past_round.name]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Dahua" in html
    # In the questionnaire's words: the block's title, the question and the answer's label.
    from custodes.web.surveys.lifecycle import definition_of

    definition = definition_of(past_round.questionnaire)
    question = definition.question("ext_cctv.concerns")
    title = definition.block("ext_cctv").title
    assert f"{title}: {question.text}" in html.replace("&#x27;", "'")
    assert "ext_cctv.concerns" not in html and "<td>No</td>" in html
