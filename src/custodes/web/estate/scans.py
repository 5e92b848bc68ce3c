"""Scan uploads from ``custodes scan --upload``: agent tokens, validation, reconciliation.

Each body runs its own scan agents on its own network segments; they send results to
``POST /api/scans`` with a bearer token issued for that body. The server never reaches into a
body's network. A token is 256 random bits, stored only as its keyed hash (``hash_token``),
expires and can be revoked; the body comes from the token, never from the payload.

A received scan is compared with the body's register: devices seen but not registered
(matched by IP, then MAC, then serial), registered assets whose IP lies inside the scanned
targets but that did not answer, and matched devices whose manufacturer differs from the
register's resolved manufacturer.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from django.db import transaction
from django.utils import timezone
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from custodes import estate as core
from custodes.discovery.errors import TargetError
from custodes.discovery.targets import AddressSpan, parse_span
from custodes.web.bodies.models import Body
from custodes.web.core import jsoninput
from custodes.web.core.throttle import FailureThrottle
from custodes.web.estate.models import AgentToken, Asset, ScanUpload
from custodes.web.surveys.tokens import TOKEN_BYTES, hash_token

__all__ = [
    "DEFAULT_TOKEN_DAYS",
    "MAX_DEVICES",
    "MAX_SCAN_BYTES",
    "AgentTokenInvalid",
    "AssetRef",
    "FieldProblem",
    "Mismatch",
    "RegisterComparison",
    "ScanDevice",
    "ScanError",
    "ScanPayload",
    "ScanPayloadInvalid",
    "ScanReconciliation",
    "ScanTooLarge",
    "SeenDevice",
    "agent_token_records",
    "compare_with_register",
    "find_agent_token",
    "issue_agent_token",
    "latest_reconciliation",
    "receive_scan",
    "reconcile_scan",
    "record_token_failure",
    "resolve_agent_token",
    "revoke_agent_token",
    "seen_device",
]

DEFAULT_TOKEN_DAYS = 365
MAX_TOKEN_DAYS = 3650
MAX_SCAN_BYTES = 32 * 1024 * 1024
MAX_DEVICES = 20_000
MAX_TARGETS = 1_000
MAX_PORTS = 1_024
MAX_EVIDENCE = 200
MAX_CONCERNS = 100
MAX_PROBLEMS_LISTED = 50
AGENT_TOKEN_FAILURES = FailureThrottle("agent-tokens")
SURVEILLANCE_KINDS = frozenset({"camera", "recorder"})

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=2_000)]


class ScanError(Exception):
    """Base class of scan upload errors; the message is safe to send back to the agent."""


class AgentTokenInvalid(ScanError):
    """The bearer token is unknown, expired or revoked."""


class ScanTooLarge(ScanError):
    """The payload is larger than :data:`MAX_SCAN_BYTES`."""


@dataclass(frozen=True)
class FieldProblem:
    """One invalid field of a payload: dotted location (``devices.3.address``) and why."""

    field: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class ScanPayloadInvalid(ScanError):
    """The payload is not JSON or does not have the expected fields; ``problems`` says where."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        shown = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"invalid scan upload: {shown}{more}")


# Payload


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", str_max_length=2_000)


class Evidence(_Strict):
    probe: Text
    port: int | None = Field(default=None, ge=0, le=65_535)
    observed: LongText
    rule: Text | None = None


class ScanDevice(_Strict):
    """One device as ``custodes scan --json`` prints it."""

    address: Text
    open_ports: list[Annotated[int, Field(ge=0, le=65_535)]] = Field(
        default_factory=list, max_length=MAX_PORTS
    )
    manufacturer: Text | None = None
    brand: Text | None = None
    model: Text | None = None
    firmware: Text | None = None
    serial: Text | None = None
    mac: Text | None = None
    device_kind: Text | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    concerns: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_CONCERNS)

    @field_validator("address")
    @classmethod
    def _is_address(cls, value: str) -> str:
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address") from None


