"""Rules drawn from the Nikto web scanner's databases (nikto.yaml): each favicon hash a Nikto
entry ties to a camera maker names that maker; other makers' favicons, generic hashes and
the same hash in another field name none."""

from __future__ import annotations

from .conftest import cited_rules, rule_file_tests

NIKTO_COMMIT = "d5067406bc0902f8174cb5f8d595f637951974ce"  # sullo/nikto

# (field, value as the entry quotes it, manufacturer, device kind, the rule that must fire)
EXAMPLES = [
    (
        "http.favicon_md5",
        "2df6edffca360b7a0fadc3bdf2191857",
        "PIPS Technology",
        "anpr-camera",
        "pips-technology.nikto-favicon-atz",
    ),
    (
        "http.favicon_md5",
        "2DF6EDFFCA360B7A0FADC3BDF2191857",  # the hash in capitals
        "PIPS Technology",
        "anpr-camera",
        "pips-technology.nikto-favicon-atz",
    ),
    ("http.favicon_md5", "107579220745d3b21461c23024d6c4a3", "D-Link", None, "dlink.nikto-favicon"),
]

# Other favicons of the same database (Ubiquiti's radios, ZoneMinder, VISEC, the empty file),
# a hash one character off, a hash inside a longer string, and the hashes in a text field.
LOOK_ALIKES = [
    ("http.favicon_md5", "6dcab71e60f0242907940f0fcda69ea5"),
    ("http.favicon_md5", "e07c0775523271d629035dc8921dffc7"),
    ("http.favicon_md5", "2e5e985fe125e3f8fca988a86689b127"),
    ("http.favicon_md5", "d41d8cd98f00b204e9800998ecf8427e"),
    ("http.favicon_md5", "2df6edffca360b7a0fadc3bdf2191858"),
    ("http.favicon_md5", "x107579220745d3b21461c23024d6c4a3"),
    ("http.title", "2df6edffca360b7a0fadc3bdf2191857"),
    ("http.server", "107579220745d3b21461c23024d6c4a3"),
    ("http.title", "Automatic Licence Plate Recognition"),
    ("http.title", "D-Link"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("nikto", EXAMPLES, LOOK_ALIKES)
)


def test_nikto_rules_cite_their_entry_and_a_known_maker() -> None:
    for rule, origin in cited_rules("nikto", "nikto", NIKTO_COMMIT):
        assert origin.file.startswith("program/databases/db_"), rule.id
        assert "(fact only)" in origin.licence, rule.id
        number = origin.fingerprint.removeprefix("Nikto ").split(":")[0]
        assert number.isdigit() and f"entry {number}" in rule.note, rule.id
        assert origin.pattern and origin.pattern in rule.pattern, rule.id
