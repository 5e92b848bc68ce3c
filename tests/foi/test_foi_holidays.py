"""The shipped bank-holiday table and the validation of hand-edited tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from custodes.foi.holidays import (
    DIVISIONS,
    HolidaysFileError,
    load_holidays,
    parse_holidays,
    shipped_holidays,
)

GOOD = """\
schema: custodes.foi.holidays/1
source: https://www.gov.uk/bank-holidays
date: 2026-11-30
first_year: 2022
last_year: 2023
divisions:
  england-and-wales:
    - {date: 2022-09-19, name: "State Funeral of Queen Elizabeth II", proclaimed: true}
  scotland:
    - {date: 2022-11-30, name: "Saint Andrew's Day"}
  northern-ireland:
    - {date: 2022-07-12, name: "Battle of the Boyne"}
"""


def test_shipped_table_is_dated_sourced_and_covers_2000_to_2035() -> None:
    table = shipped_holidays()
    assert (table.first_year, table.last_year) == (2000, 2035)
    assert table.source.startswith("https://")
    assert set(table.divisions) == set(DIVISIONS)
    for division in DIVISIONS:
        years = {day.year for day in table.divisions[division]}
        assert years == set(range(2000, 2036)), division
        assert all(day.weekday() < 5 for day in table.divisions[division])


@pytest.mark.parametrize(
    "day",
    [
        date(2002, 6, 3),
        date(2011, 4, 29),
        date(2012, 6, 5),
        date(2022, 6, 3),
        date(2022, 9, 19),
        date(2023, 5, 8),
    ],
)
def test_one_off_proclaimed_days_in_every_division(day: date) -> None:
    table = shipped_holidays()
    for division in DIVISIONS:
        holiday = table.divisions[division][day]
        assert holiday.proclaimed, (division, holiday)


def test_divisions_differ_where_the_law_does() -> None:
    table = shipped_holidays()
    ew, sc, ni = (table.divisions[d] for d in DIVISIONS)
    assert date(2025, 1, 2) in sc and date(2025, 1, 2) not in ew
    assert date(2024, 12, 2) in sc and "Andrew" in sc[date(2024, 12, 2)].name
    assert date(2025, 3, 17) in ni and date(2025, 3, 17) not in sc
    assert date(2025, 4, 21) in ew and date(2025, 4, 21) not in sc  # Easter Monday
    assert date(2025, 8, 4) in sc and date(2025, 8, 25) in ew and date(2025, 8, 25) not in sc
    # St Andrew's Day became a bank holiday by the 2007 Act: the correction keeps 2006 out.
    assert date(2006, 11, 30) not in sc and date(2007, 11, 30) in sc


def test_a_valid_hand_written_table() -> None:
    table = parse_holidays(GOOD)
    assert table.on(date(2022, 9, 19))[0].proclaimed
    assert table.on(date(2022, 11, 30), ("england-and-wales",)) == ()
    assert table.covers(date(2023, 12, 31)) and not table.covers(date(2024, 1, 1))


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ("date: 2022-09-19, name", "date: 2022-09-31, name", 8, None, "invalid date"),
        (
            "date: 2022-11-30, name",
            "date: 30/11/2022, name",
            10,
            "divisions.scotland[0].date",
            "date",
        ),
        (
            'name: "Battle of the Boyne"',
            "nom: x",
            12,
            "divisions.northern-ireland[0].name",
            "Field required",
        ),
        ("  scotland:", "  wales-only:", 9, "divisions.wales-only", "Input should be"),
        (
            "date: 2022-07-12",
            "date: 2024-07-12",
            12,
            "divisions.northern-ireland[0].date",
            "outside 2022..2023",
        ),
        ("last_year: 2023", "last_year: 2021", 5, "last_year", "before first_year"),
        (
            '  northern-ireland:\n    - {date: 2022-07-12, name: "Battle of the Boyne"}\n',
            "",
            6,
            "divisions",
            "'northern-ireland' is missing",
        ),
        (
            "  scotland:\n",
            "  scotland:\n    - {date: 2022-11-30, name: x}\n",
            11,
            "divisions.scotland[1].date",
            "listed twice",
        ),
    ],
)
def test_errors_name_line_and_field(
    old: str, new: str, line: int, field: str | None, message: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    with pytest.raises(HolidaysFileError) as caught:
        parse_holidays(text, "holidays.yaml")
    error = caught.value
    assert error.label == "holidays.yaml"
    assert error.line == line, str(error)
    if field is not None:
        assert error.field == field, str(error)
    assert message in error.message
    assert str(error).startswith(f"holidays.yaml, line {line}")


def test_a_correction_must_not_leave_the_day_listed(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(
        GOOD + "corrections:\n  - {division: scotland, date: 2022-11-30, removed: true, "
        "note: example}\n",
        encoding="utf-8",
    )
    with pytest.raises(HolidaysFileError, match="still listed under scotland") as caught:
        load_holidays(path)
    assert caught.value.line == 14 and caught.value.field == "corrections[0].date"


def test_shipped_table_agrees_with_govuk() -> None:
    """Day by day against GOV.UK's list (the copy bundled with govuk-bank-holidays, a
    maintainer dependency): every difference must carry a note citing its source."""
    bank_holidays = pytest.importorskip("govuk_bank_holidays.bank_holidays")
    govuk = bank_holidays.BankHolidays(use_cached_holidays=True)
    table = shipped_holidays()
    for division in DIVISIONS:
        theirs = {entry["date"] for entry in govuk.get_holidays(division=division)}
        years = range(min(theirs).year, max(theirs).year + 1)
        ours = table.divisions[division]
        assert theirs <= set(ours), division
        extra = [ours[day] for day in ours if day.year in years and day not in theirs]
        assert all(holiday.note and "https://" in holiday.note for holiday in extra), extra
