"""Register services: import, edits with history, exposure and reconciliation with returns.

Imports run in two passes with memory bounded by a batch, never by the file. The first pass
reads the file one row at a time, validates every row (so that a bad file's report lists every
problem) and, while the file is valid, stages each row with its resolved manufacturer in a
temporary file (in memory while small, on disk beyond that); a file with any problem stops
there, having written nothing. The second pass runs in one transaction: it reads the staged
rows back in batches, finds which already exist (by asset id) and writes creates, updates and
their ``AssetChange`` records set-based (``COPY`` on PostgreSQL, ``executemany`` on SQLite),
then rebuilds the body's tally.

Exposure "now" reads ``ExposureTally``. Exposure as of another day reads the assets: a row
counts when it was procured on or before that day (or its procurement date is unknown) and had
not been removed by then; it is of concern when its manufacturer's earliest concern is dated on
or before that day. ``AssetChange`` keeps the full history for audit; the as-of view does not
replay it, so a manufacturer corrected later is counted as corrected.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.db import connection, models, transaction
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

BATCH_SIZE = 5_000
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


ASSET_INSERT_FIELDS = (
    "body",
    "asset_id",
    *TRACKED_FIELDS,
    "manufacturer_confidence",
    "manufacturer_evidence",
    "created_at",
    "updated_at",
)
ASSET_UPDATE_FIELDS = (
    *TRACKED_FIELDS,
    "manufacturer_confidence",
    "manufacturer_evidence",
    "updated_at",
)
CHANGE_FIELDS = ("asset", "at", "by", "reason", "action", "before", "after")
SPOOL_IN_MEMORY_BYTES = 8 << 20
PROGRESS_EVERY = 1_000
MAX_EVIDENCE_CACHED = 10_000


@dataclass(frozen=True, slots=True)
class _Staged:
    """A validated row with its resolved manufacturer, as kept between the two passes.

    ``values`` are the tracked fields in their JSON form (dates as ISO text, which is also what
    both databases accept for a date column); ``evidence`` and ``after`` are JSON text, written
    to the database as they are.
    """

    asset_id: str
    generated_id: bool
    confidence: float
    evidence: str
    after: str
    values: dict[str, Any]

    def to_line(self) -> str:
        """One line of the staging file (JSON text never holds a raw tab or newline)."""
        head = json.dumps([self.asset_id, self.generated_id, self.confidence])
        return f"{head}\t{self.evidence}\t{self.after}\n"

    @classmethod
    def from_line(cls, line: str) -> _Staged:
        head, evidence, after = line.rstrip("\n").split("\t")
        asset_id, generated_id, confidence = json.loads(head)
        return cls(asset_id, generated_id, confidence, evidence, after, json.loads(after))


def _stage(
    reader: core.RegisterReader, store: IO[str], result: ImportResult, progress: Progress | None
) -> None:
    """First pass: validates every row; while the file is still valid, resolves each row's
    manufacturer and appends it to ``store``. Touches no database table."""
    makers = core.MakerResolver()
    evidence_text: dict[tuple[str, ...], str] = {}
    for row in reader:
        result.rows += 1
        if not reader.problem_count:
            maker = makers.resolve(row.brand, row.model, row.manufacturer_override)
            if row.status != core.AssetStatus.REMOVED:
                result.devices += row.quantity
            evidence = evidence_text.get(maker.evidence)
            if evidence is None:
                evidence = json.dumps(list(maker.evidence))
                if len(evidence_text) < MAX_EVIDENCE_CACHED:
                    evidence_text[maker.evidence] = evidence
            values = _snapshot(_row_values(row, maker))
            staged = _Staged(
                asset_id=row.asset_id or new_asset_id(),
                generated_id=not row.asset_id,
                confidence=maker.confidence,
                evidence=evidence,
                after=json.dumps(values),
                values=values,
            )
            store.write(staged.to_line())
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(reader.rows_read)


def _staged_batches(store: IO[str]) -> Iterator[list[_Staged]]:
    """Second pass: the staged rows read back ``BATCH_SIZE`` at a time."""
    store.seek(0)
    batch: list[_Staged] = []
    for line in store:
        batch.append(_Staged.from_line(line))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


class _BulkSql:
    """Set-based writes on the current connection: ``COPY`` on PostgreSQL, ``executemany`` on
    SQLite (in-process, so one prepared statement per batch costs no round trips)."""

    UPDATE_TABLE = "custodes_asset_update"

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.quote = connection.ops.quote_name

    def _columns(self, model: type[models.Model], fields: Iterable[str]) -> list[str]:
        return [self.quote(model._meta.get_field(name).column) for name in fields]

    def _copy(self, cursor: Any, table: str, columns: list[str], rows: list[list[Any]]) -> None:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def insert(
        self, model: type[models.Model], fields: tuple[str, ...], rows: list[list[Any]]
    ) -> None:
        """Inserts ``rows`` (values in ``fields`` order, already adapted) into ``model``."""
        table = self.quote(model._meta.db_table)
        columns = self._columns(model, fields)
        with connection.cursor() as cursor:
            if self.postgres:
                self._copy(cursor, table, columns, rows)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                )

    def new_pks(self, model: type[models.Model], count: int) -> list[int] | None:
        """On PostgreSQL, ``count`` primary keys drawn from the table's sequence (so that
        ``COPY`` can write them and nothing needs reading back); None on SQLite."""
        if not self.postgres:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    @contextmanager
    def by_index(self) -> Iterator[None]:
        """On PostgreSQL, steers the queries inside to index scans for the rest of the block.

        A batch looks up a few thousand asset ids among a body's register; without statistics
        of the register just written, the planner would scan all of the body's rows for every
        batch, which grows with the register (quadratic over a large import).
        """
        if not self.postgres:
            yield
            return
        settings = ("enable_seqscan", "enable_bitmapscan")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["current_setting(%s)"] * len(settings)), list(settings)
            )
            previous = cursor.fetchone()
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, 'off', true)"] * len(settings)),
                list(settings),
            )
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                    [value for pair in zip(settings, previous, strict=True) for value in pair],
                )

    def update_assets(self, rows: list[list[Any]]) -> None:
        """Sets ``ASSET_UPDATE_FIELDS`` of assets; each row is those values then the asset pk."""
        table = self.quote(Asset._meta.db_table)
        columns = self._columns(Asset, ASSET_UPDATE_FIELDS)
        pk = self.quote(Asset._meta.pk.column)
        with connection.cursor() as cursor:
            if not self.postgres:
                assignments = ", ".join(f"{c} = %s" for c in columns)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", rows)
                return
            staging = self.quote(self.UPDATE_TABLE)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {', '.join(columns)}, {pk} FROM {table} WITH NO DATA"
            )
            self._copy(cursor, staging, [*columns, pk], rows)
            assignments = ", ".join(f"{c} = staged.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staging} AS staged "
                f"WHERE {table}.{pk} = staged.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")


class _Writer:
    """Second pass: writes the staged rows in batches (creates, updates, change records)."""

    def __init__(self, body: Body, actor: str, reason: str, result: ImportResult) -> None:
        self.body, self.actor, self.reason, self.result = body, actor, reason, result
        self.sql = _BulkSql()
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        self.had_assets = Asset.objects.filter(body=body).exists()

    @staticmethod
    def _db_values(staged: _Staged) -> list[Any]:
        """The tracked fields, confidence and evidence of a staged row, ready for SQL."""
        values = [staged.values[name] for name in TRACKED_FIELDS]
        values.extend((staged.confidence, staged.evidence))
        return values

    def _change(self, asset_pk: int, action: str, before: str, after: str) -> list[Any]:
        return [asset_pk, self.now, self.actor, self.reason, action, before, after]

    def _existing(self, batch: list[_Staged]) -> dict[str, tuple[int, dict[str, Any]]]:
        """The batch's assets already in the register: asset id → (pk, tracked values in
        their JSON form)."""
        if not self.had_assets:
            return {}
        ids = [s.asset_id for s in batch if not s.generated_id]
        return {
            asset_id: (
                pk,
                {k: _json_value(v) for k, v in zip(TRACKED_FIELDS, tracked, strict=True)},
            )
            for asset_id, pk, *tracked in self._by_asset_id(ids, "pk", *TRACKED_FIELDS)
        }

    def _by_asset_id(self, ids: list[str], *fields: str) -> Iterator[tuple[Any, ...]]:
        """``(asset_id, *fields)`` of this body's assets with those ids, in queries that stay
        within the database's limit on parameters."""
        limit = connection.features.max_query_params
        step = limit - 1 if limit else len(ids) or 1
        for start in range(0, len(ids), step):
            chunk = ids[start : start + step]
            with self.sql.by_index():
                found = list(
                    Asset.objects.filter(body=self.body, asset_id__in=chunk).values_list(
                        "asset_id", *fields
                    )
                )
            yield from found

    def write(self, batch: list[_Staged]) -> None:
        existing = self._existing(batch)
        created: list[_Staged] = []
        updates: list[list[Any]] = []
        changes: list[list[Any]] = []
        for staged in batch:
            found = existing.get(staged.asset_id)
            if found is None:
                created.append(staged)
                continue
            pk, before = found
            changed = sorted(k for k in TRACKED_FIELDS if before[k] != staged.values[k])
            if not changed:
                self.result.unchanged += 1
                continue
            updates.append([*self._db_values(staged), self.now, pk])
            changes.append(
                self._change(
                    pk,
                    "updated",
                    json.dumps({k: before[k] for k in changed}),
                    json.dumps({k: staged.values[k] for k in changed}),
                )
            )
        if created:
            rows = [
                [self.body.pk, s.asset_id, *self._db_values(s), self.now, self.now] for s in created
            ]
            drawn = self.sql.new_pks(Asset, len(created))
            if drawn is None:
                self.sql.insert(Asset, ASSET_INSERT_FIELDS, rows)
                pks = dict(self._by_asset_id([s.asset_id for s in created], "pk"))
            else:
                for row, pk in zip(rows, drawn, strict=True):
                    row.append(pk)
                self.sql.insert(Asset, (*ASSET_INSERT_FIELDS, Asset._meta.pk.name), rows)
                pks = {s.asset_id: pk for s, pk in zip(created, drawn, strict=True)}
            changes.extend(self._change(pks[s.asset_id], "created", "{}", s.after) for s in created)
        if updates:
            self.sql.update_assets(updates)
        if changes:
            self.sql.insert(AssetChange, CHANGE_FIELDS, changes)
        self.result.created += len(created)
        self.result.updated += len(updates)


