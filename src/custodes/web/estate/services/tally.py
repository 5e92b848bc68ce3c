"""The exposure tally: devices per body × manufacturer × kind × flags, rebuilt from assets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from custodes import estate as core
from custodes.web.estate.models import Asset, ExposureTally
from custodes.web.estate.services.locks import lock_registers

__all__ = ["body_totals", "refresh_tally"]

INSERT_BATCH_SIZE = 5_000


def refresh_tally(body_ids: Iterable[int]) -> None:
    """Rebuilds the exposure tally of the given bodies from their assets (in one statement per
    body set: delete, then insert the grouped counts), in the caller's transaction if any.

    The bodies' register lock (``locks``) makes rebuilds of one body take turns: each counts
    the assets as the previous writer committed them, and no two delete-then-insert rebuilds
    overlap (on PostgreSQL both would insert, counting the body's devices twice)."""
    ids = list(body_ids)
    with transaction.atomic():
        lock_registers(ids)
        _rebuild(ids)


def _rebuild(ids: list[int]) -> None:
    """Deletes and re-inserts the tally rows of the bodies ``ids`` (whose lock is held)."""
    ExposureTally.objects.filter(body_id__in=ids).delete()
    grouped = (
        Asset.objects.filter(body_id__in=ids)
        .values(
            "body_id",
            "manufacturer",
            "kind",
            "sensitive_site",
            "concern_since",
            "kev_since",
            "kev_confirmed_since",
            "status",
            "status_date",
        )
        .annotate(devices=Sum("quantity"))
        .order_by()
    )
    tallies: dict[tuple[Any, ...], int] = {}
    for g in grouped.iterator(chunk_size=5_000):
        removed_on = g["status_date"] if g["status"] == core.AssetStatus.REMOVED else None
        key = (
            g["body_id"],
            g["manufacturer"],
            g["kind"],
            g["sensitive_site"],
            g["concern_since"],
            g["kev_since"],
            g["kev_confirmed_since"],
            removed_on,
        )
        tallies[key] = tallies.get(key, 0) + int(g["devices"] or 0)
    ExposureTally.objects.bulk_create(
        (
            ExposureTally(
                body_id=k[0],
                manufacturer=k[1],
                kind=k[2],
                sensitive_site=k[3],
                concern_since=k[4],
                kev_since=k[5],
                kev_confirmed_since=k[6],
                removed_on=k[7],
                devices=n,
            )
            for k, n in tallies.items()
        ),
        batch_size=INSERT_BATCH_SIZE,
    )


def body_totals() -> list[dict[str, Any]]:
    """Each body with a register: devices and devices of concern in service today."""
    today = timezone.localdate()
    rows = (
        ExposureTally.objects.in_service_on(today)
        .values("body__code", "body__name")
        .annotate(
            total=Sum("devices"),
            of_concern=Sum("devices", filter=Q(concern_since__lte=today)),
        )
        .order_by("-of_concern", "body__name")
    )
    return [
        {
            "code": r["body__code"],
            "name": r["body__name"],
            "devices": int(r["total"] or 0),
            "of_concern": int(r["of_concern"] or 0),
        }
        for r in rows
    ]
