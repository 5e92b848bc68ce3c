"""Register imports: validate and stage a whole file, then write it in one transaction.

Imports run in two passes with memory bounded by a batch, never by the file. The first pass
reads the file one row at a time, validates every row (so that a bad file's report lists every
problem) and, while the file is valid, stages each row with its resolved manufacturer in a
temporary file (in memory while small, on disk beyond that); a file with any problem stops
there, having written nothing. The second pass runs in one transaction: it reads the staged
rows back in batches, finds which already exist (by asset id) and writes creates, updates and
their ``AssetChange`` records set-based (``COPY`` on PostgreSQL, ``executemany`` on SQLite),
then rebuilds the body's tally.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone

from custodes import estate as core
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset, AssetChange
from custodes.web.estate.services._bulk_sql import (
    ASSET_INSERT_FIELDS,
    CHANGE_FIELDS,
    BulkSql,
)
from custodes.web.estate.services.history import TRACKED_FIELDS, json_value, snapshot
from custodes.web.estate.services.locks import lock_registers
from custodes.web.estate.services.tally import refresh_tally

__all__ = ["ImportResult", "import_register", "new_asset_id"]

BATCH_SIZE = 5_000
SPOOL_IN_MEMORY_BYTES = 8 << 20
PROGRESS_EVERY = 1_000
MAX_EVIDENCE_CACHED = 10_000

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


def _row_values(row: core.AssetRow, maker: core.Maker, kev: core.KevAssessment) -> dict[str, Any]:
    """Model field values for a register row, its resolved manufacturer and what is known
    about its known exploited vulnerabilities."""
    return {
        "kind": row.kind.value,
        "brand": row.brand,
        "model": row.model,
        "manufacturer": maker.manufacturer,
        "manufacturer_override": row.manufacturer_override,
        "override_reason": row.override_reason,
        "concern_since": maker.concern_since,
        "kev_since": kev.possible_since,
        "kev_confirmed_since": kev.confirmed_since,
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
            kev = makers.kev(maker, row.model, row.firmware)
            values = snapshot(_row_values(row, maker, kev))
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


def _staged_batches(store: IO[str], batch_size: int = BATCH_SIZE) -> Iterator[list[_Staged]]:
    """Second pass: the staged rows read back ``batch_size`` at a time."""
    store.seek(0)
    batch: list[_Staged] = []
    for line in store:
        batch.append(_Staged.from_line(line))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """Second pass: writes the staged rows in batches (creates, updates, change records)."""

    def __init__(self, body: Body, actor: str, reason: str, result: ImportResult) -> None:
        self.body, self.actor, self.reason, self.result = body, actor, reason, result
        self.sql = BulkSql()
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
                {k: json_value(v) for k, v in zip(TRACKED_FIELDS, tracked, strict=True)},
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
    batch_size: int = BATCH_SIZE,
    spool_bytes: int = SPOOL_IN_MEMORY_BYTES,
) -> ImportResult:
    """Imports a register file into ``body``'s register; all or nothing.

    The first pass validates the whole file and stages the valid rows in a temporary file
    (``progress`` gets the rows read); only a valid file gets a second pass, which writes it
    in one transaction (``writing`` gets the rows written and the rows to write), ``batch_size``
    rows at a time; the staging file stays in memory up to ``spool_bytes``.
    Raises ``custodes.estate.RegisterInvalid`` (nothing written) when any row has a problem,
    and ``SpreadsheetError`` when the file cannot be read at all.
    """
    reader = core.RegisterReader(path, mapping)
    result = ImportResult(
        body=body.code,
        header_row=reader.header_row,
        unused_columns=[f"{c.letter} {c.heading}" for c in reader.unused_columns],
    )
    with tempfile.SpooledTemporaryFile(max_size=spool_bytes, mode="w+", encoding="utf-8") as store:
        _stage(reader, store, result, progress)
        if reader.problem_count:
            raise core.RegisterInvalid(reader.problems, reader.problem_count)
        with transaction.atomic(durable=True):  # committed when this returns
            # The body's register lock (see ``locks``), before anything is read: an edit or
            # another import of this body waits for this one to commit (or this one waits), so
            # each batch compares the file with the assets as they really are, the history
            # records the true "before", and no concurrent change is overwritten unrecorded.
            lock_registers([body.pk])
            writer = _Writer(body, actor, reason, result)
            written = 0
            for batch in _staged_batches(store, batch_size):
                writer.write(batch)
                written += len(batch)
                if writing is not None:
                    writing(written, result.rows)
            refresh_tally([body.pk])
    result.skipped_rows = reader.skipped_rows
    if progress is not None:
        progress(reader.rows_read)
    return result
