"""Invitation and reminder emails, sent through Django's configured email backend."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.surveys import welsh
from custodes.web.surveys.choices import Action
from custodes.web.surveys.lifecycle import SurveyError
from custodes.web.surveys.models import Activity, Round
from custodes.web.surveys.tokens import issue_invitation

__all__ = [
    "SendResult",
    "answer_by",
    "respondent_link",
    "round_closed",
    "send_invitation",
    "send_invitations",
]


@dataclass(frozen=True)
class SendResult:
    body: Body
    sent_to: tuple[str, ...]
    link: str
    error: str | None = None
    retryable: bool = False


def respondent_link(token: str, base_url: str | None = None) -> str:
    """The absolute URL of a respondent's secret link."""
    return (base_url or settings.BASE_URL).rstrip("/") + reverse("respond:start", args=[token])


def round_closed(round_: Round, now: datetime | None = None) -> bool:
    """Whether the round's closing date has passed."""
    return round_.closes_at <= (now or timezone.now())


def answer_by(round_: Round, deadline: date | None, now: datetime | None = None) -> datetime | None:
    """The deadline that emails sent now give: None (the closing date) while the round is
    open; for a closed round, the end of ``deadline`` (site time), which must be given and be
    in the future, or SurveyError says why."""
    now = now or timezone.now()
    if not round_closed(round_, now):
        return None
    closed = f"{timezone.localtime(round_.closes_at):%d %B %Y}"
    if deadline is None:
        raise SurveyError(
            f"round {round_.name} closed on {closed}: give a new deadline for these bodies, "
            "so that the emails do not ask for an answer by a date already past"
        )
    moment = timezone.make_aware(datetime.combine(deadline, time(23, 59)))
    if moment <= now:
        raise SurveyError(f"the new deadline {deadline:%d %B %Y} has already passed")
    return moment


def _render(template: str, **values: str) -> str:
    """Fills ``{placeholders}``; unknown placeholders are left as written."""

    class Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(Keep(values))


def send_invitation(
    round_: Round,
    body: Body,
    *,
    actor: str,
    reminder: bool = False,
    base_url: str | None = None,
    ttl: timedelta | None = None,
    answer_by: datetime | None = None,
) -> SendResult:
    """Issues a fresh link for ``body`` and emails it to the body's contacts.

    ``answer_by`` (see :func:`answer_by`) replaces the closing date in the email's
    ``{closes}`` for a body invited after the round closed.

    A reminder also carries a fresh link, since only a hash of the earlier one is kept; the
    earlier link stops working. The send, or the failure, goes to the activity log (without
    the link). ``retryable`` on the result says whether trying again later may succeed.
    """
    subject_template = round_.reminder_subject if reminder else round_.invitation_subject
    body_template = round_.reminder_body if reminder else round_.invitation_body
    invitation, token = issue_invitation(round_, body, actor=actor, ttl=ttl, answer_by=answer_by)
    link = respondent_link(token, base_url)
    recipients = tuple(
        body.contacts.filter(receives_invitations=True).values_list("email", flat=True)
    )
    values = {
        "round_title": round_.title,
        "round": round_.name,
        "body_name": body.name,
        "closes": f"{timezone.localtime(answer_by or round_.closes_at):%d %B %Y}",
        "expires": f"{invitation.expires_at:%d %B %Y}",
        "link": link,
    }
    subject = _render(subject_template, **values)
    text = _render(body_template, **values)
    if body.welsh:
        welsh_values = {
            **values,
            "closes": welsh.welsh_date(round_.closes_at),
            "expires": welsh.welsh_date(invitation.expires_at),
        }
        subject, text = _bilingual(subject, text, welsh_values, reminder=reminder)
    error = None
    retryable = False
    if not recipients:
        error = "no contact email for this body"
    else:
        try:
            send_mail(
                subject,
                text,
                settings.DEFAULT_FROM_EMAIL,
                list(recipients),
            )
        except Exception as exc:  # any backend failure is logged, not raised
            error = f"{type(exc).__name__}: {exc}"
            retryable = True
    action = (
        Action.EMAIL_FAILED
        if error
        else (Action.EMAIL_REMINDER if reminder else Action.EMAIL_INVITATION)
    )
    Activity.objects.create(
        actor=actor,
        action=action,
        round=round_,
        body=body,
        message=(f"Not sent: {error}" if error else f"Sent to {len(recipients)} contact(s)"),
        detail={"to": list(recipients), "subject": subject, "reminder": reminder},
    )
    return SendResult(body=body, sent_to=recipients, link=link, error=error, retryable=retryable)


def _bilingual(
    subject: str, text: str, values: dict[str, str], *, reminder: bool
) -> tuple[str, str]:
    """The email to a body that works in Welsh: Welsh first (filled with ``values``), then
    the English ``subject`` and ``text``."""
    cy_subject = _render(welsh.REMINDER_SUBJECT if reminder else welsh.INVITATION_SUBJECT, **values)
    cy_text = _render(welsh.REMINDER_BODY if reminder else welsh.INVITATION_BODY, **values)
    return f"{cy_subject} / {subject}", f"{cy_text}{welsh.DIVIDER}{text}"


def send_invitations(
    round_: Round,
    bodies: Iterable[Body],
    *,
    actor: str,
    reminder: bool = False,
    base_url: str | None = None,
    ttl: timedelta | None = None,
    answer_by: datetime | None = None,
    on_sent: Callable[[SendResult], None] | None = None,
) -> list[SendResult]:
    """:func:`send_invitation` to each body in turn; ``on_sent`` hears of each result."""
    results = []
    for body in bodies:
        result = send_invitation(
            round_,
            body,
            actor=actor,
            reminder=reminder,
            base_url=base_url,
            ttl=ttl,
            answer_by=answer_by,
        )
        if on_sent is not None:
            on_sent(result)
        results.append(result)
    return results
