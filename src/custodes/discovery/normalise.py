"""Observed values as devices send them, reduced to the forms fingerprint rules anchor on.

Real devices wrap what identifies them: FTP greetings start with a reply code
(``220 AXIS P1344 Network Camera 5.20 (2008) ready.``), multi-line greetings repeat it, page
titles put the product after a section name (``Live view / - AXIS 211 Network Camera``), and
case and spacing vary between firmware builds. :func:`match_candidates` returns, for one
observation, the strings a rule is tried on: the whole value with whitespace collapsed first,
then the parts a device prefixes. Rules stay anchored (``^AXIS ``) and still fit real input.
Case is handled by the rule engine, which matches without regard to case unless a rule asks.
"""

from __future__ import annotations

import re

REPLY_CODE_FIELDS = frozenset({"ftp.banner", "telnet.banner"})
SEGMENTED_FIELDS = frozenset({"http.title"})
MAX_CANDIDATES = 8

_WHITESPACE = re.compile(r"\s+")
_REPLY_CODE = re.compile(r"^([1-5]\d\d)[- ]")
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|/:\u00b7\u2013\u2014\u2022>]+\s+)+")


def collapse_whitespace(value: str) -> str:
    """``value`` with runs of whitespace (and control characters) made one space, ends trimmed."""
    printable = "".join(ch if ch.isprintable() else " " for ch in value)
    return _WHITESPACE.sub(" ", printable).strip()


def _reply_lines(text: str) -> list[str]:
    """The lines of an FTP-style reply without their codes; ``[]`` when it has no code."""
    leading = _REPLY_CODE.match(text)
    if leading is None:
        return []
    code = re.escape(leading.group(1))
    parts = re.split(rf"(?:^|\s){code}[- ]", text)
    return [part.strip() for part in parts if part.strip()]


def match_candidates(field: str, value: str) -> tuple[str, ...]:
    """The strings rules for ``field`` are tried on, most complete first, without repeats."""
    whole = collapse_whitespace(value)
    candidates = [whole]
    if field in REPLY_CODE_FIELDS:
        candidates.extend(_reply_lines(whole))
    if field in SEGMENTED_FIELDS:
        candidates.extend(part for part in _TITLE_SEPARATOR.split(whole) if part)
    unique = list(dict.fromkeys(item for item in candidates if item))
    return tuple(unique[:MAX_CANDIDATES])
