"""Set-based writes for register imports: the only vendor-specific SQL of the estate app.

``COPY`` on PostgreSQL, ``executemany`` on SQLite; the tests run on both databases.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from custodes.web.estate.models import Asset
from custodes.web.estate.services.history import TRACKED_FIELDS

__all__ = ["ASSET_INSERT_FIELDS", "ASSET_UPDATE_FIELDS", "CHANGE_FIELDS", "BulkSql"]

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


class BulkSql:
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
