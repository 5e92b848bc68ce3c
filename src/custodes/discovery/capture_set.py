"""Identification of named devices from what they sent in public testbed captures (all holdout).

``captures.csv`` (built by ``scripts/build_capture_eval.py``) holds, for each device of a public
testbed dataset, the maker and description its authors give it and every distinct value the
device sent, in the scanner's observation fields, plus ``dns.query``: the host names it looked
up. No rule may be written from it. It is scored three ways: each device as a scan would see it
(all its observations together, and its replies alone, without the MAC address a scan across a
router cannot see); each distinct value alone, like the other sets; and the names the devices
looked up, through the egress rules.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custodes.discovery.fields import FIELDS
from custodes.discovery.identify import identify
from custodes.discovery.independent import (
    CAPTURE_GROUP,
    CAPTURE_SOURCES,
    Example,
    IndependentReport,
    Labels,
    Tally,
    _rounded,
    company_key,
    evaluate,
    example_id,
    named_companies,
)
from custodes.discovery.naming import Resolver
from custodes.discovery.rules import RuleSet
from custodes.discovery.scanner import Scanner

CAPTURES_FILE = "captures.csv"
CAPTURE_COLUMNS = (
    "id",
    "source",
    "device",
    "description",
    "maker",
    "camera",
    "field",
    "value",
    "ref",
)
DNS_FIELD = "dns.query"  # a host name the device looked up: scored by the egress rules
MAC_FIELD = "mac.oui"


@dataclass(frozen=True, slots=True)
class CapturedDevice:
    """One device of a testbed dataset: its label and what it sent."""

    source: str
    device: str
    description: str
    maker: str
    camera: bool
    observations: tuple[tuple[str, str], ...]
    looked_up: tuple[str, ...]
    ref: str

    def example(self) -> Example:
        """The device as an example labelled with its maker (for :class:`Labels`)."""
        return Example(
            id=example_id(self.source, "device", self.device),
            source=self.source,
            field="device",
            value=self.device,
            expected=self.maker,
            recall_scope=self.camera,
            lookalike=False,
            label=self.description,
            ref=self.ref,
        )


def load_captures(directory: Path) -> list[CapturedDevice]:
    """The devices of ``directory``'s ``captures.csv`` in file order (none when it is absent).
    A bad row raises ``ValueError`` naming the file, line and field."""
    path = directory / CAPTURES_FILE
    if not path.exists():
        return []
    rows: dict[tuple[str, str], list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != CAPTURE_COLUMNS:
            raise ValueError(f"{path}: line 1: columns must be {', '.join(CAPTURE_COLUMNS)}")
        for row in reader:
            where = f"{path}: line {reader.line_num}"
            if row["source"] not in CAPTURE_SOURCES:
                raise ValueError(f"{where}: field 'source': unknown source {row['source']!r}")
            if row["field"] not in FIELDS and row["field"] != DNS_FIELD:
                raise ValueError(f"{where}: field 'field': unknown field {row['field']!r}")
            if row["camera"] not in {"0", "1"} or not row["maker"] or not row["value"]:
                raise ValueError(f"{where}: field 'camera', 'maker' or 'value' is invalid")
            rows.setdefault((row["source"], row["device"]), []).append(row)
    devices = []
    for (source, device), found in rows.items():
        first = found[0]
        devices.append(
            CapturedDevice(
                source=source,
                device=device,
                description=first["description"],
                maker=first["maker"],
                camera=first["camera"] == "1",
                observations=tuple(
                    (row["field"], row["value"]) for row in found if row["field"] != DNS_FIELD
                ),
                looked_up=tuple(row["value"] for row in found if row["field"] == DNS_FIELD),
                ref=str(Path(first["ref"]).parent),
            )
        )
    return devices


@dataclass(slots=True)
class DeviceTally:
    """Devices named right or wrong; cameras found; makers of concern named wrongly."""

    devices: int = 0
    right: int = 0
    wrong: int = 0
    cameras: int = 0
    cameras_found: int = 0
    wrong_makers_of_concern: int = 0

    @property
    def precision(self) -> float:
        """Right makers among the devices named (1.0 when none was named)."""
        named = self.right + self.wrong
        return self.right / named if named else 1.0

    @property
    def recall(self) -> float | None:
        """Cameras named right among the cameras (None when there are none)."""
        return self.cameras_found / self.cameras if self.cameras else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the counts and rates."""
        return {
            "devices": self.devices,
            "named_right": self.right,
            "named_wrong": self.wrong,
            "precision": round(self.precision, 4),
            "cameras": self.cameras,
            "cameras_named_right": self.cameras_found,
            "recall_on_cameras": _rounded(self.recall),
            "wrong_makers_of_concern": self.wrong_makers_of_concern,
        }


