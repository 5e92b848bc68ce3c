"""Lists beyond the police of England and Wales: other kinds of public body, other FOI
regimes, and a shipped roster read from several files checked together."""

from __future__ import annotations

import datetime as dt

import pytest

from custodes.roster import (
    BODY_KINDS,
    RosterFileError,
    full_key,
    parse_roster,
    parse_rosters,
    shipped_roster,
)

FIRST = """\
schema: custodes.roster/1
source: https://example.org/first
date: 2024-05-01
bodies:
  - code: alpha
    name: Alpha Police
    kind: territorial
    country: England
lists:
  - name: first
    version: 1
    title: First
    description: The first file's list.
    source: https://example.org/first
    date: 2024-05-01
    codes: [alpha]
"""

SECOND = """\
schema: custodes.roster/1
source: https://example.org/second
date: 2024-06-01
bodies:
  - code: gamma-council
    name: Gamma Council
    kind: local_authority
    country: Scotland
    foi_regime: eir
  - code: delta
    name: Delta Commissioner
    kind: public_authority
    country: Northern Ireland
lists:
  - name: mixed
    version: 1
    title: Mixed
    description: A list naming bodies of both files.
    source: https://example.org/second
    date: 2024-06-01
    codes: [gamma-council, alpha, delta]
    preload: false
"""


def test_the_other_uk_police_list_is_shipped_with_sourced_foi_addresses() -> None:
    roster = shipped_roster()
    others = roster.recipient_list("police-uk-other")
    assert others.codes == ("police-scotland", "spa", "psni", "nipb")
    assert others.preload is False and roster.recipient_list("police-ew").preload is True
    expected = {
        "police-scotland": ("territorial", "Scotland", "foisa", "foi@scotland.pnn.police.uk"),
        "spa": ("policing_body", "Scotland", "foisa", "FOI@spa.police.uk"),
        "psni": ("territorial", "Northern Ireland", "foia", "FOI@psni.pnn.police.uk"),
        "nipb": ("policing_body", "Northern Ireland", "foia", "foi@nipolicingboard.org.uk"),
    }
    for body in roster.recipients("police-uk-other"):
        assert body.foi is not None and body.source and body.date, body.code
        assert (body.kind, body.country, body.foi_regime, body.foi.email) == expected[body.code]
        assert body.foi.source.startswith("https://github.com/m-d-johnson/")
        assert body.foi.date == dt.date(2024, 2, 9)
        assert body.foi.whatdotheyknow.startswith("https://www.whatdotheyknow.com/body/")
    assert roster.get("Police Scotland").code == "police-scotland"
    assert roster.get("PSNI").code == "psni"


def test_no_body_of_the_other_list_duplicates_one_of_police_ew() -> None:
    roster = shipped_roster()
    ew = roster.recipients("police-ew")
    others = roster.recipients("police-uk-other")
    assert not {b.code for b in ew} & {b.code for b in others}
    ew_spellings = {full_key(text) for body in ew for _, text in body.spellings()}
    for body in others:
        assert not {full_key(text) for _, text in body.spellings()} & ew_spellings


def test_the_shipped_roster_takes_its_source_from_police_ew() -> None:
    assert shipped_roster().source.startswith("https://www.gov.uk/")


def test_files_are_merged_and_a_list_may_name_bodies_of_another_file() -> None:
    roster = parse_rosters([(FIRST, "first.yaml"), (SECOND, "second.yaml")])
    assert [b.code for b in roster.recipients("mixed")] == ["gamma-council", "alpha", "delta"]
    assert roster.body("gamma-council").kind == "local_authority"
    assert roster.body("gamma-council").foi_regime == "eir"
    assert roster.body("delta").kind == "public_authority"
    assert (roster.source, roster.date) == ("https://example.org/first", dt.date(2024, 5, 1))
    assert {"policing_body", "local_authority", "public_authority"} <= set(BODY_KINDS)


@pytest.mark.parametrize(
    ("second", "line", "field", "message"),
    [
        (SECOND.replace("code: delta", "code: alpha"), 10, "bodies[1].code", "duplicate code"),
        (
            SECOND.replace("name: Delta Commissioner", "name: Alpha Police"),
            11,
            "bodies[1].name",
            "already a spelling of Alpha Police (alpha)",
        ),
        (
            SECOND.replace("codes: [gamma-council, alpha, delta]", "codes: [gamma-council, zeta]"),
            21,
            "lists[0].codes[1]",
            "unknown body code 'zeta'",
        ),
        (SECOND.replace("kind: public_authority", "kind: charity"), 12, "bodies[1].kind", ""),
    ],
)
def test_an_error_across_files_names_the_file_line_and_field(
    second: str, line: int, field: str, message: str
) -> None:
    with pytest.raises(RosterFileError) as caught:
        parse_rosters([(FIRST, "first.yaml"), (second, "second.yaml")])
    error = caught.value
    assert (error.file, error.line, error.field) == ("second.yaml", line, field), str(error)
    assert message in error.problem


def test_a_list_defined_twice_across_files_is_refused() -> None:
    with pytest.raises(RosterFileError) as caught:
        parse_rosters(
            [
                (FIRST, "first.yaml"),
                (
                    FIRST.split("bodies:")[0] + "bodies:\n"
                    "  - code: omega\n    name: Omega Police\n    kind: special\n"
                    "    country: Wales\nlists:" + FIRST.split("lists:")[1],
                    "again.yaml",
                ),
            ]
        )
    assert caught.value.file == "again.yaml" and caught.value.field == "lists[0].version"


def test_parse_roster_is_one_file() -> None:
    assert len(parse_roster(FIRST).bodies) == 1
    with pytest.raises(ValueError, match="no roster file"):
        parse_rosters([])
