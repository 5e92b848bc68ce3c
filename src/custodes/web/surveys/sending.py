"""Invitations and reminders sent by a background job, and the reminders a round schedules.

A ``invitations.send`` job emails a list of bodies one by one (:func:`send_invitation`), and
records each body done in its checkpoint as soon as its email has gone: a job run again after
its worker died skips them, so no body is emailed twice by one job (an email cut off in the
very instant between sending and recording is the one exception any mail system has). Sends
that failed on the mail server's side are tried again with the job's back-off; a body with no
contact address is not. A round's ``reminder_days_before_close`` makes one reminder job per
schedule point (the idempotency key names the round and the moment), for the bodies invited
before that point that have not yet responded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed
from custodes.web.jobs.runner import JobRun
from custodes.web.jobs.services import start_job
from custodes.web.surveys.analysis import body_statuses
from custodes.web.surveys.choices import Action, ReturnStatus
from custodes.web.surveys.models import Activity, Invitation, Round
from custodes.web.surveys.notifications import SendResult, send_invitation

__all__ = [
    "EXPIRY_ACTOR",
    "SCHEDULE_ACTOR",
    "SEND_JOB",
    "EmailsNotSent",
    "SendPlan",
    "expire_invitations",
    "plan_sending",
    "reminder_point",
    "run_sending",
    "schedule_reminders",
    "set_automatic_reminder",
    "start_sending",
]

SEND_JOB = "invitations.send"
SCHEDULE_ACTOR = "system:schedule"
EXPIRY_ACTOR = "system:expiry"  # who revokes expired links, in the activity log
SENT = "sent"
RESPONDED = "responded before the reminder went"
NO_CONTACT = "no contact email address (add one with custodes contacts add, or in the admin)"
ALREADY_INVITED = "already invited (send a reminder instead)"
NOT_YET_INVITED = "not invited yet (send the invitation first)"


class EmailsNotSent(Exception):
    """Some emails failed on the mail server's side: the job retries them later."""


@dataclass
class SendPlan:
    """Who a send from the dashboard emails, and why each other outstanding body is left out
    (reason → bodies, in the order of the status table)."""

    bodies: list[Body]
    skipped: dict[str, list[Body]] = field(default_factory=dict)


def plan_sending(round_: Round, *, reminder: bool) -> SendPlan:
    """Invitations go to outstanding bodies not yet invited, reminders to outstanding bodies
    already invited; either only where the body has a contact address to send to."""
    with_contact = set(
        Body.objects.filter(contacts__receives_invitations=True).values_list("pk", flat=True)
    )
    plan = SendPlan(bodies=[])
    for status in body_statuses(round_):
        if not status.outstanding:
            continue
        invited = status.status != ReturnStatus.NOT_INVITED
        if invited != reminder:
            reason = ALREADY_INVITED if invited else NOT_YET_INVITED
        elif status.body.pk not in with_contact:
            reason = NO_CONTACT
        else:
            plan.bodies.append(status.body)
            continue
        plan.skipped.setdefault(reason, []).append(status.body)
    return plan


def start_sending(
    round_: Round,
    bodies: list[Body],
    *,
    reminder: bool,
    actor: str,
    idempotency_key: str | None = None,
    base_url: str | None = None,
    answer_by: datetime | None = None,
) -> Job:
    """Starts a job emailing invitations (or reminders) to ``bodies``, in the caller's
    transaction. ``answer_by``: the new deadline of a round that has closed."""
    return start_job(
        SEND_JOB,
        {
            "round": round_.pk,
            "bodies": [body.pk for body in bodies],
            "reminder": reminder,
            "actor": actor,
            "base_url": base_url,
            "answer_by": answer_by.isoformat() if answer_by else None,
        },
        actor=actor,
        subject=round_,
        idempotency_key=idempotency_key,
    )


