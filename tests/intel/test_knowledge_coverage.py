"""Coverage of the knowledge base: the UK police supply chain, with country, owner and sources."""

from __future__ import annotations

import pytest

from custodes.intel import KnowledgeBase, Resolver, load_knowledge

MINIMUM_MANUFACTURERS = 150


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_knowledge(tmp_path_factory.mktemp("empty-data"))


def test_at_least_150_manufacturers_each_with_country_and_sources(knowledge) -> None:
    assert len(knowledge.manufacturers) >= MINIMUM_MANUFACTURERS
    for maker in knowledge.manufacturers:
        assert len(maker.country) == 2 and maker.country.isupper(), maker.name
        assert maker.fact.source.startswith(("http://", "https://")), maker.name
        assert maker.fact.confidence in ("high", "medium", "low"), maker.name
        facts = [o.fact for o in maker.owners] + [b.fact for b in maker.brands]
        facts += [link.fact for link in maker.made_by] + [p.fact for p in maker.model_patterns]
        facts += [line.fact for line in maker.product_lines]
        for fact in facts:
            assert fact.source.startswith(("http://", "https://")) and fact.date, maker.name


@pytest.mark.parametrize(
    ("kind", "minimum"),
    [
        ("body-worn camera", 12),
        ("drone", 20),
        ("anpr camera", 12),
        ("aircraft camera", 5),
        ("video management software", 12),
        ("ip camera", 60),
    ],
)
def test_each_part_of_the_supply_chain_is_covered(knowledge, kind: str, minimum: int) -> None:
    makers = [m.name for m in knowledge.manufacturers if kind in m.products]
    assert len(makers) >= minimum, makers


@pytest.mark.parametrize(
    ("name", "manufacturer", "owner"),
    [
        ("Edesix", "Edesix", "Motorola Solutions"),
        ("Reveal Media", "Reveal Media", None),
        ("Zepcam", "Zepcam", None),
        ("Pinnacle Response", "Pinnacle Response", None),
        ("Digital Barriers", "Digital Barriers", None),
        ("Wolfcom", "Wolfcom", None),
        ("Getac", "Getac", "MiTAC-Synnex Group"),
        ("Draganfly", "Draganfly", None),
        ("senseFly", "senseFly", "AgEagle Aerial Systems"),
        ("Neology", "Neology", None),
        ("PIPS Technology", "PIPS Technology", "Federal Signal"),
        ("Kapsch TrafficCom", "Kapsch TrafficCom", "Kapsch Group"),
        ("Jenoptik", "Jenoptik", None),
        ("Siemens Mobility", "Siemens Mobility", "Siemens"),
        ("Tattile", "Tattile", "Lakesight Technologies"),
        ("Adaptive Recognition", "Adaptive Recognition", None),
        ("Videalert", "Videalert", None),
        ("Clearview Communications", "Clearview Communications", None),
        ("Trakka Systems", "Trakka Systems", None),
        ("L3Harris WESCAM", "L3Harris Technologies", None),
        ("Qognify", "Qognify", "Hexagon AB"),
        ("Synectics", "Synectics", None),
        ("Veracity COLDSTORE", "Veracity UK Ltd", None),
        ("Wavestore", "Wavestore", None),
        ("Nx Witness", "Network Optix", None),
        ("Vicon Industries", "Vicon Industries", "Cemtrex"),
        ("Aeryon Labs", "Aeryon Labs", "Teledyne FLIR"),
    ],
)
def test_supply_chain_names_resolve_with_their_parent(
    resolver: Resolver, knowledge, name: str, manufacturer: str, owner: str | None
) -> None:
    result = resolver.resolve(name)
    assert result.manufacturer == manufacturer
    owners = [o.owner for o in knowledge.manufacturer(manufacturer).owners]
    assert owner in owners if owner else owners == []
    assert not result.concerns


def test_new_entries_carry_no_unsourced_concerns(knowledge) -> None:
    """Concerns come only from concerns.yaml: every one names its source."""
    for maker in knowledge.manufacturers:
        for concern in maker.concerns:
            assert concern.source.startswith("https://"), maker.name
