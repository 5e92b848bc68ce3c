"""Loading the roster into the database, and finding bodies by name."""

from __future__ import annotations

from django.db import transaction

from custodes import roster as roster_core
from custodes.web.bodies.models import Body, RecipientList

__all__ = ["RosterConflict", "body_finder", "find_body", "sync_roster"]


class RosterConflict(Exception):
    """A recipient list version already exists with different members."""


def _foi_fields(entry: roster_core.Body) -> dict[str, object]:
    """The body's FOI regime and address as model fields (blank when the roster has none)."""
    foi = entry.foi
    return {
        "foi_regime": entry.foi_regime,
        "foi_email": (foi and foi.email) or "",
        "foi_web_form": (foi and foi.web_form) or "",
        "foi_disclosure_log": (foi and foi.disclosure_log) or "",
        "foi_whatdotheyknow": (foi and foi.whatdotheyknow) or "",
        "foi_source": foi.source if foi else "",
        "foi_date": foi.date if foi else None,
        "foi_note": (foi and foi.note) or "",
    }


@transaction.atomic
def sync_roster(roster: roster_core.Roster | None = None) -> tuple[int, int]:
    """Insert or update every body and recipient list of ``roster`` (the shipped one by default).

    Returns ``(bodies, lists)`` counts. A list version is immutable once stored: a file that
    changes the members of an existing version is refused, since rounds point at it.
    """
    roster = roster or roster_core.shipped_roster()
    by_code: dict[str, Body] = {}
    for entry in roster.bodies:
        body, _ = Body.objects.update_or_create(
            code=entry.code,
            defaults={
                "name": entry.name,
                "aliases": list(entry.aliases),
                "kind": entry.kind,
                "country": entry.country,
                **_foi_fields(entry),
                "languages": list(entry.languages),
            },
        )
        by_code[entry.code] = body
    for entry in roster.lists:
        recipient_list, created = RecipientList.objects.get_or_create(
            name=entry.name,
            version=entry.version,
            defaults={
                "title": entry.title,
                "description": entry.description,
                "source": entry.source,
                "date": entry.date,
            },
        )
        wanted = {by_code[code].pk for code in entry.codes}
        if created:
            recipient_list.bodies.set(wanted)
        elif set(recipient_list.bodies.values_list("pk", flat=True)) != wanted:
            raise RosterConflict(
                f"recipient list {entry.name} version {entry.version} already exists with "
                "different bodies; give the changed list a new version"
            )
    return len(roster.bodies), len(roster.lists)


def body_finder() -> roster_core.Roster:
    """A roster over the bodies in the database, for lookups by code, name or alias."""
    shipped = roster_core.shipped_roster()
    bodies = tuple(
        roster_core.Body(
            code=b.code, name=b.name, aliases=tuple(b.aliases), kind=b.kind, country=b.country
        )
        for b in Body.objects.order_by("name")
    )
    return roster_core.Roster(bodies=bodies, lists=(), source=shipped.source, date=shipped.date)


def find_body(text: str, finder: roster_core.Roster | None = None) -> Body:
    """The body named by ``text`` (code, name or alias); raises ``roster.UnknownBody``."""
    finder = finder or body_finder()
    return Body.objects.get(code=finder.get(text).code)
