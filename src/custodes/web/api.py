"""The HTTP API (django-ninja, OpenAPI at ``/api/docs``) for watchdog users and scan agents.

Authentication is the Django session of a logged-in watchdog account; every call is read-only
except where stated. Respondents' links never authenticate here. ``POST /api/scans`` is the one
exception: scan agents authenticate with a body's agent token (``Authorization: Bearer``),
never with a session, and reach only that body's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from custodes import __version__
from custodes.web.apidocs import AccessibleSwagger
from custodes.web.core.asof import BadAsOf, parse_as_of
from custodes.web.core.permissions import is_watchdog, watchdog_required
from custodes.web.core.throttle import client_address
from custodes.web.estate import scans
from custodes.web.estate.models import AgentToken
from custodes.web.surveys.analysis import body_statuses, round_findings
from custodes.web.surveys.models import Round

__all__ = ["api"]

api = NinjaAPI(
    title="Custodes API",
    version=__version__,
    auth=django_auth,
    urls_namespace="api",
    docs=AccessibleSwagger(),
    docs_decorator=watchdog_required,
)


def _require_watchdog(request: HttpRequest) -> None:
    if not is_watchdog(request.user):
        raise HttpError(403, "watchdog accounts only")


class RoundOut(Schema):
    name: str
    title: str
    questionnaire: str
    recipients: str
    opens_at: datetime
    closes_at: datetime
    synthetic: bool


class BodyStatusOut(Schema):
    body: str
    name: str
    status: str
    submitted_at: datetime | None
    covered_by: str | None
    reopened: bool


class FindingOut(Schema):
    id: str
    title: str
    at_least: int
    at_most: int
    unsure: int
    unanswered: int
    denominator: int
    denominator_label: str
    respondents: int
    recipients: int


class FindingsOut(Schema):
    round: str
    as_of: datetime
    recipients: int
    returns: int
    bodies_covered: int
    late_returns: int
    non_respondents: list[str]
    findings: list[FindingOut]


def _round_out(r: Round) -> RoundOut:
    return RoundOut(
        name=r.name,
        title=r.title,
        questionnaire=str(r.questionnaire),
        recipients=str(r.recipient_list),
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        synthetic=r.synthetic,
    )


@api.get("/rounds", response=list[RoundOut], tags=["rounds"])
def list_rounds(request: HttpRequest) -> list[RoundOut]:
    """All survey rounds, newest first."""
    _require_watchdog(request)
    return [_round_out(r) for r in Round.objects.select_related("questionnaire", "recipient_list")]


@api.get("/rounds/{name}", response=RoundOut, tags=["rounds"])
def get_round(request: HttpRequest, name: str) -> RoundOut:
    """One round."""
    _require_watchdog(request)
    return _round_out(get_object_or_404(Round, name=name))


@api.get("/rounds/{name}/status", response=list[BodyStatusOut], tags=["rounds"])
def round_status(request: HttpRequest, name: str) -> list[BodyStatusOut]:
    """Each recipient's status in the round."""
    _require_watchdog(request)
    round_ = get_object_or_404(Round, name=name)
    return [
        BodyStatusOut(
            body=s.body.code,
            name=s.body.name,
            status=s.status.value,
            submitted_at=s.first_submitted_at,
            covered_by=s.covered_by.code if s.covered_by else None,
            reopened=s.reopened,
        )
        for s in body_statuses(round_)
    ]


@api.get("/rounds/{name}/findings", response=FindingsOut, tags=["findings"])
def round_findings_view(request: HttpRequest, name: str, as_of: str | None = None) -> dict:
    """Findings as the data stood at ``as_of`` (now when omitted): a date (the end of that day,
    UK time) or a date-time (UK time unless it has an offset); same fields as
    ``custodes findings --json``. Any other ``as_of`` is a 400 error saying what is expected."""
    _require_watchdog(request)
    try:
        parsed = parse_as_of(as_of or "", with_time=True)
    except BadAsOf as error:
        raise HttpError(400, str(error)) from None
    round_ = get_object_or_404(Round, name=name)
    return round_findings(round_, as_of=parsed.moment if parsed else None).to_dict()


# Scan agents


class TooManyTokenAttempts(Exception):
    """Too many failed agent tokens from one address; retry after ``seconds``."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        super().__init__(f"too many failed token attempts; retry in {seconds} seconds")


@api.exception_handler(TooManyTokenAttempts)
def _too_many(request: HttpRequest, exc: TooManyTokenAttempts) -> HttpResponse:
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


class AgentBearer(HttpBearer):
    """A body's agent token; failed attempts are counted per client address."""

    def authenticate(self, request: HttpRequest, token: str) -> AgentToken | None:
        try:
            return scans.resolve_agent_token(token.strip())
        except scans.AgentTokenInvalid:
            if wait := scans.record_token_failure(client_address(request)):
                raise TooManyTokenAttempts(wait) from None
            return None


class SeenDeviceOut(Schema):
    address: str
    manufacturer: str | None
    brand: str | None
    model: str | None
    device_kind: str | None
    mac: str | None
    serial: str | None
    surveillance: bool


class AssetRefOut(Schema):
    asset_id: str
    ip: str
    manufacturer: str
    kind: str
    site: str


class MismatchOut(Schema):
    address: str
    asset_id: str
    matched_by: str
    register_manufacturer: str
    scanned_manufacturer: str | None


class ScanReconciliationOut(Schema):
    upload: int
    body: str
    received_at: datetime
    scanner: str
    targets: list[str]
    devices_seen: int
    matched: int
    unregistered: list[SeenDeviceOut]
    unseen: list[AssetRefOut]
    mismatches: list[MismatchOut]


class FieldProblemOut(Schema):
    field: str
    message: str


class ScanRefusedOut(Schema):
    detail: str
    problems: list[FieldProblemOut] = []


SCAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "What `custodes scan --upload` sends: scanner, started_at, "
                    "finished_at (ISO 8601 with offset), targets (addresses, ranges, CIDRs) and "
                    "devices (objects as printed by `custodes scan --json`).",
                    "required": ["scanner", "started_at", "finished_at", "targets", "devices"],
                }
            }
        },
    }
}


@api.post(
    "/scans",
    auth=AgentBearer(),
    response={
        200: ScanReconciliationOut,
        401: ScanRefusedOut,
        413: ScanRefusedOut,
        422: ScanRefusedOut,
    },
    tags=["scans"],
    openapi_extra=SCAN_BODY,
)
def post_scan(request: HttpRequest) -> Status[dict[str, Any]]:
    """Receives a ``custodes scan --upload`` result for the token's body and returns its
    reconciliation with the register: unregistered devices, unseen assets, mismatches."""
    token: AgentToken = request.auth  # type: ignore[attr-defined]
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > scans.MAX_SCAN_BYTES:
        return Status(413, {"detail": f"scan upload larger than {scans.MAX_SCAN_BYTES} bytes"})
    raw = request.read(scans.MAX_SCAN_BYTES + 1)
    try:
        upload = scans.receive_scan(token, raw)
    except scans.AgentTokenInvalid as exc:
        return Status(401, {"detail": str(exc)})
    except scans.ScanTooLarge as exc:
        return Status(413, {"detail": str(exc)})
    except scans.ScanPayloadInvalid as exc:
        return Status(422, {"detail": str(exc), "problems": [p.to_dict() for p in exc.problems]})
    return Status(200, scans.reconcile_scan(upload).to_dict())
