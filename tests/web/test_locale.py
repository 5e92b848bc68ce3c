"""The Welsh catalogue: every message translated, and the committed .mo up to date."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import custodes

CATALOGUE = Path(custodes.__file__).parent / "locale" / "cy" / "LC_MESSAGES"


def _po_entries() -> dict[str, list[str]]:
    """msgid (or msgid|plural) → msgstr forms, read from django.po (written unwrapped)."""
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    entries: dict[str, list[str]] = {}
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid (".*")$', block, re.M)
        plural = re.search(r'^msgid_plural (".*")$', block, re.M)
        forms = re.findall(r'^msgstr(?:\[\d\])? (".*")$', block, re.M)
        assert msgid and forms, block
        key = ast.literal_eval(msgid.group(1))
        if plural:
            key += "|" + ast.literal_eval(plural.group(1))
        entries[key] = [ast.literal_eval(form) for form in forms]
    return entries


def test_every_message_has_a_welsh_translation() -> None:
    entries = _po_entries()
    assert len(entries) > 100
    for msgid, forms in entries.items():
        assert all(form.strip() for form in forms), msgid
        for placeholder in set(re.findall(r"%\(\w+\)s", msgid.split("|")[-1])):
            assert all(placeholder in form for form in forms[1:] or forms), msgid


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, forms in _po_entries().items():
        if "|" in msgid:
            singular, plural = msgid.split("|")
            assert compiled.ngettext(singular, plural, 1) == forms[0], msgid
            assert compiled.ngettext(singular, plural, 5) == forms[2], msgid
        else:
            assert compiled.gettext(msgid) == forms[0], msgid
