"""Register services: import, edits with history, exposure and reconciliation with returns.

Imports validate and write in one transaction: rows are read one at a time and written in
batches (``bulk_create`` / ``bulk_update``) while the file is valid; the first problem stops
the writing, the rest of the file is still checked so that the report lists every problem,
and any problem rolls the whole transaction back, so nothing from a bad file is kept.

Exposure "now" reads ``ExposureTally``. Exposure as of another day reads the assets: a row
counts when it was procured on or before that day (or its procurement date is unknown) and had
not been removed by then; it is of concern when its manufacturer's earliest concern is dated on
or before that day. ``AssetChange`` keeps the full history for audit; the as-of view does not
replay it, so a manufacturer corrected later is counted as corrected.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange, ExposureTally

__all__ = [
    "TRACKED_FIELDS",
    "BodyReconciliation",
    "ImportResult",
    "body_totals",
    "exposure",
    "holdings",
    "import_register",
    "refresh_tally",
    "replacement_progress",
    "round_reconciliations",
    "update_asset",
]

BATCH_SIZE = 2_000
NATIONAL = "national"
TRACKED_FIELDS = (
    "kind",
    "brand",
    "model",
    "manufacturer",
    "manufacturer_override",
    "override_reason",
    "concern_since",
    "kev_since",
    "quantity",
    "firmware",
    "serial",
    "mac",
    "ip",
    "site",
    "sensitive_site",
    "connectivity",
    "supplier",
    "procured_on",
    "status",
    "status_date",
    "notes",
)
"""Fields whose changes are recorded in ``AssetChange`` (evidence and confidence follow
``manufacturer``)."""

Progress = Callable[[int], None]


@dataclass
class ImportResult:
    """What an import did (or, with ``problems``, why it wrote nothing)."""

    body: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    devices: int = 0
    skipped_rows: int = 0
    header_row: int = 0
    unused_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "devices": self.devices,
            "skipped_rows": self.skipped_rows,
            "header_row": self.header_row,
            "unused_columns": self.unused_columns,
        }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _json_value(values[name]) for name in TRACKED_FIELDS}


def _values_of(asset: Asset) -> dict[str, Any]:
    return {name: getattr(asset, name) for name in TRACKED_FIELDS}


def _row_values(row: core.AssetRow, maker: core.Maker) -> dict[str, Any]:
    """Model field values for a register row and its resolved manufacturer."""
    return {
        "kind": row.kind.value,
        "brand": row.brand,
        "model": row.model,
        "manufacturer": maker.manufacturer,
        "manufacturer_override": row.manufacturer_override,
        "override_reason": row.override_reason,
        "concern_since": maker.concern_since,
        "kev_since": maker.kev_since,
        "quantity": row.quantity,
        "firmware": row.firmware,
        "serial": row.serial,
        "mac": row.mac,
        "ip": row.ip,
        "site": row.site,
        "sensitive_site": row.sensitive_site,
        "connectivity": row.connectivity.value if row.connectivity else "",
        "supplier": row.supplier or maker.integrator,
        "procured_on": row.procured_on,
        "status": row.status.value,
        "status_date": row.status_date,
        "notes": row.notes,
    }


def new_asset_id() -> str:
    """A generated asset id, written into exports so that re-imports update the same row."""
    return "g-" + secrets.token_hex(8)


class _Writer:
    """Writes one batch of validated rows: creates, updates and their change records."""

    def __init__(self, body: Body, actor: str, reason: str, result: ImportResult) -> None:
        self.body, self.actor, self.reason, self.result = body, actor, reason, result
        self.makers = core.MakerResolver()

    def write(self, rows: list[core.AssetRow]) -> None:
        ids = [row.asset_id for row in rows if row.asset_id]
        existing = {a.asset_id: a for a in Asset.objects.filter(body=self.body, asset_id__in=ids)}
        now = timezone.now()
        created: list[Asset] = []
        created_after: list[dict[str, Any]] = []
        updated: list[Asset] = []
        changes: list[AssetChange] = []
        for row in rows:
            maker = self.makers.resolve(row.brand, row.model, row.manufacturer_override)
            values = _row_values(row, maker)
            self.result.devices += row.quantity if row.status != core.AssetStatus.REMOVED else 0
            asset = existing.get(row.asset_id) if row.asset_id else None
            if asset is None:
                asset = Asset(
                    body=self.body,
                    asset_id=row.asset_id or new_asset_id(),
                    manufacturer_confidence=maker.confidence,
                    manufacturer_evidence=list(maker.evidence),
                    created_at=now,
                    updated_at=now,
                    **values,
                )
                created.append(asset)
                created_after.append(_snapshot(values))
                continue
            before = _values_of(asset)
            changed = {k for k, v in values.items() if before[k] != v}
            if not changed:
                self.result.unchanged += 1
                continue
            for name in changed:
                setattr(asset, name, values[name])
            asset.manufacturer_confidence = maker.confidence
            asset.manufacturer_evidence = list(maker.evidence)
            asset.updated_at = now
            updated.append(asset)
            changes.append(
                AssetChange(
                    asset=asset,
                    at=now,
                    by=self.actor,
                    reason=self.reason,
                    action="updated",
                    before={k: _json_value(before[k]) for k in sorted(changed)},
                    after={k: _json_value(values[k]) for k in sorted(changed)},
                )
            )
        Asset.objects.bulk_create(created, batch_size=BATCH_SIZE)
        changes.extend(
            AssetChange(
                asset=a, at=now, by=self.actor, reason=self.reason, action="created", after=after
            )
            for a, after in zip(created, created_after, strict=True)
        )
        if updated:
            Asset.objects.bulk_update(
                updated,
                [*TRACKED_FIELDS, "manufacturer_confidence", "manufacturer_evidence", "updated_at"],
                batch_size=BATCH_SIZE,
            )
        AssetChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        self.result.created += len(created)
        self.result.updated += len(updated)


def import_register(
    body: Body,
    path: Path,
    *,
    actor: str,
    reason: str = "register import",
    mapping: core.Mapping | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports a register file into ``body``'s register; all or nothing.

    Raises ``custodes.estate.RegisterInvalid`` (nothing written) when any row has a problem,
    and ``SpreadsheetError`` when the file cannot be read at all.
    """
    reader = core.RegisterReader(path, mapping)
    result = ImportResult(
        body=body.code,
        header_row=reader.header_row,
        unused_columns=[f"{c.letter} {c.heading}" for c in reader.unused_columns],
    )
    writer = _Writer(body, actor, reason, result)
    with transaction.atomic():
        batch: list[core.AssetRow] = []
        for row in reader:
            result.rows += 1
            if reader.problem_count:
                batch.clear()
            else:
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch)
                    batch.clear()
            if progress is not None and result.rows % 1000 == 0:
                progress(reader.rows_read)
        if reader.problem_count:
            transaction.set_rollback(True)
            raise core.RegisterInvalid(reader.problems, reader.problem_count)
        if batch:
            writer.write(batch)
        refresh_tally([body.pk])
    result.skipped_rows = reader.skipped_rows
    if progress is not None:
        progress(reader.rows_read)
    return result


