"""Text normalisation shared by the knowledge index and the resolver."""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT_CHARS = 512
"""Longer inputs are cut: no real vendor string is longer, and it bounds the work per input."""

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_MODEL_SPLIT = re.compile(r"[\s,;:()\[\]{}<>\"'=|]+")
_TRIM_MODEL = "-_./\\+*#&!?"


def fold(text: str) -> str:
    """Case-fold and strip accents, keeping only ASCII letters and digits plus spaces."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_INPUT_CHARS].casefold())
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_only).strip()


def words(text: str) -> tuple[str, ...]:
    """The folded words of a text."""
    folded = fold(text)
    return tuple(folded.split()) if folded else ()


def name_key(text: str) -> str:
    """Index key of a name: folded, with every space removed ("HIK VISION" -> "hikvision")."""
    return fold(text).replace(" ", "")


def model_tokens(text: str) -> list[str]:
    """Upper-cased tokens that may be model numbers, keeping hyphens and slashes inside them."""
    tokens = []
    for raw in _MODEL_SPLIT.split(text[:MAX_INPUT_CHARS].upper()):
        token = raw.strip(_TRIM_MODEL)
        if token:
            tokens.append(token)
    return tokens


def looks_like_model(token: str) -> bool:
    """A token with letters and digits (or three+ digits) that is not a version number."""
    if "." in token or len(token) < 3 or len(token) > 40:
        return False
    has_digit = any(char.isdigit() for char in token)
    has_alpha = any(char.isalpha() for char in token)
    return has_digit and (has_alpha or len(token) >= 3)
