"""The shipped knowledge base: size, sources, cross-references and error reporting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from custodes.intel import KnowledgeDataError, UnknownManufacturerError, load_knowledge
from custodes.intel._ieee import read_registry, shipped_registry_path
from custodes.intel._knowledge import load_knowledge_from, shipped_data_dir
from custodes.intel._normalize import name_key

ALLOWED_KINDS = {
    "national-security designation",
    "procurement ban",
    "sanction",
    "human-rights finding",
    "known-exploited vulnerability",
    "security advisory",
}


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory):
    return load_knowledge(tmp_path_factory.mktemp("data"))


def test_at_least_forty_manufacturers_with_sourced_identity(knowledge) -> None:
    assert len(knowledge.manufacturers) >= 40
    for maker in knowledge.manufacturers:
        assert maker.fact.source.startswith(("http://", "https://")), maker.name
        assert len(maker.country) == 2


def test_version_and_date_are_set(knowledge) -> None:
    assert knowledge.version and knowledge.date.year >= 2025
    assert knowledge.kev_catalogs[0].catalog_version == "2025.08.25"


def test_every_concern_is_dated_sourced_and_of_a_known_kind(knowledge) -> None:
    concerns = [c for m in knowledge.manufacturers for c in (*m.concerns, *m.unverified_concerns)]
    assert len(concerns) >= 40
    for concern in concerns:
        assert concern.kind in ALLOWED_KINDS
        assert concern.source.startswith("http")
        assert concern.scope


def test_required_authorities_are_present(knowledge) -> None:
    authorities = {c.authority for m in knowledge.manufacturers for c in m.concerns}
    for expected in (
        "US NDAA s.889",
        "FCC Covered List",
        "US Commerce Entity List",
        "DoD 1260H",
        "US Treasury OFAC NS-CMIC",
        "UK Cabinet Office statement of 24 Nov 2022",
        "Australia 2023",
        "Canada 2025",
        "CISA KEV",
    ):
        assert expected in authorities


@pytest.mark.parametrize("name", ["Hikvision", "Dahua", "Huawei", "DJI"])
def test_the_big_four_carry_concerns(knowledge, name: str) -> None:
    assert len(knowledge.manufacturer(name).concerns) >= 4


def test_lookup_by_alias_legal_name_and_case(knowledge) -> None:
    assert knowledge.manufacturer("hangzhou hikvision digital technology co., ltd.").name == (
        "Hikvision"
    )
    assert knowledge.manufacturer("AXIS COMMUNICATIONS AB").name == "Axis Communications"
    with pytest.raises(UnknownManufacturerError, match="Acme Widgets"):
        knowledge.manufacturer("Acme Widgets")


def test_oui_registrants_exist_in_shipped_ieee_registry(knowledge) -> None:
    """Registrant names are copied from the IEEE registry shipped with the package."""
    registered = {
        name_key(item.registrant) for item in read_registry(shipped_registry_path()).assignments()
    }
    for maker in knowledge.manufacturers:
        for registrant in maker.oui_registrants:
            assert name_key(registrant) in registered, (maker.name, registrant)


def _copy_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "intel"
    shutil.copytree(shipped_data_dir(), target)
    return target


def test_bad_field_names_file_line_and_field(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "manufacturers" / "axis.yaml"
    lines = path.read_text().splitlines()
    lines = [("country: Sweden" if line.startswith("country:") else line) for line in lines]
    path.write_text("\n".join(lines) + "\n")
    expected_line = next(i for i, line in enumerate(lines, 1) if line.startswith("country:"))
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.path.name == "axis.yaml"
    assert caught.value.line == expected_line
    assert caught.value.field == "country"
    assert f"axis.yaml:{expected_line}" in str(caught.value)


def test_bad_nested_date_points_at_its_line(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "concerns.yaml"
    text = path.read_text().replace("date: 2022-11-24", "date: 24/11/2022", 1)
    path.write_text(text)
    expected_line = text.splitlines().index("    date: 24/11/2022") + 1
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.line == expected_line
    assert caught.value.field is not None and caught.value.field.endswith(".date")


def test_concern_naming_unknown_manufacturer_is_rejected(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "concerns.yaml"
    path.write_text(path.read_text().replace("[Huawei, ZTE]", "[Huawei, Zeta]", 1))
    with pytest.raises(KnowledgeDataError, match="Zeta"):
        load_knowledge_from(shipped, None)


def test_duplicate_alias_across_manufacturers_is_rejected(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "manufacturers" / "vivotek.yaml"
    path.write_text(path.read_text().replace("- Vivotek\n", "- Vivotek\n- Hik Vision\n", 1))
    with pytest.raises(KnowledgeDataError, match="already used by Hikvision"):
        load_knowledge_from(shipped, None)


def test_invalid_yaml_is_reported_with_line(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    (shipped / "integrators.yaml").write_text("integrators:\n  - name: [unclosed\n")
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.line is not None
    assert "integrators.yaml" in str(caught.value)