def update_asset(asset: Asset, changes: dict[str, Any], *, actor: str, reason: str) -> bool:
    """Changes an asset's fields with who and why; a new brand, model or override re-resolves
    the manufacturer. Returns False when nothing changed."""
    if not reason.strip():
        raise ValueError("say why the asset is changed")
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise ValueError(f"not an editable field: {', '.join(sorted(unknown))}")
    if changes.get("manufacturer_override") and not (
        changes.get("override_reason") or asset.override_reason
    ):
        raise ValueError("a manufacturer override needs a reason")
    with transaction.atomic():
        locked = Asset.objects.select_for_update().get(pk=asset.pk)
        before = _values_of(locked)
        values = {**before, **changes}
        if {"brand", "model", "manufacturer_override"} & set(changes):
            maker = core.MakerResolver().resolve(
                values["brand"], values["model"], values["manufacturer_override"]
            )
            values.update(
                manufacturer=maker.manufacturer,
                concern_since=maker.concern_since,
                kev_since=maker.kev_since,
            )
            locked.manufacturer_confidence = maker.confidence
            locked.manufacturer_evidence = list(maker.evidence)
        changed = sorted(k for k in TRACKED_FIELDS if values[k] != before[k])
        if not changed:
            return False
        for name in changed:
            setattr(locked, name, values[name])
        locked.updated_at = timezone.now()
        locked.save()
        AssetChange.objects.create(
            asset=locked,
            at=locked.updated_at,
            by=actor,
            reason=reason,
            action="updated",
            before={k: _json_value(before[k]) for k in changed},
            after={k: _json_value(values[k]) for k in changed},
        )
        refresh_tally([locked.body_id])
    asset.refresh_from_db()
    return True


