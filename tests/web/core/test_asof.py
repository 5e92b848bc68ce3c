"""One as_of parser for every view: dates, date-times, and a proper error for anything else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.web.core.asof import BadAsOf, parse_as_of

UK = ZoneInfo("Europe/London")


def test_blank_is_none():
    assert parse_as_of("") is None
    assert parse_as_of("   ") is None


def test_a_date_is_the_last_instant_of_that_uk_day():
    parsed = parse_as_of(" 2023-06-15 ")
    assert parsed.text == "2023-06-15" and parsed.day == date(2023, 6, 15)
    assert parsed.moment == datetime(2023, 6, 16, tzinfo=UK) - timedelta(microseconds=1)
    assert parsed.moment.utcoffset() == timedelta(hours=1)  # summer time


def test_date_times_only_where_asked_for():
    with pytest.raises(BadAsOf, match="YYYY-MM-DD"):
        parse_as_of("2023-02-15T17:00")
    assert parse_as_of("2023-02-15T17:00Z", with_time=True).moment == datetime(
        2023, 2, 15, 17, tzinfo=UTC
    )
    naive = parse_as_of("2023-07-01T00:30", with_time=True)
    assert naive.moment == datetime(2023, 7, 1, 0, 30, tzinfo=UK)
    assert naive.day == date(2023, 7, 1)


@pytest.mark.parametrize(
    "text", ["garbage", "2023-02-30", "15/02/2023", "2023-2-15", "9999-12-31", "\x00", "[" * 999]
)
def test_bad_values_say_what_is_expected(text):
    with pytest.raises(BadAsOf) as caught:
        parse_as_of(text)
    message = str(caught.value)
    assert "a date written YYYY-MM-DD, for example 2023-02-15" in message
    assert len(message) < 200


@given(st.text(max_size=40))
def test_any_text_is_a_cut_off_none_or_bad_as_of(text):
    for with_time in (False, True):
        try:
            parsed = parse_as_of(text, with_time=with_time)
        except BadAsOf as error:
            assert error.expected
            continue
        assert parsed is None or parsed.moment.tzinfo is not None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 30)))
def test_every_iso_date_round_trips(day):
    parsed = parse_as_of(day.isoformat())
    assert parsed.day == day and parsed.moment.date() == day


@pytest.mark.parametrize(
    "path", ["/estate/", "/estate/bodies/kent/", "/estate/export/?what=exposure&"]
)
def test_estate_pages_refuse_a_bad_as_of_with_the_error_page(watchdog_client, roster, path):
    separator = "" if path.endswith("&") else "?"
    response = watchdog_client.get(f"{path}{separator}as_of=garbage")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Error: the date in the address is not valid" in page
    assert "YYYY-MM-DD" in page and "garbage" in page
    good = watchdog_client.get(f"{path}{separator}as_of=2023-01-01")
    assert good.status_code == 200


@pytest.mark.django_db
def test_api_refuses_a_bad_as_of_with_json(watchdog_client, past_round):
    url = f"/api/rounds/{past_round.name}/findings"
    response = watchdog_client.get(url, {"as_of": "garbage"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["detail"]
    day = watchdog_client.get(url, {"as_of": "2022-10-01"}).json()
    assert day["as_of"].startswith("2022-10-01T23:59:59.999") and day["as_of"].endswith("+01:00")
    naive = watchdog_client.get(url, {"as_of": "2022-10-01T12:00"}).json()
    assert naive["as_of"] == "2022-10-01T12:00:00+01:00"
