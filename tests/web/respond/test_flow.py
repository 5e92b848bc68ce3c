"""The whole respondent journey with Django's test client."""

from __future__ import annotations

import html

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from custodes.web.surveys.models import Return

from .conftest import BODY_A, open_link
from .html_checks import accessibility_problems


def _return_a(round_) -> Return:
    return Return.objects.get(round=round_, body__code=BODY_A)


def test_link_redirects_to_the_overview_without_the_token(link_a):
    _, token = link_a
    client = Client()
    response = client.get(f"/r/{token}/")
    assert response.status_code == 302
    assert response["Location"] == "/respond/"
    page = client.get("/respond/")
    assert page.status_code == 200
    html = page.content.decode()
    assert token not in html
    assert "Avon and Somerset Constabulary" in html
    assert "Respondent form test survey" in html
    assert accessibility_problems(html) == []


def test_opening_the_link_makes_the_empty_return_and_the_pages_after_it_only_read(
    respond_round, link_a
):
    _, token = link_a
    client = open_link(Client(), token)
    record = _return_a(respond_round)
    assert record.draft == {} and record.draft_saved_at is None and not record.locked
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/respond/").status_code == 200
        assert client.get("/respond/respondent/").status_code == 200
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    open_link(Client(), token)  # a second opening keeps the same return
    assert Return.objects.filter(round=respond_round).count() == 1


def test_a_body_no_longer_a_recipient_gets_no_return_and_is_told_so(respond_round, link_a):
    invitation, token = link_a
    respond_round.recipient_list.bodies.remove(invitation.body)
    client = open_link(Client(), token)
    assert not Return.objects.filter(round=respond_round).exists()
    page = client.get("/respond/")
    assert page.status_code == 410
    assert "no longer asked to complete this survey" in html.unescape(page.content.decode())


def test_overview_lists_every_block_not_started(respondent_a):
    html = respondent_a.get("/respond/").content.decode()
    for title in ("About your return", "Drones", "Anything else"):
        assert title in html
    assert html.count("tag--not_started") == 3
    assert 'href="/respond/drones/"' in html


def test_save_with_required_questions_empty_then_resume_in_a_new_session(respond_round, link_a):
    _, token = link_a
    first = open_link(Client(), token)
    response = first.post(
        "/respond/drones/", {"operates": "yes", "count": "1,200", "action": "later"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/respond/"
    record = _return_a(respond_round)
    assert record.draft == {"drones.operates": "yes", "drones.count": 1200}
    assert not record.locked

    second = open_link(Client(), token)
    overview = second.get("/respond/").content.decode()
    assert "tag--in_progress" in overview
    page = second.get("/respond/drones/").content.decode()
    assert 'value="1200"' in page
    assert 'value="yes" checked' in page


def test_save_and_continue_goes_to_the_next_block_then_check(respondent_a):
    response = respondent_a.post(
        "/respond/respondent/", {"contact_name": "A. Officer", "action": "continue"}
    )
    assert response["Location"] == "/respond/drones/"
    response = respondent_a.post("/respond/other/", {"notes": "", "action": "continue"})
    assert response["Location"] == "/respond/check/"


def test_operates_no_makes_the_rest_of_the_block_not_applicable(respond_round, respondent_a):
    respondent_a.post("/respond/drones/", {"operates": "yes", "count": "3", "action": "later"})
    respondent_a.post("/respond/drones/", {"operates": "no", "count": "3", "action": "continue"})
    record = _return_a(respond_round)
    assert record.draft == {"drones.operates": "no"}  # the count no longer applies
    page = respondent_a.get("/respond/drones/").content.decode()
    # The follow-ups stay in the page, in a panel hidden without JavaScript too, so that the
    # script can reveal them at once if the answer changes back to yes.
    hidden = page.split('class="conditional conditional--hidden" id="conditional-drones-operates')
    assert len(hidden) == 2 and 'name="count"' in hidden[1]
    assert 'name="count"' not in hidden[0]
    assert "do not apply because of your answer to" in page
    assert "tag--not_applicable" in respondent_a.get("/respond/").content.decode()


def test_answer_that_opens_questions_returns_to_the_same_page(respond_round, respondent_a):
    answers = {"operates": "yes", "count": "3", "foreign_concerns": "no", "storage": "on_premises"}
    response = respondent_a.post("/respond/drones/", {**answers, "action": "continue"})
    assert response["Location"] == "/respond/other/"
    page = respondent_a.get("/respond/drones/").content.decode()
    assert 'class="conditional conditional--hidden" id="conditional-drones-storage' in page
    # Without the script, choosing the cloud and saving opens its follow-up on the same page.
    response = respondent_a.post(
        "/respond/drones/", {**answers, "storage": "vendor_cloud", "action": "continue"}
    )
    assert response["Location"] == "/respond/drones/#drones-cloud_region"
    page = respondent_a.get("/respond/drones/").content.decode()
    assert 'id="conditional-drones-storage-vendor_cloud"' in page
    assert "conditional--hidden" not in page
    assert "more questions in this section now apply" in page


def test_switching_on_a_page_without_the_script_asks_the_revealed_required_questions(
    respond_round, respondent_a
):
    respondent_a.post("/respond/drones/", {"operates": "no", "action": "continue"})
    response = respondent_a.post("/respond/drones/", {"operates": "yes", "action": "continue"})
    assert response.status_code == 200  # nothing saved: the required follow-ups are asked
    page = response.content.decode()
    assert "<title>Error: Drones" in page
    assert "conditional--hidden" not in page
    assert "Enter a number for ‘How many drones do you operate?’" in page
    assert _return_a(respond_round).draft == {"drones.operates": "no"}


def test_follow_ups_are_nested_under_the_answer_that_reveals_them(respondent_a):
    page = respondent_a.get("/respond/drones/").content.decode()
    operates = page.split('id="conditional-drones-operates-yes"')[1]
    assert 'data-controller="operates" data-show-values="yes unsure"' in operates
    assert "If you answered ‘Yes’ or ‘Unsure’" in operates
    storage = operates.split('id="conditional-drones-storage-vendor_cloud"')[1]
    assert "If you answered ‘In the supplier's cloud’" in html.unescape(storage)
    assert 'name="cloud_region"' in storage
    # Unanswered controller: shown without the script (the script hides it), no extra note.
    assert "conditional--hidden" not in page
    assert "Answer only if you answered" not in page
    assert 'src="/static/custodes/respond.js"' in page


def test_format_error_rerenders_with_error_summary_and_keeps_input(respond_round, respondent_a):
    response = respondent_a.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "count": "lots",
            "manufacturers": "Acme\nBeta Ltd",
            "action": "continue",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    assert 'href="#drones-count"' in html
    assert 'id="drones-count-error"' in html
    assert 'value="lots"' in html
    assert "Acme\nBeta Ltd</textarea>" in html
    assert _return_a(respond_round).draft == {}  # nothing saved while the page has errors


def test_exclusive_option_with_others_is_an_error(respondent_a):
    response = respondent_a.post(
        "/respond/drones/",
        {"operates": "yes", "capabilities": ["thermal", "none"], "action": "later"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select ‘None of these’ on its own" in html
    assert 'href="#drones-capabilities"' in html


def test_manufacturers_are_kept_verbatim_one_per_line(respond_round, respondent_a):
    respondent_a.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "manufacturers": "  DJI \r\nAutel Robotics\n\nParrot SA; Skydio Inc.",
            "capabilities": ["thermal", "zoom"],
            "action": "later",
        },
    )
    draft = _return_a(respond_round).draft
    assert draft["drones.manufacturers"] == ["DJI", "Autel Robotics", "Parrot SA", "Skydio Inc."]
    assert draft["drones.capabilities"] == ["thermal", "zoom"]


def test_submit_validates_required_questions(respond_round, respondent_a):
    respondent_a.post("/respond/drones/", {"operates": "yes", "action": "later"})
    response = respondent_a.post("/respond/check/")
    assert response.status_code == 200
    html = response.content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    assert 'href="/respond/respondent/#respondent-contact_name"' in html
    assert 'href="/respond/drones/#drones-count"' in html
    assert 'href="/respond/drones/#drones-storage"' in html
    assert "drones-cloud_region" not in html.split("error-summary__list")[1].split("</ul>")[0]
    assert not _return_a(respond_round).locked


def _complete(client: Client) -> None:
    client.post("/respond/respondent/", {"contact_name": "A. Officer", "action": "continue"})
    client.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "count": "12",
            "foreign_concerns": "unsure",
            "storage": "on_premises",
            "action": "continue",
        },
    )


