"""Every maker a shipped fingerprint rule names is known to the knowledge base.

A rule's ``manufacturer`` must resolve to a knowledge-base manufacturer (with country, owner and
sources) or to a component (a chip, SDK or firmware vendor, which never names the device's maker).
Names left unknown on purpose are listed below, each with its reason.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from custodes.discovery import default_rules
from custodes.intel import default_resolver

# Names a rule sets that the knowledge base deliberately does not know.
LEFT_UNKNOWN = {
    "HP": "printers, not a surveillance maker; a non-camera host is named, not profiled",
    "Cisco": "a bare 'Cisco' stays unknown so Cisco network gear is not taken for Cisco Meraki",
    "ACT Security": "no public source ties the 'ACT Video security' telnet stack to a company",
    "ELAN": "only a certificate (OU=Nortek, O=ELAN) found; clashes with ELAN Microelectronics",
    "Maygion": "no public source found beyond the maygion.com address in the FTP greeting",
    "Vanderbilt": "no source found for the company's country; Vanderbilt Industries is now ACRE",
    "iCatch": "iCatch Inc. (DVRs, Taipei) or iCatch Technology (camera SoCs): not settled",
}


def _rule_makers() -> dict[str, list[str]]:
    """The literal manufacturer names the shipped rules set, with the ids of the rules."""
    makers: dict[str, list[str]] = defaultdict(list)
    for rule in default_rules().rules:
        name = rule.sets.manufacturer
        if name and "{" not in name:
            makers[name].append(rule.id)
    return dict(makers)


RULE_MAKERS = _rule_makers()


def test_the_shipped_rules_name_makers() -> None:
    assert len(RULE_MAKERS) > 50


@pytest.mark.parametrize("name", sorted(set(RULE_MAKERS) - set(LEFT_UNKNOWN)))
def test_rule_maker_is_a_known_manufacturer_or_component(name: str) -> None:
    resolved = default_resolver().resolve(name)
    known = resolved.manufacturer is not None or bool(resolved.components)
    assert known, (name, RULE_MAKERS[name], resolved.evidence)
    assert not resolved.weak, (name, resolved.evidence)


@pytest.mark.parametrize("name", sorted(LEFT_UNKNOWN))
def test_names_left_unknown_are_still_named_by_a_rule_and_still_unknown(name: str) -> None:
    assert name in RULE_MAKERS, f"{name} is no longer named by a rule: drop it from LEFT_UNKNOWN"
    resolved = default_resolver().resolve(name)
    assert resolved.manufacturer is None and not resolved.components, (name, resolved.evidence)


@pytest.mark.parametrize(
    ("name", "manufacturer", "owner", "country"),
    [
        ("Aimetis", "Aimetis", "Senstar", "CA"),
        ("DVTel", "DVTel", "Teledyne FLIR", "US"),
        ("Optelecom-NKF", "Optelecom-NKF", "TKH Group", "US"),
        ("Sentry360", "Sentry360", "Sentry360", "US"),
        ("Y-cam", "Y-cam", "ERA Home Security Limited", "GB"),
        ("FUHO", "FUHO", "FUHO", "TW"),
        ("Rifatron", "Rifatron", "Rifatron", "KR"),
        ("ReeCam", "ReeCam", "ReeCam", "CN"),
        ("Indigo Security", "Indigo Security", "Indigo Security", "KR"),
    ],
)
def test_added_makers_resolve_with_owner(
    name: str, manufacturer: str, owner: str, country: str
) -> None:
    resolver = default_resolver()
    resolved = resolver.resolve(name)
    assert resolved.manufacturer == manufacturer
    assert resolved.owner == owner
    maker = resolver.knowledge.find_manufacturer(manufacturer)
    assert maker is not None and maker.country == country


@pytest.mark.parametrize(
    "text",
    [
        "IndigoVision",
        "Indigo Active Vision Systems",
        "Sentry Equipment Corp.",
        "SENTRY Co., LTD.",
        "Sycamore Networks",
        "ACTi Corporation",
        "Senstar Corporation",
    ],
)
def test_new_names_do_not_capture_look_alikes(text: str) -> None:
    added = {
        "Aimetis",
        "DVTel",
        "Optelecom-NKF",
        "Sentry360",
        "Y-cam",
        "FUHO",
        "Rifatron",
        "ReeCam",
        "Indigo Security",
    }
    assert default_resolver().resolve(text).manufacturer not in added
