"""The report's content is cached per round, as-of moment and data version, and a correction,
an import, a register edit or a changed round gives a new key (never stale figures)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.reports import cache as report_cache
from custodes.web.surveys.lifecycle import correct_answer, return_for, submit_return

from .conftest import AFTER_CORRECTION, UK, ReportedRound, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    """Counts the times the report's content is really computed."""
    cache.clear()
    calls: list[datetime | None] = []
    real = report_cache.report_data

    def counting(round_, as_of=None):
        calls.append(as_of)
        return real(round_, as_of)

    monkeypatch.setattr(report_cache, "report_data", counting)
    yield calls
    cache.clear()


def _bwv(reported: ReportedRound, as_of: datetime | None = None) -> tuple[int, int]:
    data = report_cache.cached_report_data(reported.round, as_of)
    found = next(f for f in data.findings.findings if f.id == "bwv-concerns")
    return found.at_least, found.at_most


def test_same_moment_and_data_is_computed_once(reported, computed):
    first = report_cache.cached_report_data(reported.round, AFTER_CORRECTION)
    again = report_cache.cached_report_data(reported.round, AFTER_CORRECTION)
    assert len(computed) == 1
    assert again.findings == first.findings and again.corrections == first.corrections
    report_cache.cached_report_data(reported.round, None)
    report_cache.cached_report_data(reported.round, None)
    assert len(computed) == 2  # "now" is its own entry, kept while nothing changes


def test_a_correction_invalidates_now_and_is_counted_at_once(reported, computed):
    assert _bwv(reported) == (0, 0)
    correct_answer(
        return_for(reported.round, reported.solo), "bwv.concerns", "yes", reason="r", actor="t"
    )
    assert _bwv(reported) == (1, 1)
    assert len(computed) == 2


def test_a_backdated_import_invalidates_a_past_moment(reported, computed):
    assert _bwv(reported, AFTER_CORRECTION) == (0, 0)
    body = Body.objects.get(code="dorset")
    submit_return(
        return_for(reported.round, body),
        answers({"bwv": "yes"}),
        actor="import",
        submitted_at=datetime(2022, 9, 20, 9, tzinfo=UK),
    )
    assert _bwv(reported, AFTER_CORRECTION) == (1, 1)
    assert len(computed) == 2


def test_a_redated_correction_changes_the_key(reported):
    before = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    correction = reported.correction
    correction.corrected_at = datetime(2023, 2, 17, 9, tzinfo=UK)
    correction.save(update_fields=["corrected_at"])
    assert report_cache.cache_key(reported.round, AFTER_CORRECTION) != before


def test_round_fields_and_recipient_names_change_the_key(reported):
    before = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    reported.round.title = "Renamed round"
    reported.round.save(update_fields=["title"])
    renamed = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    assert renamed != before
    Body.objects.filter(code="cheshire").update(name="Cheshire Police (renamed)")
    assert report_cache.cache_key(reported.round, AFTER_CORRECTION) != renamed


def test_the_key_is_the_same_whatever_zone_a_round_in_memory_holds_its_dates_in(reported):
    """A round just saved with London times and the same round read back in UTC are one
    report (the demo warms the cache with the first; readers come with the second)."""
    from custodes.web.surveys.models import Round

    fresh = Round.objects.get(pk=reported.round.pk)
    in_memory = Round.objects.get(pk=reported.round.pk)
    in_memory.opens_at = in_memory.opens_at.astimezone(UK)
    in_memory.closes_at = in_memory.closes_at.astimezone(UK)
    assert report_cache.cache_key(in_memory, None) == report_cache.cache_key(fresh, None)


def test_register_edits_change_the_key(reported):
    from custodes.web.estate.models import Asset

    before = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    Asset.objects.create(body=reported.solo, asset_id="CAM-1", kind="ext_cctv", quantity=1)
    assert report_cache.cache_key(reported.round, AFTER_CORRECTION) != before


def test_now_moves_to_a_new_entry_the_next_day(reported):
    today = datetime(2026, 11, 30, 12, tzinfo=UK)
    tomorrow = datetime(2026, 12, 1, 0, 1, tzinfo=UK)
    assert report_cache.cache_key(reported.round, None, now=today) != report_cache.cache_key(
        reported.round, None, now=tomorrow
    )
    # A moment still to come is "now" too.
    assert report_cache.cache_key(
        reported.round, datetime(2026, 11, 30, 23, tzinfo=UK), now=today
    ) == report_cache.cache_key(reported.round, None, now=today)


def test_the_web_page_shows_a_correction_made_after_it_was_cached(watchdog_client, reported):
    url = reverse("reports:report", args=[reported.round.name])
    cache.clear()
    assert 'data-body="cheshire" data-question="ext_cctv.concerns"' not in (
        watchdog_client.get(url).content.decode()
    )
    correct_answer(
        return_for(reported.round, reported.solo),
        "ext_cctv.concerns",
        "no",
        reason="Follow-up",
        actor="t",
    )
    page = watchdog_client.get(url).content.decode()
    assert 'data-body="cheshire" data-question="ext_cctv.concerns"' in page
    cache.clear()


def test_assessment_edits_change_the_key(reported):
    from custodes.web.assessments.models import Assessment

    before = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    assessment = Assessment.objects.create(
        body=reported.solo,
        framework="scc-2013",
        framework_version="1",
        source="self",
        created_by="t",
    )
    added = report_cache.cache_key(reported.round, AFTER_CORRECTION)
    assert added != before
    Assessment.objects.filter(pk=assessment.pk).update(version=1)
    assert report_cache.cache_key(reported.round, AFTER_CORRECTION) != added


def test_an_enquiry_source_without_a_stamp_makes_the_report_uncacheable(
    reported, computed, monkeypatch
):
    from custodes.web.surveys import enquiries

    def unstamped(round_, as_of):
        return []

    monkeypatch.setattr(enquiries, "_SOURCES", [*enquiries._SOURCES, unstamped])
    monkeypatch.setattr(enquiries, "_VERSIONS", {**enquiries._VERSIONS, unstamped: None})
    assert report_cache.cache_key(reported.round, AFTER_CORRECTION) is None
    report_cache.cached_report_data(reported.round, AFTER_CORRECTION)
    report_cache.cached_report_data(reported.round, AFTER_CORRECTION)
    assert len(computed) == 2
