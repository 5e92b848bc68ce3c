"""The statutory FOI clock: working days, due dates, extensions and internal reviews.

Rules (sources in README "Freedom of Information" and shared reference §1):

* FOIA 2000 s.10(1): comply promptly and not later than the **20th working day following the
  date of receipt**. Receipt is day 0; the date of receipt need not be a working day, so a
  request received at a weekend has the next working day as day 1 (ICO, LTT47).
* FOIA s.10(6) — also EIR 2004 reg 2(1): a *working day* is any day other than a Saturday,
  a Sunday, Christmas Day, Good Friday or a day which is a bank holiday under the Banking and
  Financial Dealings Act 1971 **in any part of the United Kingdom**.
* FOISA 2002 s.73: any day other than a Saturday, a Sunday, Christmas Day or a bank holiday
  **in Scotland** (so English Easter Monday is a working day, 2 January and St Andrew's Day
  are not).
* s.1(3) (both Acts): when the authority asks for clarification, the 20 days run afresh from
  receipt of the clarification.
* FOIA s.10(2) / FOISA s.10(2): the working days from the day the fees notice is given up to
  and including the day the fee is received are disregarded.
* FOIA s.10(3): a public-interest extension "reasonable in the circumstances"; the ICO expects
  at most 20 further working days (40 in total). FOISA has no such extension. EIR reg 7(1):
  up to 40 working days after receipt for complex and voluminous requests.
* Internal review (s.45 Code of Practice, 2018; FOISA s.21(1)): 20 working days, at most 40
  under FOIA/EIR; FOISA allows no more than 20.

Holidays come from the shipped, dated table (:mod:`custodes.foi.holidays`); dates outside it
raise :class:`OutOfRange` rather than being counted as working days by guesswork.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Literal, get_args

from dateutil.easter import easter as easter_sunday  # Western Easter Sunday

from custodes.foi.holidays import DIVISIONS, Division, Holiday, HolidayTable, shipped_holidays

__all__ = [
    "DEFAULT_DAYS",
    "MAX_EXTENSION_DAYS",
    "MAX_REVIEW_DAYS",
    "REGIMES",
    "REGIME_DIVISIONS",
    "REGIME_LABELS",
    "REVIEW_DAYS",
    "VERY_OVERDUE_DAYS",
    "ClockError",
    "ClockStopped",
    "NoExtension",
    "OutOfRange",
    "Regime",
    "WorkingDays",
    "due_date",
    "easter_sunday",
    "extended_due",
    "review_due",
    "very_overdue_date",
    "working_days",
]

Regime = Literal["foia", "foisa", "eir"]
REGIMES: tuple[Regime, ...] = get_args(Regime)

#: The statutory time for compliance, in working days (FOIA/FOISA s.10(1), EIR reg 5(2)).
DEFAULT_DAYS = 20
#: Further working days the ICO expects at most for a public-interest extension (40 in total).
MAX_EXTENSION_DAYS = 20
#: Working days after which a request is "very overdue" (WhatDoTheyKnow's 40).
VERY_OVERDUE_DAYS = 40
REVIEW_DAYS = 20
MAX_REVIEW_DAYS = 40

#: Whose bank holidays stop the clock under each regime.
REGIME_DIVISIONS: dict[Regime, tuple[Division, ...]] = {
    "foia": DIVISIONS,
    "eir": DIVISIONS,
    "foisa": ("scotland",),
}
REGIME_LABELS: dict[Regime, str] = {
    "foia": "Freedom of Information Act 2000",
    "foisa": "Freedom of Information (Scotland) Act 2002",
    "eir": "Environmental Information Regulations 2004",
}


class ClockError(ValueError):
    """A clock calculation is impossible with the dates given."""


class OutOfRange(ClockError):
    """A date falls outside the years the holiday table covers."""


class ClockStopped(ClockError):
    """A fees notice was given and no payment recorded: the clock is stopped, no due date."""


class NoExtension(ClockError):
    """The regime allows no (further) extension."""


def _check_regime(regime: str) -> Regime:
    if regime not in REGIMES:
        raise ClockError(f"unknown regime {regime!r} (expected one of {', '.join(REGIMES)})")
    return regime  # type: ignore[return-value]


class WorkingDays:
    """Working-day arithmetic for one regime over a holiday table."""

    def __init__(self, regime: Regime, table: HolidayTable) -> None:
        self.regime = _check_regime(regime)
        self.table = table
        self.divisions = REGIME_DIVISIONS[self.regime]
        self._closed = frozenset(
            day for division in self.divisions for day in table.divisions[division]
        )

    def __repr__(self) -> str:
        return f"WorkingDays({self.regime!r}, {self.table.first_year}..{self.table.last_year})"

    def _check(self, day: date) -> None:
        if not self.table.covers(day):
            raise OutOfRange(
                f"{day.isoformat()} is outside the holiday table ({self.table.label} covers "
                f"{self.table.first_year}–{self.table.last_year}); regenerate or extend it"
            )

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day under this regime."""
        self._check(d)
        if d.weekday() >= 5 or (d.month, d.day) == (12, 25) or d in self._closed:
            return False
        # FOIA s.10(6) names Good Friday itself; in Scotland it is a bank holiday anyway.
        return not (self.regime != "foisa" and d == easter_sunday(d.year) - timedelta(days=2))

    def add(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (day 0 = ``start``, working or not)."""
        if n < 0:
            raise ClockError(f"cannot count {n} working days (must be 0 or more)")
        self._check(start)
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        if end <= start:
            return 0
        self._check(start)
        self._check(end)
        return sum(
            self.is_working_day(start + timedelta(days=offset))
            for offset in range(1, (end - start).days + 1)
        )

    def closures(self, start: date, end: date) -> list[tuple[date, tuple[Holiday, ...]]]:
        """Weekdays after ``start`` up to ``end`` that are not working days, with the holidays
        (any division this regime counts) that close them; Christmas Day and Good Friday may
        carry no table entry."""
        found = []
        day = start + timedelta(days=1)
        while day <= end:
            if day.weekday() < 5 and not self.is_working_day(day):
                found.append((day, self.table.on(day, self.divisions)))
            day += timedelta(days=1)
        return found


@functools.cache
def working_days(regime: Regime) -> WorkingDays:
    """The regime's working days over the shipped holiday table (cached)."""
    return WorkingDays(_check_regime(regime), shipped_holidays())


def due_date(
    received: date,
    regime: Regime = "foia",
    *,
    clarified: date | None = None,
    fee_notice: date | None = None,
    fee_paid: date | None = None,
    days: int = DEFAULT_DAYS,
) -> date:
    """The last day for compliance: the ``days``-th (20th) working day after receipt.

    * ``clarified``: the clock restarts from receipt of the clarification (FOIA/FOISA s.1(3)).
    * ``fee_notice``/``fee_paid``: "the working days in the period beginning with the day on
      which the fees notice is given to the applicant and ending with the day on which the
      fee is received by the authority are to be disregarded" (FOIA s.10(2); FOISA s.10(2)
      likewise). The clock stops on the notice day and resumes the day after payment; without
      ``fee_paid`` there is no due date (:class:`ClockStopped`). A notice given after the
      deadline does not move it.
    """
    clock = working_days(regime)
    if days < 1:
        raise ClockError(f"days must be at least 1, not {days}")
    start = received
    if clarified is not None:
        if clarified < received:
            raise ClockError(f"clarification ({clarified}) is before receipt ({received})")
        start = clarified
    if fee_notice is None:
        if fee_paid is not None:
            raise ClockError("a fee payment needs the date of the fees notice")
        return clock.add(start, days)
    if fee_notice < start:
        raise ClockError(f"fees notice ({fee_notice}) is before the clock started ({start})")
    used = clock.between(start, fee_notice - timedelta(days=1))
    if used >= days:
        return clock.add(start, days)
    if fee_paid is None:
        raise ClockStopped(
            f"the clock stopped on {fee_notice.isoformat()} (fees notice) with "
            f"{days - used} working days left; it resumes the day after payment"
        )
    if fee_paid < fee_notice:
        raise ClockError(f"fee paid ({fee_paid}) before the fees notice ({fee_notice})")
    return clock.add(fee_paid, days - used)


def very_overdue_date(
    received: date,
    regime: Regime = "foia",
    *,
    clarified: date | None = None,
    fee_notice: date | None = None,
    fee_paid: date | None = None,
) -> date:
    """The 40th working day (same rules as :func:`due_date`): after it a request is very overdue
    (the ICO's outer limit even with a public-interest extension)."""
    return due_date(
        received,
        regime,
        clarified=clarified,
        fee_notice=fee_notice,
        fee_paid=fee_paid,
        days=VERY_OVERDUE_DAYS,
    )


def extended_due(
    due: date,
    regime: Regime = "foia",
    *,
    extra_days: int = MAX_EXTENSION_DAYS,
    exceptional: bool = False,
) -> date:
    """The new target after an extension announced against the original ``due`` date.

    FOIA s.10(3) (public interest test): the ICO expects at most 20 further working days;
    more needs ``exceptional=True`` (kept visible as such). EIR reg 7(1): at most 20 further
    (40 after receipt), no exception. FOISA: no extension at all (:class:`NoExtension`).
    """
    regime = _check_regime(regime)
    if regime == "foisa":
        raise NoExtension(
            "FOISA 2002 allows no public-interest extension: the 20-working-day limit stands"
        )
    if extra_days < 1:
        raise ClockError(f"an extension needs at least 1 further working day, not {extra_days}")
    if extra_days > MAX_EXTENSION_DAYS and not (exceptional and regime == "foia"):
        limit = (
            "the ICO expects at most 20 further working days (pass exceptional=True to record "
            "a longer one)"
            if regime == "foia"
            else "EIR reg 7(1) allows at most 40 working days after receipt"
        )
        raise NoExtension(f"{extra_days} further working days: {limit}")
    return working_days(regime).add(due, extra_days)


def review_due(requested: date, regime: Regime = "foia", *, extended: bool = False) -> date:
    """When an internal review (asked for on ``requested``) should be answered.

    20 working days; ``extended``: 40 at most (FOIA: s.45 Code of Practice and ICO guidance;
    EIR reg 11(4) makes 40 the statutory limit). FOISA s.21(1) allows only 20
    (:class:`NoExtension` if ``extended``).
    """
    regime = _check_regime(regime)
    if extended and regime == "foisa":
        raise NoExtension("FOISA s.21(1): a review must be answered within 20 working days")
    return working_days(regime).add(requested, MAX_REVIEW_DAYS if extended else REVIEW_DAYS)
