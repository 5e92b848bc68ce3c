"""Normalised lookup keys for body names.

Two spellings of a name get the same *full key* when they differ only in case, accents,
punctuation, whitespace, "&" versus "and", a leading "the", or dots in an initialism
("G.M.P." is "GMP"). The *core key* also drops
the generic words (police, constabulary, service, force) so "Kent" meets "Kent Police".
"""

from __future__ import annotations

import re
import unicodedata

GENERIC_WORDS: frozenset[str] = frozenset({"police", "constabulary", "service", "force"})
MAX_NAME_LENGTH = 300

_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def full_key(text: str) -> str:
    """Return the normalised form of ``text`` (space-separated lowercase ASCII words)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    lowered = stripped.casefold().replace("&", " and ")
    words = _NON_WORD.sub(" ", _APOSTROPHES.sub("", lowered)).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(_join_initials(words))


def _join_initials(words: list[str]) -> list[str]:
    """Join runs of two or more one-character words: ["g", "m", "p"] -> ["gmp"]."""
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    return joined


def core_key(key: str) -> str:
    """Return a full key without its generic words (may be empty, e.g. for "Police")."""
    return " ".join(word for word in key.split() if word not in GENERIC_WORDS)
