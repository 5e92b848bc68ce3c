"""Rules drawn from the replies Observium's poller quotes (observium.yaml): the sysDescr values
Axis devices return name the maker, model, firmware and kind; look-alikes and generic replies
name no maker."""

from __future__ import annotations

import pytest

from .conftest import assert_rule_names, cited_rules, fired_rules, identify, rule_ids

OBSERVIUM_COMMIT = "604a21c8abceeea9b24a264220082c4ca9b15dd8"  # pgmillon/observium

# reply, model, firmware, kind, the rule that must fire
EXAMPLES = [
    (
        "; AXIS M1011-W; Network Camera; 5.20.2; Sep 09 2011 10:44; 171; 1;",
        "M1011-W",
        "5.20.2",
        "camera",
        "axis.observium-snmp-camera",
    ),
    (
        " ; AXIS 212 PTZ; Network Camera; 4.49; Jun 18 2009 13:28; 14D; 1; ",
        "212 PTZ",
        "4.49",
        "camera",
        "axis.observium-snmp-camera",
    ),
    (
        "; AXIS 241S; Video Server; 4.47; May 30 2008 15:19; 11C.1; 1;",
        "241S",
        "4.47",
        "encoder",
        "axis.observium-snmp-encoder",
    ),
    (
        "; AXIS P7214; Network Video Encoder; 5.50.4; May 23 2014 12:23; 197.2; 1;",
        "P7214",
        "5.50.4",
        "encoder",
        "axis.observium-snmp-encoder",
    ),
]

# Replies of the same shape without the maker, other Axis products, and the generic sysDescr
# values other camera makers return.
LOOK_ALIKES = [
    "; Network Camera; 4.49; Jun 18 2009 13:28; 14D; 1;",
    "; AXIS Network Camera; 5.20.2;",
    "; axis m1011; network camera; 5.20;",
    "Video Server",
    "H.264 Video Server",
    "NVR",
    "IPC",
    "Network Camera",
]


@pytest.mark.parametrize(("value", "model", "firmware", "kind", "rule"), EXAMPLES)
def test_axis_sysdescr_names_the_maker(
    value: str, model: str, firmware: str, kind: str, rule: str
) -> None:
    expected = {"manufacturer": "Axis", "model": model, "firmware": firmware, "device_kind": kind}
    assert_rule_names("snmp.sysdescr", value, rule, **expected)


def test_axis_print_server_is_not_a_camera_or_encoder() -> None:
    fired = fired_rules("snmp.sysdescr", "AXIS 5600+ Network Print Server V7.10.2 Jan 30 2007")
    assert not rule_ids("observium") & fired


@pytest.mark.parametrize("value", LOOK_ALIKES)
def test_look_alikes_of_axis_sysdescr_name_no_maker(value: str) -> None:
    attributes = identify("snmp.sysdescr", value)
    assert "manufacturer" not in attributes, attributes


def test_every_observium_rule_has_an_example() -> None:
    assert rule_ids("observium") == {example[-1] for example in EXAMPLES}


def test_observium_rules_cite_the_poller_and_a_known_maker() -> None:
    for rule, origin in cited_rules("observium", "observium", OBSERVIUM_COMMIT):
        assert origin.pattern and origin.pattern in rule.note, rule.id