def refresh_tally(body_ids: Iterable[int]) -> None:
    """Rebuilds the exposure tally of the given bodies from their assets (in one statement per
    body set: delete, then insert the grouped counts)."""
    ids = list(body_ids)
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
                removed_on=k[6],
                devices=n,
            )
            for k, n in tallies.items()
        ),
        batch_size=BATCH_SIZE,
    )


def _cells(rows: Iterable[dict[str, Any]], day: date) -> Iterator[core.ExposureCell]:
    for g in rows:
        concern_since, kev_since = g["concern_since"], g["kev_since"]
        yield core.ExposureCell(
            manufacturer=g["manufacturer"],
            kind=core.AssetKind(g["kind"]),
            concern=concern_since is not None and concern_since <= day,
            kev=kev_since is not None and kev_since <= day,
            sensitive_site=g["sensitive_site"],
            devices=int(g["devices"] or 0),
        )


GROUP_FIELDS = ("manufacturer", "kind", "sensitive_site", "concern_since", "kev_since")


def in_service_on(day: date) -> Q:
    """Assets in the register on ``day``: procured by then (or undated), not yet removed."""
    return (Q(procured_on__isnull=True) | Q(procured_on__lte=day)) & ~Q(
        status=core.AssetStatus.REMOVED, status_date__lte=day
    )


def _assets(body: Body | None) -> QuerySet[Asset]:
    return Asset.objects.filter(body=body) if body is not None else Asset.objects.all()


def exposure(body: Body | None = None, as_of: date | None = None) -> core.ExposureSummary:
    """Devices by manufacturer, concern and kind for one body or the nation, as of a day."""
    today = timezone.localdate()
    day = as_of or today
    scope = body.code if body is not None else NATIONAL
    if day == today:
        tally = ExposureTally.objects.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))
        if body is not None:
            tally = tally.filter(body=body)
        rows = tally.values(*GROUP_FIELDS).annotate(devices=Sum("devices")).order_by()
    else:
        rows = (
            _assets(body)
            .filter(in_service_on(day))
            .values(*GROUP_FIELDS)
            .annotate(devices=Sum("quantity"))
            .order_by()
        )
    return core.summarise(scope, day, _cells(rows, day))


def holdings(body: Body, as_of: date | None = None) -> list[core.Holding]:
    """A body's in-service devices grouped by kind, site and manufacturer, as of a day."""
    day = as_of or timezone.localdate()
    rows = (
        Asset.objects.filter(body=body)
        .filter(in_service_on(day))
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


@dataclass(frozen=True)
class BodyReconciliation:
    """One body's return set against its register."""

    body: Body
    reconciliation: core.Reconciliation


def round_reconciliations(round_: Any, as_of: datetime | None = None) -> list[BodyReconciliation]:
    """Every submitted return of the round compared with its body's register, as of a moment
    (answers with corrections made by then; the register on that day). Now when not given."""
    from custodes import findings as fcore
    from custodes.web.surveys.analysis import round_data

    day = timezone.localdate(as_of) if as_of is not None else timezone.localdate()
    makers = core.MakerResolver()

    def canonical(name: str) -> str:
        return makers.resolve(name, "").manufacturer or name

    bodies = {b.code: b for b in round_.recipient_list.bodies.all()}
    found: list[BodyReconciliation] = []
    for record in round_data(round_, as_of=as_of).returns:
        answers = fcore.answers_as_of(record.events, as_of)
        body = bodies.get(record.body)
        if answers is None or body is None:
            continue
        result = core.reconcile(body.code, answers, holdings(body, day), canonical)
        found.append(BodyReconciliation(body, result))
    return found


def replacement_progress(body: Body | None = None) -> list[tuple[int, int, int]]:
    """Devices of concern removed and planned for replacement, by year:
    ``[(year, removed, to be replaced)]``, oldest first."""
    from django.db.models.functions import ExtractYear

    rows = (
        _assets(body)
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


def body_totals() -> list[dict[str, Any]]:
    """Each body with a register: devices and devices of concern in service today."""
    today = timezone.localdate()
    rows = (
        ExposureTally.objects.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=today))
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
