"""Regressions found in review."""

from custodes.intel import default_resolver


def test_legal_form_words_never_fuzzy_match_a_maker():
    # "ACTi Corporation" once came out as ZTE through "corporation" ~ "ZTE Corporation".
    # ACTi is now in the knowledge base: it must come back as itself, never as ZTE.
    resolver = default_resolver()
    assert resolver.resolve("ACTi Corporation").manufacturer == "ACTi"
    assert resolver.resolve("Acme Widgets Corporation").manufacturer is None
    assert resolver.resolve_mac("00:0f:7c:11:22:33").manufacturer == "ACTi"
    assert resolver.resolve("Hikvison Co Ltd").manufacturer == "Hikvision"


def test_judge_names_for_named_concern_findings():
    from datetime import date

    resolver = default_resolver()
    assert resolver.judge_names(["Axis P3245", "Hikvision DS-2CD2143G0-I"]) == "yes"
    assert resolver.judge_names(["Axis P3245", "Bosch"]) == "no"
    assert resolver.judge_names(["Axis", "Acme Widgets Ltd"]) == "unsure"
    assert resolver.judge_names(["DJI Mavic 3"]) == "yes"
    assert resolver.judge_names(["DJI Mavic 3"], as_of=date(2015, 1, 1)) == "no"
