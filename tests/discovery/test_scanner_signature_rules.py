"""Rules drawn from open-source security scanners' signatures (scanner-signatures.yaml): the
page title of TVT's NVMS-1000 video management server names TVT; other makers' VMS titles,
the generic words alone and the string in another field name nothing."""

from __future__ import annotations

from .conftest import cited_rules_of_repositories, rule_file_tests

# repository -> (commit read, licence as the rules record it)
SOURCES = {
    "chaitin/xray": ("aee9f9cecc3d49a1842a33c38b96af35a7d90168", "LicenseRef-xray (attribution"),
}

# (field, value as the source quotes it or a real device sends it, maker, model, kind, rule)
EXAMPLES = [
    (
        "http.title",
        "NVMS-1000",
        "TVT",
        "NVMS-1000",
        "server",
        "tvt.scanner-xray-nvms-1000-title",
    ),
    (
        "http.title",
        "  NVMS-1000 ",  # padded, as some pages write the title
        "TVT",
        "NVMS-1000",
        "server",
        "tvt.scanner-xray-nvms-1000-title",
    ),
    (
        "http.title",
        "nvms-1000 Login",
        "TVT",
        "nvms-1000",
        "server",
        "tvt.scanner-xray-nvms-1000-title",
    ),
]

# Other makers' VMS and client titles, other NVMS numbers, the generic part alone, the model
# inside another product's name, and the string in another field.
LOOK_ALIKES = [
    ("http.title", "iVMS-4200"),
    ("http.title", "NVMS"),
    ("http.title", "NVMS-9000"),
    ("http.title", "NVMS-10000"),
    ("http.title", "CNVMS-1000"),
    ("http.title", "My NVMS-1000 notes"),
    ("http.title", "Video Management System"),
    ("http.title", "流媒体管理服务器"),
    ("http.server", "NVMS-1000"),
    ("http.favicon_md5", "89b932fcc47cf4ca3faadb0cfdef89cf"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("scanner-signatures", EXAMPLES, LOOK_ALIKES)
)


def test_scanner_signature_rules_cite_their_entry() -> None:
    commits = {repository: commit for repository, (commit, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories(
        "scanner-signatures", "scanner-signatures", commits
    ):
        _, licence = SOURCES[repository]
        assert origin.licence.startswith(licence) and "fact only" in origin.licence, rule.id
        # xray names each POC after its file, with the prefix "poc-yaml-"
        assert origin.fingerprint.removeprefix("poc-yaml-") + ".yml" in origin.file, rule.id
        quoted = origin.pattern.removeprefix("<title>").removesuffix("</title>")
        assert f'"{quoted}"' in rule.note, rule.id
