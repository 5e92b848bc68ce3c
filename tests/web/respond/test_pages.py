"""Every respondent page of the shipped questionnaire, the login page and the stylesheet."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from custodes import questionnaire as qcore

from .conftest import BODY_A, issue, open_link
from .html_checks import accessibility_problems, page_facts

SHIPPED = qcore.load_shipped("police-estate-2022")


@pytest.fixture
def shipped_respondent(survey_round) -> Client:
    return open_link(Client(), issue(survey_round, BODY_A)[1])


def test_every_shipped_block_page_is_accessible(shipped_respondent):
    for block in SHIPPED.blocks:
        response = shipped_respondent.get(f"/respond/{block.id}/")
        assert response.status_code == 200, block.id
        html = response.content.decode()
        assert accessibility_problems(html) == [], block.id
        assert f'<h1 class="heading-xl">{block.title}</h1>' in html
        for question in block.questions:
            assert f'name="{question.name}"' in html, question.id


def test_shipped_overview_and_check_pages_are_accessible(shipped_respondent):
    overview = shipped_respondent.get("/respond/").content.decode()
    assert accessibility_problems(overview) == []
    assert overview.count('class="task-list__item"') == len(SHIPPED.blocks)
    check = shipped_respondent.get("/respond/check/").content.decode()
    assert accessibility_problems(check) == []


def test_shipped_submission_errors_link_to_block_pages(shipped_respondent):
    html = shipped_respondent.post("/respond/check/").content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    assert 'href="/respond/respondent/#respondent-name"' in html
    assert 'href="/respond/ext_cctv/#ext_cctv-operates"' in html


def test_count_uses_a_numeric_text_input_with_hint_linked(shipped_respondent):
    html = shipped_respondent.get("/respond/ext_cctv/").content.decode()
    assert 'id="ext_cctv-count" name="count" type="text" inputmode="numeric"' in html
    assert 'aria-describedby="ext_cctv-count-hint"' in html
    facts = page_facts(html)
    assert "ext_cctv-count" in facts.label_for


def test_capabilities_are_checkboxes_with_the_exclusive_option_last(shipped_respondent):
    html = shipped_respondent.get("/respond/ext_cctv/").content.decode()
    fieldset = html.split("What can the external CCTV system do?")[1].split("</fieldset>")[0]
    assert fieldset.count('type="checkbox"') == 10
    assert fieldset.index('class="checkboxes__divider">or<') < fieldset.index('value="none"')


def test_error_title_and_inline_message_on_shipped_block(shipped_respondent):
    response = shipped_respondent.post(
        "/respond/ext_cctv/", {"operates": "maybe", "count": "-4", "action": "continue"}
    )
    html = response.content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    assert html.count('class="error-message"') == 2
    assert 'href="#ext_cctv-operates"' in html and 'href="#ext_cctv-count"' in html


def test_login_page_is_accessible_and_shows_errors(db):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert accessibility_problems(page) == []
    failed = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert failed.status_code == 200
    assert accessibility_problems(failed.content.decode(), expect_errors=True) == []


def test_stylesheet_is_found_and_served(db):
    assert finders.find("custodes/custodes.css") is not None
    response = Client().get(static("custodes/custodes.css"))
    assert response.status_code == 200
    css = b"".join(response.streaming_content) if response.streaming else response.content
    for rule in (
        b".error-summary",
        b".tag--submitted",
        b"@media print",
        b":focus",
        b".task-list",
        b".summary-list",
        b".radios__input",
        b".checkboxes__input",
    ):
        assert rule in css
