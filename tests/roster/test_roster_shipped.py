"""The shipped roster: the 47 bodies of police-ew, their kinds and countries, the two
recipient lists of the 2022 survey (other lists, in their own files, have their own tests)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from custodes.roster import Body, Roster, full_key, shipped_roster

TERRITORIAL_ENGLAND = {
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police",
    "Cumbria Constabulary", "Derbyshire Constabulary", "Devon and Cornwall Police",
    "Dorset Police", "Durham Constabulary", "Essex Police", "Gloucestershire Constabulary",
    "Greater Manchester Police", "Hampshire Constabulary", "Hertfordshire Constabulary",
    "Humberside Police", "Kent Police", "Lancashire Constabulary", "Leicestershire Police",
    "Lincolnshire Police", "Merseyside Police", "Metropolitan Police Service",
    "Norfolk Constabulary", "North Yorkshire Police", "Northamptonshire Police",
    "Northumbria Police", "Nottinghamshire Police", "South Yorkshire Police",
    "Staffordshire Police", "Suffolk Constabulary", "Surrey Police", "Sussex Police",
    "Thames Valley Police", "Warwickshire Police", "West Mercia Police",
    "West Midlands Police", "West Yorkshire Police", "Wiltshire Police",
}  # fmt: skip
TERRITORIAL_WALES = {
    "Dyfed-Powys Police", "Gwent Police", "North Wales Police", "South Wales Police",
}  # fmt: skip
OTHERS = {
    "British Transport Police": ("btp", "special", "England, Wales and Scotland"),
    "Civil Nuclear Constabulary": ("cnc", "special", "United Kingdom"),
    "Ministry of Defence Police": ("mdp", "special", "United Kingdom"),
    "National Crime Agency": ("nca", "agency", "United Kingdom"),
}

NAMED_ALIASES = {
    "Avon and Somerset Police": "avon-and-somerset",
    "Avon & Somerset": "avon-and-somerset",
    "MoD Police": "mdp",
    "Ministry of Defence": "mdp",
    "Hampshire and Isle of Wight Constabulary": "hampshire",
    "Hampshire Constabulary": "hampshire",
    "Met": "met",
    "Metropolitan Police": "met",
    "MPS": "met",
    "GMP": "greater-manchester",
    "BTP": "btp",
    "Devon & Cornwall Police": "devon-and-cornwall",
    "Dyfed Powys Police": "dyfed-powys",
    "Thames Valley": "thames-valley",
    "Heddlu Dyfed-Powys": "dyfed-powys",
    "Heddlu Gwent": "gwent",
    "Heddlu Gogledd Cymru": "north-wales",
    "Heddlu De Cymru": "south-wales",
    "Kent": "kent",
    "The Metropolitan Police Service": "met",
    "City of London": "city-of-london",
    "National Crime Agency": "nca",
    "CNC": "cnc",
}


@pytest.fixture(scope="module")
def roster() -> Roster:
    return shipped_roster()


def police_ew(roster: Roster) -> tuple[Body, ...]:
    """The 47 bodies of the 2022 survey (the file police-ew.yaml)."""
    return roster.recipients("police-ew")


def test_there_are_47_bodies_with_unique_codes(roster: Roster) -> None:
    codes = [body.code for body in police_ew(roster)]
    assert len(codes) == 47
    assert len(set(codes)) == 47
    all_codes = [body.code for body in roster.bodies]
    assert len(all_codes) == len(set(all_codes))


def test_43_territorial_forces_split_39_england_4_wales(roster: Roster) -> None:
    territorial = [body for body in police_ew(roster) if body.kind == "territorial"]
    assert len(territorial) == 43
    assert Counter(body.country for body in territorial) == {"England": 39, "Wales": 4}


def test_every_territorial_force_is_found_by_its_reference_name(roster: Roster) -> None:
    for name in TERRITORIAL_ENGLAND:
        body = roster.get(name)
        assert (body.kind, body.country) == ("territorial", "England"), name
    for name in TERRITORIAL_WALES:
        body = roster.get(name)
        assert (body.kind, body.country) == ("territorial", "Wales"), name
    found = {roster.get(name).code for name in TERRITORIAL_ENGLAND | TERRITORIAL_WALES}
    assert len(found) == 43


def test_the_four_other_bodies(roster: Roster) -> None:
    for name, (code, kind, country) in OTHERS.items():
        body = roster.body(code)
        assert (body.name, body.kind, body.country) == (name, kind, country)
    assert Counter(body.kind for body in police_ew(roster)) == {
        "territorial": 43,
        "special": 3,
        "agency": 1,
    }


@pytest.mark.parametrize(("text", "code"), sorted(NAMED_ALIASES.items()))
def test_named_aliases_resolve(roster: Roster, text: str, code: str) -> None:
    assert roster.get(text).code == code


def test_codes_are_short_lowercase_slugs(roster: Roster) -> None:
    for body in roster.bodies:
        assert body.code == body.code.lower()
        assert len(body.code) <= 20
        assert roster.find(body.code) == body


def test_full_list_has_all_47_and_initial_list_lacks_only_the_nca(roster: Roster) -> None:
    full = roster.recipient_list("police-ew")
    initial = roster.recipient_list("police-ew-2022-initial")
    assert (full.version, initial.version) == (1, 1)
    others = set(roster.recipient_list("police-uk-other").codes)
    assert set(full.codes) == {body.code for body in roster.bodies} - others
    assert len(initial.codes) == 46
    assert set(full.codes) - set(initial.codes) == {"nca"}
    assert full.date == dt.date(2023, 2, 15)
    assert initial.date == dt.date(2022, 11, 14)
    for recipients in (full, initial):
        assert recipients.source.startswith("https://")
        assert recipients.description


def test_every_body_with_a_source_has_a_date_and_roster_is_sourced(roster: Roster) -> None:
    assert roster.source.startswith("https://www.gov.uk/")
    for body in roster.bodies:
        assert (body.source is None) == (body.date is None), body.code


def test_hampshire_rename_is_sourced(roster: Roster) -> None:
    hampshire = roster.body("hampshire")
    assert hampshire.source is not None
    assert hampshire.date == dt.date(2022, 11, 16)
    assert hampshire.note is not None
    assert "Hampshire Constabulary" in hampshire.aliases


def test_no_two_bodies_share_a_spelling(roster: Roster) -> None:
    owners: dict[str, str] = {}
    for body in roster.bodies:
        for _, text in body.spellings():
            assert owners.setdefault(full_key(text), body.code) == body.code, text


def test_shipped_roster_is_cached(roster: Roster) -> None:
    assert shipped_roster() is roster
