"""Rows of an assessment spreadsheet: ratings, actions and problems by row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes import sat

FRAMEWORK = sat.shipped_framework("scc-2013")
TODAY = dt.date(2026, 11, 30)
BODIES = {"kent police": "kent", "kent": "kent"}


def find(text: str) -> str:
    try:
        return BODIES[text.casefold()]
    except KeyError:
        raise LookupError(f"no body in the roster matches {text!r}") from None


def cells(**extra: str) -> dict[str, str]:
    base = {
        "body": "Kent Police",
        "system": "ANPR",
        "assessed_on": "2026-03-31",
        "published_url": "",
        **{f"p{n}": "met" for n in range(1, 13)},
    }
    base.update(extra)
    return base


def parse(**extra: str):
    problems: list[sat.RowProblem] = []
    return sat.parse_row(5, cells(**extra), FRAMEWORK, find, TODAY, problems), problems


def test_a_good_row():
    row, problems = parse(
        p9="Partly met",
        **{
            "p9.rationale": "Pen test due",
            "p9.actions": "Pen test | CISO | 2026-09-30; Patch NVRs",
        },
    )
    assert problems == []
    assert (row.body, row.system, row.ratings[9]) == ("kent", "anpr", sat.Rating.PARTLY)
    assert row.actions[9] == (
        sat.ActionSpec("Pen test", "CISO", dt.date(2026, 9, 30)),
        sat.ActionSpec("Patch NVRs", "", None),
    )


@pytest.mark.parametrize(
    ("extra", "column", "words"),
    [
        ({"body": "Narnia Police"}, "body", "no body"),
        ({"system": "satellite"}, "system", "not a kind of system"),
        ({"assessed_on": "31/03/2026"}, "assessed_on", "not an ISO date"),
        ({"assessed_on": "2027-01-01"}, "assessed_on", "in the future"),
        ({"published_url": "kent.police.uk/sat"}, "published_url", "not a web address"),
        ({"p4": "mostly"}, "p4", "not a rating"),
        ({"p7": ""}, "p7", "give a rating"),
        ({"p2.actions": "Review | DPO | next spring"}, "p2.actions", "not an ISO date"),
        ({"source": "rumour"}, "source", "not a source"),
        ({"assessed_on": "2012-12-31"}, "assessed_on", "scc-2013 was not in force"),
    ],
)
def test_problems_name_row_and_column(extra, column, words):
    row, problems = parse(**extra)
    assert row is None
    assert [(p.row, p.column) for p in problems] == [(5, column)]
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"row 5, column '{column}'")


def test_header_problems():
    header = [
        "body",
        "system",
        "assessed_on",
        *[f"p{n}" for n in range(1, 12)],
        "p13",
        "p1",
        "colour",
    ]
    problems = sat.check_header(header, FRAMEWORK, 1)
    found = {(p.column, p.message) for p in problems}
    assert ("published_url", "missing column") in found
    assert ("p12", "missing column") in found
    assert ("p13", "scc-2013 has no principle 13") in found
    assert ("p1", "column given more than once") in found
    assert any(c == "colour" for c, _ in found)


@given(st.sampled_from(list(sat.Rating)), st.sampled_from(["", " ", "  "]), st.booleans())
def test_ratings_read_however_written(rating, pad, upper):
    text = rating.value.replace("_", " ")
    text = text.upper() if upper else text
    assert sat.parse_rating(pad + text + pad) is rating


@given(st.text(max_size=30))
def test_parse_rating_gives_a_rating_or_says_why(text):
    try:
        assert isinstance(sat.parse_rating(text), sat.Rating)
    except ValueError as exc:
        assert "is not a rating" in str(exc)


@given(st.dictionaries(st.sampled_from(sorted(cells())), st.text(max_size=40), max_size=20))
def test_any_cell_text_gives_a_row_or_problems_never_a_crash(changes):
    problems: list[sat.RowProblem] = []
    row = sat.parse_row(7, cells(**changes), FRAMEWORK, find, TODAY, problems)
    assert (row is None) == bool(problems)
    assert all(p.row == 7 and p.column in cells() for p in problems)
