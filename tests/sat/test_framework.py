"""Frameworks and certification schemes as data: the shipped files, and bad files named by
file, line and field."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest

from custodes import sat

SHIPPED = resources.files("custodes").joinpath("data", "sat", "frameworks", "scc-2013.yaml")


def _text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def test_shipped_framework_has_twelve_principles_with_closed_and_open_questions():
    framework = sat.shipped_framework("scc-2013")
    assert framework.numbers == tuple(range(1, 13))
    assert framework.version == "2022" and framework.in_force_from == dt.date(2013, 8, 12)
    assert framework.edition_on(dt.date(2019, 5, 1)).version == "2013"
    assert framework.edition_on(dt.date(2022, 1, 12)).version == "2022"
    assert framework.edition_on(dt.date(2013, 8, 11)) is None
    assert framework.principle(9).title == "Security of the system and its data"
    for principle in framework.principles:
        kinds = {q.type for q in principle.questions}
        assert kinds == {"closed", "open"}, principle.number
        assert principle.evidence, principle.number
    assert all(s.url.startswith("http") for s in framework.sources)
    assert sat.shipped_framework_ids() == ["scc-2013"]


def test_unknown_framework_names_the_shipped_ones():
    with pytest.raises(sat.UnknownFramework, match="scc-2013"):
        sat.shipped_framework("ccops-oakland")


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_unknown_evidence_type_is_named_by_line_and_field():
    text = _text().replace(
        "evidence: [security_assessment, vendor_risk_review]", "evidence: [pentest]"
    )
    with pytest.raises(sat.FrameworkFileError) as caught:
        sat.parse_framework(text, "scc.yaml")
    error = caught.value
    assert error.field == "principles[8].evidence[0]"
    assert error.line == _line_of(text, "    evidence: [pentest]")
    assert "scc.yaml" in str(error) and "unknown evidence type 'pentest'" in str(error)


def test_schema_errors_name_line_and_field():
    text = _text().replace("{id: p3.signage, type: closed,", "{id: p3.signage, type: multiple,")
    with pytest.raises(sat.FrameworkFileError) as caught:
        sat.parse_framework(text, "scc.yaml")
    assert caught.value.field == "principles[2].questions[0].type"
    assert caught.value.line == next(
        n for n, line in enumerate(text.splitlines(), 1) if "p3.signage" in line
    )


def test_principles_numbered_in_order_and_question_ids_checked():
    text = _text().replace("  - number: 4\n", "  - number: 5\n")
    with pytest.raises(sat.FrameworkFileError) as caught:
        sat.parse_framework(text, "scc.yaml")
    assert caught.value.field == "principles[3].number"
    text = _text().replace("{id: p5.staff_trained,", "{id: p4.staff_trained,")
    with pytest.raises(sat.FrameworkFileError, match="must start with p5"):
        sat.parse_framework(text, "scc.yaml")


def test_another_framework_is_just_another_file(tmp_path):
    text = (
        _text()
        .replace("id: scc-2013", "id: city-ordinance")
        .replace('- version: "2022"', '- version: "2021-04"')
    )
    path = tmp_path / "city-ordinance.yaml"
    path.write_text(text, encoding="utf-8")
    framework = sat.load_framework(path)
    assert (framework.id, framework.version) == ("city-ordinance", "2021-04")


def test_editions_in_order_of_force():
    text = _text().replace("in_force_from: 2022-01-12", "in_force_from: 2021-12-01")
    with pytest.raises(sat.FrameworkFileError) as caught:
        sat.parse_framework(text, "scc.yaml")
    assert caught.value.field == "editions[1].in_force_from"
    assert caught.value.line == _line_of(text, "    in_force_from: 2021-12-01")


def test_certification_is_history_after_the_voiding():
    scheme = sat.certification_scheme("scc-tpc")
    assert scheme.voided_on == dt.date(2025, 11, 19)
    assert [s.id for s in scheme.steps] == ["desktop", "full"]
    issued, expires = dt.date(2021, 3, 1), dt.date(2026, 3, 1)
    before = sat.certificate_state(scheme, issued, expires, dt.date(2025, 11, 18))
    after = sat.certificate_state(scheme, issued, expires, dt.date(2025, 11, 19))
    assert (before, after) == (sat.CertificateState.CURRENT, sat.CertificateState.VOIDED)
    wording = sat.certificate_wording(scheme, "full", issued, expires, dt.date(2026, 1, 1))
    assert wording.startswith("History:") and "2025-11-19" in wording
    assert not sat.certificate_wording(
        scheme, "full", issued, None, dt.date(2030, 1, 1)
    ).startswith("Certified")
    assert sat.certificate_wording(scheme, "desktop", issued, None, dt.date(2022, 1, 1)).startswith(
        "Certified: Step 1"
    )


def test_bad_certification_file_is_located():
    text = """schema: custodes.sat.certification/1
schemes:
  - id: x
    title: X
    framework: scc-2013
    launched_on: 2020-01-01
    voided_on: 2019-01-01
    note: n
    steps: [{id: full, title: Full}]
    history: [{date: 2020-01-01, event: e, source: "https://example.org"}]
    sources: [{url: "https://example.org", title: t, date: 2020-01-01}]
"""
    with pytest.raises(sat.FrameworkFileError) as caught:
        sat.parse_certification(text, "cert.yaml")
    assert (caught.value.line, caught.value.field) == (7, "schemes[0].voided_on")


def test_systems_are_the_survey_blocks_the_register_kinds_map_to():
    assert [s.code for s in sat.systems()] == [
        "ext_cctv",
        "int_cctv",
        "anpr",
        "bwv",
        "drones",
        "helicopter",
        "frt",
        "other",
    ]
    assert sat.parse_system("Body-worn video") == "bwv"
    assert sat.parse_system("external_cctv_camera") == "ext_cctv"
    assert sat.parse_system("drone") == "drones"
    with pytest.raises(ValueError, match="not a kind of system"):
        sat.parse_system("satellite")