@dataclass(slots=True)
class CaptureRun:
    """The capture set scored: by device, by distinct value and by looked-up name."""

    devices: list[CapturedDevice]
    whole: DeviceTally
    replies: DeviceTally
    values: IndependentReport
    egress: dict[str, int]
    named: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """The headline figures."""
        values = self.values.groups.get(("holdout", CAPTURE_GROUP, "ALL"), Tally())
        return {
            "devices": len(self.devices),
            "camera devices": sum(device.camera for device in self.devices),
            "makers": len({company_key(device.maker) for device in self.devices}),
            "devices, all observations": self.whole.to_dict(),
            "devices, replies alone (no MAC address)": self.replies.to_dict(),
            "distinct values": values.to_dict(),
            "looked-up names": dict(self.egress),
        }

    def to_text(self) -> str:
        """The figures, then one line per device and one per field of the distinct values."""
        figures = self.figures()
        lines = [
            f"capture set (all holdout): {figures['devices']} devices of {figures['makers']} "
            f"makers, {figures['camera devices']} of them cameras"
        ]
        shown = (("all observations", self.whole), ("replies alone", self.replies))
        for title, tally in shown:
            recall = "-" if tally.recall is None else f"{tally.recall:.3f}"
            lines.append(
                f"  devices, {title}: precision {tally.precision:.3f} "
                f"({tally.right} right, {tally.wrong} wrong); recall on cameras {recall} "
                f"({tally.cameras_found} of {tally.cameras}); wrong makers of concern "
                f"{tally.wrong_makers_of_concern}"
            )
        egress = self.egress
        lines.append(
            f"  looked-up names: {egress['names']}, {egress['matched']} matched a vendor "
            f"service, {egress['wrong']} of another maker than the device's"
        )
        for entry in self.named:
            named = ", ".join(entry["named"]) or "-"
            lines.append(
                f"  {entry['source']}/{entry['device']} ({entry['maker']}"
                f"{', camera' if entry['camera'] else ''}): {named}"
            )
        groups = IndependentReport(
            {key: tally for key, tally in self.values.groups.items() if key[0] == "holdout"}
        )
        lines.append(groups.to_text())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the figures, each device's outcome and the groups of distinct values
        (never the values missed)."""
        groups = self.values.to_dict()["groups"]
        return {
            "figures": self.figures(),
            "devices": self.named,
            "groups": [group for group in groups if group["partition"] == "holdout"],
        }


def _value_examples(devices: Sequence[CapturedDevice]) -> list[Example]:
    """One example per distinct value: labelled with the maker of every device that sent it,
    or with none when devices of different makers sent it."""
    makers: dict[tuple[str, str, str], set[str]] = {}
    cameras: dict[tuple[str, str, str], bool] = {}
    first: dict[tuple[str, str, str], CapturedDevice] = {}
    for device in devices:
        for field_name, value in device.observations:
            key = (device.source, field_name, value)
            makers.setdefault(key, set()).add(device.maker)
            cameras[key] = cameras.get(key, False) or device.camera
            first.setdefault(key, device)
    examples = []
    for key, labels in makers.items():
        source, field_name, value = key
        expected = next(iter(labels)) if len({company_key(name) for name in labels}) == 1 else None
        examples.append(
            Example(
                id=example_id(source, field_name, value),
                source=source,
                field=field_name,
                value=value,
                expected=expected,
                recall_scope=cameras[key] and expected is not None,
                lookalike=False,
                label=f"sent by {first[key].device} ({first[key].description})",
                ref=first[key].ref,
            )
        )
    return examples


def _score_device(
    tally: DeviceTally, device: CapturedDevice, names: tuple[str, ...], labels: Labels
) -> None:
    example = device.example()
    tally.devices += 1
    tally.cameras += device.camera
    if not names:
        return
    if any(labels.is_right(example, name) for name in names):
        tally.right += 1
        tally.cameras_found += device.camera
    else:
        tally.wrong += 1
        if not labels.of_concern(example) and labels.names_maker_of_concern(names):
            tally.wrong_makers_of_concern += 1


def run_captures(
    directory: Path,
    resolver: Resolver,
    rules: RuleSet,
    vendor_of: Callable[[str], str | None],
) -> CaptureRun | None:
    """Score the capture set of ``directory`` (None when it has none); ``vendor_of`` gives the
    vendor whose service a host name belongs to (the egress rules), or None."""
    devices = load_captures(directory)
    if not devices:
        return None
    labels = Labels.load(directory)
    labels = labels.with_makers(device.example() for device in devices)
    scanner = Scanner(rules=rules, resolver=resolver)
    whole, replies = DeviceTally(), DeviceTally()
    egress = {"names": 0, "matched": 0, "wrong": 0}
    named = []
    looked_up: set[tuple[str, str]] = set()
    for device in devices:
        names = named_companies(identify(scanner, list(device.observations)))
        _score_device(whole, device, names, labels)
        reply_pairs = [pair for pair in device.observations if pair[0] != MAC_FIELD]
        reply_names = named_companies(identify(scanner, reply_pairs)) if reply_pairs else ()
        _score_device(replies, device, reply_names, labels)
        named.append(
            {
                "source": device.source,
                "device": device.device,
                "maker": device.maker,
                "camera": device.camera,
                "named": list(names),
                "named_from_replies": list(reply_names),
            }
        )
        for name in device.looked_up:
            if (device.maker, name) in looked_up:
                continue
            looked_up.add((device.maker, name))
            egress["names"] += 1
            vendor = vendor_of(name)
            if vendor is None:
                continue
            egress["matched"] += 1
            egress["wrong"] += not labels.is_right(device.example(), vendor)
    values = evaluate(_value_examples(devices), {}, scanner, resolver, labels)
    return CaptureRun(devices, whole, replies, values, egress, named)
