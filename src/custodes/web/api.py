"""The HTTP API (django-ninja, OpenAPI at ``/api/docs``) for watchdog users.

Authentication is the Django session of a logged-in watchdog account; every call is read-only
except where stated. Respondents' links never authenticate here.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from custodes import __version__
from custodes.web.surveys.analysis import body_statuses, round_findings
from custodes.web.surveys.models import Round
from custodes.web.surveys.permissions import is_watchdog

__all__ = ["api"]

api = NinjaAPI(title="Custodes API", version=__version__, auth=django_auth, urls_namespace="api")


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
def round_findings_view(request: HttpRequest, name: str, as_of: datetime | None = None) -> dict:
    """Findings as the data stood at ``as_of`` (now when omitted); same fields as
    ``custodes findings --json``."""
    _require_watchdog(request)
    round_ = get_object_or_404(Round, name=name)
    return round_findings(round_, as_of=as_of).to_dict()