def test_submit_gives_a_receipt_and_makes_the_return_read_only(respond_round, respondent_a):
    _complete(respondent_a)
    check = respondent_a.get("/respond/check/").content.decode()
    assert accessibility_problems(check) == []
    assert 'href="/respond/drones/#drones-count"' in check  # change link
    response = respondent_a.post("/respond/check/")
    assert response["Location"] == "/respond/done/"
    record = _return_a(respond_round)
    assert record.locked
    assert record.submissions.count() == 1
    receipt = respondent_a.get("/respond/done/").content.decode()
    assert record.reference in receipt
    assert "What happens next" in receipt
    assert accessibility_problems(receipt) == []

    block = respondent_a.get("/respond/drones/").content.decode()
    assert "<form" not in block.split('id="main-content"')[1]
    assert "12" in block
    refused = respondent_a.post("/respond/drones/", {"operates": "no", "action": "continue"})
    assert refused.status_code == 403
    assert respondent_a.post("/respond/check/").status_code == 403
    record.refresh_from_db()
    assert record.draft["drones.operates"] == "yes"
    assert record.submissions.count() == 1


def test_reopened_return_is_editable_and_can_be_submitted_again(respond_round, respondent_a):
    from custodes.web.surveys.lifecycle import reopen_return

    _complete(respondent_a)
    respondent_a.post("/respond/check/")
    reopen_return(_return_a(respond_round), actor="analyst", reason="count looks wrong")
    overview = respondent_a.get("/respond/").content.decode()
    assert "reopened your return" in overview
    response = respondent_a.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "count": "14",
            "foreign_concerns": "unsure",
            "storage": "on_premises",
            "action": "continue",
        },
    )
    assert response.status_code == 302
    assert "Submit again" in respondent_a.get("/respond/check/").content.decode()
    assert respondent_a.post("/respond/check/")["Location"] == "/respond/done/"
    record = _return_a(respond_round)
    assert record.locked
    assert [s.answers["drones.count"] for s in record.submissions.all()] == [12, 14]


def test_done_before_submission_goes_back_to_the_overview(respondent_a):
    response = respondent_a.get("/respond/done/")
    assert response.status_code == 302
    assert response["Location"] == "/respond/"


def test_unknown_block_is_not_found(respondent_a):
    assert respondent_a.get("/respond/no_such_block/").status_code == 404


def test_synthetic_round_shows_the_banner(respond_round, respondent_a):
    assert "Synthetic data." not in respondent_a.get("/respond/").content.decode()
    respond_round.synthetic = True
    respond_round.save()
    assert "Synthetic data." in respondent_a.get("/respond/").content.decode()
