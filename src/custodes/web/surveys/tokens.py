"""Respondents' secret links: random tokens, stored only as hashes, expiring and revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.core.joined import JoinedRows, Part
from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity, Invitation, Round

__all__ = [
    "TOKEN_BYTES",
    "InvalidToken",
    "hash_token",
    "issue_invitation",
    "record_opened",
    "resolve_token",
    "revoke_active_invitations",
    "revoke_invitation",
]

TOKEN_BYTES = 32  # 256 bits of randomness


class InvalidToken(Exception):
    """The link is unknown, expired or revoked. The message is safe to show to anyone."""


def hash_token(token: str) -> str:
    """SHA-256 of the token, keyed with the site secret so a leaked table alone is useless."""
    return hmac.new(settings.SECRET_KEY.encode(), token.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def issue_invitation(
    round_: Round,
    body: Body,
    *,
    actor: str,
    ttl: timedelta | None = None,
    answer_by: datetime | None = None,
) -> tuple[Invitation, str]:
    """A new link for ``body`` in ``round_``, revoking any earlier one. Returns the raw token.

    ``answer_by`` is the deadline given to a body invited after the round closed; the link
    then expires ``ttl`` after it rather than after the closing date. The raw token exists
    only in the return value (and the email that carries it).
    """
    # The body's row is locked first so that two links issued for one body at once take
    # turns: otherwise both could revoke the same earlier link and both insert a new one, and
    # the one-active-link constraint would refuse the second (an IntegrityError, a 500).
    # SQLite: Django skips FOR UPDATE; IMMEDIATE transactions serialise writers there.
    Body.objects.select_for_update(no_key=True).get(pk=body.pk)
    now = timezone.now()
    revoked = Invitation.objects.filter(round=round_, body=body, revoked_at__isnull=True).update(
        revoked_at=now
    )
    if ttl is None:
        ttl = timedelta(days=settings.INVITATION_TTL_DAYS)
    expires_at = max(now, round_.closes_at, answer_by or round_.closes_at) + ttl
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation.objects.create(
        round=round_,
        body=body,
        token_hash=hash_token(token),
        created_by=actor,
        expires_at=expires_at,
        answer_by=answer_by,
    )
    Activity.objects.create(
        actor=actor,
        action=Action.INVITATION_ISSUED,
        round=round_,
        body=body,
        message=f"Link issued, expires {expires_at:%Y-%m-%d}"
        + (f", answer by {answer_by:%Y-%m-%d}" if answer_by else "")
        + (" (earlier link revoked)" if revoked else ""),
        detail={
            "invitation": invitation.pk,
            "expires_at": expires_at.isoformat(),
            **({"answer_by": answer_by.isoformat()} if answer_by else {}),
        },
    )
    return invitation, token


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: str) -> bool:
    """Stops a link working at once, including sessions already opened with it.

    Returns False, and logs nothing, when the link had already been revoked (by anyone).
    """
    now = timezone.now()
    # A filtered update is a compare-and-set: of two revocations at once only one matches.
    if not Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=now
    ):
        return False
    invitation.revoked_at = now
    Activity.objects.create(
        actor=actor,
        action=Action.INVITATION_REVOKED,
        round=invitation.round,
        body=invitation.body,
        message="Link revoked",
        detail={"invitation": invitation.pk},
    )
    return True


def revoke_active_invitations(round_: Round, body: Body, *, actor: str) -> int:
    """Revokes the body's active link(s) in the round; how many were revoked (0: none)."""
    active = Invitation.objects.filter(round=round_, body=body, revoked_at__isnull=True)
    return sum(revoke_invitation(invitation, actor=actor) for invitation in active)


# A link's invitation with its round and body: one statement built once per process (every
# opening of a link reads it; the queryset Django compiles each time cost more than the query).
_INVITATION_BY_TOKEN = JoinedRows(
    [Part(Invitation, "inv"), Part(Round, "rnd"), Part(Body, "bd")],
    'FROM {inv} JOIN {rnd} ON "rnd"."id" = "inv"."round_id" '
    'JOIN {bd} ON "bd"."id" = "inv"."body_id" WHERE "inv"."token_hash" = %s',
)


def resolve_token(token: str) -> Invitation:
    """The usable invitation behind ``token`` (with its round and body); raises
    ``InvalidToken`` otherwise."""
    if not token or len(token) > 200:
        raise InvalidToken("This link is not valid.")
    found = _INVITATION_BY_TOKEN.one([hash_token(token)])
    if found is None:
        raise InvalidToken("This link is not valid.")
    invitation, round_, body = found
    invitation.round, invitation.body = round_, body
    # Expiry first: the sweep also revokes expired links, and they should still say why.
    if invitation.expires_at <= timezone.now():
        raise InvalidToken("This link has expired. Ask the survey team for a new one.")
    if invitation.revoked_at is not None:
        raise InvalidToken(
            "This link has been replaced or withdrawn. Ask the survey team for a new one."
        )
    return invitation


@transaction.atomic(savepoint=False)
def record_opened(invitation: Invitation) -> None:
    """Notes that the link was used (the first time is logged); inside a caller's transaction,
    part of it."""
    now = timezone.now()
    # Compare-and-set, so that of two first openings at once only one is logged as the first.
    first = Invitation.objects.filter(pk=invitation.pk, first_opened_at__isnull=True).update(
        first_opened_at=now, last_opened_at=now
    )
    if not first:
        Invitation.objects.filter(pk=invitation.pk).update(last_opened_at=now)
    else:
        Activity.objects.create(
            actor=f"respondent:{invitation.body.code}",
            action=Action.INVITATION_OPENED,
            round=invitation.round,
            body=invitation.body,
            message="Link opened for the first time",
        )
