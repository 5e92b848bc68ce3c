"""Cell parsers: quantities, dates, yes/no, MAC and IP; fuzzed with hypothesis."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.estate import (
    find_date,
    parse_date,
    parse_ip,
    parse_mac,
    parse_quantity,
    parse_yes_no,
    split_quantity,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), ("1,200", 1200), ("x12", 12), ("12 x", 12), ("12 units", 12), ("0", 0)],
)
def test_quantities(text: str, expected: int) -> None:
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text", ["twelve", "-3", "1.5", "12,00", "2000000", ""])
def test_not_quantities(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quantity(text)


def test_split_quantity() -> None:
    assert split_quantity("12 x DS-2CD2143G0-I") == (12, "DS-2CD2143G0-I")
    assert split_quantity("3x Axis P1375") == (3, "Axis P1375")
    assert split_quantity("DS-2CD2143G0-I") == (None, "DS-2CD2143G0-I")


@given(st.integers(min_value=0, max_value=1_000_000))
def test_quantity_round_trips_with_thousands_separators(number: int) -> None:
    assert parse_quantity(f"{number:,}") == number
    assert split_quantity(f"{number} x Model-1") == (number, "Model-1")


@given(st.text(max_size=80))
def test_parsers_fail_only_with_value_error(text: str) -> None:
    for parse in (parse_quantity, parse_date, parse_mac, parse_ip, parse_yes_no):
        with contextlib.suppress(ValueError):
            parse(text)
    split_quantity(text)
    with contextlib.suppress(ValueError):
        find_date(text)


def test_dates() -> None:
    assert parse_date("2024-03-31") == date(2024, 3, 31)
    assert parse_date("31/03/2024") == date(2024, 3, 31)
    assert parse_date("1st April 2024") == date(2024, 4, 1)
    assert parse_date("March 2025") == date(2025, 3, 1)
    assert parse_date("2019") == date(2019, 1, 1)
    assert find_date("in service") is None
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("31/02/2024")


def test_yes_no_mac_ip() -> None:
    assert parse_yes_no("Y") is True and parse_yes_no("no") is False
    with pytest.raises(ValueError):
        parse_yes_no("perhaps")
    assert parse_mac("C0-56-E3-12-34-56") == "c0:56:e3:12:34:56"
    assert parse_mac("c056.e312.3456") == "c0:56:e3:12:34:56"
    assert parse_ip(" 192.168.001.10 ".replace("001", "1")) == "192.168.1.10"
    with pytest.raises(ValueError):
        parse_ip("300.1.1.1")
