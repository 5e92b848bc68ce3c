"""One SQL statement, built once per process, whose row becomes several model instances.

For the few look-ups every request of a hot path makes. Django compiles a queryset's SQL on
every evaluation: for the respondent's invitation with its round, questionnaire and body,
that costs more than running the query (measured: about 1.7 ms against 0.2 ms on the 2-core
machine of the load benchmark). ``JoinedRows`` writes the statement once from the models'
own metadata (tables, columns, quoting) and makes each part of the row an instance with
``Model.from_db``, after the same database converters a queryset applies (JSON, dates,
booleans on SQLite), so the instances equal what the ORM would give. Columns a part leaves
out are deferred, as with ``QuerySet.defer``. A part reached through a ``LEFT JOIN`` whose
primary key comes back NULL is None. ``lock_rows`` ends the statement with ``FOR NO KEY
UPDATE`` where the database has row locks (PostgreSQL), as
``select_for_update(no_key=True)`` does; SQLite has none and gets no clause.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["JoinedRows", "Part"]

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class Part:
    """A model read under a table ``alias`` of the statement; ``defer`` names fields left out."""

    model: type[models.Model]
    alias: str
    defer: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> list[models.Field]:
        return [f for f in self.model._meta.concrete_fields if f.name not in self.defer]

    @cached_property
    def attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    @cached_property
    def pk_index(self) -> int:
        return self.fields.index(self.model._meta.pk)


@dataclass
class JoinedRows:
    """``SELECT`` the parts' columns ``FROM`` and ``WHERE`` as ``tail`` gives them.

    ``tail`` is SQL with ``{alias}`` for each part's quoted table name followed by its alias
    (``{invitation}`` → ``"surveys_invitation" "invitation"``) and ``%s`` for parameters, e.g.
    ``FROM {invitation} JOIN {round} ON "round"."id" = "invitation"."round_id" WHERE
    "invitation"."id" = %s``.
    """

    parts: Sequence[Part]
    tail: str
    lock_rows: bool = False
    # By database vendor: the statement and each column's expression and converters. Built
    # whole, then stored in one assignment: a thread never sees a statement whose converters
    # another thread is still working out (the first requests of a worker run at once).
    _by_vendor: dict[str, tuple[str, list[tuple[Any, list[Converter]]]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def _prepared(
        self, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[tuple[Any, list[Converter]]]]:
        """The statement and each column's expression and converters, for this database."""
        prepared = self._by_vendor.get(connection.vendor)
        if prepared is None:
            quote = connection.ops.quote_name
            columns = [
                f"{quote(part.alias)}.{quote(f.column)}" for part in self.parts for f in part.fields
            ]
            tables = {
                part.alias: f"{quote(part.model._meta.db_table)} {quote(part.alias)}"
                for part in self.parts
            }
            sql = f"SELECT {', '.join(columns)} " + self.tail.format(**tables)
            if self.lock_rows and connection.features.has_select_for_update:
                sql += " " + connection.ops.for_update_sql(
                    no_key=connection.features.has_select_for_no_key_update
                )
            converters = [
                (col, connection.ops.get_db_converters(col) + f.get_db_converters(connection))
                for part in self.parts
                for f in part.fields
                for col in [f.get_col(part.alias)]
            ]
            prepared = self._by_vendor[connection.vendor] = (sql, converters)
        return prepared

    def one(self, params: Sequence[Any], using: str = "default") -> list[Any] | None:
        """The instances of the first row, one per part (None for an absent outer-joined part),
        or None when there is no row."""
        connection = connections[using]
        sql, converters = self._prepared(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
        if row is None:
            return None
        instances: list[Any] = []
        position = 0
        for part in self.parts:
            fields = part.fields
            values = []
            for offset in range(len(fields)):
                value = row[position + offset]
                expression, column_converters = converters[position + offset]
                for convert in column_converters:
                    value = convert(value, expression, connection)
                values.append(value)
            position += len(fields)
            if values[part.pk_index] is None:
                instances.append(None)
                continue
            instances.append(part.model.from_db(using, part.attnames, values))
        return instances
