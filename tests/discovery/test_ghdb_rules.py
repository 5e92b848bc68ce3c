"""Rules drawn from the page titles of the Google Hacking Database's camera and recorder dorks
(ghdb.yaml): each title the dorks quote names its maker (and model where it carries one);
titles of the same shape from other makers, generic titles and webcam software name none."""

from __future__ import annotations

import pytest

from .conftest import assert_rule_names, cited_rules, fired_rules, identify, rule_ids

VULPES_COMMIT = "e42b8d2ede9708084de5ed322791fdab774e255f"  # grayphi/vulpes

# title as the dork quotes it (or as its description says the devices show it), manufacturer,
# model, the rule that must fire
EXAMPLES = [
    ("::::: INTELLINET IP Camera Homepage :::::", "IC Intracom", None, "intellinet.ghdb-title"),
    ("SNC-RZ30 HOME", "Sony", "SNC-RZ30", "sony.ghdb-title-snc-home"),
    ("SNC-CS3 HOME", "Sony", "SNC-CS3", "sony.ghdb-title-snc-home"),
    ("SNC-P1 HOME", "Sony", "SNC-P1", "sony.ghdb-title-snc-home"),
    ("SNC-DF40 Home", "Sony", "SNC-DF40", "sony.ghdb-title-snc-home"),  # Google ignores case
    ("Sony SNT-V304 Video Network Station", "Sony", "SNT-V304", "sony.ghdb-title-snt"),
    ("IQeye302 Live Images", "IQinVision", "IQeye302", "iqinvision.ghdb-title-iqeye"),
    ("MOBOTIX PDAS", "Mobotix", None, "mobotix.ghdb-title"),
    ("SpectraIV-IP", "Pelco", None, "pelco.ghdb-title-spectra-iv-ip"),
    ("Edr1680 remote viewer", "EverFocus", "Edr1680", "everfocus.ghdb-title-edr-remote-viewer"),
    ("TRENDnet", "TRENDnet", None, "trendnet.ghdb-title"),
    ("EverFocus.EDSR.applet", "EverFocus", None, "everfocus.ghdb-title-edsr-applet"),
    ("The AXIS 200 Home Page", "Axis", "200", "axis.ghdb-title-home-page"),
]

# Titles the same dorks list as generic, other makers' titles of a similar shape, and the
# words the rules rest on used as ordinary words.
LOOK_ALIKES = [
    "IP Camera Homepage",
    "DVR login",
    "Web Client for EDVS",
    "IPCam Client",
    "Network Camera NetworkCamera",
    "webcamXP 5",
    "SNC HOME",
    "Home",
    "Video Network Station",
    "Spectra",
    "Remote Viewer",
    "Mobotix camera support forum",  # not the maker's own capitals
    "Trendnetwork analysis",
    "iqeye",
]


@pytest.mark.parametrize(("title", "maker", "model", "rule"), EXAMPLES)
def test_dork_titles_name_the_maker(title: str, maker: str, model: str | None, rule: str) -> None:
    assert_rule_names("http.title", title, rule, manufacturer=maker, model=model)


@pytest.mark.parametrize("title", LOOK_ALIKES)
def test_generic_and_look_alike_titles_fire_no_dork_rule(title: str) -> None:
    assert not rule_ids("ghdb") & fired_rules("http.title", title)


def test_every_dork_rule_has_an_example() -> None:
    assert rule_ids("ghdb") == {example[-1] for example in EXAMPLES}


def test_dork_rules_cite_their_entry_and_a_known_maker() -> None:
    for rule, origin in cited_rules("ghdb", "ghdb", VULPES_COMMIT):
        number = origin.file.removeprefix("dorks/dork").removesuffix(".rb")
        assert f"GHDB {number}" in rule.note and f"GHDB {number}:" in origin.fingerprint, rule.id


def test_apache_axis_is_not_axis_communications() -> None:
    # Apache Axis's status page, another GHDB dork's title (4715): a web-services framework.
    assert "manufacturer" not in identify("http.title", "Axis Happiness Page")