def import_register(
    body: Body,
    path: Path,
    *,
    actor: str,
    reason: str = "register import",
    mapping: core.Mapping | None = None,
    progress: Progress | None = None,
    writing: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Imports a register file into ``body``'s register; all or nothing.

    The first pass validates the whole file and stages the valid rows in a temporary file
    (``progress`` gets the rows read); only a valid file gets a second pass, which writes it
    in one transaction (``writing`` gets the rows written and the rows to write).
    Raises ``custodes.estate.RegisterInvalid`` (nothing written) when any row has a problem,
    and ``SpreadsheetError`` when the file cannot be read at all.
    """
    reader = core.RegisterReader(path, mapping)
    result = ImportResult(
        body=body.code,
        header_row=reader.header_row,
        unused_columns=[f"{c.letter} {c.heading}" for c in reader.unused_columns],
    )
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_IN_MEMORY_BYTES, mode="w+", encoding="utf-8"
    ) as store:
        _stage(reader, store, result, progress)
        if reader.problem_count:
            raise core.RegisterInvalid(reader.problems, reader.problem_count)
        with transaction.atomic():
            writer = _Writer(body, actor, reason, result)
            written = 0
            for batch in _staged_batches(store):
                writer.write(batch)
                written += len(batch)
                if writing is not None:
                    writing(written, result.rows)
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
