"""Rules drawn from monitoring and discovery projects' device definitions
(monitoring-templates.yaml): the sysObjectID numbers GLPI Agent's sysobject.ids maps to makers the
knowledge base knows and iana-pen.yaml does not cover name those makers; neighbouring numbers,
other makers' numbers and the numbers left out name none of them."""

from __future__ import annotations

import pytest

from .conftest import (
    assert_rule_names,
    cited_rules_of_repositories,
    fired_rules,
    identify,
    rule_ids,
)

COMMITS = {"glpi-project/sysobject.ids": "65e33190533614c048343774e79e0129755486ea"}

# sysObjectID as the source gives it (and a device's deeper value), maker, the rule that must fire
EXAMPLES = [
    ("1.3.6.1.4.1.8691", "Moxa", "moxa.monitoring-sysobjectid-8691"),
    (".1.3.6.1.4.1.8691.6.13", "Moxa", "moxa.monitoring-sysobjectid-8691"),
    ("1.3.6.1.4.1.12356", "Fortinet", "fortinet.monitoring-sysobjectid-12356"),
    ("1.3.6.1.4.1.12356.101.1.600", "Fortinet", "fortinet.monitoring-sysobjectid-12356"),
    ("1.3.6.1.4.1.26138", "Intelbras", "intelbras.monitoring-sysobjectid-26138"),
    ("1.3.6.1.4.1.26138.10.1.47.103", "Intelbras", "intelbras.monitoring-sysobjectid-26138"),
    ("1.3.6.1.4.1.28866", "TRENDnet", "trendnet.monitoring-sysobjectid-28866"),
    (".1.3.6.1.4.1.28866.1.2", "TRENDnet", "trendnet.monitoring-sysobjectid-28866"),
    ("1.3.6.1.4.1.50001", "Hikvision", "hikvision.monitoring-sysobjectid-50001"),
    (".1.3.6.1.4.1.50001.1.240", "Hikvision", "hikvision.monitoring-sysobjectid-50001"),
]

# Numbers that only begin like the makers' (86910, 123560, 261380, 288660, 500011), the numbers
# nested under another enterprise, other makers' numbers (Dahua's 1004849, which Intelbras's
# Dahua-made recorders send; Ubiquiti's AirVision branch; Axis's print-server 2699; Siemens,
# Symbol Technologies) and a value that is not an OID.
LOOK_ALIKES = [
    "1.3.6.1.4.1.86910",
    "1.3.6.1.4.1.123560.1",
    "1.3.6.1.4.1.261380",
    "1.3.6.1.4.1.288660.5",
    "1.3.6.1.4.1.500011",
    "1.3.6.1.4.1.5000.1",
    "1.3.6.1.4.1.2.6.50001",
    "1.3.6.1.4.1.9.1.8691",
    "1.3.6.1.4.1.1004849.3.2.10",
    "1.3.6.1.4.1.41112.1.7",
    "1.3.6.1.4.1.2699.1",
    "1.3.6.1.4.1.231.7",
    "1.3.6.1.4.1.388.14",
    "50001",
    "enterprises.8691",
]


@pytest.mark.parametrize(("value", "maker", "rule"), EXAMPLES)
def test_sysobjectid_names_the_maker(value: str, maker: str, rule: str) -> None:
    assert_rule_names("snmp.sysobjectid", value, rule, manufacturer=maker)


@pytest.mark.parametrize("value", LOOK_ALIKES)
def test_look_alikes_fire_no_monitoring_template_rule(value: str) -> None:
    fired = fired_rules("snmp.sysobjectid", value)
    assert not rule_ids("monitoring-templates") & fired, fired


def test_dahua_number_stays_dahua() -> None:
    assert identify("snmp.sysobjectid", "1.3.6.1.4.1.1004849.3.2.10")["manufacturer"] == "Dahua"


def test_numbers_name_no_device_kind() -> None:
    for value, _maker, _rule in EXAMPLES:
        assert "device_kind" not in identify("snmp.sysobjectid", value), value


def test_every_monitoring_template_rule_has_an_example() -> None:
    assert rule_ids("monitoring-templates") == {example[-1] for example in EXAMPLES}


def test_monitoring_template_rules_cite_the_database_and_a_known_maker() -> None:
    cited = cited_rules_of_repositories("monitoring-templates", "monitoring-templates", COMMITS)
    assert len(cited) == len(rule_ids("monitoring-templates"))
    for rule, origin, _repository in cited:
        assert origin.file == "sysobject.ids", rule.id
        assert rule.id.endswith(f"-{origin.pattern}"), rule.id
        assert f"1.3.6.1.4.1.{origin.pattern}" in rule.note, rule.id
        assert rule.sets.device_kind is None, rule.id
