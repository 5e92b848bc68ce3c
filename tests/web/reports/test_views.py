"""The report in the web UI: watchdog staff only, same content, CSP-safe, downloads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from custodes.web.core.permissions import WATCHDOG_GROUP
from custodes.web.surveys.analysis import round_findings

from .conftest import AFTER_CORRECTION, CORRECTOR, OFFICIAL_NAME, ReportedRound
from .test_build import parse

pytestmark = pytest.mark.django_db


def url(reported: ReportedRound, name: str = "report") -> str:
    return reverse(f"reports:{name}", args=[reported.round.name])


def test_anonymous_visitors_are_sent_to_log_in(client, reported):
    for name in ("report", "findings-csv", "findings-json", "responses-csv", "pdf"):
        response = client.get(url(reported, name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_logged_in_non_staff_are_refused(client, reported):
    user = get_user_model().objects.create_user("visitor", password="long enough password")
    client.force_login(user)
    assert client.get(url(reported)).status_code == 403
    assert client.get(url(reported, "responses-csv")).status_code == 403


def test_watchdog_group_members_may_read(client, reported):
    user = get_user_model().objects.create_user("member", password="long enough password")
    user.groups.add(Group.objects.create(name=WATCHDOG_GROUP))
    client.force_login(user)
    assert client.get(url(reported)).status_code == 200


def test_report_page_renders_inside_the_site_layout(watchdog_client, reported):
    response = watchdog_client.get(url(reported))
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html)
    assert page.count("h1") == 1
    assert page.count("svg") == len(round_findings(reported.round).findings)
    assert "/static/custodes/report.css" in html
    assert 'id="main-content"' in html  # base.html's layout
    assert 'id="update-list"' in html and "16 February 2023" in html
    assert OFFICIAL_NAME not in html and CORRECTOR not in html
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_report_page_has_no_inline_styles_or_scripts(watchdog_client, reported):
    """The site's CSP (style-src 'self') would block them, charts included."""
    response = watchdog_client.get(url(reported))
    page = parse(response.content.decode())
    assert page.count("style") == 0
    assert page.count("script") == 0
    assert not [tag for tag, attrs in page.tags if "style" in attrs]
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_as_of_shows_the_data_as_it_stood(watchdog_client, reported):
    before = watchdog_client.get(url(reported), {"as_of": "2023-02-01"}).content.decode()
    assert "No answers had been corrected by 1 February 2023" in before
    assert 'value="2023-02-01"' in before
    assert "/findings.csv?as_of=2023-02-01" in before
    after = watchdog_client.get(url(reported), {"as_of": "2023-02-16"}).content.decode()
    assert 'id="updates-notice"' in after  # the correction was at 11:00 that day


@pytest.mark.parametrize("value", ["yesterday", "2023-02-30", "2023-02-01T10:00", "garbage"])
@pytest.mark.parametrize(
    "view", ["report", "findings-json", "findings-csv", "responses-csv", "pdf"]
)
def test_bad_as_of_is_an_error_page(watchdog_client, reported, value, view):
    response = watchdog_client.get(url(reported, view), {"as_of": value})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<title>Error: the date in the address is not valid – Custodes</title>" in page
    assert 'class="error-summary"' in page and 'href="#as_of"' in page
    assert "a date written YYYY-MM-DD, for example 2023-02-15" in page
    assert 'id="as_of"' in page and 'aria-describedby="as_of-hint as_of-error"' in page
    assert 'id="as_of-hint"' in page and 'id="as_of-error"' in page


def test_bad_as_of_when_building_files_is_an_error_page(watchdog_client, reported):
    response = watchdog_client.post(url(reported, "build"), {"as_of": "31/12/2022"})
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.content


def test_unknown_round_is_not_found(watchdog_client, reported):
    assert watchdog_client.get(reverse("reports:report", args=["no-such-round"])).status_code == 404


def test_downloads_match_the_written_files(watchdog_client, reported):
    as_of = {"as_of": "2023-03-01"}
    response = watchdog_client.get(url(reported, "findings-json"), as_of)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="round-2022-as-of-2023-03-01-findings.json"'
    )
    document = json.loads(response.content)
    document.pop("report")
    expected = round_findings(
        reported.round,
        as_of=AFTER_CORRECTION.replace(hour=23, minute=59, second=59, microsecond=999999),
    )
    assert document == expected.to_dict()

    findings = watchdog_client.get(url(reported, "findings-csv"), as_of)
    assert findings["Content-Type"] == "text/csv; charset=utf-8"
    table = list(csv.DictReader(io.StringIO(findings.content.decode())))
    assert [row["id"] for row in table] == [f["id"] for f in document["findings"]]

    responses = watchdog_client.get(url(reported, "responses-csv"))
    assert responses["Content-Disposition"] == 'attachment; filename="round-2022-responses.csv"'
    table = list(csv.DictReader(io.StringIO(responses.content.decode())))
    assert [row["body"] for row in table] == ["bedfordshire", "cheshire", "cleveland"]


def test_report_link_from_the_round_page_resolves(watchdog_client, reported):
    page = watchdog_client.get(reverse("surveys:round", args=[reported.round.name]))
    assert url(reported).encode() in page.content


def test_synthetic_round_page_shows_one_synthetic_banner(watchdog_client, reported):
    reported.round.synthetic = True
    reported.round.save(update_fields=["synthetic"])
    html = watchdog_client.get(url(reported)).content.decode()
    assert html.count('role="note"') == 1
    assert "Synthetic data." in html  # base.html's banner, shown for the whole page
