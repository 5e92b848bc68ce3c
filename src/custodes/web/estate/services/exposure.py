"""Exposure, read side: devices by manufacturer, concern and kind, now or as of a day.

Exposure "now" reads ``ExposureTally``. Exposure as of another day reads the assets: a row
counts when it was procured on or before that day (or its procurement date is unknown) and had
not been removed by then; it is of concern when its manufacturer's earliest concern is dated on
or before that day. ``AssetChange`` keeps the full history for audit; the as-of view does not
replay it, so a manufacturer corrected later is counted as corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, ExposureTally

__all__ = ["exposure", "holdings", "replacement_progress"]

NATIONAL = "national"


def _on(since: date | None, day: date) -> bool:
    return since is not None and since <= day


def _cells(rows: Iterable[dict[str, Any]], day: date) -> Iterator[core.ExposureCell]:
    for g in rows:
        confirmed = _on(g["kev_confirmed_since"], day)
        yield core.ExposureCell(
            manufacturer=g["manufacturer"],
            kind=core.AssetKind(g["kind"]),
            concern=_on(g["concern_since"], day),
            kev=confirmed,
            kev_possible=not confirmed and _on(g["kev_since"], day),
            sensitive_site=g["sensitive_site"],
            devices=int(g["devices"] or 0),
        )


GROUP_FIELDS = (
    "manufacturer",
    "kind",
    "sensitive_site",
    "concern_since",
    "kev_since",
    "kev_confirmed_since",
)


def exposure(body: Body | None = None, as_of: date | None = None) -> core.ExposureSummary:
    """Devices by manufacturer, concern and kind for one body or the nation, as of a day."""
    today = timezone.localdate()
    day = as_of or today
    scope = body.code if body is not None else NATIONAL
    if day == today:
        tally = ExposureTally.objects.in_service_on(day)
        if body is not None:
            tally = tally.filter(body=body)
        rows = tally.values(*GROUP_FIELDS).annotate(devices=Sum("devices")).order_by()
    else:
        rows = (
            Asset.objects.of_body(body)
            .in_service_on(day)
            .values(*GROUP_FIELDS)
            .annotate(devices=Sum("quantity"))
            .order_by()
        )
    return core.summarise(scope, day, _cells(rows, day))


def holdings(body: Body, as_of: date | None = None) -> list[core.Holding]:
    """A body's in-service devices grouped by kind, site and manufacturer, as of a day."""
    day = as_of or timezone.localdate()
    rows = (
        Asset.objects.of_body(body)
        .in_service_on(day)
        .values("kind", "site", "manufacturer", "concern_since")
        .annotate(devices=Sum("quantity"))
        .order_by()
    )
    return [
        core.Holding(
            kind=core.AssetKind(r["kind"]),
            site=r["site"],
            manufacturer=r["manufacturer"],
            concern=r["concern_since"] is not None and r["concern_since"] <= day,
            devices=int(r["devices"] or 0),
        )
        for r in rows
    ]


def replacement_progress(body: Body | None = None) -> list[tuple[int, int, int]]:
    """Devices of concern removed and planned for replacement, by year:
    ``[(year, removed, to be replaced)]``, oldest first."""
    rows = (
        Asset.objects.of_body(body)
        .filter(concern_since__isnull=False, status_date__isnull=False)
        .exclude(status=core.AssetStatus.IN_SERVICE)
        .annotate(year=ExtractYear("status_date"))
        .values("year", "status")
        .annotate(devices=Sum("quantity"))
        .order_by("year")
    )
    years: dict[int, list[int]] = {}
    for r in rows:
        slot = years.setdefault(int(r["year"]), [0, 0])
        slot[0 if r["status"] == core.AssetStatus.REMOVED else 1] += int(r["devices"] or 0)
    return [(year, done, planned) for year, (done, planned) in sorted(years.items())]
