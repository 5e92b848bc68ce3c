"""Invitation and reminder emails, sent through Django's configured email backend."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.surveys import welsh
from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity, Round
from custodes.web.surveys.tokens import issue_invitation

__all__ = ["SendResult", "respondent_link", "send_invitation", "send_invitations"]


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
) -> SendResult:
    """Issues a fresh link for ``body`` and emails it to the body's contacts.

    A reminder also carries a fresh link, since only a hash of the earlier one is kept; the
    earlier link stops working. The send, or the failure, goes to the activity log (without
    the link). ``retryable`` on the result says whether trying again later may succeed.
    """
    subject_template = round_.reminder_subject if reminder else round_.invitation_subject
    body_template = round_.reminder_body if reminder else round_.invitation_body
    invitation, token = issue_invitation(round_, body, actor=actor, ttl=ttl)
    link = respondent_link(token, base_url)
    recipients = tuple(
        body.contacts.filter(receives_invitations=True).values_list("email", flat=True)
    )
    values = {
        "round_title": round_.title,
        "round": round_.name,
        "body_name": body.name,
        "closes": f"{round_.closes_at:%d %B %Y}",
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
    on_sent: Callable[[SendResult], None] | None = None,
) -> list[SendResult]:
    """:func:`send_invitation` to each body in turn; ``on_sent`` hears of each result."""
    results = []
    for body in bodies:
        result = send_invitation(
            round_, body, actor=actor, reminder=reminder, base_url=base_url, ttl=ttl
        )
        if on_sent is not None:
            on_sent(result)
        results.append(result)
    return results
