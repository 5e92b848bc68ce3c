"""Rules drawn from RouterSploit's camera modules (routersploit.yaml): the strings their checks
say a device sends name its maker and model through the rule written for them; generic realms
and other cameras' realms name none."""

from __future__ import annotations

import pytest

from .conftest import assert_rule_names, cited_rules, fired_rules, rule_ids

ROUTERSPLOIT_COMMIT = "723b574c36ae202857e3f93e4f3c2ab9a1638ed4"  # threat9/routersploit

# field, reply as the module quotes it, manufacturer, model, the rule that must fire
EXAMPLES = [
    (
        "http.www_authenticate",
        'Basic realm="N100 H.264 IP Camera"',
        "Beward",
        "N100",
        "beward.routersploit-realm-n100",
    ),
]

# Generic realms, the bare model, and other cameras' realms of a similar shape.
LOOK_ALIKES = [
    ("http.www_authenticate", 'Basic realm="IP Camera"'),
    ("http.www_authenticate", 'Basic realm="H.264 IP Camera"'),
    ("http.www_authenticate", 'Basic realm="N100"'),
    ("http.www_authenticate", 'Basic realm="N1000 H.264 IP Camera"'),
    ("http.www_authenticate", 'Basic realm="Network Camera"'),
    ("http.www_authenticate", 'Digest realm="DVR"'),
    ("http.title", "N100 H.264 IP Camera"),
    ("http.title", "Web Configurator"),
    ("http.title", "DVR Login"),
]


@pytest.mark.parametrize(("field", "value", "maker", "model", "rule"), EXAMPLES)
def test_module_strings_name_the_maker(
    field: str, value: str, maker: str, model: str | None, rule: str
) -> None:
    assert_rule_names(field, value, rule, manufacturer=maker, model=model)


@pytest.mark.parametrize(("field", "value"), LOOK_ALIKES)
def test_generic_and_look_alike_replies_fire_no_routersploit_rule(field: str, value: str) -> None:
    assert not rule_ids("routersploit") & fired_rules(field, value)


def test_every_routersploit_rule_has_an_example() -> None:
    assert rule_ids("routersploit") == {ex[-1] for ex in EXAMPLES}


def test_routersploit_rules_cite_their_module() -> None:
    for rule, origin in cited_rules("routersploit", "routersploit", ROUTERSPLOIT_COMMIT):
        assert origin.file.startswith("routersploit/modules/"), rule.id
        assert origin.file.endswith(".py"), rule.id
        assert origin.fingerprint in rule.note, rule.id
