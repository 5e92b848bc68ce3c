"""The statutory clock: working days under FOIA, FOISA and EIR, due dates, pauses, extensions.

Every expected date below was counted by hand on a calendar against GOV.UK's bank holidays.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.foi.clock import (
    REGIMES,
    ClockError,
    ClockStopped,
    NoExtension,
    OutOfRange,
    WorkingDays,
    due_date,
    easter_sunday,
    extended_due,
    review_due,
    very_overdue_date,
    working_days,
)
from custodes.foi.holidays import shipped_holidays

FOIA = working_days("foia")
FOISA = working_days("foisa")


# --- working days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "foia", "foisa", "why"),
    [
        (date(2024, 2, 12), True, True, "ordinary Monday"),
        (date(2024, 2, 10), False, False, "Saturday"),
        (date(2024, 2, 11), False, False, "Sunday"),
        (date(2025, 1, 2), False, False, "2 January: Scotland only, counts for FOIA too"),
        (date(2024, 12, 2), False, False, "St Andrew's Day substitute (30 Nov was a Saturday)"),
        (date(2023, 11, 30), False, False, "St Andrew's Day on a Thursday"),
        (date(2025, 3, 17), False, True, "St Patrick's Day: Northern Ireland only"),
        (date(2023, 7, 12), False, True, "Battle of the Boyne: Northern Ireland only"),
        (date(2023, 4, 10), False, True, "Easter Monday: not a bank holiday in Scotland"),
        (date(2023, 8, 28), False, True, "late summer holiday: England, Wales, NI"),
        (date(2023, 8, 7), False, False, "first Monday of August: Scotland"),
        (date(2023, 4, 7), False, False, "Good Friday"),
        (date(2023, 12, 25), False, False, "Christmas Day"),
        (date(2023, 12, 26), False, False, "Boxing Day"),
        (date(2022, 12, 27), False, False, "Christmas Day substitute"),
        (date(2022, 9, 19), False, False, "state funeral of Queen Elizabeth II (proclaimed)"),
        (date(2023, 5, 8), False, False, "coronation of Charles III (proclaimed)"),
        (date(2022, 6, 3), False, False, "platinum jubilee (proclaimed)"),
        (date(2022, 6, 2), False, False, "spring bank holiday moved for the jubilee"),
        (date(2022, 5, 30), True, True, "the usual late-May Monday, moved away in 2022"),
        (date(2020, 5, 8), False, False, "early May holiday moved to VE Day"),
        (date(2020, 5, 4), True, True, "the usual first Monday of May 2020"),
    ],
)
def test_working_day(day: date, foia: bool, foisa: bool, why: str) -> None:
    assert FOIA.is_working_day(day) is foia, why
    assert working_days("eir").is_working_day(day) is foia, why
    assert FOISA.is_working_day(day) is foisa, why


def test_christmas_and_good_friday_need_no_table_entry() -> None:
    """Statute names them: they are closed even if the table were edited to drop them."""
    table = shipped_holidays()
    empty = type(table)(
        first_year=table.first_year,
        last_year=table.last_year,
        divisions={division: {} for division in table.divisions},
        source=table.source,
        date=table.date,
        label="<empty>",
    )
    foia = WorkingDays("foia", empty)
    assert not foia.is_working_day(date(2024, 12, 25))
    assert not foia.is_working_day(date(2024, 3, 29))  # Good Friday 2024
    assert foia.is_working_day(date(2024, 4, 1))  # Easter Monday, absent from the empty table
    assert not WorkingDays("foisa", empty).is_working_day(date(2024, 12, 25))


@pytest.mark.parametrize(
    ("year", "sunday"),
    [
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2035, date(2035, 3, 25)),
    ],
)
def test_easter(year: int, sunday: date) -> None:
    assert easter_sunday(year) == sunday


def test_add_and_between() -> None:
    assert FOIA.add(date(2024, 2, 12), 0) == date(2024, 2, 12)
    assert FOIA.add(date(2024, 2, 12), 1) == date(2024, 2, 13)
    assert FOIA.add(date(2024, 2, 16), 1) == date(2024, 2, 19)  # Friday -> Monday
    assert FOIA.add(date(2024, 2, 10), 1) == date(2024, 2, 12)  # Saturday: Monday is day 1
    assert FOIA.between(date(2024, 2, 12), date(2024, 2, 12)) == 0
    assert FOIA.between(date(2024, 2, 19), date(2024, 2, 12)) == 0
    assert FOIA.between(date(2024, 2, 9), date(2024, 2, 12)) == 1
    # 23, 24, 27, 30 and 31 December, 3 and 6 January.
    assert FOIA.between(date(2024, 12, 20), date(2025, 1, 6)) == 7
    with pytest.raises(ClockError):
        FOIA.add(date(2024, 2, 12), -1)


def test_closures_name_the_holidays() -> None:
    closures = dict(FOIA.closures(date(2023, 4, 3), date(2023, 5, 4)))
    assert list(closures) == [date(2023, 4, 7), date(2023, 4, 10), date(2023, 5, 1)]
    assert {h.division for h in closures[date(2023, 4, 10)]} == {
        "england-and-wales",
        "northern-ireland",
    }
    assert [d for d, _ in FOISA.closures(date(2023, 4, 3), date(2023, 5, 3))] == [
        date(2023, 4, 7),
        date(2023, 5, 1),
    ]


def test_outside_the_table_is_refused() -> None:
    with pytest.raises(OutOfRange, match="2000–2035"):
        due_date(date(2035, 12, 20))
    with pytest.raises(OutOfRange):
        FOIA.is_working_day(date(1999, 12, 31))
    with pytest.raises(ClockError, match="unknown regime"):
        working_days("gdpr")  # type: ignore[arg-type]


# --- due dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "regime", "due", "why"),
    [
        (date(2024, 2, 12), "foia", date(2024, 3, 11), "no holidays: four weeks"),
        (date(2024, 2, 10), "foia", date(2024, 3, 8), "received Saturday: Monday is day 1"),
        (date(2024, 2, 11), "foisa", date(2024, 3, 8), "received Sunday"),
        (date(2022, 12, 5), "foia", date(2023, 1, 6), "Christmas, Boxing Day, 2 and 3 Jan"),
        (date(2022, 12, 5), "foisa", date(2023, 1, 6), "Scotland closes the same days"),
        (date(2023, 4, 3), "foia", date(2023, 5, 4), "Good Friday, Easter Monday, May Day"),
        (date(2023, 4, 3), "foisa", date(2023, 5, 3), "Easter Monday works in Scotland"),
        (date(2023, 4, 3), "eir", date(2023, 5, 4), "EIR counts like FOIA"),
        (date(2024, 11, 15), "foia", date(2024, 12, 16), "St Andrew's substitute counts in FOIA"),
        (date(2024, 11, 15), "foisa", date(2024, 12, 16), "and in FOISA"),
        (date(2025, 3, 3), "foia", date(2025, 4, 1), "St Patrick's Day (NI) counts in FOIA"),
        (date(2025, 3, 3), "foisa", date(2025, 3, 31), "but not in FOISA"),
        (date(2022, 9, 1), "foia", date(2022, 9, 30), "the state funeral day"),
        (date(2023, 4, 24), "foia", date(2023, 5, 24), "May Day and the coronation"),
        (date(2023, 4, 24), "foisa", date(2023, 5, 24), "the coronation was UK-wide"),
        (date(2025, 3, 17), "foia", date(2025, 4, 14), "received on an NI holiday: day 0"),
    ],
)
def test_due_date(received: date, regime: str, due: date, why: str) -> None:
    assert due_date(received, regime) == due, why  # type: ignore[arg-type]
    assert working_days(regime).between(received, due) == 20  # type: ignore[arg-type]


def test_clarification_restarts_the_clock() -> None:
    # St Patrick's Day 2024 (a Sunday) was observed on Monday 18 March in Northern Ireland.
    assert due_date(date(2024, 2, 12), clarified=date(2024, 2, 20)) == date(2024, 3, 20)
    # A clarification received at the weekend: the next Monday is day 1 again.
    assert due_date(date(2024, 2, 12), clarified=date(2024, 2, 24)) == due_date(date(2024, 2, 24))
    with pytest.raises(ClockError, match="before receipt"):
        due_date(date(2024, 2, 12), clarified=date(2024, 2, 1))


def test_fees_stop_the_clock_from_notice_to_payment() -> None:
    # 4 working days used (13-16 Feb); notice Mon 19 Feb; paid Fri 1 Mar; 16 days from Mon 4 Mar
    # (Monday 18 March, St Patrick's Day observed in Northern Ireland, does not count).
    received = date(2024, 2, 12)
    assert due_date(received, fee_notice=date(2024, 2, 19), fee_paid=date(2024, 3, 1)) == date(
        2024, 3, 26
    )
    # Notice and payment on the same working day: that day is disregarded, so one day later.
    assert due_date(received, fee_notice=date(2024, 2, 19), fee_paid=date(2024, 2, 19)) == date(
        2024, 3, 12
    )
    # Notice on the day of receipt: the full 20 days run from payment.
    assert due_date(received, fee_notice=received, fee_paid=date(2024, 2, 23)) == date(2024, 3, 25)
    # Fees under FOISA pause the same way.
    assert due_date(
        date(2025, 3, 3), "foisa", fee_notice=date(2025, 3, 10), fee_paid=date(2025, 3, 14)
    ) == date(2025, 4, 7)


def test_fee_edge_cases() -> None:
    received = date(2024, 2, 12)
    with pytest.raises(ClockStopped, match="16 working days left"):
        due_date(received, fee_notice=date(2024, 2, 19))
    with pytest.raises(ClockError, match="needs the date of the fees notice"):
        due_date(received, fee_paid=date(2024, 2, 19))
    with pytest.raises(ClockError, match="before the fees notice"):
        due_date(received, fee_notice=date(2024, 2, 19), fee_paid=date(2024, 2, 16))
    with pytest.raises(ClockError, match="before the clock started"):
        due_date(received, fee_notice=date(2024, 2, 5))
    # A notice after the deadline does not move it, paid or not.
    late = date(2024, 3, 20)
    assert due_date(received, fee_notice=late) == date(2024, 3, 11)
    assert due_date(received, fee_notice=late, fee_paid=date(2024, 4, 20)) == date(2024, 3, 11)
    # Clarification then fees: the pause counts from the restarted clock.
    assert due_date(
        received,
        clarified=date(2024, 2, 20),
        fee_notice=date(2024, 2, 22),
        fee_paid=date(2024, 2, 26),
    ) == FOIA.add(date(2024, 2, 26), 19)


def test_very_overdue_and_extensions() -> None:
    received = date(2024, 2, 12)
    due = due_date(received)
    # St Patrick's Day observed (18 Mar), Good Friday (29 Mar), Easter Monday (1 Apr) fall in it.
    assert very_overdue_date(received) == date(2024, 4, 11)
    assert extended_due(due) == date(2024, 4, 11)
    assert extended_due(due, extra_days=5) == date(2024, 3, 19)
    assert extended_due(due, "eir", extra_days=20) == date(2024, 4, 11)
    assert very_overdue_date(received, "foisa") == date(2024, 4, 9)
    with pytest.raises(NoExtension, match="FOISA"):
        extended_due(due, "foisa")
    with pytest.raises(NoExtension, match="ICO expects at most 20"):
        extended_due(due, extra_days=25)
    assert extended_due(due, extra_days=25, exceptional=True) == FOIA.add(due, 25)
    with pytest.raises(NoExtension, match="EIR"):
        extended_due(due, "eir", extra_days=25, exceptional=True)
    with pytest.raises(ClockError):
        extended_due(due, extra_days=0)
    # Very overdue honours clarification and fees like the due date.
    assert very_overdue_date(received, clarified=date(2024, 2, 20)) == FOIA.add(
        date(2024, 2, 20), 40
    )


def test_review_due() -> None:
    assert review_due(date(2024, 2, 12)) == date(2024, 3, 11)
    assert review_due(date(2024, 2, 12), extended=True) == date(2024, 4, 11)
    assert review_due(date(2023, 4, 3), "foisa") == date(2023, 5, 3)
    with pytest.raises(NoExtension, match=r"s\.21"):
        review_due(date(2024, 2, 12), "foisa", extended=True)


# --- properties ---------------------------------------------------------------------------

days_in_range = st.dates(min_value=date(2000, 1, 1), max_value=date(2034, 10, 31))
regimes = st.sampled_from(REGIMES)


@settings(max_examples=300, deadline=None)
@given(received=days_in_range, regime=regimes)
def test_due_is_a_working_day_20_days_on(received: date, regime: str) -> None:
    clock = working_days(regime)  # type: ignore[arg-type]
    due = due_date(received, regime)  # type: ignore[arg-type]
    assert clock.is_working_day(due)
    assert clock.between(received, due) == 20
    assert due > received
    # No working day is skipped: the day before due is within 19 working days.
    assert clock.between(received, due - timedelta(days=1)) == 19


@settings(max_examples=300, deadline=None)
@given(first=days_in_range, gap=st.integers(0, 60), regime=regimes)
def test_due_is_monotone_in_receipt(first: date, gap: int, regime: str) -> None:
    assert due_date(first, regime) <= due_date(first + timedelta(days=gap), regime)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(start=days_in_range, n=st.integers(0, 60), regime=regimes)
def test_between_inverts_add(start: date, n: int, regime: str) -> None:
    clock = working_days(regime)  # type: ignore[arg-type]
    end = clock.add(start, n)
    assert clock.between(start, end) == n
    assert n == 0 or clock.is_working_day(end)


@settings(max_examples=200, deadline=None)
@given(received=days_in_range)
def test_foisa_is_never_later_than_foia(received: date) -> None:
    """FOIA counts every Scottish bank holiday and more, so its deadline is never earlier."""
    assert due_date(received, "foisa") <= due_date(received, "foia")


@settings(max_examples=200, deadline=None)
@given(
    received=days_in_range,
    notice_after=st.integers(0, 40),
    pause=st.integers(0, 40),
)
def test_fee_pause_never_shortens_the_clock(received: date, notice_after: int, pause: int) -> None:
    notice = received + timedelta(days=notice_after)
    paid = notice + timedelta(days=pause)
    paused = due_date(received, fee_notice=notice, fee_paid=paid)
    assert paused >= due_date(received)
    assert FOIA.is_working_day(paused)


def test_the_clock_is_pure_python() -> None:
    """custodes.foi loads without Django (it is used by the CLI and the web app alike)."""
    import subprocess
    import sys

    code = (
        "import sys, custodes.foi.clock as c, datetime as d; c.due_date(d.date(2024, 2, 12)); "
        "print('django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
