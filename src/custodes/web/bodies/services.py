"""Loading the roster into the database, and finding bodies by name."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from custodes import roster as roster_core
from custodes.web.bodies.models import Body, RecipientList

__all__ = [
    "RosterConflict",
    "body_finder",
    "find_body",
    "known_list_names",
    "recipient_list",
    "sync_roster",
]


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
def sync_roster(
    roster: roster_core.Roster | None = None, lists: Iterable[str] | None = None
) -> tuple[int, int]:
    """Insert or update the bodies and recipient lists of ``roster`` (the shipped one by default).

    The lists stored are those named by ``lists`` (every version), or by default the lists
    marked ``preload`` and those already in the database; the bodies stored are the members
    of those lists, the bodies already in the database and bodies in no list. Returns
    ``(bodies, lists)`` counts. A list version is immutable once stored: a file that changes
    the members of an existing version is refused, since rounds point at it.
    """
    roster = roster or roster_core.shipped_roster()
    if lists is None:
        stored = set(RecipientList.objects.values_list("name", flat=True))
        names = {entry.name for entry in roster.lists if entry.preload or entry.name in stored}
    else:
        names = set(lists)
    chosen = [entry for entry in roster.lists if entry.name in names]
    listed = {code for entry in roster.lists for code in entry.codes}
    wanted_codes = (
        {code for entry in chosen for code in entry.codes}
        | set(Body.objects.filter(code__in=listed).values_list("code", flat=True))
        | {entry.code for entry in roster.bodies if entry.code not in listed}
    )
    bodies = [entry for entry in roster.bodies if entry.code in wanted_codes]
    by_code: dict[str, Body] = {}
    for entry in bodies:
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
    for entry in chosen:
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
    return len(bodies), len(chosen)


def recipient_list(name: str, version: int | None = None) -> RecipientList | None:
    """The stored list ``name`` at ``version`` (default: the latest), or None if unknown.

    A shipped list not yet in the database (``preload: false``) is loaded, with its bodies,
    the first time it is asked for.
    """
    found = _stored_list(name, version)
    if found is None and any(e.name == name for e in roster_core.shipped_roster().lists):
        sync_roster(roster_core.shipped_roster(), lists=[name])
        found = _stored_list(name, version)
    return found


def _stored_list(name: str, version: int | None) -> RecipientList | None:
    lists = RecipientList.objects.filter(name=name)
    if version is not None:
        lists = lists.filter(version=version)
    return lists.order_by("-version").first()


def known_list_names() -> list[str]:
    """The names of every list stored or shipped, for an "unknown list" message."""
    stored = set(RecipientList.objects.values_list("name", flat=True))
    return sorted(stored | {entry.name for entry in roster_core.shipped_roster().lists})


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
