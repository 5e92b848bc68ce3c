"""The respondent's experience (issue 11): notices, contact, per-page validation, saving on
purpose, conditional reveal without JavaScript, one-line inputs, the late notice and Welsh."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.surveys.models import Return

from .conftest import BODY_A, issue, open_link
from .html_checks import accessibility_problems, page_facts

WELSH_BODY = "dyfed-powys"
CONTACT = {
    "SURVEY_CONTACT_NAME": "Surveillance camera survey team",
    "SURVEY_CONTACT_EMAIL": "survey@commissioner.example.org",
    "SURVEY_CONTACT_PHONE": "020 7946 0000",
}


@pytest.fixture
def respondent(survey_round) -> Client:
    return open_link(Client(), issue(survey_round, BODY_A)[1])


@pytest.fixture
def welsh_respondent(survey_round) -> Client:
    return open_link(Client(), issue(survey_round, WELSH_BODY)[1])


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _text(client: Client, url: str) -> str:
    """The page with character references resolved (Welsh has many apostrophes)."""
    return htmllib.unescape(_html(client, url))


def _complete_and_submit(client: Client) -> None:
    response = client.post(
        "/respond/respondent/",
        {"name": "A. Officer", "role": "SRO", "action": "continue"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for block in ("ext_cctv", "int_cctv", "anpr", "bwv", "drones", "helicopter", "frt", "other"):
        assert client.post(f"/respond/{block}/", {"operates": "no"}).status_code == 302
    assert client.post("/respond/check/")["Location"] == "/respond/done/"


# The privacy and publication notice, and the survey team's contact


def test_notice_before_starting_says_what_is_published_with_the_body_name(respondent):
    html = _html(respondent, "/respond/")
    notice = html.split('id="privacy-notice"')[1].split("</section>")[0]
    assert "How your answers are used and published" in notice
    assert "responses.csv" in notice and "Avon and Somerset Constabulary" in notice
    assert "free-text boxes" in notice
    assert "Your name and job title are not published" in notice
    assert html.index('id="privacy-notice"') < html.index('href="/respond/respondent/"')


def test_receipt_repeats_the_notice(respondent):
    _complete_and_submit(respondent)
    html = _html(respondent, "/respond/done/")
    assert "Return submitted" in html
    assert 'id="privacy-notice"' in html and "responses.csv" in html
    assert accessibility_problems(html) == []


@override_settings(**CONTACT)
def test_contact_details_on_every_respondent_page(respondent):
    pages = [
        _html(respondent, url) for url in ("/respond/", "/respond/ext_cctv/", "/respond/check/")
    ]
    pages.append(Client().get("/respond/").content.decode())  # refused: no session
    for html in pages:
        contact = html.split('class="respond-contact"')[1].split("</div>")[0]
        assert "Surveillance camera survey team" in contact
        assert 'href="mailto:survey@commissioner.example.org"' in contact
        assert 'href="tel:02079460000"' in contact and "020 7946 0000" in contact


def test_without_contact_settings_respondents_are_told_to_reply(respondent):
    html = _html(respondent, "/respond/")
    contact = html.split('class="respond-contact"')[1].split("</div>")[0]
    assert "Reply to the email that brought you your link." in contact
    assert "mailto:" not in contact


# Per-page validation and saving on purpose


def test_save_and_continue_with_a_required_question_unanswered_stays_on_the_page(
    survey_round, respondent
):
    response = respondent.post("/respond/ext_cctv/", {"operates": "yes", "action": "continue"})
    assert response.status_code == 200
    html = response.content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    facts = page_facts(html)
    assert facts.title.strip().startswith("Error: External CCTV")
    assert "#ext_cctv-concerns" in facts.error_links
    message = (
        "Select yes, no or unsure for ‘Does the external CCTV system include any equipment "
        "made or supplied by companies about which there are security or ethical concerns?’"
    )
    assert message in html
    assert 'aria-describedby="ext_cctv-concerns-hint ext_cctv-concerns-error"' in html
    assert html.index("error-summary") < html.index("<h1")
    assert "autofocus data-error-summary" in html
    assert 'value="yes" checked' in html  # what was chosen is kept
    assert Return.objects.get(round=survey_round, body__code=BODY_A).draft == {}


def test_save_and_continue_moves_on_once_the_required_questions_are_answered(respondent):
    response = respondent.post(
        "/respond/ext_cctv/", {"operates": "yes", "concerns": "no", "action": "continue"}
    )
    assert response["Location"] == "/respond/int_cctv/"


def test_save_and_come_back_later_keeps_incomplete_answers_and_marks_in_progress(
    survey_round, respondent
):
    assert "tag--not_started" in _html(respondent, "/respond/").split("status-respondent")[1]
    response = respondent.post("/respond/respondent/", {"name": "", "action": "later"})
    assert response["Location"] == "/respond/"
    overview = _html(respondent, "/respond/")
    status = overview.split('id="status-respondent"')[0].rsplit("<strong", 1)[1]
    assert "tag--in_progress" in status
    assert "In progress" in overview.split('id="status-respondent"')[1].split("</strong>")[0]
    record = Return.objects.get(round=survey_round, body__code=BODY_A)
    assert record.draft == {} and record.sections_saved == ["respondent"]
    response = respondent.post("/respond/ext_cctv/", {"operates": "yes", "action": "later"})
    assert response["Location"] == "/respond/"
    assert Return.objects.get(pk=record.pk).draft == {"ext_cctv.operates": "yes"}


def test_a_format_error_still_blocks_saving_later(respondent):
    response = respondent.post(
        "/respond/ext_cctv/", {"operates": "yes", "count": "many", "action": "later"}
    )
    assert response.status_code == 200
    assert "Enter a whole number, like 12" in response.content.decode()


def test_a_follow_up_hidden_by_the_posted_answer_is_neither_checked_nor_kept(
    survey_round, respondent
):
    response = respondent.post(
        "/respond/ext_cctv/", {"operates": "no", "count": "many", "action": "continue"}
    )
    assert response["Location"] == "/respond/int_cctv/"
    record = Return.objects.get(round=survey_round, body__code=BODY_A)
    assert record.draft == {"ext_cctv.operates": "no"}


# Conditional reveal, without JavaScript first


def test_follow_ups_show_without_javascript_marked_with_their_condition(respondent):
    html = _html(respondent, "/respond/ext_cctv/")
    assert accessibility_problems(html) == []
    panel = html.split('id="conditional-ext_cctv-operates-yes"')[1]
    assert 'class="conditional"' in html.split('id="conditional-ext_cctv-operates-yes"')[0][-40:]
    assert "If you answered ‘Yes’ or ‘Unsure’" in panel
    assert 'name="count"' in panel and 'name="concerns"' in panel
    details = panel.split('id="conditional-ext_cctv-concerns-yes-unsure"')[1]
    assert "If you answered ‘Yes’ or ‘Unsure’" in details
    assert 'name="concerns_details"' in details
    # The questions outside the panel: only the one that controls it.
    before = html.split('id="conditional-ext_cctv-operates-yes"')[0]
    assert re.findall(r'name="([a-z_]+)" type=', before) == ["operates", "operates", "operates"]


def test_answering_no_hides_the_follow_ups_and_the_section_gets_short(respondent):
    long = _html(respondent, "/respond/ext_cctv/")
    respondent.post("/respond/ext_cctv/", {"operates": "no", "action": "later"})
    html = _html(respondent, "/respond/ext_cctv/")
    assert 'class="conditional conditional--hidden" id="conditional-ext_cctv-operates-yes"' in html
    assert "do not apply because of your answer to" in html
    visible = html.split("conditional--hidden")[0]
    assert 'name="count"' not in visible and 'name="count"' in long


def test_the_reveal_script_is_a_static_file_the_csp_allows(respondent):
    response = respondent.get("/respond/ext_cctv/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    html = response.content.decode()
    assert '<script src="/static/custodes/respond.js" defer></script>' in html
    assert page_facts(html).inline_scripts == 0
    script = finders.find("custodes/respond.js")
    assert script and "conditional--hidden" in Path(script).read_text(encoding="utf-8")
    assert finders.find("custodes/respond.css")


# One-line inputs


def test_name_role_and_web_address_are_single_line_inputs(respondent):
    about = _html(respondent, "/respond/respondent/")
    assert (
        'id="respondent-name" name="name" type="text" spellcheck="false" autocomplete="name"'
        in about
    )
    assert 'name="role" type="text" spellcheck="false" autocomplete="organization-title"' in about
    assert 'name="on_behalf_of" type="text"' in about
    assert "<textarea" not in about
    cctv = _html(respondent, "/respond/ext_cctv/")
    assert 'id="ext_cctv-sat_url" name="sat_url" type="url"' in cctv
    assert '<textarea class="textarea" id="ext_cctv-notes"' in cctv  # free text stays multi-line


# The late notice


def test_late_notice_once_the_closing_date_has_passed(past_round):
    invitation, token = issue(past_round, BODY_A)
    client = open_link(Client(), token)
    # The page gives the date in UK time: late in a UTC day it is already the next day there.
    expires = f"{timezone.localtime(invitation.expires_at):%-d %B %Y}"
    for url in ("/respond/", "/respond/ext_cctv/"):
        html = _html(client, url)
        notice = html.split('id="late-notice"')[1].split("</div>")[0]
        assert "This return is late: the closing date was 30 September 2022." in notice
        assert f"still accepts it until {expires}" in notice
        assert "contact the survey team" in notice
    assert "Please complete this return by" not in _html(client, "/respond/")


def test_no_late_notice_before_the_closing_date(respondent):
    html = _html(respondent, "/respond/")
    assert 'id="late-notice"' not in html
    assert "Please complete this return by" in html


# Welsh


def test_roster_marks_the_four_welsh_forces_as_working_in_welsh(roster):
    welsh = {body.code for body in Body.objects.all() if body.welsh}
    assert welsh == {"dyfed-powys", "gwent", "north-wales", "south-wales"}
    assert Body.objects.get(code="kent").languages == ["en"]


def test_english_bodies_get_no_language_switch(respondent):
    html = _html(respondent, "/respond/")
    assert "Cymraeg" not in html
    response = respondent.get("/respond/?lang=cy")
    assert response["Location"] == "/respond/"
    assert 'lang="en-GB"' in _html(respondent, "/respond/")


def test_welsh_body_is_offered_the_switch_and_english_stays_the_default(welsh_respondent):
    html = _html(welsh_respondent, "/respond/")
    assert '<html lang="en-GB">' in html
    switch = html.split('class="language-select"')[1].split("</nav>")[0]
    assert '<span aria-current="true" lang="en-GB">English</span>' in switch
    assert 'href="/respond/?lang=cy" hreflang="cy" lang="cy"' in switch
    assert "Newid yr iaith i'r Gymraeg" in htmllib.unescape(switch)
    assert accessibility_problems(html) == []


def test_language_switch_stays_on_the_page_and_is_remembered(welsh_respondent):
    response = welsh_respondent.get("/respond/ext_cctv/?lang=cy")
    assert response.status_code == 302 and response["Location"] == "/respond/ext_cctv/"
    assert accessibility_problems(_html(welsh_respondent, "/respond/ext_cctv/")) == []
    html = _text(welsh_respondent, "/respond/ext_cctv/")
    assert '<html lang="cy">' in html
    assert "A yw eich sefydliad yn gweithredu TCC allanol sy'n cwmpasu mannau cyhoeddus?" in html
    assert "Cadw a pharhau" in html and "Neidio i'r prif gynnwys" in html
    assert ">Ie</label>" in html and ">Ansicr</label>" in html
    assert "Os gwnaethoch ateb ‘Ie’ neu ‘Ansicr’" in html
    overview = _text(welsh_respondent, "/respond/")  # another page: still Welsh
    assert "Adrannau" in overview and "Heb ddechrau" in overview
    assert "Defnydd yr heddlu o systemau camerâu gwyliadwriaeth agored" in overview
    assert "Sut y caiff eich atebion eu defnyddio a'u cyhoeddi" in overview
    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in overview
    welsh_respondent.get("/respond/?lang=en")
    assert "Sections" in _html(welsh_respondent, "/respond/")


def test_the_language_chosen_stays_when_the_same_link_is_opened_again(survey_round):
    token = issue(survey_round, WELSH_BODY)[1]
    client = open_link(Client(), token)
    client.get("/respond/?lang=cy")
    open_link(client, token)
    assert '<span aria-current="true" lang="cy">Cymraeg</span>' in _html(client, "/respond/")


def test_welsh_errors(welsh_respondent):
    welsh_respondent.get("/respond/?lang=cy")
    response = welsh_respondent.post(
        "/respond/ext_cctv/", {"operates": "yes", "count": "llawer", "action": "continue"}
    )
    html = htmllib.unescape(response.content.decode())
    assert page_facts(html).title.strip().startswith("Gwall: ")
    assert "Mae problem wedi codi" in html
    assert "Rhowch rif cyfan, fel 12" in html
    assert "Dewiswch ie, na neu ansicr ar gyfer ‘A yw'r system TCC allanol" in html
    assert '<span class="visually-hidden">Gwall:</span>' in html


def test_welsh_late_notice_and_receipt(past_round):
    client = open_link(Client(), issue(past_round, WELSH_BODY)[1])
    client.get("/respond/?lang=cy")
    html = _text(client, "/respond/")
    assert "Mae'r ffurflen hon yn hwyr: y dyddiad cau oedd 30 Medi 2022." in html
    _complete_and_submit(client)
    receipt = _text(client, "/respond/done/")
    assert "Ffurflen wedi'i chyflwyno" in receipt and "Eich cyfeirnod" in receipt
    assert "responses.csv" in receipt and "Heddlu" not in receipt.split("<h1")[0]


def test_invitation_to_a_welsh_body_is_bilingual_welsh_first(survey_round):
    from custodes.web.bodies.models import Contact
    from custodes.web.surveys.notifications import send_invitation

    welsh_body = Body.objects.get(code=WELSH_BODY)
    english_body = Body.objects.get(code="kent")
    Contact.objects.create(body=welsh_body, email="sro@dyfed-powys.example.org")
    Contact.objects.create(body=english_body, email="sro@kent.example.org")
    send_invitation(survey_round, welsh_body, actor="test")
    send_invitation(survey_round, english_body, actor="test", reminder=True)
    welsh_mail, english_mail = mail.outbox
    assert welsh_mail.subject.startswith(
        f"{survey_round.title}: arolwg ar gyfer Dyfed-Powys Police / "
    )
    assert welsh_mail.subject.endswith(f"{survey_round.title}: survey for Dyfed-Powys Police")
    welsh_text, english_text = welsh_mail.body.split("---------- English ----------")
    assert welsh_text.startswith("Annwyl gydweithiwr,")
    assert english_text.strip().startswith("Dear colleague,")
    months = (
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    )
    assert any(f" {month} " in welsh_text for month in months)
    link = re.search(r"http://\S+/r/\S+/", english_text).group(0)
    assert link in welsh_text
    assert english_mail.subject.startswith("Reminder: ") and "Annwyl" not in english_mail.body


def test_a_new_deadline_given_after_closing_replaces_the_closing_date(past_round):
    """A body invited after the round closed, with a new deadline, is not late until then."""
    from datetime import timedelta

    invitation, token = issue(past_round, BODY_A)
    invitation.answer_by = timezone.now() + timedelta(days=10)
    invitation.save(update_fields=["answer_by"])
    client = open_link(Client(), token)
    overview = _html(client, "/respond/")
    assert 'id="late-notice"' not in overview
    answer_by = f"{timezone.localtime(invitation.answer_by):%-d %B %Y}"
    assert f"Please complete this return by <strong>{answer_by}" in overview

    invitation.answer_by = timezone.now() - timedelta(days=1)
    invitation.save(update_fields=["answer_by"])
    notice = _html(client, "/respond/").split('id="late-notice"')[1].split("</div>")[0]
    assert f"the closing date was {timezone.localtime(invitation.answer_by):%-d %B %Y}." in (notice)
