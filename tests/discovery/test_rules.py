"""Fingerprint rule data and the rule engine."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from custodes.discovery import Observation, RuleDataError, RuleSet, default_rules
from custodes.discovery.rules import default_rule_directory


def obs(field: str, value: str, probe: str = "test", port: int | None = 80) -> Observation:
    return Observation(probe, port, field, value)


def test_shipped_rules_load_and_every_rule_has_source_and_date() -> None:
    rules = default_rules()
    assert len(rules.rules) > 80
    for rule in rules.rules:
        assert rule.source.startswith(("http://", "https://")), rule.id
        assert rule.note and rule.date.year >= 2026


def test_protocol_trait_beats_shown_name() -> None:
    """A Honeywell name on a Dahua protocol gives brand Honeywell, manufacturer Dahua."""
    result = default_rules().identify(
        [
            obs("dhip.reply", "client.notifyDevInfo", "dhip", 37810),
            obs("dhip.Vendor", "Honeywell", "dhip", 37810),
            obs("onvif.scope.name", "Honeywell", "onvif", 3702),
        ]
    )
    assert result.attributes["manufacturer"] == "Dahua"
    assert result.attributes["brand"] == "Honeywell"
    assert {item.rule for item in result.evidence} >= {"dahua.dhip.reply", "dhip.vendor-brand"}


def test_brand_defaults_to_nothing_without_name_evidence() -> None:
    result = default_rules().identify([obs("http.server", "App-webs/")])
    assert result.attributes == {"manufacturer": "Hikvision", "device_kind": "camera"}
    assert 0.7 <= result.confidence <= 0.8


def test_capture_groups_fill_model() -> None:
    result = default_rules().identify([obs("http.title", "WV-S1131 Network Camera")])
    assert result.attributes["model"] == "WV-S1131"
    assert result.attributes["manufacturer"] == "Panasonic"


def test_evidence_combines_and_weak_hints_do_not_override() -> None:
    result = default_rules().identify(
        [obs("port.open", "8000"), obs("rtsp.server", "Dahua Rtsp Server", port=554)]
    )
    assert result.attributes["manufacturer"] == "Dahua"
    nothing = default_rules().identify([obs("http.server", "nginx/1.24.0")])
    assert nothing.attributes == {} and nothing.confidence == 0 and nothing.evidence == []


def test_value_length_is_capped() -> None:
    huge = "uc-httpd 1.0.0" + "x" * 1_000_000
    assert default_rules().identify([obs("http.server", huge)]).attributes["manufacturer"] == (
        "Xiongmai"
    )


RULE = """\
rules:
  - id: good.rule
    field: http.server
    pattern: '^x'
    sets: {manufacturer: X}
    weight: 0.5
    source: https://example.org/x
    date: 2026-01-01
    note: fine
  - id: bad.rule
    field: http.server
    pattern: '^y'
    sets: {manufacturer: Y}
    weight: {weight}
    source: https://example.org/y
    date: 2026-01-01
    note: fine
"""


@pytest.mark.parametrize(
    ("replacement", "field", "line"),
    [
        ("1.5", "weight", 14),
        ("0.5\n    colour: red", "colour", 15),
    ],
)
def test_bad_rule_file_names_file_line_and_field(
    tmp_path: Path, replacement: str, field: str, line: int
) -> None:
    (tmp_path / "bad.yaml").write_text(RULE.replace("{weight}", replacement))
    with pytest.raises(RuleDataError) as caught:
        RuleSet.from_directory(tmp_path)
    message = str(caught.value)
    assert "bad.yaml" in message and f"line {line}" in message and field in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "field: http.server\n    pattern: '^y'",
            "field: http.serverr\n    pattern: '^y'",
            "field",
        ),
        ("pattern: '^y'", "pattern: '(y'", "pattern"),
        ("{manufacturer: Y}", "{device_kind: toaster}", "device_kind"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, old: str, new: str, field: str) -> None:
    (tmp_path / "bad.yaml").write_text(RULE.replace("{weight}", "0.5").replace(old, new))
    with pytest.raises(RuleDataError, match=field):
        RuleSet.from_directory(tmp_path)


def test_duplicate_ids_and_broken_yaml(tmp_path: Path) -> None:
    text = RULE.replace("{weight}", "0.5")
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    with pytest.raises(RuleDataError, match="duplicate"):
        RuleSet.from_directory(tmp_path)
    (tmp_path / "b.yaml").write_text("rules: [\n")
    with pytest.raises(RuleDataError, match=r"b\.yaml, line"):
        RuleSet.from_directory(tmp_path)


def _code_strings(path: Path) -> list[str]:
    """String literals and names in a module, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append(node.value)
        elif isinstance(node, ast.Name):
            found.append(node.id)
    return found


def test_no_vendor_names_in_engine_code() -> None:
    """Vendor knowledge lives in data: the engine and probes name no maker in their logic."""
    package = default_rule_directory().parent.parent / "discovery"
    makers = ("hikvision", "dahua", "axis", "uniview", "hanwha", "bosch", "xiongmai")
    for path in package.rglob("*.py"):
        for text in _code_strings(path):
            for maker in makers:
                assert maker not in text.lower(), f"{path.name} names {maker}: {text[:60]!r}"
