"""Rules drawn from RouterSploit's camera modules (routersploit.yaml): the strings their checks
say a device sends name its maker and model through the rule written for them; generic realms
and other cameras' realms name none."""

from __future__ import annotations

from .conftest import cited_rules, rule_file_tests

ROUTERSPLOIT_COMMIT = "723b574c36ae202857e3f93e4f3c2ab9a1638ed4"  # threat9/routersploit

# field, reply as the module quotes it, manufacturer, model, device kind, the rule that must fire
EXAMPLES = [
    (
        "http.www_authenticate",
        'Basic realm="N100 H.264 IP Camera"',
        "Beward",
        "N100",
        None,
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


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("routersploit", EXAMPLES, LOOK_ALIKES)
)


def test_routersploit_rules_cite_their_module() -> None:
    for rule, origin in cited_rules("routersploit", "routersploit", ROUTERSPLOIT_COMMIT):
        assert origin.file.startswith("routersploit/modules/"), rule.id
        assert origin.file.endswith(".py"), rule.id
        assert origin.fingerprint in rule.note, rule.id
