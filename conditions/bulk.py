"""Write many rows fast: batched raw SQL for the HPO import and the closure rebuild.

These skip Model.save(), signals and simple_history on purpose: the callers own derived data and
bring it in step once at the end. Values must be plain Python values (str, not TextChoices
members; database-ready datetimes), as the driver sees them unchanged.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models

DELETE_BATCH = 1000
# 256 MB at most (SQLite allocates on demand): with the default 2 MB, inserting 250k mentions
# spills index pages from the cache mid-transaction and takes twice as long.
SQLITE_BULK_CACHE_KIB = 262144


@contextmanager
def bulk_load() -> Iterator[None]:
    """Settings for loading a few hundred thousand rows in one go."""
    sqlite = connection.vendor == "sqlite"
    previous = _set_sqlite_cache(-SQLITE_BULK_CACHE_KIB) if sqlite else None
    # Half a million small objects set off the cyclic GC again and again (doubling parse time);
    # none of them form cycles.
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        if previous is not None:
            _set_sqlite_cache(previous)


def _set_sqlite_cache(size: int) -> int:
    """Set SQLite's page cache size (negative: in KiB); returns the previous setting."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {int(size)}")
    return previous


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    return [_quote(model._meta.get_field(f).column) for f in fields]


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT rows of values for `fields`: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    table, columns = _quote(model._meta.db_table), ", ".join(_columns(model, fields))
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        # The sqlite3 connection itself: Django's cursor wrapper re-reads every row through
        # itertools.tee, a third slower for 250k rows.
        connection.ensure_connection()
        marks = ", ".join(["?"] * len(fields))
        connection.connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """UPDATE by primary key; each row is (*values for `fields`, pk)."""
    if not rows:
        return
    assignments = ", ".join(f"{column} = %s" for column in _columns(model, fields))
    sql = (
        f"UPDATE {_quote(model._meta.db_table)} SET {assignments} "
        f"WHERE {_quote(model._meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def delete_rows(model: type[models.Model], ids: Sequence[int], field: str | None = None) -> None:
    """DELETE rows whose `field` (the primary key by default) is in `ids`."""
    column = _columns(model, [field])[0] if field else _quote(model._meta.pk.column)
    table = _quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), DELETE_BATCH):
            chunk = ids[start : start + DELETE_BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)


@contextmanager
def reloading(model: type[models.Model]) -> Iterator[None]:
    """Set aside what slows writing most of a table's rows, and restore it in one pass after.

    Secondary indexes are built once over all rows instead of updated row by row; on PostgreSQL
    the table's foreign keys are also re-added, checked by one join instead of a trigger per
    row at commit (seconds for 250k rows). Both databases roll DDL back with the transaction,
    so an error leaves the table as it was. On PostgreSQL the table stays locked until commit:
    meant for a first import or a full rebuild, when most of the table is new anyway.
    """
    table = _quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending deferred checks would make ALTER TABLE fail: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid"
                " WHERE x.indrelid = %s::regclass AND NOT x.indisunique",
                [table],
            )
            indexes = cursor.fetchall()
            drop = [f"ALTER TABLE {table} DROP CONSTRAINT {_quote(n)}" for n, _ in foreign_keys]
            restore = [
                f"ALTER TABLE {table} ADD CONSTRAINT {_quote(n)} {d}" for n, d in foreign_keys
            ]
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = %s AND sql LIKE 'CREATE INDEX%%'",
                [model._meta.db_table],
            )
            indexes = cursor.fetchall()
            drop, restore = [], []
        drop += [f"DROP INDEX {_quote(name)}" for name, _ in indexes]
        restore += [definition for _, definition in indexes]
        for sql in drop:
            cursor.execute(sql)
    yield
    with connection.cursor() as cursor:
        for sql in restore:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again


def record_history(
    model: type[models.Model],
    history_type: str,
    reason: str,
    when,
    ids: Sequence[int] = (),
    *,
    after: int | None = None,
) -> None:
    """Write simple-history entries for rows as they stand now, in the database, without a
    round trip per row: for `ids`, or for every row whose primary key is above `after` (the
    rows an insert has just made). `when` is a database-ready datetime."""
    history = getattr(model, "history", None)
    if history is None:
        return
    fields = [f for f in history.model._meta.concrete_fields if not f.name.startswith("history_")]
    columns = ", ".join(_quote(f.column) for f in fields)
    extra = ("history_date", "history_type", "history_change_reason")
    sql = (
        f"INSERT INTO {_quote(history.model._meta.db_table)} ({columns}, "
        f"{', '.join(_columns(history.model, extra))}) "
        f"SELECT {columns}, %s, %s, %s FROM {_quote(model._meta.db_table)} "
        f"WHERE {_quote(model._meta.pk.column)} "
    )
    with connection.cursor() as cursor:
        if after is not None:
            cursor.execute(sql + "> %s", [when, history_type, reason, after])
            return
        for start in range(0, len(ids), DELETE_BATCH):
            chunk = list(ids[start : start + DELETE_BATCH])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql + f"IN ({marks})", [when, history_type, reason, *chunk])


def max_pk(model: type[models.Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({_quote(model._meta.pk.column)}) FROM {_quote(model._meta.db_table)}"
        )
        return cursor.fetchone()[0] or 0
