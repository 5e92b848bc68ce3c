"""Parsers for single register cells: quantities, dates, yes/no, MAC and IP addresses.

Each parser takes the cell's text and returns a value or raises ``ValueError`` with a message
fit for the validation report.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import date

__all__ = [
    "MAX_QUANTITY",
    "find_date",
    "parse_date",
    "parse_ip",
    "parse_mac",
    "parse_quantity",
    "parse_yes_no",
    "split_quantity",
]

MAX_QUANTITY = 1_000_000

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d{1,7})"
_QUANTITY = re.compile(
    rf"^(?:x|×|qty:?)?\s*{_NUMBER}\s*(?:x|×|units?|nos?\.?|pcs\.?|items?|cameras?|devices?)?$",
    re.IGNORECASE,
)
_LEADING_QUANTITY = re.compile(rf"^{_NUMBER}\s*(?:(?:x|no\.?|off)\s+|×\s*)(\S.*)$", re.IGNORECASE)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_WORDS = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]{3,9})\.?,?\s+(\d{4})", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MAC_HEX = re.compile(r"^[0-9a-f]{12}$")
_MAC_SEPARATORS = re.compile(r"[:\-. ]")


def _number(text: str) -> int:
    value = int(text.replace(",", ""))
    if value > MAX_QUANTITY:
        raise ValueError(f"quantity {value} is more than {MAX_QUANTITY} on one row")
    return value


def parse_quantity(text: str) -> int:
    """``"12"``, ``"1,200"``, ``"x12"``, ``"12 x"``, ``"12 units"`` → the number of units."""
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise ValueError(f"{text[:60]!r} is not a quantity (write a whole number such as 12)")
    return _number(match.group(1))


def split_quantity(text: str) -> tuple[int | None, str]:
    """``"12 x DS-2CD2143G0-I"`` (also ``"12x …"``, ``"12 × …"``, ``"12×…"``) →
    ``(12, "DS-2CD2143G0-I")``; text without a count → ``(None, text)``."""
    match = _LEADING_QUANTITY.match(text.strip())
    if match is None:
        return None, text
    return _number(match.group(1)), match.group(2).strip()


def _date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text[:60]!r} is not a real date") from None


def find_date(text: str) -> date | None:
    """The first date written in ``text`` (ISO, dd/mm/yyyy, "1 March 2025", "March 2025", a
    bare year meaning its first day), or None when it holds none."""
    if match := _ISO.search(text):
        return _date(int(match[1]), int(match[2]), int(match[3]), text)
    if match := _UK.search(text):
        return _date(int(match[3]), int(match[2]), int(match[1]), text)
    for match in _WORDS.finditer(text):
        month = _MONTHS.get(match[2].casefold())
        if month is not None:
            return _date(int(match[3]), month, int(match[1] or 1), text)
    if match := _YEAR.search(text):
        return date(int(match[1]), 1, 1)
    return None


def parse_date(text: str) -> date:
    """A cell that must hold a date."""
    found = find_date(text)
    if found is None:
        raise ValueError(f"{text[:60]!r} is not a date (write 2024-03-31 or 31/03/2024)")
    return found


def parse_yes_no(text: str) -> bool:
    """Yes/no cells: yes, y, true, 1, sensitive → True; no, n, false, 0 → False."""
    key = text.strip().casefold().rstrip(".")
    if key in {"yes", "y", "true", "1", "sensitive", "x"}:
        return True
    if key in {"no", "n", "false", "0", "not sensitive", ""}:
        return False
    raise ValueError(f"{text[:60]!r} is not yes or no")


def parse_mac(text: str) -> str:
    """A MAC address in any common notation, as ``aa:bb:cc:dd:ee:ff``."""
    digits = _MAC_SEPARATORS.sub("", text.strip().casefold())
    if not _MAC_HEX.match(digits):
        raise ValueError(f"{text[:60]!r} is not a MAC address")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def parse_ip(text: str) -> str:
    """An IPv4 or IPv6 address in canonical form."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise ValueError(f"{text[:60]!r} is not an IP address") from None
