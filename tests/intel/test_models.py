"""Model-number families: issue examples, relabel brands, distinctiveness and held-out recall."""

from __future__ import annotations

import csv
import random
import string
from pathlib import Path

import pytest

from custodes.datafile import load_model
from custodes.intel import KnowledgeDataError, Resolver, load_knowledge
from custodes.intel._knowledge import shipped_data_dir
from custodes.intel._models import ModelMatcher
from custodes.intel._schema import ManufacturerSpec

HERE = Path(__file__).parent
SHAPING = HERE / "models_shaping.csv"
HOLDOUT = HERE / "eval" / "models_holdout.csv"
NON_CAMERA = HERE / "fixtures" / "recog-noncamera-examples.txt"
RECALL_TARGET = 0.8
PRECISION_TARGET = 0.99


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _score(resolver: Resolver, rows: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    """Recall, precision and the wrong answers; a hit names the expected maker or brand."""
    right, wrong = 0, []
    for row in rows:
        result = resolver.resolve(row["value"])
        if row["expected_manufacturer"] in (result.manufacturer, result.brand):
            right += 1
        elif result.manufacturer is not None:
            expected = row["expected_manufacturer"]
            wrong.append(f"{row['value']}: {result.manufacturer} not {expected}")
    named = right + len(wrong)
    return right / len(rows), (right / named if named else 1.0), wrong


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> ModelMatcher:
    return ModelMatcher(load_knowledge(tmp_path_factory.mktemp("empty-data")))


@pytest.mark.parametrize(
    ("text", "manufacturer"),
    [
        ("DH-HCVR4108HS-S2", "Dahua"),
        ("2CD2032F-I", "Hikvision"),
        ("DS-2CD2032F-I", "Hikvision"),
        ("SNB-6004", "Hanwha Vision"),
        ("FD8134V", "Vivotek"),
        ("NBN-498-P", "Bosch Security Systems"),
        ("Axis P1344", "Axis Communications"),
        ("220 AXIS P1344 Network Camera 5.20 ready.", "Axis Communications"),
    ],
)
def test_issue_model_numbers_resolve(resolver: Resolver, text: str, manufacturer: str) -> None:
    result = resolver.resolve(text)
    assert result.manufacturer == manufacturer
    assert result.model is not None and result.model in text.upper()
    assert any("family" in line for line in result.evidence)


@pytest.mark.parametrize(
    ("text", "manufacturer", "brand", "link_source"),
    [
        ("IP8M-2496EB", "Dahua", "Amcrest", "https://nvd.nist.gov/vuln/detail/CVE-2020-5735"),
        ("LNB4321", "Dahua", "Lorex", None),
        ("CS-C6N-A0-1C2WFR", "Hikvision", "Ezviz", None),
        ("IPC-B140H", "Hikvision", "HiLook", None),
        ("SD4E29-PG-E0", "Motorola Solutions", "Pelco", None),
    ],
)
def test_relabel_and_brand_families_name_the_maker_and_the_box(
    resolver: Resolver, text: str, manufacturer: str, brand: str, link_source: str | None
) -> None:
    result = resolver.resolve(text)
    assert (result.manufacturer, result.brand) == (manufacturer, brand)
    assert any(brand in line and manufacturer in line for line in result.evidence)
    if link_source is not None:
        assert any(link_source in line for line in result.evidence)


def test_owned_maker_family_names_the_maker_and_its_owner(resolver: Resolver) -> None:
    result = resolver.resolve("2.0C-H4A-DO1-IR")
    assert (result.manufacturer, result.owner) == ("Avigilon", "Motorola Solutions")
    assert result.brand != "Motorola Solutions"


def test_relabel_family_carries_the_oem_concerns_and_a_lower_confidence(resolver: Resolver) -> None:
    amcrest = resolver.resolve("IP8M-2496EB")
    dahua = resolver.resolve("DH-IPC-HFW2431S")
    assert amcrest.has_concern and dahua.has_concern
    assert amcrest.confidence < dahua.confidence


def test_low_confidence_family_is_reported_not_asserted(resolver: Resolver) -> None:
    result = resolver.resolve("IP7131")
    assert result.manufacturer is None and not result.concerns
    assert any("possible Vivotek model IP7131" in line for line in result.evidence)


@pytest.mark.parametrize(
    ("text", "maker", "model"),
    [
        ("Reveal D5", "Reveal Media", "Reveal D5"),
        ("Reveal Media K7", "Reveal Media", "K7"),
        ("Parrot Anafi USA", "Parrot Drones", "Anafi USA"),
        ("Star SAFIRE 380-HDc", "Teledyne FLIR", "Star SAFIRE 380 HDC"),
    ],
)
def test_police_supply_chain_products_resolve(
    resolver: Resolver, text: str, maker: str, model: str
) -> None:
    result = resolver.resolve(text)
    assert (result.manufacturer, result.model) == (maker, model)
    assert not result.concerns


def test_no_family_fires_on_real_non_camera_strings(matcher: ModelMatcher) -> None:
    lines = NON_CAMERA.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3000
    fired = [f"{line!r}: {hit.pattern.family}" for line in lines if (hit := matcher.match(line))]
    assert fired == []


def test_no_asserted_family_fires_on_random_tokens(matcher: ModelMatcher) -> None:
    generator = random.Random(10)
    alphabet = string.ascii_uppercase + string.digits + "-"
    tokens = [
        "".join(generator.choice(alphabet) for _ in range(generator.randint(4, 12)))
        for _ in range(5000)
    ]
    fired = [token for token in tokens if (m := matcher.match(token)) and m.asserted]
    assert fired == []


def test_shaping_and_holdout_examples_are_disjoint() -> None:
    shaping = {row["value"].upper() for row in _rows(SHAPING)}
    holdout = {row["value"].upper() for row in _rows(HOLDOUT)}
    assert len(shaping) > 2000 and len(holdout) > 2000
    assert shaping.isdisjoint(holdout)


def test_holdout_recall_and_precision(resolver: Resolver) -> None:
    rows = _rows(HOLDOUT)
    recall, precision, wrong = _score(resolver, rows)
    assert recall >= RECALL_TARGET, f"recall {recall:.3f}"
    assert precision >= PRECISION_TARGET, wrong
    concern_makers = {"Hikvision", "Dahua", "Huawei", "Hytera", "ZTE"}
    assert not [line for line in wrong if line.split(": ")[1].split(" not ")[0] in concern_makers]


def test_holdout_recall_holds_for_each_large_maker(resolver: Resolver) -> None:
    by_maker: dict[str, list[dict[str, str]]] = {}
    for row in _rows(HOLDOUT):
        by_maker.setdefault(row["expected_manufacturer"], []).append(row)
    weak = {
        maker: round(_score(resolver, rows)[0], 2)
        for maker, rows in by_maker.items()
        if len(rows) >= 50 and _score(resolver, rows)[0] < 0.7
    }
    # Left to low-confidence patterns on purpose: Honeywell's short H-series numbers and
    # VIVOTEK's IP3xxx-IP8xxx numbers, a shape Pelco uses too (IP3701).
    assert set(weak) <= {"Honeywell", "Vivotek"}, weak


def test_families_cover_thirty_makers_with_sources(knowledge_makers: int) -> None:
    assert knowledge_makers >= 30


@pytest.fixture(scope="module")
def knowledge_makers(tmp_path_factory: pytest.TempPathFactory) -> int:
    """Number of makers (counting brands sold under their own families) with patterns."""
    knowledge = load_knowledge(tmp_path_factory.mktemp("empty-data"))
    owners: set[str] = set()
    for maker in knowledge.manufacturers:
        for pattern in maker.model_patterns:
            assert pattern.fact.source.startswith("https://")
            assert pattern.fact.confidence in ("high", "medium", "low")
            owners.add(pattern.brand or maker.name)
    return len(owners)


def test_pattern_brand_must_be_listed_in_the_file(tmp_path: Path) -> None:
    shipped = shipped_data_dir() / "manufacturers" / "canon.yaml"
    broken = tmp_path / "canon.yaml"
    broken.write_text(
        shipped.read_text(encoding="utf-8").replace(
            "- prefix: VB-\n", "- prefix: VB-\n  brand: Nonesuch\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError, match="Nonesuch"):
        load_model(broken, ManufacturerSpec, error=KnowledgeDataError)