class ScanPayload(_Strict):
    """What an agent sends (``custodes.discovery.upload.upload_payload``)."""

    scanner: Text = Field(min_length=1)
    started_at: AwareDatetime
    finished_at: AwareDatetime
    targets: list[Text] = Field(min_length=1, max_length=MAX_TARGETS)
    devices: list[ScanDevice] = Field(max_length=MAX_DEVICES)

    @field_validator("started_at", "finished_at")
    @classmethod
    def _in_range(cls, value: datetime) -> datetime:
        try:
            return value.astimezone(UTC)  # what the database stores; years 1 and 9999 overflow
        except OverflowError:
            raise ValueError(f"{value.isoformat()} is out of range") from None

    @field_validator("targets")
    @classmethod
    def _are_spans(cls, value: list[str]) -> list[str]:
        for index, text in enumerate(value):
            try:
                parse_span(text)
            except TargetError as exc:
                raise ValueError(f"targets[{index}]: {exc}") from None
        return value

    def spans(self) -> list[AddressSpan]:
        return [parse_span(text) for text in self.targets]


def _problems(error: ValidationError) -> list[FieldProblem]:
    return [
        FieldProblem(".".join(str(part) for part in item["loc"]) or "(body)", item["msg"])
        for item in error.errors(include_url=False)[:MAX_PROBLEMS_LISTED]
    ]


def parse_payload(payload: bytes | Mapping[str, Any]) -> ScanPayload:
    """Validates a payload (raw JSON bytes or a decoded object)."""
    if isinstance(payload, bytes | bytearray):
        if len(payload) > MAX_SCAN_BYTES:
            raise ScanTooLarge(f"scan upload larger than {MAX_SCAN_BYTES} bytes")
        try:
            payload = jsoninput.loads(payload)
        except jsoninput.JsonInputError as exc:
            raise ScanPayloadInvalid([FieldProblem("(body)", str(exc))]) from None
    else:
        try:
            jsoninput.check(payload)
        except jsoninput.JsonInputError as exc:
            raise ScanPayloadInvalid([FieldProblem("(body)", str(exc))]) from None
    if not isinstance(payload, Mapping):
        raise ScanPayloadInvalid([FieldProblem("(body)", "expected a JSON object")])
    try:
        parsed = ScanPayload.model_validate(payload)
    except ValidationError as exc:
        raise ScanPayloadInvalid(_problems(exc)) from None
    if parsed.finished_at < parsed.started_at:
        raise ScanPayloadInvalid([FieldProblem("finished_at", "is before started_at")])
    return parsed


# Tokens


