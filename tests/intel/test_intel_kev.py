"""Importing CISA KEV files (JSON and CSV) and merging them into the knowledge base."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from custodes.intel import KevImportError, KnowledgeDataError, Resolver, load_knowledge
from custodes.intel._kev import KevRanges, KevStatus, import_kev, load_kev_ranges, version_key
from custodes.intel._knowledge import load_knowledge_from, shipped_data_dir


def test_json_import_matches_vendors_and_writes_data_dir(data_dir: Path, fixtures: Path) -> None:
    result, target = import_kev(fixtures / "kev-sample.json", data_dir, load_knowledge(data_dir))
    assert target == data_dir / "intel" / "kev.json"
    assert result.catalog_version == "2099.01.02" and result.total == 4
    by_cve = {entry.cve_id: entry.manufacturer for entry in result.matched}
    assert by_cve == {
        "CVE-2099-0001": "Hikvision",
        "CVE-2099-0002": "Dahua",
        "CVE-2099-0003": "D-Link",
    }
    stored = json.loads(target.read_text())
    assert stored["catalog_version"] == "2099.01.02"
    assert len(stored["entries"]) == 3


def test_imported_entries_reach_resolver_concerns(data_dir: Path, fixtures: Path) -> None:
    import_kev(fixtures / "kev-sample.json", data_dir, load_knowledge(data_dir))
    knowledge = load_knowledge(data_dir)
    assert [c.catalog_version for c in knowledge.kev_catalogs] == ["2025.08.25", "2099.01.02"]
    result = Resolver(knowledge).resolve("Hikvision DS-2CD2143G0-I")
    new = [c for c in result.concerns if c.summary.startswith("CVE-2099-0001")]
    assert len(new) == 1
    concern = new[0]
    assert concern.kind == "known-exploited vulnerability"
    assert concern.authority == "CISA KEV"
    assert concern.date == date(2099, 1, 2)
    assert concern.source == "https://nvd.nist.gov/vuln/detail/CVE-2099-0001"
    assert "Hikvision Test Improper Authentication" in concern.summary
    before = Resolver(knowledge).resolve("Hikvision", as_of=date(2099, 1, 1))
    assert not [c for c in before.concerns if c.summary.startswith("CVE-2099-0001")]


def test_csv_import(data_dir: Path, fixtures: Path) -> None:
    result, _ = import_kev(fixtures / "kev-sample.csv", data_dir, load_knowledge(data_dir))
    assert {e.cve_id: e.manufacturer for e in result.matched} == {
        "CVE-2099-0101": "NUUO",
        "CVE-2099-0102": "QNAP",
    }
    assert result.catalog_version == "csv-2099-02-03"


def test_shipped_snapshot_is_applied_without_import(resolver: Resolver) -> None:
    result = resolver.resolve("NUUO NVRmini2")
    cves = {c.summary.split()[0] for c in result.concerns if c.authority == "CISA KEV"}
    assert {"CVE-2018-14933", "CVE-2022-23227"} <= cves


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"vulnerabilities": 3}', "no 'vulnerabilities'"),
        ("a,b,c\n1,2,3\n", "missing columns"),
        ('{"vulnerabilities": [{"cveID": "CVE-1"}]}', "bad cveID"),
        ('{"vulnerabilities": []}', "no entries"),
        (
            '{"vulnerabilities": [{"cveID": "CVE-2099-0001", "vendorProject": "Hikvision",'
            ' "product": "x", "vulnerabilityName": "y", "dateAdded": "yesterday"}]}',
            "bad dateAdded",
        ),
    ],
)
def test_bad_files_raise_named_errors(
    data_dir: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "kev.json"
    path.write_text(content)
    with pytest.raises(KevImportError, match=message) as caught:
        import_kev(path, data_dir, load_knowledge(data_dir))
    assert "kev.json" in str(caught.value)


def test_missing_file_raises(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(KevImportError, match="cannot read"):
        import_kev(tmp_path / "absent.json", data_dir, load_knowledge(data_dir))


# --- Affected ranges ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[Resolver, KevRanges]:
    resolver = Resolver(load_knowledge_from(shipped_data_dir(), None))
    return resolver, load_kev_ranges(knowledge=resolver.knowledge)


@pytest.mark.parametrize(
    ("maker", "model", "firmware", "status", "reason"),
    [
        # No range recorded: possible whatever is known.
        (
            "Hikvision",
            "DS-2CD2143G0-I",
            "",
            "possible",
            "affected models and firmware not recorded",
        ),
        ("Hikvision", "DS-2CD2143G0-I", "V5.5.800 build 210628", "possible", None),
        ("Dahua", "IPC-HFW2431S", "2.800.0000000.12.R", "possible", None),
        # Ranges from the CVE descriptions.
        ("D-Link", "DCS-2530L", "1.05.05", "confirmed", "model and firmware in the affected range"),
        (
            "D-Link",
            "DCS 2530L",
            "v1.06.01",
            "possible",
            "firmware at the edge of the affected range",
        ),
        ("D-Link", "DCS-2530L", "1.07.02", "none", None),
        ("D-Link", "DCS-2670L", "2.02", "confirmed", None),
        ("D-Link", "DCS-2670L", "2.03", "none", None),
        ("D-Link", "DCS-2530L", "", "possible", "firmware unknown"),
        ("D-Link", "DCS-2530L", "latest", "possible", "firmware not recognised"),
        ("D-Link", "", "1.0", "possible", "model unknown"),
        ("D-Link", "DCS-8000LH", "1.0", "none", None),
        ("Edimax", "IC-7100", "", "confirmed", "affected model; every firmware affected"),
        ("NUUO", "NVRmini2", "3.11.0", "confirmed", None),
        ("NUUO", "NVRmini 2", "3.12", "none", None),
        ("NUUO", "NVRmini", "", "confirmed", None),
        ("QNAP", "VS-2104 Pro+", "QVR 4.1.3", "confirmed", None),
        ("QNAP", "VS-2104 Pro+", "QVR 5.1.0", "none", None),
        ("PTZOptics", "PT30X-NDI-GY", "6.3.34", "confirmed", None),
        ("PTZOptics", "PT30X-NDI-GY", "6.3.40", "none", None),
        ("Axis Communications", "P3245", "", "none", None),
    ],
)
def test_a_device_is_confirmed_only_with_model_and_firmware_in_range(
    shipped, maker: str, model: str, firmware: str, status: str, reason: str | None
) -> None:
    resolver, ranges = shipped
    assessment = ranges.assess(resolver.concerns_for(maker), model, firmware)
    assert assessment.status == KevStatus(status)
    if reason is not None:
        assert reason in {finding.reason for finding in assessment.findings}
    assert (assessment.confirmed_since is not None) == (status == "confirmed")
    assert (assessment.possible_since is not None) == (status != "none")


def test_every_range_names_a_kev_entry_of_its_manufacturer(shipped) -> None:
    resolver, ranges = shipped
    for cve, items in ranges.by_cve.items():
        for item in items:
            summaries = [c.summary for c in resolver.concerns_for(item.manufacturer)]
            assert any(summary.startswith(cve) for summary in summaries), (cve, item.manufacturer)
            assert item.source.startswith("https://nvd.nist.gov/vuln/detail/" + cve)


def test_version_keys_compare_dotted_versions() -> None:
    assert version_key("V5.5.800 build 210628") == (5, 5, 800)
    assert version_key("2.60B15") == (2, 60)
    assert version_key("3.11.0") == version_key("3.11")
    assert version_key("build 210628") is None


@pytest.mark.parametrize(
    ("firmware", "message"),
    [
        ("{below: '1.0', through: '2.0'}", "exactly one of below / through"),
        ("{all_versions: true, below: '1.0'}", "all_versions takes no version bounds"),
        ("{below: 'one'}", "not a dotted version"),
    ],
)
def test_bad_range_files_are_named(tmp_path: Path, firmware: str, message: str) -> None:
    path = tmp_path / "kev-ranges.yaml"
    path.write_text(
        "schema_version: 1\nranges:\n  - cve_id: CVE-2020-25078\n    manufacturer: D-Link\n"
        f"    models: ['DCS']\n    firmware: {firmware}\n"
        "    source: https://nvd.nist.gov/vuln/detail/CVE-2020-25078\n    date: 2026-11-30\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError) as caught:
        load_kev_ranges(path)
    assert message in str(caught.value) and "kev-ranges.yaml" in str(caught.value)


def test_a_range_for_an_unknown_manufacturer_is_refused(tmp_path: Path, shipped) -> None:
    resolver, _ = shipped
    path = tmp_path / "kev-ranges.yaml"
    path.write_text(
        "schema_version: 1\nranges:\n  - cve_id: CVE-2020-25078\n    manufacturer: Nobody Ltd\n"
        "    models: ['X']\n    firmware: {all_versions: true}\n"
        "    source: https://nvd.nist.gov/vuln/detail/CVE-2020-25078\n    date: 2026-11-30\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeDataError, match="unknown manufacturer 'Nobody Ltd'"):
        load_kev_ranges(path, knowledge=resolver.knowledge)
