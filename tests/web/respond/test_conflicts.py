"""Two people of one body on the same page: the signed baseline and the conflict message."""

from __future__ import annotations

import re

from django.test import Client

from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity, Return

from .conftest import BODY_A, open_link
from .html_checks import accessibility_problems

CONFLICT = "changed by someone else since you opened this page"


def _draft(round_) -> dict:
    return Return.objects.get(round=round_, body__code=BODY_A).draft


def _baseline(html: str) -> str:
    found = re.search(r'name="baseline" value="([^"]+)"', html)
    assert found, "the form carries no baseline"
    return found.group(1)


def _open(client: Client, path: str) -> str:
    return _baseline(client.get(path).content.decode())


def test_same_question_changed_meanwhile_keeps_both_and_says_so(respond_round, link_a):
    first, second = open_link(Client(), link_a[1]), open_link(Client(), link_a[1])
    first_baseline = _open(first, "/respond/drones/")
    second_baseline = _open(second, "/respond/drones/")
    saved = second.post(
        "/respond/drones/",
        {"operates": "yes", "count": "7", "baseline": second_baseline, "action": "later"},
    )
    assert saved.status_code == 302
    response = first.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "count": "9",
            "manufacturers": "Acme",
            "baseline": first_baseline,
            "action": "later",
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert accessibility_problems(html, expect_errors=True) == []
    assert CONFLICT in html and "The saved answer is now ‘7’" in html
    assert 'href="#drones-count"' in html
    assert 'value="9"' in html  # the person's own answer, kept in the form
    assert "Your other answers on this page have been saved." in html
    # The change nobody else made is saved; the other person's count is kept.
    assert _draft(respond_round) == {
        "drones.operates": "yes",
        "drones.count": 7,
        "drones.manufacturers": ["Acme"],
    }
    logged = Activity.objects.filter(body__code=BODY_A, action=Action.RETURN_SAVED).first()
    assert logged.detail == {"conflicts": ["drones.count"]}
    # Saving the conflict page again replaces the other answer, knowingly.
    again = first.post(
        "/respond/drones/",
        {
            "operates": "yes",
            "count": "9",
            "manufacturers": "Acme",
            "baseline": _baseline(html),
            "action": "later",
        },
    )
    assert again.status_code == 302
    assert _draft(respond_round)["drones.count"] == 9


def test_the_same_change_by_both_is_no_conflict(respond_round, link_a):
    first, second = open_link(Client(), link_a[1]), open_link(Client(), link_a[1])
    baselines = [_open(first, "/respond/other/"), _open(second, "/respond/other/")]
    for client, baseline in zip((second, first), reversed(baselines), strict=True):
        response = client.post(
            "/respond/other/", {"notes": "agreed", "baseline": baseline, "action": "later"}
        )
        assert response.status_code == 302
    assert _draft(respond_round) == {"other.notes": "agreed"}


def test_a_baseline_from_elsewhere_saves_nothing_and_keeps_the_input(
    respond_round, link_a, respondent_b
):
    first = open_link(Client(), link_a[1])
    other_body = _open(respondent_b, "/respond/other/")
    other_block = _open(first, "/respond/respondent/")
    for baseline in (other_body, other_block, "forged:value"):
        response = first.post(
            "/respond/other/", {"notes": "typed", "baseline": baseline, "action": "later"}
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "nothing was saved" in html and ">typed</textarea>" in html
    assert _draft(respond_round) == {}