def issue_agent_token(
    body: Body, *, actor: str, label: str = "", days: int = DEFAULT_TOKEN_DAYS
) -> tuple[AgentToken, str]:
    """A new agent token for ``body``, valid for ``days``. Returns the row and the raw token,
    which exists only in the return value."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"a token lasts 1 to {MAX_TOKEN_DAYS} days, not {days}")
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    row = AgentToken.objects.create(
        body=body,
        label=label[:200],
        token_hash=hash_token(raw),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return row, raw


def revoke_agent_token(token: AgentToken, *, actor: str) -> bool:
    """Stops a token working at once, recording who revoked it. Returns False when it was
    already revoked (the first revocation's who and when are kept)."""
    # One filtered UPDATE is the compare-and-set: of two concurrent revocations only one
    # matches ``revoked_at IS NULL``; an upload holding the token's row lock finishes first.
    updated = AgentToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    token.refresh_from_db()
    return bool(updated)


def find_agent_token(token_id: int) -> AgentToken | None:
    """The agent token with that id, with its body, or None."""
    return AgentToken.objects.select_related("body").filter(pk=token_id).first()


def _token_state(token: AgentToken) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "usable" if token.is_usable() else "expired"


def agent_token_records(body: Body | None = None) -> list[dict[str, Any]]:
    """Every agent token (one body's only, when given), newest first, never the token itself
    (as ``custodes estate agent-tokens --json`` prints them)."""
    rows = AgentToken.objects.select_related("body")
    if body is not None:
        rows = rows.filter(body=body)
    return [
        {
            "id": t.pk,
            "body": t.body.code,
            "label": t.label,
            "state": _token_state(t),
            "created_at": t.created_at.isoformat(),
            "created_by": t.created_by,
            "expires_at": t.expires_at.isoformat(),
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in rows
    ]


def resolve_agent_token(raw: str) -> AgentToken:
    """The usable token behind ``raw`` (its use is recorded); raises ``AgentTokenInvalid``."""
    if not raw or len(raw) > 200:
        raise AgentTokenInvalid("the agent token is not valid")
    token = AgentToken.objects.select_related("body").filter(token_hash=hash_token(raw)).first()
    if token is None:
        raise AgentTokenInvalid("the agent token is not valid")
    if token.revoked_at is not None:
        raise AgentTokenInvalid("the agent token has been revoked")
    if token.expires_at <= timezone.now():
        raise AgentTokenInvalid("the agent token has expired")
    token.last_used_at = timezone.now()
    AgentToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token


def record_token_failure(address: str) -> int:
    """Counts one failed agent-token look-up from ``address``: 0 while within the limit, else
    the seconds it must wait (the same limit and window as respondents' links)."""
    return AGENT_TOKEN_FAILURES.record_failure(address)


# Receiving and reconciling


def receive_scan(token: AgentToken, payload: bytes | Mapping[str, Any]) -> ScanUpload:
    """Validates and stores a scan for the token's body; nothing is stored when invalid, or
    when the token has stopped working since the agent was authenticated."""
    if not token.is_usable():
        raise AgentTokenInvalid("the agent token is not usable")
    parsed = parse_payload(payload)
    with transaction.atomic(durable=True):  # stored when this returns
        # The token's row, fresh and locked: a revocation committed since the request was
        # authenticated refuses the upload, and one arriving now waits until this upload is
        # stored (it was received before the revocation). On SQLite the IMMEDIATE
        # transaction serialises the two instead.
        current = AgentToken.objects.select_for_update(no_key=True).filter(pk=token.pk).first()
        if current is None or not current.is_usable():
            raise AgentTokenInvalid("the agent token has been revoked or has expired")
        return ScanUpload.objects.create(
            body=token.body,
            token=current,
            scanner=parsed.scanner,
            started_at=parsed.started_at,
            finished_at=parsed.finished_at,
            targets=list(parsed.targets),
            devices=[device.model_dump(mode="json") for device in parsed.devices],
        )


@dataclass(frozen=True)
class SeenDevice:
    """A scanned device, as the reconciliation shows it."""

    address: str
    manufacturer: str | None
    brand: str | None
    model: str | None
    device_kind: str | None
    mac: str | None
    serial: str | None

    @property
    def surveillance(self) -> bool:
        return self.device_kind in SURVEILLANCE_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "manufacturer": self.manufacturer,
            "brand": self.brand,
            "model": self.model,
            "device_kind": self.device_kind,
            "mac": self.mac,
            "serial": self.serial,
            "surveillance": self.surveillance,
        }


@dataclass(frozen=True)
class AssetRef:
    """A register row, as the reconciliation shows it."""

    asset_id: str
    ip: str
    manufacturer: str
    kind: str
    site: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "asset_id": self.asset_id,
            "ip": self.ip,
            "manufacturer": self.manufacturer,
            "kind": self.kind,
            "site": self.site,
        }


@dataclass(frozen=True)
class Mismatch:
    """A device matched to an asset whose registered manufacturer differs from the scan's."""

    device: SeenDevice
    asset: AssetRef
    matched_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.device.address,
            "asset_id": self.asset.asset_id,
            "matched_by": self.matched_by,
            "register_manufacturer": self.asset.manufacturer,
            "scanned_manufacturer": self.device.manufacturer,
        }


