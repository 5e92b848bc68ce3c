"""A NUL character in an answer is a validation error on the form, on every backend."""

from __future__ import annotations

import pytest

from custodes.web.surveys.models import Return

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("block", "fields", "question"),
    [
        ("other", {"notes": "before\x00after"}, "notes"),
        ("drones", {"operates": "yes", "count": "3", "manufacturers": "DJI\x00"}, "manufacturers"),
        ("drones", {"operates": "yes\x00", "count": "3"}, "operates"),
    ],
)
def test_a_nul_character_returns_the_form_with_an_error(respondent_a, block, fields, question):
    response = respondent_a.post(f"/respond/{block}/", {**fields, "action": "continue"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "NUL character" in html
    assert question in html
    assert not any(
        "\x00" in str(value)
        for record in Return.objects.all()
        for value in (record.draft or {}).values()
    )
