"""Safe XML helpers: every document is parsed with defusedxml and read by local name."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET

MAX_XML_BYTES = 256 * 1024
MAX_ELEMENTS = 5000


def parse_xml(data: bytes) -> Element | None:
    """Parse untrusted XML; ``None`` when it is malformed, too large or uses DTD/entity tricks."""
    if len(data) > MAX_XML_BYTES:
        return None
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except (ParseError, ValueError, LookupError, RecursionError):
        # LookupError: an XML declaration naming an encoding Python does not know.
        return None


def local_name(element: Element) -> str:
    """Tag without its ``{namespace}``."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def iter_elements(root: Element) -> Iterator[Element]:
    """Every element below ``root`` (inclusive), at most ``MAX_ELEMENTS``."""
    for count, element in enumerate(root.iter()):
        if count >= MAX_ELEMENTS:
            return
        yield element


def first_text(root: Element, name: str) -> str | None:
    """Stripped text of the first element with local name ``name``."""
    for element in iter_elements(root):
        if local_name(element) == name and element.text and element.text.strip():
            return element.text.strip()
    return None


def texts_by_name(root: Element, names: tuple[str, ...]) -> dict[str, str]:
    """First stripped text for each wanted local name."""
    found: dict[str, str] = {}
    for element in iter_elements(root):
        name = local_name(element)
        if name in names and name not in found and element.text and element.text.strip():
            found[name] = element.text.strip()
    return found
