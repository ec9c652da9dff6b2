"""Back up the content (curated and imported, with the HPO release in use) to one file, and
restore it on an empty database.

The file is gzip'd JSON lines: a header naming the format, the HPO release and the tables, then
each table as a line of column names followed by one line per row, ids included, so every link
between rows (staff-owned fields, mentions' sources, is_a links) comes back exactly. Derived data
(the is_a closure, the content version, built indexes) is rebuilt after a restore, not stored.
Edit history and accounts are not in it: they stay with the database's own backups.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from . import closure, content_version
from .bulk import insert_rows
from .models import (
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    FeatureAlias,
    HpoRelease,
    Mention,
    Source,
    StaffEdit,
    Synonym,
)

FORMAT = "symptom-explorer-backup"
FORMAT_VERSION = 1
# In an order where every row's foreign keys point at rows already restored.
TABLES: tuple[type[models.Model], ...] = (
    BodySystem,
    Source,
    Feature,
    Feature.parents.through,
    FeatureAlias,
    Synonym,
    Condition,
    CrossReference,
    ConditionLink,
    Mention,
    Mention.sources.through,
    StaffEdit,
    HpoRelease,
)
CHUNK = 5000


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()  # to the microsecond (DjangoJSONEncoder stops at milliseconds)
        return super().default(o)


class BackupError(Exception):
    """A file that is not a backup, or a database that is not empty: nothing was changed."""


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def write_backup(path: Path) -> dict[str, int]:
    """Write every content table to `path`; returns rows written per table."""
    release = HpoRelease.objects.order_by("-imported_at").values().first()
    counts: dict[str, int] = {}
    encoder = _Encoder(separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # One transaction: every table read at the same moment (PostgreSQL's repeatable snapshot
    # is not needed for a consistent read of a quiet site, but no half-saved edit gets in).
    partial = path.with_name(path.name + ".partial")  # renamed once complete: never half a file
    with transaction.atomic(), gzip.open(partial, "wt", encoding="utf-8") as out:
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hpo_release": release,
            "tables": [_label(model) for model in TABLES],
        }
        out.write(encoder.encode(header) + "\n")
        for model in TABLES:
            columns = _columns(model)
            out.write(encoder.encode({"table": _label(model), "columns": columns}) + "\n")
            rows = model._base_manager.order_by("pk").values_list(*columns)
            n = 0
            for row in rows.iterator(chunk_size=CHUNK):
                out.write(encoder.encode(row) + "\n")
                n += 1
            counts[_label(model)] = n
    partial.replace(path)
    return counts


def _converter(field: models.Field):
    """Values as the database takes them: JSON gives dates, times and decimals as strings, and
    a JSON field's value (e.g. a staff deletion's keys) as the list or object it holds."""
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_value(value, connection, prepared=False)
    if isinstance(field, models.DateTimeField):
        parse = datetime.fromisoformat
    elif isinstance(field, models.DateField):
        parse = date.fromisoformat
    elif isinstance(field, models.DecimalField):
        parse = Decimal
    else:
        return None

    def convert(value: Any) -> Any:
        if value is None:
            return None
        return field.get_db_prep_value(parse(value), connection, prepared=False)

    return convert


def _read(path: Path) -> Iterator[Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not a readable backup ({error}).") from error


def restore_backup(path: Path) -> dict[str, int]:
    """Load a backup into a database with no content; all or nothing. Returns rows per table."""
    by_label = {_label(model): model for model in TABLES}
    items = _read(path)
    header = next(items, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Symptom Explorer backup.")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} has format version {header.get('format_version')}, not 1.")
    occupied = [label for label, model in by_label.items() if model._base_manager.exists()]
    if occupied:
        raise BackupError(
            "Restore needs a database without content (run it right after `migrate` on a new "
            f"database); these tables have rows: {', '.join(occupied)}."
        )
    counts: dict[str, int] = {}
    with connection.constraint_checks_disabled(), transaction.atomic():
        model, columns, convert, batch = None, [], [], []

        def flush() -> None:
            if batch:
                rows = [
                    tuple(c(v) if c else v for c, v in zip(convert, row, strict=True))
                    for row in batch
                ]
                insert_rows(model, columns, rows)
                counts[_label(model)] = counts.get(_label(model), 0) + len(rows)
                batch.clear()

        for item in items:
            if isinstance(item, dict):
                flush()
                model = by_label.get(item.get("table"))
                if model is None:
                    raise BackupError(f"{path} holds an unknown table {item.get('table')!r}.")
                columns = item["columns"]
                fields = {f.attname: f for f in model._meta.concrete_fields}
                if set(columns) - set(fields):
                    raise BackupError(f"{path}: {_label(model)} columns differ from this version.")
                convert = [_converter(fields[c]) for c in columns]
                continue
            batch.append(item)
            if len(batch) >= CHUNK:
                flush()
        flush()
        connection.check_constraints(table_names=[m._meta.db_table for m in TABLES])
        _reset_sequences()
        closure.rebuild_closure()
        transaction.on_commit(content_version.bump)
    return counts


def _reset_sequences() -> None:
    """After rows came with their ids, new rows must get ids above them (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(TABLES))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
