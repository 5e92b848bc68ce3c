"""Canonical names and concerns through custodes.intel; MAC addresses from the neighbour table."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodes.discovery.naming import Resolver, canonical_names, default_resolver
from custodes.discovery.probes.neighbours import oui, read_neighbours


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return default_resolver()


def test_protocol_maker_wins_and_brand_is_kept(resolver: Resolver) -> None:
    names = canonical_names(resolver, "Dahua", "Honeywell", "HC30W45R3", "camera", None)
    assert (names.manufacturer, names.brand) == ("Dahua", "Honeywell")
    assert names.concerns, "the knowledge base records concerns about this maker"
    assert set(names.concerns[0]) == {"kind", "authority", "date", "summary", "source", "via"}


def test_brand_only_takes_maker_from_knowledge_base(resolver: Resolver) -> None:
    names = canonical_names(resolver, None, "EZVIZ", None, None, None)
    assert names.manufacturer == "Hikvision" and names.brand == "Ezviz"


def test_mac_is_the_last_resort(resolver: Resolver) -> None:
    names = canonical_names(resolver, None, None, None, None, "00:40:8C:12:34:56")
    assert names.manufacturer == "Axis Communications"
    unknown = canonical_names(resolver, "Some Tiny Maker", None, None, None, None)
    assert unknown.manufacturer == "Some Tiny Maker" and unknown.concerns == []


def test_a_maker_filled_in_says_from_what_and_why(resolver: Resolver) -> None:
    by_brand = canonical_names(resolver, None, "EZVIZ", None, None, None).inferred
    assert by_brand is not None and by_brand.value == "EZVIZ"  # as observed, not canonical
    by_model = canonical_names(resolver, None, None, "DS-2CD2032F-I", None, None).inferred
    assert by_model is not None and by_model.value == "DS-2CD2032F-I"
    by_mac = canonical_names(resolver, None, None, None, None, "00:40:8C:12:34:56").inferred
    assert by_mac is not None and by_mac.value == "00:40:8C:12:34:56"
    assert "IEEE registrant" in by_mac.reason and 0.0 < by_mac.confidence <= 1.0
    for inferred in (by_brand, by_model):
        assert inferred.reason and 0.0 < inferred.confidence <= 1.0
    # a maker the rules named is not inferred, nor is a maker nobody names
    assert canonical_names(resolver, "Dahua", "Honeywell", None, None, None).inferred is None
    assert canonical_names(resolver, None, None, None, None, "02:00:00:00:00:01").inferred is None


def test_without_resolver_names_pass_through() -> None:
    names = canonical_names(None, "Dahua", None, None, "camera", None)
    assert (names.manufacturer, names.brand, names.concerns) == ("Dahua", "Dahua", [])


def test_neighbour_table(tmp_path: Path) -> None:
    table = tmp_path / "arp"
    table.write_text(
        "IP address       HW type     Flags       HW address            Mask     Device\n"
        "192.168.1.64     0x1         0x2         c0:56:e3:12:34:56     *        eth0\n"
        "192.168.1.65     0x1         0x0         00:00:00:00:00:00     *        eth0\n"
        "garbage\n"
    )
    assert read_neighbours(table) == {"192.168.1.64": "C0:56:E3:12:34:56"}
    assert oui("c0:56:e3:12:34:56") == "C0:56:E3"
    assert read_neighbours(tmp_path / "missing") == {}