def run_sending(run: JobRun) -> dict[str, Any]:
    """The ``invitations.send`` handler."""
    arguments = run.arguments
    round_ = Round.objects.filter(pk=arguments["round"]).first()
    if round_ is None:
        raise JobFailed("The round no longer exists.")
    by_pk = Body.objects.in_bulk(arguments["bodies"])
    bodies = [by_pk[pk] for pk in arguments["bodies"] if pk in by_pk]
    checkpoint = run.checkpoint
    outcome: dict[str, str] = dict(checkpoint.get("outcome", {}))  # body pk -> sent / why not
    if arguments["reminder"]:  # a body that has responded since the job started is not reminded
        responded = {s.body.pk for s in body_statuses(round_) if not s.outstanding}
        for body in bodies:
            if body.pk in responded:
                outcome.setdefault(str(body.pk), RESPONDED)
    total = len(bodies)
    deadline = arguments.get("answer_by")
    answer_by = datetime.fromisoformat(deadline) if deadline else None
    noun = "reminder" if arguments["reminder"] else "invitation"
    retry: list[SendResult] = []

    def done_count() -> int:
        return sum(1 for value in outcome.values() if value == SENT)

    run.progress(done_count(), total, f"{done_count()} of {total} {noun}s sent", force=True)
    for body in bodies:
        if str(body.pk) in outcome:
            continue  # handled by an earlier run of this job
        result = send_invitation(
            round_,
            body,
            actor=arguments["actor"],
            reminder=arguments["reminder"],
            base_url=arguments.get("base_url"),
            answer_by=answer_by,
        )
        if result.retryable:
            retry.append(result)
        else:
            outcome[str(body.pk)] = result.error or SENT
            run.save_checkpoint({**checkpoint, "outcome": outcome})
        run.progress(done_count(), total, f"{done_count()} of {total} {noun}s sent", force=True)
    if retry:
        names = "; ".join(f"{r.body.name} ({r.error})" for r in retry[:5])
        raise EmailsNotSent(f"{len(retry)} {noun}(s) not sent, to be tried again: {names}")
    not_sent = [
        {"body": by_pk[int(pk)].name, "error": why}
        for pk, why in outcome.items()
        if why != SENT and int(pk) in by_pk
    ]
    return {"sent": done_count(), "not_sent": not_sent, "reminder": arguments["reminder"]}


def reminder_point(round_: Round) -> datetime | None:
    """When the round's automatic reminders are due, if it has them."""
    if round_.reminder_days_before_close is None:
        return None
    return round_.closes_at - timedelta(days=round_.reminder_days_before_close)


@transaction.atomic
def set_automatic_reminder(round_: Round, days: int | None, *, actor: str) -> None:
    """Sets (or, with None, clears) the round's automatic reminder, in days before closing."""
    Round.objects.filter(pk=round_.pk).update(reminder_days_before_close=days)
    round_.reminder_days_before_close = days
    Activity.objects.create(
        actor=actor,
        action=Action.ROUND_UPDATED,
        round=round_,
        message=f"Automatic reminder {days} day(s) before closing"
        if days is not None
        else "Automatic reminder turned off",
    )


def schedule_reminders(now: datetime | None = None) -> list[Job]:
    """Starts the reminder job of every open round whose reminder point has come, once per
    round and point. Returns the jobs started now."""
    now = now or timezone.now()
    started = []
    rounds = Round.objects.filter(
        reminder_days_before_close__isnull=False, opens_at__lte=now, closes_at__gt=now
    )
    for round_ in rounds:
        point = reminder_point(round_)
        if point is None or now < point:
            continue
        key = f"reminders:{round_.pk}:{point.isoformat()}"
        if Job.objects.filter(idempotency_key=key).exists():
            continue
        # Invited before the point: a body invited since has just had its link.
        invited_before = dict(
            Invitation.objects.filter(round=round_, created_at__lte=point)
            .values("body")
            .annotate(last=Max("created_at"))
            .values_list("body", "last")
        )
        bodies = [
            status.body
            for status in body_statuses(round_)
            if status.outstanding
            and status.status != ReturnStatus.NOT_INVITED
            and status.body.pk in invited_before
        ]
        started.append(
            start_sending(round_, bodies, reminder=True, actor=SCHEDULE_ACTOR, idempotency_key=key)
        )
    return started


def expire_invitations(now: datetime | None = None) -> int:
    """Revokes links past their expiry date and records each in the round's activity log.
    Returns how many; running it again revokes nothing twice."""
    now = now or timezone.now()
    count = 0
    expired = Invitation.objects.filter(revoked_at__isnull=True, expires_at__lte=now)
    for invitation in expired.select_related("round", "body"):
        with transaction.atomic():
            if not Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
                revoked_at=now
            ):
                continue  # revoked meanwhile
            Activity.objects.create(
                actor=EXPIRY_ACTOR,
                action=Action.LINK_EXPIRED,
                round=invitation.round,
                body=invitation.body,
                message=f"Link expired {invitation.expires_at:%Y-%m-%d}: revoked",
                detail={"invitation": invitation.pk},
            )
        count += 1
    return count
