"""Resolver behaviour on the issue's examples, honesty rules, dates, MACs and hostile input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.intel import Resolution, UnknownManufacturerError

JSON_KEYS = [
    "input",
    "manufacturer",
    "brand",
    "model",
    "device_kind",
    "confidence",
    "evidence",
    "concerns",
    "mac_assignment",
    "owner",
    "possible_concerns",
    "components",
]


@pytest.mark.parametrize(
    ("text", "manufacturer", "brand", "model"),
    [
        ("HIK VISION DS-2CD2143G0-I dome", "Hikvision", "Hikvision", "DS-2CD2143G0-I"),
        ("Hangzhou Hikvision Digital Technology Co.,Ltd.", "Hikvision", "Hikvision", None),
        ("dahua tech", "Dahua", "Dahua", None),
        ("DJI Mavic 3 Enterprise", "DJI", "DJI", "Mavic 3 Enterprise"),
        ("Ezviz C6N", "Hikvision", "Ezviz", "C6N"),
        ("DS-7608NI-I2/8P", "Hikvision", None, "DS-7608NI-I2/8P"),
        ("Enterprise Mavic dji", "DJI", "DJI", None),
    ],
)
def test_issue_examples(resolver, text, manufacturer, brand, model) -> None:
    result = resolver.resolve(text)
    assert (result.manufacturer, result.brand) == (manufacturer, brand)
    if model is not None:
        assert result.model == model
    assert result.has_concern
    assert result.evidence


def test_model_pattern_sets_device_kind(resolver) -> None:
    assert resolver.resolve("DS-7616NI-K2").device_kind == "nvr"
    assert resolver.resolve("IPC-HFW1230S").device_kind == "ip camera"
    assert resolver.resolve("DJI Matrice 300 RTK").device_kind == "drone"


def test_relabelled_model_names_the_real_maker(resolver) -> None:
    result = resolver.resolve("Honeywell DS-2CD2143G0-I")
    assert result.manufacturer == "Hikvision"
    assert result.brand == "Honeywell"
    assert any("OEM" in line for line in result.evidence)


def test_strong_oem_link_names_maker_and_keeps_brand(resolver) -> None:
    result = resolver.resolve("Lorex 4K NVR")
    assert (result.manufacturer, result.brand) == ("Dahua", "Lorex")
    assert any("made by Dahua" in line for line in result.evidence)


def test_low_confidence_oem_is_only_evidence(resolver) -> None:
    result = resolver.resolve("Annke C800")
    assert result.manufacturer == "Annke"
    assert not result.has_concern
    assert any("possible OEM: Hikvision" in line for line in result.evidence)


def test_medium_some_oem_is_not_asserted(resolver) -> None:
    result = resolver.resolve("Honeywell equIP camera")
    assert result.manufacturer == "Honeywell"
    assert any("possible OEM: Hikvision" in line for line in result.evidence)


def test_integrator_is_never_a_manufacturer(resolver) -> None:
    result = resolver.resolve("Brady Integrated Security")
    assert result.manufacturer is None
    assert "integrator: Brady Integrated Security" in result.evidence[0]
    both = resolver.resolve("Bosch cameras installed by Securitas")
    assert both.manufacturer == "Bosch Security Systems"
    assert any(line.startswith("integrator: Securitas") for line in both.evidence)


def test_unknown_text_is_null_not_a_guess(resolver) -> None:
    for text in ("Banque Cantonale Vaudoise", "Unknown", "camera", "Stadt Winterthur"):
        result = resolver.resolve(text)
        assert result.manufacturer is None and result.brand is None
        assert result.confidence == 0.0
        assert not result.has_concern


def test_typos_are_fuzzy_matched_with_lower_confidence(resolver) -> None:
    exact = resolver.resolve("Dallmeier")
    typo = resolver.resolve("Dallmeyer cameras")
    assert typo.manufacturer == "Dallmeier"
    assert typo.confidence < exact.confidence
    assert any(line.startswith("fuzzy match") for line in typo.evidence)


def test_as_of_drops_later_concerns(resolver) -> None:
    before = resolver.resolve("DJI Matrice 30T", as_of=date(2025, 12, 1))
    after = resolver.resolve("DJI Matrice 30T", as_of=date(2025, 12, 31))
    fcc = [c for c in after.concerns if c.authority == "FCC Covered List"]
    assert fcc and fcc[0].date == date(2025, 12, 22)
    assert not [c for c in before.concerns if c.authority == "FCC Covered List"]
    assert before.has_concern  # Entity List 2020 etc. still apply
    assert all(c.date <= date(2025, 12, 1) for c in before.concerns)


def test_as_of_before_any_concern_gives_none(resolver) -> None:
    assert not resolver.resolve("Hikvision", as_of=date(2010, 1, 1)).has_concern


def test_unverified_concern_is_evidence_not_concern(resolver) -> None:
    result = resolver.resolve("Hikvision")
    assert all("EO 14032 annex" not in c.summary for c in result.concerns)
    assert any(line.startswith("unverified concern") for line in result.evidence)


@pytest.mark.parametrize(
    ("mac", "manufacturer", "brand"),
    [
        ("C0-56-E3-00-00-01", "Hikvision", None),
        ("bc:ad:28:12:34:56", "Hikvision", None),
        ("20bb.bc00.0001", "Hikvision", None),
        ("F8:CE:07:00:00:00", "Dahua", None),
        ("34:D2:62:AA:BB:CC", "DJI", None),
        ("00:1F:54:00:00:01", "Dahua", "Lorex"),  # Lorex's own block: the brand is known
        ("00:40:8C:00:00:01", "Axis Communications", None),
    ],
)
def test_mac_resolves_by_oui(resolver, mac: str, manufacturer: str, brand: str | None) -> None:
    result = resolver.resolve(mac)
    assert result.manufacturer == manufacturer
    assert result.mac_assignment is not None
    assert result.evidence[0].startswith(f"{result.mac_assignment.registry} ")
    assert result.brand == brand


def test_randomised_and_unregistered_macs_are_unknown(resolver) -> None:
    assert resolver.resolve_mac("02:00:00:00:00:01").manufacturer is None
    assert resolver.resolve_mac("not a mac").manufacturer is None
    unknown = resolver.resolve_mac("00:50:56:00:00:01")  # VMware: not a camera maker here
    assert unknown.manufacturer is None
    unregistered = resolver.resolve("3C:EF:C8:12:34:56")
    assert unregistered.manufacturer is None
    assert "3CEFC8 is in no IEEE assignment" in unregistered.evidence[0]


def test_concerns_for_accepts_alias_and_brand(resolver) -> None:
    assert resolver.concerns_for("hik vision") == resolver.concerns_for("Hikvision")
    assert resolver.concerns_for("Ezviz") == resolver.concerns_for("Hikvision")
    assert len(resolver.concerns_for("DJI", as_of=date(2020, 1, 1))) == 0
    with pytest.raises(UnknownManufacturerError):
        resolver.concerns_for("Acme Widgets")


def test_to_dict_has_exact_keys_in_order(resolver) -> None:
    payload = resolver.resolve("Dahua IPC-HDW2431T").to_dict()
    assert list(payload) == JSON_KEYS
    assert list(payload["concerns"][0]) == ["kind", "authority", "date", "summary", "source", "via"]
    assert isinstance(payload["evidence"], list)


def test_cached_result_keeps_each_callers_input(resolver) -> None:
    first = resolver.resolve("HIKVISION  dome")
    second = resolver.resolve("hikvision dome")
    assert first.input == "HIKVISION  dome" and second.input == "hikvision dome"
    assert first.manufacturer == second.manufacturer == "Hikvision"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(resolver, text: str) -> None:
    result = resolver.resolve(text)
    assert isinstance(result, Resolution)
    assert 0.0 <= result.confidence <= 1.0
    assert result.input == text
    assert (result.manufacturer is None) or result.evidence


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.sampled_from(["Hikvision DS-2CD2143G0-I"]))
def test_truncated_input_never_raises(resolver, cut: int, text: str) -> None:
    resolver.resolve(text[:cut])


def test_huge_input_is_bounded(resolver) -> None:
    result = resolver.resolve("x" * 1_000_000 + " Hikvision")
    assert result.manufacturer is None  # beyond the input bound: not read
