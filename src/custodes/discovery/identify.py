"""Identify a device from observations given by hand, through the scanner's own identification.

``custodes identify`` and the independent evaluation use this: each input is a list of
``(field, value)`` observations, as the scanner records them, and comes out as the device
object ``custodes scan --json`` prints (``address`` is ``null``: nothing was scanned). A device
sighted in a packet capture (:mod:`custodes.discovery.passive`) comes out the same way, with
its address, MAC and the ports it was seen serving.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from custodes.discovery.fields import FIELDS
from custodes.discovery.models import Device, Observation
from custodes.discovery.passive import PROBE as CAPTURE_PROBE
from custodes.discovery.passive import Sighting
from custodes.discovery.probes.neighbours import oui
from custodes.discovery.scanner import Scanner

PROBE = "identify"
MAX_LINE_CHARS = 65536
MAX_OBSERVATIONS = 256
_NOT_HEX = re.compile(r"[^0-9A-Fa-f]")
_SEPARATORS = re.compile(r"[:.\-]")


class IdentifyInputError(ValueError):
    """An observation that cannot be identified: unknown field, bad value or bad JSON line."""


def mac_address(value: str) -> str:
    """A MAC (``aa:bb:cc:dd:ee:ff``, dashes, dots or bare hex) or its first three octets, as a
    full colon-separated MAC; a three-octet prefix is padded with zeros."""
    digits = _SEPARATORS.sub("", value.strip())
    if len(digits) not in (6, 12) or _NOT_HEX.search(digits):
        raise IdentifyInputError(
            f"mac.oui needs a MAC address or its first three octets, got {value[:64]!r}"
        )
    digits = (digits + "000000")[:12].upper()
    return ":".join(digits[index : index + 2] for index in range(0, 12, 2))


def observe(pairs: Iterable[tuple[str, str]]) -> tuple[list[Observation], str | None]:
    """Observations for ``(field, value)`` pairs, and the device's MAC when one was given."""
    observations: list[Observation] = []
    mac: str | None = None
    for field_name, value in pairs:
        if field_name not in FIELDS:
            raise IdentifyInputError(
                f"unknown field {field_name!r}; known fields: {', '.join(sorted(FIELDS))}"
            )
        if not isinstance(value, str) or not value.strip():
            raise IdentifyInputError(f"field {field_name!r} needs a non-empty string value")
        if field_name == "mac.oui":
            mac = mac_address(value)
            value = oui(mac)
        observations.append(Observation(PROBE, None, field_name, value))
    if not observations:
        raise IdentifyInputError("no observations")
    return observations, mac


def identify(scanner: Scanner, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The device object for one device's observations, as ``custodes scan --json`` prints it."""
    observations, mac = observe(pairs)
    device: Device = scanner.identify("", [], observations, mac)
    record = device.to_dict()
    record["address"] = None
    return record


def identify_sighting(scanner: Scanner, sighting: Sighting) -> dict[str, Any]:
    """The device object for one device sighted in a capture."""
    observations = list(sighting.observations)
    if sighting.mac:
        observations.append(Observation(CAPTURE_PROBE, None, "mac.oui", oui(sighting.mac)))
    device = scanner.identify(sighting.address, sighting.serving_ports, observations, sighting.mac)
    return device.to_dict()


def read_inputs(handle: TextIO, name: str) -> Iterator[list[tuple[str, str]]]:
    """Observation lists from JSON lines: ``{"field", "value"}`` or ``{"observations": [...]}``.

    Blank lines are skipped; a bad line raises :class:`IdentifyInputError` naming ``name`` and
    the line number.
    """
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        if len(line) > MAX_LINE_CHARS:
            raise IdentifyInputError(f"{where}: longer than {MAX_LINE_CHARS} characters")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IdentifyInputError(f"{where}: not JSON ({exc.msg})") from exc
        try:
            pairs = _pairs(record)
            observe(pairs)
        except IdentifyInputError as exc:
            raise IdentifyInputError(f"{where}: {exc}") from exc
        yield pairs


def _pairs(record: object) -> list[tuple[str, str]]:
    if not isinstance(record, dict):
        raise IdentifyInputError('expected an object {"field", "value"} or {"observations"}')
    if "observations" in record:
        items = record["observations"]
        if not isinstance(items, list) or not items:
            raise IdentifyInputError('"observations" must be a non-empty list')
        if len(items) > MAX_OBSERVATIONS:
            raise IdentifyInputError(f"more than {MAX_OBSERVATIONS} observations")
    else:
        items = [record]
    pairs: list[tuple[str, str]] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "field" not in item or "value" not in item:
            raise IdentifyInputError(f'observation {index} needs "field" and "value"')
        field_name, value = item["field"], item["value"]
        if not isinstance(field_name, str) or not isinstance(value, str):
            raise IdentifyInputError(f'observation {index}: "field" and "value" must be strings')
        pairs.append((field_name, value))
    return pairs
