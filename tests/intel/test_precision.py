"""Precision first (issue 10): a maker is named only on distinctive evidence.

Every false maker seen on real third-party data is a regression case here; look-alike
companies resolve to themselves or to nothing, chip and SDK vendors are components, weak
matches report their concerns as possible, and ``owner`` sits beside manufacturer and brand.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from custodes.discovery.models import Observation
from custodes.discovery.naming import canonical_names
from custodes.discovery.scanner import Scanner
from custodes.egress import load_devices
from custodes.intel import KnowledgeDataError, Resolver
from custodes.intel._ieee import read_registry, shipped_registry_path
from custodes.intel._knowledge import load_knowledge_from, shipped_data_dir

# (input as seen on real data, the maker it was wrongly resolved to)
FALSE_MAKERS = [
    ("Xiaomi Communications Co Ltd", "Axis Communications"),
    ("Xiaomi Communications", "Axis Communications"),
    ("Silicon Laboratories", "Huawei"),
    ("SHARP Corporation", "Genetec"),
    ("Axon Networks Inc.", "Axon"),
    ("AXON NETWORKS, INC.", "Axon"),
    ("Motorola Mobility LLC, a Lenovo Company", "Motorola Solutions"),
    ("Motorola (Wuhan) Mobility Technologies Communication Co., Ltd.", "Motorola Solutions"),
    ("KBVISION", "Hikvision"),
    ("KBVISION GROUP", "Hikvision"),
    ("SKVision", "Hikvision"),
    ("Haivison", "Hikvision"),
    ("Haivision Systems Inc", "Hikvision"),
    ("hqvision", "Hikvision"),
    ("ralink", "Reolink"),
    ("Ralink Technology, Corp.", "Reolink"),
    ("hanwei", "Huawei"),
    ("Cross Web Server", "Huawei"),
    ("WatchGuard Technologies, Inc.", "Motorola Solutions"),
    ("Indigo Security Co., Ltd.", "IndigoVision"),
    ("Phantom Technologies LLC", "DJI"),
    ("Phantom Intelligence", "DJI"),
    ("Inspire Tech", "DJI"),
    ("YAMATAKE-HONEYWELL CO., LTD.", "Honeywell"),
    ("FUHO Surveillance/DVR", "Xiongmai"),
    ("Ace Axis Limited", "Axis Communications"),
    ("Axis-Shield PoC AS", "Axis Communications"),
    ("Axon Digital Design", "Axon"),
    ("Cannon Technologies", "Canon"),
    ("Industrie Dial Face S.p.A.", "Megvii"),
]


@pytest.mark.parametrize(("text", "wrong_maker"), FALSE_MAKERS)
def test_seen_false_makers_are_gone(resolver: Resolver, text: str, wrong_maker: str) -> None:
    result = resolver.resolve(text)
    assert result.manufacturer != wrong_maker, result.evidence
    assert not result.has_concern, result.evidence
    assert result.owner != wrong_maker


@pytest.mark.parametrize(
    ("text", "manufacturer", "brand", "owner"),
    [
        ("Xiaomi Communications Co Ltd", "Xiaomi", "Xiaomi", "Xiaomi"),
        (
            "Motorola Mobility LLC, a Lenovo Company",
            "Motorola Mobility",
            "Motorola Mobility",
            "Lenovo",
        ),
        ("SHARP Corporation", "Sharp", "Sharp", "Sharp"),
        ("hanwei", "Hanwei Electronics", "Hanwei Electronics", "Hanwei Electronics"),
        ("KBVISION", None, "KBVision", None),
    ],
)
def test_lookalikes_resolve_to_themselves(
    resolver: Resolver, text: str, manufacturer: str | None, brand: str, owner: str | None
) -> None:
    result = resolver.resolve(text)
    assert (result.manufacturer, result.brand, result.owner) == (manufacturer, brand, owner)
    assert any(line.startswith("look-alike:") and "http" in line for line in result.evidence)
    assert not result.concerns and not result.possible_concerns


def test_lookalike_mac_registrant_names_no_maker_of_concern(resolver: Resolver) -> None:
    result = resolver.resolve_mac("FC:D9:08:12:34:56")  # Xiaomi Communications Co Ltd
    assert result.manufacturer == "Xiaomi"
    assert not result.has_concern


def test_product_lines_still_name_their_maker(resolver: Resolver) -> None:
    assert resolver.resolve("Phantom 4 Pro").manufacturer == "DJI"
    assert resolver.resolve("DJI Phantom 4").model == "Phantom 4"


@pytest.mark.parametrize(
    "text", ["Xiaomi Communications", "Acme Vision", "Bright Silicon", "Zeta Networks", "Nova Link"]
)
def test_generic_words_are_never_fuzzy_matched(resolver: Resolver, text: str) -> None:
    result = resolver.resolve(text)
    assert not any(line.startswith("fuzzy match") for line in result.evidence)
    assert not result.has_concern and not result.possible_concerns


def _registrants() -> list[str]:
    """Every organisation in the shipped IEEE registries (MA-L, MA-M, MA-S and IAB)."""
    registry = read_registry(shipped_registry_path())
    return sorted({assignment.registrant for assignment in registry.assignments()})


def test_no_ieee_registrant_gets_a_concern_from_a_fuzzy_match(resolver: Resolver) -> None:
    registrants = _registrants()
    assert len(registrants) > 10_000
    fuzzy_concerns = []
    for name in registrants:
        result = resolver.resolve(name)
        fuzzy = any(line.startswith("fuzzy match") for line in result.evidence)
        if fuzzy and (result.has_concern or result.confidence >= 0.5):
            fuzzy_concerns.append((name, result.manufacturer))
    assert fuzzy_concerns == []


@pytest.mark.parametrize(
    ("text", "component"),
    [
        ("Cross Web Server", "Cross Web Server"),
        ("HiSilicon", "HiSilicon"),
        ("GoAhead-Webs", "GoAhead"),
        ("Boa/0.94.14rc21", "Boa"),
        ("thttpd/2.25b 29dec2003", "thttpd"),
        ("Ingenic Semiconductor Co.,Ltd", "Ingenic"),
        ("Novatek Microelectronics Corp.", "Novatek"),
        ("Ambarella", "Ambarella"),
        ("Fullhan", "Fullhan"),
        ("SigmaStar", "SigmaStar"),
    ],
)
def test_chip_and_sdk_vendors_are_components_never_makers(
    resolver: Resolver, text: str, component: str
) -> None:
    result = resolver.resolve(text)
    assert result.manufacturer is None and result.brand is None
    assert [item.name for item in result.components] == [component]
    assert not result.has_concern
    assert result.to_dict()["components"][0]["source"].startswith("http")


def test_hisilicon_concerns_are_only_possible(resolver: Resolver) -> None:
    result = resolver.resolve("HiSilicon")
    assert result.components[0].owner == "Huawei"
    assert result.possible_concerns and not result.concerns
    assert {concern.via for concern in result.possible_concerns} == {"component"}
    assert resolver.judge_names(["HiSilicon"]) == "unsure"


def test_component_beside_a_real_maker(resolver: Resolver) -> None:
    result = resolver.resolve("Hikvision DS-2CD2143G0-I with HiSilicon SoC")
    assert result.manufacturer == "Hikvision" and result.has_concern
    assert [item.name for item in result.components] == ["HiSilicon"]


def test_weak_match_reports_concerns_as_possible(resolver: Resolver) -> None:
    exact = resolver.resolve("Honeywell")
    assert exact.has_concern
    typo = resolver.resolve("Honewell")
    assert typo.manufacturer == "Honeywell" and typo.weak
    assert typo.confidence < 0.5 <= exact.confidence
    assert not typo.has_concern and typo.possible_concerns
    assert typo.to_dict()["possible_concerns"] and typo.to_dict()["concerns"] == []
    assert resolver.judge_names(["Honewell"]) == "unsure"
    assert resolver.named_company("Honewell") is None


def test_avigilon_keeps_its_name_with_owner(resolver: Resolver) -> None:
    result = resolver.resolve("Avigilon H5A bullet")
    assert (result.manufacturer, result.brand, result.owner) == (
        "Avigilon",
        "Avigilon",
        "Motorola Solutions",
    )
    before = resolver.resolve("Avigilon", as_of=date(2017, 1, 1))
    assert before.owner == "Avigilon"
    assert resolver.owner_of("Avigilon") == "Motorola Solutions"
    assert resolver.owner_of("Acme Widgets") is None


def test_relabels_keep_brand_with_oem_as_manufacturer(resolver: Resolver) -> None:
    amcrest = resolver.resolve("Amcrest IP4M-1041B")
    assert (amcrest.manufacturer, amcrest.brand, amcrest.owner) == ("Dahua", "Amcrest", "Amcrest")
    assert any("made by Dahua" in line and "medium confidence" in line for line in amcrest.evidence)
    assert amcrest.confidence == 0.75 and amcrest.has_concern
    lorex_2020 = resolver.resolve("Lorex NR900", as_of=date(2020, 6, 1))
    lorex_2024 = resolver.resolve("Lorex NR900", as_of=date(2024, 6, 1))
    assert (lorex_2020.manufacturer, lorex_2020.brand, lorex_2020.owner) == (
        "Dahua",
        "Lorex",
        "Dahua",
    )
    assert (lorex_2024.manufacturer, lorex_2024.brand, lorex_2024.owner) == (
        "Dahua",
        "Lorex",
        "Skywatch",
    )
    assert any("ipvm.com" in line for line in lorex_2024.evidence)
    assert {c.via for c in lorex_2024.concerns} == {"manufacturer"}


@pytest.mark.parametrize(
    ("mac", "brand", "owner"),
    [("9C:8E:CD:12:34:56", "Amcrest", "Amcrest"), ("00:1F:54:12:34:56", "Lorex", "Skywatch")],
)
def test_relabel_macs_keep_their_brand(
    resolver: Resolver, mac: str, brand: str, owner: str
) -> None:
    result = resolver.resolve_mac(mac, as_of=date(2024, 6, 1))
    assert (result.manufacturer, result.brand, result.owner) == ("Dahua", brand, owner)
    assert any("products are made by Dahua" in line for line in result.evidence)
    assert result.has_concern


def _copy_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "intel"
    shutil.copytree(shipped_data_dir(), target)
    return target


def test_concerns_through_ownership_say_so(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    (shipped / "manufacturers" / "subsidiary.yaml").write_text(
        "name: Testco Optics\ncountry: GB\naliases: [Testco Optics]\nproducts: [ip camera]\n"
        "source: https://example.org/testco\ndate: 2024-01-01\nowners:\n"
        "- owner: Hikvision\n  since: 2020-01-01\n  source: https://example.org/testco\n"
        "  date: 2024-01-01\n",
        encoding="utf-8",
    )
    resolver = Resolver(load_knowledge_from(shipped, None))
    result = resolver.resolve("Testco Optics camera")
    assert (result.manufacturer, result.owner) == ("Testco Optics", "Hikvision")
    assert result.concerns and {c.via for c in result.concerns} == {"owner"}
    assert all(c.kind != "known-exploited vulnerability" for c in result.concerns)
    assert not resolver.resolve("Testco Optics", as_of=date(2019, 1, 1)).concerns


def test_bad_lookalike_file_names_file_line_and_field(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "lookalikes.yaml"
    text = path.read_text(encoding="utf-8").replace("role: maker", "role: vendor", 1)
    path.write_text(text, encoding="utf-8")
    expected_line = text.splitlines().index("    role: vendor") + 1
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.path.name == "lookalikes.yaml"
    assert caught.value.line == expected_line
    assert caught.value.field == "lookalikes[0].role"


def test_lookalike_must_resemble_a_known_maker_and_not_reuse_its_name(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "lookalikes.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("[Axis Communications]", "[Axes]", 1), encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match="Axes") as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.field == "lookalikes[0].resembles"
    path.write_text(original.replace("Xiaomi Inc.,", "Hik Vision,", 1), encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match="already used by Hikvision"):
        load_knowledge_from(shipped, None)
    path.write_text(original.replace("country: CN", "country: China", 1), encoding="utf-8")
    with pytest.raises(KnowledgeDataError, match="ISO 3166") as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.field == "lookalikes[0].country"


def test_component_file_is_schema_checked(tmp_path: Path) -> None:
    shipped = _copy_shipped(tmp_path)
    path = shipped / "components.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("date: 2019-08-13", "date: someday", 1),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError) as caught:
        load_knowledge_from(shipped, None)
    assert caught.value.path.name == "components.yaml"
    assert caught.value.line is not None and caught.value.field == "components[0].date"


# -- on the wire: the scanner's device output and egress --------------------------------------


def test_scanner_names_no_maker_for_a_generic_dvr_web_server(resolver: Resolver) -> None:
    scanner = Scanner(resolver=resolver)
    device = scanner.identify(
        "192.0.2.10", [80], [Observation("http", 80, "http.server", "Cross Web Server")]
    )
    assert device.manufacturer is None and device.brand is None
    assert device.concerns == []
    payload = device.to_dict()
    # The rule reads the banner as HiSilicon's DVR reference firmware: a part, not the maker.
    assert [item["name"] for item in payload["components"]] == ["HiSilicon"]
    assert payload["owner"] is None


def test_scanner_keeps_avigilon_with_its_owner(resolver: Resolver) -> None:
    scanner = Scanner(resolver=resolver)
    device = scanner.identify(
        "192.0.2.11", [80], [Observation("http", 80, "http.server", "AvigilonOnvifNvt/4.12.0.32")]
    )
    payload = device.to_dict()
    assert (payload["manufacturer"], payload["brand"], payload["owner"]) == (
        "Avigilon",
        "Avigilon",
        "Motorola Solutions",
    )


def test_device_names_mark_owner_concerns(resolver: Resolver) -> None:
    names = canonical_names(resolver, "Hikvision", "Ezviz", None, None, None)
    assert (names.manufacturer, names.brand, names.owner) == ("Hikvision", "Ezviz", "Hikvision")
    assert names.concerns and {item["via"] for item in names.concerns} == {"manufacturer"}
    lorex = canonical_names(resolver, None, None, None, None, "00:1F:54:12:34:56")
    assert (lorex.manufacturer, lorex.brand) == ("Dahua", "Lorex")
    weak = canonical_names(resolver, None, "Honewell", None, None, None)
    assert weak.manufacturer is None and weak.concerns == []


def test_egress_directory_carries_owner(tmp_path: Path) -> None:
    scan = tmp_path / "scan.jsonl"
    scan.write_text(
        json.dumps({"address": "192.168.1.20", "manufacturer": "Avigilon"})
        + "\n"
        + json.dumps({"address": "192.168.1.21", "manufacturer": "Dahua", "owner": None})
        + "\n",
        encoding="utf-8",
    )
    directory = load_devices(scan)
    avigilon = directory.lookup("192.168.1.20")
    assert avigilon is not None and avigilon.owner == "Motorola Solutions"
    given = directory.lookup("192.168.1.21")
    assert given is not None and given.owner is None
    register = tmp_path / "register.csv"
    register.write_text("IP Address,Manufacturer\n192.168.1.30,Avigilon\n", encoding="utf-8")
    record = load_devices(register).lookup("192.168.1.30")
    assert record is not None and record.owner == "Motorola Solutions"