@dataclass
class ScanReconciliation:
    """A scan upload against the body's register as it stands now."""

    upload_id: int
    body: str
    received_at: datetime
    scanner: str
    targets: list[str]
    devices_seen: int
    matched: int = 0
    unregistered: list[SeenDevice] = field(default_factory=list)
    unseen: list[AssetRef] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON returned to the agent and printed by ``custodes estate scans --json``."""
        return {
            "upload": self.upload_id,
            "body": self.body,
            "received_at": self.received_at.isoformat(),
            "scanner": self.scanner,
            "targets": list(self.targets),
            "devices_seen": self.devices_seen,
            "matched": self.matched,
            "unregistered": [d.to_dict() for d in self.unregistered],
            "unseen": [a.to_dict() for a in self.unseen],
            "mismatches": [m.to_dict() for m in self.mismatches],
        }


def _normal_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _normal_mac(text: str | None) -> str | None:
    digits = "".join(ch for ch in (text or "").casefold() if ch in "0123456789abcdef")
    return digits if len(digits) == 12 else None


def _normal_serial(text: str | None) -> str | None:
    value = "".join((text or "").split()).casefold()
    return value or None


def _address_key(text: str) -> tuple[int, int]:
    address = ipaddress.ip_address(text)
    return address.version, int(address)


def seen_device(item: Mapping[str, Any]) -> SeenDevice:
    """A device of a scan or capture (``custodes scan --json`` keys), as comparisons show it."""
    return SeenDevice(
        address=str(item.get("address", "")),
        manufacturer=item.get("manufacturer"),
        brand=item.get("brand"),
        model=item.get("model"),
        device_kind=item.get("device_kind"),
        mac=item.get("mac"),
        serial=item.get("serial"),
    )


def _ref(asset: Asset) -> AssetRef:
    return AssetRef(asset.asset_id, asset.ip, asset.manufacturer, asset.kind, asset.site)


class _RegisterIndex:
    """The body's in-service assets by IP, MAC and serial (first row wins on duplicates)."""

    def __init__(self, assets: Iterable[Asset]) -> None:
        self.assets: list[Asset] = []
        self.by_ip: dict[str, Asset] = {}
        self.by_mac: dict[str, Asset] = {}
        self.by_serial: dict[str, Asset] = {}
        for asset in assets:
            self.assets.append(asset)
            for index, key in (
                (self.by_ip, _normal_ip(asset.ip)),
                (self.by_mac, _normal_mac(asset.mac)),
                (self.by_serial, _normal_serial(asset.serial)),
            ):
                if key is not None:
                    index.setdefault(key, asset)

    def match(self, device: SeenDevice) -> tuple[Asset, str] | None:
        for how, index, key in (
            ("ip", self.by_ip, _normal_ip(device.address)),
            ("mac", self.by_mac, _normal_mac(device.mac)),
            ("serial", self.by_serial, _normal_serial(device.serial)),
        ):
            if key is not None and key in index:
                return index[key], how
        return None


@dataclass
class RegisterComparison:
    """Devices seen (by a scan, or in a capture) against a body's in-service register."""

    assets: list[Asset]
    matched: int = 0
    matched_assets: set[int] = field(default_factory=set)
    unregistered: list[SeenDevice] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)


def compare_with_register(body_id: int, devices: Iterable[Mapping[str, Any]]) -> RegisterComparison:
    """Each device matched to the register by IP, then MAC, then serial; a matched device whose
    manufacturer resolves to another company than the register's is a mismatch. Unregistered
    devices come surveillance kinds first, then by address."""
    assets = (
        Asset.objects.filter(body_id=body_id)
        .exclude(status=core.AssetStatus.REMOVED)
        .order_by("asset_id")
    )
    register = _RegisterIndex(assets.iterator(chunk_size=2_000))
    canonical = core.MakerResolver().canonical
    comparison = RegisterComparison(register.assets)
    for item in devices:
        device = seen_device(item)
        found = register.match(device)
        if found is None:
            comparison.unregistered.append(device)
            continue
        asset, how = found
        comparison.matched += 1
        comparison.matched_assets.add(asset.pk)
        if (
            device.manufacturer
            and asset.manufacturer
            and canonical(device.manufacturer).casefold()
            != canonical(asset.manufacturer).casefold()
        ):
            comparison.mismatches.append(Mismatch(device, _ref(asset), how))
    comparison.unregistered.sort(key=lambda d: (not d.surveillance, _address_key(d.address)))
    return comparison


def reconcile_scan(upload: ScanUpload) -> ScanReconciliation:
    """The upload compared with the body's in-service register (see the module docstring)."""
    comparison = compare_with_register(upload.body_id, upload.devices)
    result = ScanReconciliation(
        upload_id=upload.pk,
        body=upload.body.code,
        received_at=upload.received_at,
        scanner=upload.scanner,
        targets=list(upload.targets),
        devices_seen=len(upload.devices),
        matched=comparison.matched,
        unregistered=comparison.unregistered,
        mismatches=comparison.mismatches,
    )
    spans = [parse_span(text) for text in upload.targets]
    for asset in comparison.assets:
        ip = _normal_ip(asset.ip)
        if asset.pk in comparison.matched_assets or ip is None:
            continue
        address = ipaddress.ip_address(ip)
        if any(address in span for span in spans):
            result.unseen.append(_ref(asset))
    return result


def latest_reconciliation(body: Body) -> ScanReconciliation | None:
    """The reconciliation of the body's most recent scan upload, if any."""
    upload = ScanUpload.objects.filter(body=body).select_related("body").first()
    return reconcile_scan(upload) if upload is not None else None
