"""From stored returns to findings and per-body status, as the data stood at any moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from custodes import findings as fcore
from custodes.intel import default_resolver
from custodes.web.bodies.models import Body
from custodes.web.bodies.services import body_finder
from custodes.web.surveys.choices import ReturnStatus
from custodes.web.surveys.lifecycle import covered_codes, definition_of, return_events
from custodes.web.surveys.models import Invitation, Return, Round

__all__ = [
    "BodyStatus",
    "body_statuses",
    "correction_effects",
    "follow_up",
    "round_data",
    "round_findings",
]


def _returns(round_: Round):
    return (
        Return.objects.filter(round=round_)
        .select_related("body")
        .prefetch_related("submissions", "corrections", "covers")
    )


def round_data(round_: Round, *, as_of: datetime | None = None) -> fcore.RoundData:
    """The round as pure data for ``custodes.findings``; covers are read as of ``as_of``."""
    finder = body_finder()
    recipients = tuple(
        fcore.Recipient(code=b.code, name=b.name)
        for b in round_.recipient_list.bodies.order_by("name")
    )
    records = []
    for record in _returns(round_):
        events = tuple(return_events(record))
        answers = fcore.answers_as_of(events, as_of)
        if answers is None:
            continue
        codes, _ = covered_codes(answers, finder, record.body.code)
        records.append(
            fcore.ReturnRecord(body=record.body.code, covers=frozenset(codes), events=events)
        )
    return fcore.RoundData(
        round=round_.name, closes_at=round_.closes_at, recipients=recipients, returns=tuple(records)
    )


def round_findings(
    round_: Round, *, as_of: datetime | None = None, data: fcore.RoundData | None = None
) -> fcore.RoundFindings:
    """Findings of the round as the data stood at ``as_of`` (now when not given).

    Named-concern findings resolve the manufacturers answered against the vendor knowledge
    base, applying only concerns that had taken effect by ``as_of``. ``data`` is the round's
    :func:`round_data` when the caller has already read it.
    """
    definition = definition_of(round_.questionnaire)
    return fcore.compute_findings(
        definition,
        data if data is not None else round_data(round_, as_of=as_of),
        as_of=as_of,
        judge_names=default_resolver().judge_names,
    )


def correction_effects(
    round_: Round, data: fcore.RoundData, *, as_of: datetime
) -> tuple[fcore.CorrectionEffect, ...]:
    """What each correction made by ``as_of`` changed, one correction at a time."""
    return fcore.correction_effects(
        definition_of(round_.questionnaire),
        data,
        as_of=as_of,
        judge_names=default_resolver().judge_names,
    )


def follow_up(round_: Round, findings: fcore.RoundFindings) -> tuple[fcore.Disagreement, ...]:
    """Bodies whose declared answers and named manufacturers disagree: enquiries to make."""
    return fcore.disagreements(definition_of(round_.questionnaire).findings, findings)


@dataclass(frozen=True)
class BodyStatus:
    """One row of the watchdog's dashboard."""

    body: Body
    status: ReturnStatus
    invitation: Invitation | None
    record: Return | None
    covered_by: Body | None
    first_submitted_at: datetime | None
    reopened: bool

    @property
    def outstanding(self) -> bool:
        return self.status not in {ReturnStatus.SUBMITTED, ReturnStatus.LATE, ReturnStatus.COVERED}


def body_statuses(round_: Round) -> list[BodyStatus]:
    """Every recipient's status: not invited / invited / opened / in progress / submitted /
    late, or covered by another body's return."""
    invitations = {
        inv.body_id: inv for inv in Invitation.objects.filter(round=round_, revoked_at__isnull=True)
    }
    records = {
        r.body_id: r
        for r in Return.objects.filter(round=round_).prefetch_related(
            Prefetch("submissions"), "covers"
        )
    }
    covering: dict[int, Body] = {}
    for record in records.values():
        if record.submissions.all():
            for covered in record.covers.all():
                covering.setdefault(covered.pk, record.body)
    now = timezone.now()
    rows = []
    for body in round_.recipient_list.bodies.order_by("name"):
        invitation = invitations.get(body.pk)
        record = records.get(body.pk)
        submissions = list(record.submissions.all()) if record else []
        first = min((s.submitted_at for s in submissions), default=None)
        if first is not None:
            status = ReturnStatus.LATE if first > round_.closes_at else ReturnStatus.SUBMITTED
        elif body.pk in covering:
            status = ReturnStatus.COVERED
        elif record is not None and record.draft_saved_at is not None:
            status = ReturnStatus.IN_PROGRESS
        elif invitation is not None and invitation.first_opened_at is not None:
            status = ReturnStatus.OPENED
        elif invitation is not None and invitation.expires_at > now:
            status = ReturnStatus.INVITED
        else:
            status = ReturnStatus.NOT_INVITED
        rows.append(
            BodyStatus(
                body=body,
                status=status,
                invitation=invitation,
                record=record,
                covered_by=covering.get(body.pk),
                first_submitted_at=first,
                reopened=bool(submissions) and record is not None and not record.locked,
            )
        )
    return rows
