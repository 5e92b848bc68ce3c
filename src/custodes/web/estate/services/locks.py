"""The one lock that serialises the writers of a body's register.

Every write to a body's assets, their history or its exposure tally (an import, a person's
edit, a tally rebuild) first takes this lock, inside its transaction, and holds it until the
transaction ends. Lock order: the body, then any of its assets.

- PostgreSQL: ``SELECT ... FOR NO KEY UPDATE`` on the body row. Writers of one body wait for
  each other, so each reads its assets fresh, records the true "before" value, and a tally
  rebuild never overlaps another (two overlapping delete-then-insert rebuilds would both
  insert, double-counting the body's devices). ``no_key`` because nothing changes the body's
  key: inserts of rows that refer to the body (``FOR KEY SHARE``) are not blocked, and writers
  of other bodies never wait.
- SQLite: ``select_for_update`` is a no-op there; the settings open every transaction with
  ``BEGIN IMMEDIATE``, which takes the database's write lock at once, so writers are
  serialised before they read anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from custodes.web.bodies.models import Body

__all__ = ["lock_registers"]


def lock_registers(body_ids: Iterable[int]) -> None:
    """Locks the registers of the given bodies until the current transaction ends (taken in
    ascending id order, so that two writers of several bodies cannot deadlock)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_registers needs a transaction: the lock ends with it")
    ids = sorted(set(body_ids))
    list(Body.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk"))
