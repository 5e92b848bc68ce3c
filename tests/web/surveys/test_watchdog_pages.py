"""The watchdog's pages as issue 11 asks: GOV.UK errors, navigation, labels not codes,
post-redirect-get, confirmations, send feedback, closed rounds, and no secret link in a log."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from custodes.web.bodies.models import Body, Contact
from custodes.web.core.permissions import WATCHDOG_GROUP, watchdog_group
from custodes.web.surveys.lifecycle import current_answers, return_for, submit_return
from custodes.web.surveys.models import Correction, Invitation
from custodes.web.surveys.notifications import send_invitation
from custodes.web.surveys.tokens import resolve_token

pytestmark = pytest.mark.django_db

BODY = "/rounds/round-2022/bodies/kent/"
CORRECT = BODY + "correct/"


class Page(HTMLParser):
    """The parts of a page these tests look at: ids, aria-describedby, title, controls."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.described_by: list[str] = []
        self.controls: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.append(values["id"])
        if "aria-describedby" in values:
            self.described_by.extend(values["aria-describedby"].split())
        if tag in ("input", "select", "textarea") and values.get("type") != "hidden":
            self.controls.append(values)
        if tag == "script":
            self.scripts.append(values)
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check_gov_uk_page(html: str, *, errors: bool) -> Page:
    """Every aria-describedby names an id on the page, ids are unique, every visible control is
    styled; with errors, the summary comes first in main and the title starts "Error: "."""
    page = Page(html)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    missing = [i for i in page.described_by if i not in page.ids]
    assert not missing, f"aria-describedby names missing ids: {missing}"
    for control in page.controls:
        assert control.get("class"), f"unstyled control: {control}"
    if errors:
        assert page.title.strip().startswith("Error: ")
        main = html[html.index('<main class="main-wrapper"') :]
        first = re.search(r"<(div|a|h1|span|form)\b[^>]*>", main[main.index(">") + 1 :]).group(0)
        assert 'class="error-summary"' in first and 'role="alert"' in first
        assert "autofocus" in first and 'tabindex="-1"' in first
    else:
        assert not page.title.strip().startswith("Error:")
        assert "error-summary" not in html
    return page


@pytest.fixture
def submitted(past_round):
    record = return_for(past_round, Body.objects.get(code="kent"))
    submit_return(
        record,
        {
            "bwv.operates": "yes",
            "bwv.concerns": "yes",
            "ext_cctv.operates": "yes",
            "ext_cctv.certification": "desktop",
            "ext_cctv.capabilities": ["video", "night_vision"],
        },
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )
    return record


# ---- Corrections: the GOV.UK error pattern and the question's own answers ------------------


def test_correction_page_offers_the_questions_own_answers(watchdog_client, submitted):
    html = watchdog_client.get(CORRECT, {"question_id": "ext_cctv.certification"}).content.decode()
    page = check_gov_uk_page(html, errors=False)
    radios = [c for c in page.controls if c.get("type") == "radio"]
    assert [r["value"] for r in radios] == ["none", "desktop", "full", "unsure"]
    assert next(r for r in radios if r["value"] == "desktop").get("checked") is not None
    assert "Desktop certification (step 1)" in html  # labels, from the questionnaire
    yes_no = watchdog_client.get(CORRECT, {"question_id": "bwv.concerns"}).content.decode()
    assert [c["value"] for c in Page(yes_no).controls if c.get("type") == "radio"] == [
        "yes",
        "no",
        "unsure",
    ]
    count = Page(watchdog_client.get(CORRECT, {"question_id": "bwv.count"}).content.decode())
    value = next(c for c in count.controls if c.get("name") == "value")
    assert value["inputmode"] == "numeric" and "input--width-10" in value["class"]
    checkboxes = Page(
        watchdog_client.get(CORRECT, {"question_id": "ext_cctv.capabilities"}).content.decode()
    )
    checked = [c["value"] for c in checkboxes.controls if "checked" in c and c["name"] == "value"]
    assert checked == ["video", "night_vision"]


