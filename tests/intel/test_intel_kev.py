"""Importing CISA KEV files (JSON and CSV) and merging them into the knowledge base."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from custodes.intel import KevImportError, Resolver, load_knowledge
from custodes.intel._kev import import_kev


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
