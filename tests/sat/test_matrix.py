"""The national matrix: counts of bodies, worst-of, replacement by a newer assessment, stale,
not disclosed never read as not met, and the as-of day."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from custodes import sat

FRAMEWORK = sat.shipped_framework("scc-2013")
MET, PARTLY, NOT_MET, NOT_ASSESSED = (
    sat.Rating.MET,
    sat.Rating.PARTLY,
    sat.Rating.NOT_MET,
    sat.Rating.NOT_ASSESSED,
)
_sequence = itertools.count(1)


def record(
    body,
    systems,
    day,
    ratings=None,
    *,
    source=sat.Source.SELF_ASSESSED,
    url=None,
    framework="scc-2013",
    evidence=None,
):
    base = dict.fromkeys(FRAMEWORK.numbers, MET)
    base.update(ratings or {})
    return sat.AssessmentRecord(
        sequence=next(_sequence),
        body=body,
        framework=framework,
        version="2022",
        systems=frozenset(systems),
        assessed_on=day,
        source=source,
        published_url=url,
        ratings=base,
        evidence=evidence or {},
    )


def counts(matrix, number):
    p = matrix.principles[number - 1]
    return (p.met, p.partly, p.not_met, p.not_assessed, p.not_disclosed)


DAY = dt.date(2026, 6, 30)


def test_worst_rating_of_a_bodys_systems_counts_once():
    records = [
        record("kent", ["ext_cctv"], dt.date(2026, 3, 1), {1: PARTLY, 2: NOT_ASSESSED}),
        record("kent", ["anpr"], dt.date(2026, 4, 1), {1: NOT_MET, 2: MET}),
        record("essex", ["bwv"], dt.date(2026, 4, 1), {1: NOT_ASSESSED}),
    ]
    matrix = sat.compute_matrix(FRAMEWORK, ["kent", "essex", "dorset"], records, DAY)
    assert counts(matrix, 1) == (0, 0, 1, 1, 1)  # kent not met (worst), essex not assessed
    assert counts(matrix, 2) == (1, 0, 0, 1, 1)  # not assessed is worse than met
    assert counts(matrix, 3) == (2, 0, 0, 0, 1)
    assert (matrix.bodies_in_scope, matrix.bodies_assessed, matrix.bodies_published) == (3, 2, 0)
    kent = matrix.rows[0]
    assert kent.cells[1].rating == "not_met" and kent.cells[1].assessed_on == dt.date(2026, 4, 1)


def test_a_newer_assessment_of_a_system_replaces_the_older():
    old = record("kent", ["ext_cctv", "anpr"], dt.date(2025, 9, 1), {9: NOT_MET})
    new = record("kent", ["ext_cctv"], dt.date(2026, 5, 1), {9: MET})
    matrix = sat.compute_matrix(FRAMEWORK, ["kent"], [old, new], DAY)
    # The old one is still current for ANPR, so its "not met" still counts.
    assert counts(matrix, 9) == (0, 0, 1, 0, 0)
    systems = {c.record.assessed_on: c.systems for c in matrix.current()}
    assert systems == {dt.date(2025, 9, 1): ("anpr",), dt.date(2026, 5, 1): ("ext_cctv",)}
    newer_anpr = record("kent", ["anpr"], dt.date(2026, 6, 1), {9: PARTLY})
    matrix = sat.compute_matrix(FRAMEWORK, ["kent"], [old, new, newer_anpr], DAY)
    assert counts(matrix, 9) == (0, 1, 0, 0, 0)
    assert len(matrix.current()) == 2


def test_same_day_the_later_recorded_wins():
    first = record("kent", ["bwv"], DAY, {4: NOT_MET})
    second = record("kent", ["bwv"], DAY, {4: MET})
    matrix = sat.compute_matrix(FRAMEWORK, ["kent"], [second, first], DAY)
    assert counts(matrix, 4) == (1, 0, 0, 0, 0)


def test_as_of_ignores_later_assessments():
    old = record("kent", ["ext_cctv"], dt.date(2024, 1, 10), {1: NOT_MET})
    new = record("kent", ["ext_cctv"], dt.date(2026, 1, 10), {1: MET})
    early = sat.compute_matrix(FRAMEWORK, ["kent"], [old, new], dt.date(2025, 1, 1))
    assert counts(early, 1) == (0, 0, 1, 0, 0)
    before_any = sat.compute_matrix(FRAMEWORK, ["kent"], [old, new], dt.date(2023, 12, 31))
    assert counts(before_any, 1) == (0, 0, 0, 0, 1)
    assert before_any.to_dict()["assessments"] == []


def test_stale_after_twelve_months_is_flagged_not_failed():
    rec = record("kent", ["ext_cctv"], dt.date(2025, 6, 29), {1: MET})
    matrix = sat.compute_matrix(FRAMEWORK, ["kent"], [rec], DAY)
    (current,) = matrix.current()
    assert current.stale and counts(matrix, 1) == (1, 0, 0, 0, 0)
    exactly_a_year = sat.compute_matrix(FRAMEWORK, ["kent"], [rec], dt.date(2026, 6, 29))
    assert not exactly_a_year.current()[0].stale
    assert sat.stale_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_not_disclosed_is_never_not_met_and_other_scopes_and_frameworks_are_left_out():
    records = [
        record("outsider", ["ext_cctv"], DAY, {1: NOT_MET}),
        record("kent", ["ext_cctv"], DAY, {1: NOT_MET}, framework="scot-2011"),
    ]
    matrix = sat.compute_matrix(FRAMEWORK, ["kent", "essex"], records, DAY)
    for number in FRAMEWORK.numbers:
        assert counts(matrix, number) == (0, 0, 0, 0, 2)
    assert matrix.bodies_assessed == 0


def test_json_document_has_exactly_the_documented_fields():
    rec = record("kent", ["anpr", "ext_cctv"], DAY, {12: PARTLY}, url="https://kent.example/sat")
    data = sat.compute_matrix(FRAMEWORK, ["kent", "essex"], [rec], DAY).to_dict()
    assert list(data) == [
        "framework",
        "as_of",
        "bodies_in_scope",
        "bodies_assessed",
        "bodies_published",
        "assessments",
        "principles",
    ]
    (item,) = data["assessments"]
    assert list(item) == [
        "body",
        "systems",
        "assessed_on",
        "source",
        "published_url",
        "stale",
        "ratings",
    ]
    assert item["systems"] == ["ext_cctv", "anpr"]  # questionnaire order
    assert item["ratings"]["12"] == "partly" and item["ratings"]["1"] == "met"
    assert item["source"] == "self_assessed"
    assert list(data["principles"][0]) == [
        "principle",
        "title",
        "met",
        "partly",
        "not_met",
        "not_assessed",
        "not_disclosed",
    ]
    assert data["bodies_published"] == 1


SYSTEMS = [s.code for s in sat.systems()]
records_strategy = st.lists(
    st.builds(
        lambda body, systems, days, ratings: record(
            body,
            systems,
            DAY - dt.timedelta(days=days),
            dict(zip(FRAMEWORK.numbers, ratings, strict=False)),
        ),
        st.sampled_from(["a", "b", "c", "d"]),
        st.sets(st.sampled_from(SYSTEMS), min_size=1, max_size=3),
        st.integers(min_value=-60, max_value=900),
        st.lists(st.sampled_from(list(sat.Rating)), min_size=12, max_size=12),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(records_strategy)
def test_each_principles_counts_add_up_to_the_bodies_in_scope(records):
    scope = ["a", "b", "c", "d", "e"]
    matrix = sat.compute_matrix(FRAMEWORK, scope, records, DAY)
    for p in matrix.principles:
        assert p.met + p.partly + p.not_met + p.not_assessed + p.not_disclosed == len(scope)
        assert p.not_disclosed == len(scope) - matrix.bodies_assessed
    for row in matrix.rows:
        # Every current assessment is the latest of each system it stands for.
        for current in row.current:
            for system in current.systems:
                rivals = [
                    r
                    for r in records
                    if r.body == row.body and system in r.systems and r.assessed_on <= DAY
                ]
                assert max(rivals, key=lambda r: (r.assessed_on, r.sequence)) is current.record