def test_choosing_the_question_first(watchdog_client, submitted):
    html = watchdog_client.get(CORRECT).content.decode()
    page = check_gov_uk_page(html, errors=False)
    select = next(c for c in page.controls if c.get("name") == "question_id")
    assert select["class"] == "select"
    response = watchdog_client.get(CORRECT, {"question_id": "no.such"})
    assert response.status_code == 400
    html = response.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "Select a question from the list" in html and 'href="#id_question_id"' in html


def test_a_failed_correction_shows_the_error_summary_first(watchdog_client, submitted):
    response = watchdog_client.post(
        CORRECT, {"question_id": "bwv.concerns", "value": "", "reason": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    page = check_gov_uk_page(html, errors=True)
    assert "This field is required" not in html
    assert "Enter the reason for the correction" in html
    assert "Select the new answer, or choose to remove the answer instead" in html
    # Summary links land on the controls; the first radio carries the field's id.
    assert 'href="#id_value_0"' in html and 'href="#id_reason"' in html
    assert {"id_value-error", "id_reason-error"} <= set(page.described_by)
    reason = next(c for c in page.controls if c.get("name") == "reason")
    assert "textarea--error" in reason["class"]
    assert not Correction.objects.exists()


def test_an_invalid_count_names_the_problem(watchdog_client, submitted):
    response = watchdog_client.post(
        CORRECT, {"question_id": "bwv.count", "value": "lots", "reason": "Follow-up"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "lots" in html and not Correction.objects.exists()


def test_corrections_save_choices_and_removals(watchdog_client, submitted):
    response = watchdog_client.post(
        CORRECT,
        {"question_id": "ext_cctv.capabilities", "value": ["audio", "video"], "reason": "Enquiry"},
    )
    assert response.status_code == 302 and response["Location"].endswith(BODY + "#history")
    assert current_answers(submitted)["ext_cctv.capabilities"] == ["video", "audio"]
    both = watchdog_client.post(
        CORRECT,
        {"question_id": "bwv.concerns", "value": "no", "remove": "on", "reason": "Enquiry"},
    )
    assert both.status_code == 400 and "not both" in both.content.decode()
    watchdog_client.post(
        CORRECT, {"question_id": "bwv.concerns", "remove": "on", "reason": "Wrong"}
    )
    assert "bwv.concerns" not in current_answers(submitted)


def test_body_page_shows_labels_not_codes(watchdog_client, submitted):
    watchdog_client.post(
        CORRECT, {"question_id": "ext_cctv.certification", "value": "full", "reason": "Enquiry"}
    )
    html = watchdog_client.get(BODY).content.decode()
    check_gov_uk_page(html, errors=False)
    answers = html[html.index('id="answers"') : html.index('id="history"')]
    assert "Night vision or infrared" in answers and "night_vision" not in answers
    assert "Full certification (step 2)" in answers and ">full<" not in answers
    history = html[html.index('id="history-table"') :]
    assert "Desktop certification (step 1)" in history and "Full certification" in history
    assert f'{CORRECT}?question_id=ext_cctv.certification"' in html  # a change link per answer


def test_reopen_without_a_reason(watchdog_client, submitted):
    response = watchdog_client.post(BODY + "reopen/", {"reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "Enter the reason for reopening the return" in html
    submitted.refresh_from_db()
    assert submitted.locked


def test_email_text_errors(watchdog_client, past_round):
    response = watchdog_client.post(
        "/rounds/round-2022/emails/",
        {
            "invitation_subject": "",
            "invitation_body": "x",
            "reminder_subject": "R",
            "reminder_body": "{link}",
        },
    )
    html = response.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "Enter the invitation&#x27;s subject" in html and "must contain {link}" in html
    response = watchdog_client.post(
        "/rounds/round-2022/emails/",
        {
            "invitation_subject": "Your link {link}",
            "invitation_body": "{link}",
            "reminder_subject": "R",
            "reminder_body": "{link}",
        },
    )
    assert "The subject must not contain {link}" in response.content.decode()


def test_reminder_schedule_errors(watchdog_client, survey_round):
    response = watchdog_client.post(
        "/rounds/test-round/reminders/", {"reminder_days_before_close": "400"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "Enter a number of days from 1 to 365" in html
    assert 'href="#id_reminder_days_before_close"' in html


# ---- Navigation, banner, admin -------------------------------------------------------------


def nav_items(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', html, re.S)
    assert nav, "no service navigation"
    return [
        (re.sub(r"<[^>]+>", "", label).strip(), 'aria-current="page"' in attrs)
        for attrs, label in re.findall(
            r"<a class=\"service-navigation__link\"([^>]*)>(.*?)</a>", nav.group(0), re.S
        )
    ]


def test_service_navigation_marks_the_current_section(watchdog_client, past_round):
    items = nav_items(watchdog_client.get("/rounds/round-2022/").content.decode())
    assert items == [
        ("Rounds", True),
        ("Estate", False),
        ("Discrepancies", False),
        ("Reports", False),
        ("FOI campaigns", False),
        ("Self-assessments", False),
        ("API docs", False),
        ("Admin", False),
    ]
    estate = dict(nav_items(watchdog_client.get("/estate/").content.decode()))
    assert estate["Estate"] and not estate["Rounds"]
    html = watchdog_client.get("/estate/rounds/round-2022/discrepancies/").content.decode()
    assert dict(nav_items(html))["Discrepancies"]
    assert 'href="/estate/rounds/round-2022/discrepancies/"' in html
    assert dict(nav_items(watchdog_client.get("/api/docs").content.decode()))["API docs"]
    assert dict(nav_items(watchdog_client.get("/foi/").content.decode()))["FOI campaigns"]
    html = watchdog_client.get("/assessments/").content.decode()
    assert dict(nav_items(html))["Self-assessments"]


def test_no_admin_link_without_staff_and_no_navigation_for_others(client, past_round):
    user = get_user_model().objects.create_user("reader", password="x" * 16)
    user.groups.add(Group.objects.get_or_create(name=WATCHDOG_GROUP)[0])
    client.force_login(user)
    html = client.get("/rounds/").content.decode()
    assert "Admin" not in dict(nav_items(html))
    client.logout()
    login = client.get("/accounts/login/").content.decode()
    assert "service-navigation" not in login


def test_the_watchdog_is_not_told_to_tell_the_survey_team(watchdog_client, past_round, settings):
    html = watchdog_client.get("/rounds/").content.decode()
    assert "Tell the survey team" not in html and "people who run Custodes" in html
    settings.FEEDBACK_URL = "mailto:custodes-support@example.org"
    html = watchdog_client.get("/rounds/").content.decode()
    assert 'href="mailto:custodes-support@example.org"' in html


def test_the_watchdog_group_can_use_the_admin(client, roster):
    from custodes.cli.web import _watchdog_account  # what `custodes demo` and `user create` use

    _watchdog_account("watchdog", "x" * 16)
    user = get_user_model().objects.get(username="watchdog")
    assert user.groups.get() == watchdog_group()  # idempotent: the same group again
    client.force_login(user)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "have permission" not in index.content.decode()
    assert client.get("/admin/surveys/activity/").status_code == 200
    kent = Body.objects.get(code="kent")
    assert client.get(f"/admin/bodies/body/{kent.pk}/change/").status_code == 200
    assert user.has_perm("bodies.add_contact") and not user.has_perm("surveys.change_activity")
    assert not user.has_perm("auth.change_user")


# ---- API docs ------------------------------------------------------------------------------


def test_api_docs_are_served_from_our_own_static_files(watchdog_client):
    from django.test import Client

    for url in ("/api/docs", "/api/openapi.json"):
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    response = watchdog_client.get("/api/docs")
    html = response.content.decode()
    page = check_gov_uk_page(html, errors=False)
    assert '<html lang="en-GB">' in html and '<main class="main-wrapper"' in html
    assert re.search(r"<h1[^>]*>Custodes API documentation</h1>", html)
    assert "GET /api/rounds/{name}/findings" in html  # every call listed, without JavaScript
    assert page.scripts == [] and 'href="/api/openapi.json"' in html
    assert "cdn" not in html.lower() and "https://" not in html.split("</header>")[1]
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert watchdog_client.get("/api/docs/try/").status_code == 404  # no Swagger UI
    assert dict(nav_items(html))["API docs"]


# ---- Links: post-redirect-get and confirmations --------------------------------------------


def test_issuing_a_link_asks_then_redirects_and_shows_it_once(watchdog_client, submitted):
    html = watchdog_client.get(BODY + "link/").content.decode()
    assert "Any earlier link stops working" in html and 'name="confirm" value="yes"' in html
    assert not Invitation.objects.exists()
    response = watchdog_client.post(BODY + "link/", {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == BODY + "#secret-link"
    page = watchdog_client.get(BODY).content.decode()
    token = re.search(r"http://testserver/r/([A-Za-z0-9_\-]+)/", page).group(1)
    assert resolve_token(token).body.code == "kent"
    assert token not in watchdog_client.get(BODY).content.decode()  # shown only once


def test_revoking_needs_confirmation(watchdog_client, submitted):
    watchdog_client.post(BODY + "link/", {"confirm": "yes"})
    page = watchdog_client.get(BODY + "revoke/")
    html = page.content.decode()
    assert page.status_code == 200 and "Revoke Kent Police&#x27;s link?" in html
    assert f'action="{BODY}revoke/"' in html and "Cancel" in html
    unconfirmed = watchdog_client.post(BODY + "revoke/")
    assert unconfirmed.status_code == 200  # asks again, revokes nothing
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
    done = watchdog_client.post(BODY + "revoke/", {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"].startswith(BODY)
    assert not Invitation.objects.filter(revoked_at__isnull=True).exists()


# ---- Sending: feedback and closed rounds ---------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_every_send_says_how_many_and_why_not(
    watchdog_client, survey_round, immediate_jobs, django_capture_on_commit_callbacks
):
    for code in ("kent", "essex"):
        Contact.objects.create(body=Body.objects.get(code=code), email=f"sro@{code}.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = watchdog_client.post(
            "/rounds/test-round/send/", {"kind": "invitation"}, follow=True
        )
    said = " ".join(messages_of(response))
    assert "Sending 2 invitations in the background" in said
    assert "Not sent to 45 outstanding bodies, no contact email address" in said
    assert "Avon and Somerset Constabulary" in said
    assert sorted(m.to[0] for m in mail.outbox) == ["sro@essex.example.org", "sro@kent.example.org"]
    reminders = watchdog_client.post("/rounds/test-round/send/", {"kind": "reminder"}, follow=True)
    said = " ".join(messages_of(reminders))
    assert "Not sent to 45 outstanding bodies, not invited yet" in said
    assert "Sending 2 reminders" in said


def test_the_job_lists_each_body_not_sent(
    watchdog_client, survey_round, immediate_jobs, django_capture_on_commit_callbacks
):
    from custodes.web.surveys.sending import start_sending

    with django_capture_on_commit_callbacks(execute=True):
        start_sending(survey_round, [Body.objects.get(code="kent")], reminder=False, actor="t")
    html = watchdog_client.get("/rounds/test-round/").content.decode()
    assert "Not sent to 1 body" in html and "Kent Police: no contact email for this body" in html


def test_a_closed_round_needs_a_new_deadline(
    watchdog_client, past_round, immediate_jobs, django_capture_on_commit_callbacks
):
    Contact.objects.create(body=Body.objects.get(code="kent"), email="sro@kent.example.org")
    html = watchdog_client.get("/rounds/round-2022/").content.decode()
    assert "This round closed on 30 September 2022" in html and 'name="deadline"' in html
    refused = watchdog_client.post("/rounds/round-2022/send/", {"kind": "invitation"})
    assert refused.status_code == 400
    html = refused.content.decode()
    check_gov_uk_page(html, errors=True)
    assert "Enter a new deadline for these bodies: the round closed on 30 September 2022" in html
    assert 'href="#id_deadline"' in html
    past = watchdog_client.post(
        "/rounds/round-2022/send/", {"kind": "invitation", "deadline": "1 1 2020"}
    )
    assert past.status_code == 400
    assert "The new deadline must be a date in the future" in past.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox
    deadline = (timezone.localdate() + timedelta(days=30)).strftime("%Y-%m-%d")
    with django_capture_on_commit_callbacks(execute=True):
        sent = watchdog_client.post(
            "/rounds/round-2022/send/", {"kind": "invitation", "deadline": deadline}
        )
    assert sent.status_code == 302
    [email] = mail.outbox
    day = datetime.strptime(deadline, "%Y-%m-%d")
    assert f"{day:%d %B %Y}" in email.body and "30 September 2022" not in email.body
    invitation = Invitation.objects.get()
    assert timezone.localtime(invitation.answer_by).date() == day.date()
    assert invitation.expires_at > invitation.answer_by


# ---- No secret link in any log -------------------------------------------------------------


def test_the_default_email_backend_logs_emails_without_their_links(
    settings, survey_round, caplog, capsys
):
    import custodes.web.settings as site_settings

    assert site_settings.EMAIL_BACKEND == "custodes.web.core.mail.LogEmailBackend" or (
        site_settings.os.environ.get("EMAIL_HOST")
        or site_settings.os.environ.get("CUSTODES_EMAIL_BACKEND")
    )
    settings.EMAIL_BACKEND = "custodes.web.core.mail.LogEmailBackend"
    kent = Body.objects.get(code="kent")
    Contact.objects.create(body=kent, email="sro@kent.example.org")
    with caplog.at_level(logging.INFO, logger="custodes.mail"):
        result = send_invitation(survey_round, kent, actor="t")
    assert result.error is None
    token = result.link.rstrip("/").rsplit("/", 1)[1]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "sro@kent.example.org" in logged and "Kent Police" in logged
    assert "[link removed]" in logged
    assert token not in logged and "/r/" not in logged
    out = capsys.readouterr()
    assert token not in out.out and token not in out.err


# ---- Errors found before a redirect (uploads) ----------------------------------------------


def test_a_refused_capture_upload_shows_the_error_summary(watchdog_client, roster):
    response = watchdog_client.post("/estate/bodies/kent/captures/", {}, follow=True)
    html = response.content.decode()
    page = check_gov_uk_page(html, errors=True)
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert 'href="#capture"' in summary and "Choose a packet capture file" in summary
    assert "capture-error" in page.described_by and "capture-hint" in page.described_by
    assert html.count("Choose a packet capture file") == 2  # summary and field, not a banner


def test_every_watchdog_page_has_valid_described_by_and_styled_controls(watchdog_client, submitted):
    for url in [
        "/rounds/",
        "/rounds/round-2022/",
        BODY,
        CORRECT,
        CORRECT + "?question_id=bwv.manufacturers",
        BODY + "link/",
        "/rounds/round-2022/emails/",
        "/estate/",
        "/estate/bodies/kent/",
        "/estate/rounds/round-2022/discrepancies/",
        "/api/docs",
    ]:
        response = watchdog_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        check_gov_uk_page(html, errors=False)
        assert "service-navigation" in html, url


def test_sign_in_errors_use_the_error_summary(client, roster):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    html = response.content.decode()
    page = Page(html)
    assert page.title.strip().startswith("Error: ")
    start = html.index('class="error-summary"')
    assert "autofocus" in html[start - 40 : start + 200] and 'href="#id_username"' in html
    assert [i for i in page.described_by if i not in page.ids] == []


def test_custodes_check_warns_that_logged_emails_are_not_sent():
    from custodes.web.core.mail import LOG_EMAIL_BACKEND
    from custodes.web.deployment import email_problems

    [problem] = email_problems(LOG_EMAIL_BACKEND)
    assert problem.level.value == "warning" and "log backend" in problem.message
