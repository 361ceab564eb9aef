"""Streaming export of a table, a filtered view or a read-only query to CSV or JSON.

Rows are read with `yield_per` (a server-side cursor on PostgreSQL, SQLite's lazy cursor) and
written batch by batch, so a million rows never sit in memory. JSON is one array written as it
goes; datetimes are ISO 8601 with their offset, UUIDs are text, NULL is empty (CSV) or null.
In CSV, text that a spreadsheet would run as a formula starts with a quote (`cell_guard`).

For a Select (a table or a filtered view) values skip SQLAlchemy's per-value processing, which
is most of the time of a million-row export: PostgreSQL itself writes UUIDs, times and (for CSV)
booleans as text, so rows go out without a Python call per cell; on SQLite the stored hex and
UTC text are reshaped by one function per row (faster there than SQL string functions).

Values: export_values.py; the CSV and JSON writers: export_writers.py.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import (
    Select,
    Table,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from app.errors import Stopped, ValidationError
from app.transfer.export_values import generic, prepare
from app.transfer.export_writers import CsvWriter, JsonWriter
from app.transfer.filters import ColumnFilter, parse_filters
from db.models import Attendance, AuditLog, Event, Loyalty, User

EXPORT_TABLES: dict[str, Table] = {
    "users": User.__table__,
    "events": Event.__table__,
    "attendance": Attendance.__table__,
    "loyalty": Loyalty.__table__,
    "audit_log": AuditLog.__table__,
}
FORMATS = ("csv", "json")
DEFAULT_BATCH_SIZE = 5000

# progress(rows_written, total_or_None); called on the thread running the export.
Progress = Callable[[int, int | None], None]
# cancel() -> True once the user asked to stop; checked between batches.
Cancel = Callable[[], bool]


class ExportCancelled(Stopped):
    """The user cancelled; nothing was left behind when writing to a file."""


@dataclass(frozen=True)
class ExportResult:
    rows: int
    format: str
    columns: tuple[str, ...]


def table_for(name: str) -> Table:
    table = EXPORT_TABLES.get((name or "").strip().lower())
    if table is None:
        raise ValidationError(
            {"table": f"no table {name!r}; choose one of: {', '.join(EXPORT_TABLES)}"}
        )
    return table


def table_statement(
    name: str, where: list[str] | None = None, filters: list[ColumnFilter] | None = None
) -> Select:
    """SELECT every column of a table, filtered by `--where` strings and/or parsed filters."""
    table = table_for(name)
    conditions = [*(filters or []), *parse_filters(table, where)]
    statement = select(*table.columns)
    for condition in conditions:
        statement = statement.where(condition.clause(table))
    return statement


def count_rows(session: Session, statement: Select) -> int:
    """How many rows `statement` will export (for a determinate progress bar)."""
    return session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


def export_statement(
    session: Session,
    statement: Executable,
    out: TextIO,
    fmt: str,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    total: int | None = None,
    bom: bool = False,
) -> ExportResult:
    """Stream the rows of `statement` (a Select, or a text() query already checked read-only by
    the caller) to `out` as CSV or JSON. Raises ExportCancelled when `cancel()` turns true.
    `bom` starts a CSV with the UTF-8 mark so that Excel shows accents right (the patron import
    accepts it)."""
    if fmt not in FORMATS:
        raise ValidationError({"format": f"format must be csv or json, not {fmt!r}"})
    dialect = session.get_bind().dialect.name
    scope = nullcontext() if isinstance(statement, Select) else read_only(session)
    with scope:
        return _stream(
            session, statement, out, fmt, dialect, batch_size, progress, cancel, total, bom
        )


def _stream(session, statement, out, fmt, dialect, batch_size, progress, cancel, total, bom):
    statement, formatters = prepare(statement, dialect, fmt)
    # yield_per: a server-side cursor on PostgreSQL (which also refuses stacked statements, as
    # a prepared statement), SQLite's lazy cursor; rows are buffered one batch at a time.
    result = session.execute(statement, execution_options={"yield_per": batch_size})
    columns = tuple(result.keys())
    if formatters is None:
        formatters = [generic] * len(columns)
    if bom and fmt == "csv":
        # Excel reads a CSV as the local code page unless it starts with this mark.
        out.write("\ufeff")
    writer = CsvWriter(out, columns) if fmt == "csv" else JsonWriter(out, columns)
    done = 0
    try:
        for batch in result.partitions(batch_size):
            if cancel is not None and cancel():
                raise ExportCancelled(f"export cancelled after {done:,} rows")
            writer.write_rows(batch, formatters)
            done += len(batch)
            if progress is not None:
                progress(done, total)
        if cancel is not None and cancel():
            raise ExportCancelled(f"export cancelled after {done:,} rows")
    finally:
        result.close()
    writer.finish()
    return ExportResult(done, fmt, columns)


def export_to_file(
    session: Session,
    statement: Executable,
    path: str | os.PathLike,
    fmt: str,
    **options,
) -> ExportResult:
    """`export_statement` into a file that appears only when complete: a cancelled or failed
    export leaves no half-written file (and does not clobber an older one)."""
    with atomic_text_file(Path(path)) as out:
        return export_statement(session, statement, out, fmt, **options)


def count_and_export(
    session: Session,
    statement: Executable,
    path: str | os.PathLike,
    fmt: str,
    *,
    progress: Progress,
    **options,
) -> ExportResult:
    """`export_to_file` with a determinate progress: a Select is counted first and `progress`
    hears (0, total) before the first row; a typed query is not counted (counting it could
    cost as much as running it), so its total stays None."""
    total = count_rows(session, statement) if isinstance(statement, Select) else None
    progress(0, total)
    return export_to_file(session, statement, path, fmt, total=total, progress=progress, **options)


def export_rows(
    columns,
    rows,
    out: TextIO,
    fmt: str,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    bom: bool = False,
) -> ExportResult:
    """Write rows already in memory (the SQL console's last result) the same way."""
    if fmt not in FORMATS:
        raise ValidationError({"format": f"format must be csv or json, not {fmt!r}"})
    columns = tuple(str(c) for c in columns)
    rows = list(rows)
    if bom and fmt == "csv":
        out.write("\ufeff")
    writer = CsvWriter(out, columns) if fmt == "csv" else JsonWriter(out, columns)
    formatters = [generic] * len(columns)
    done = 0
    for start in range(0, len(rows), batch_size):
        if cancel is not None and cancel():
            raise ExportCancelled(f"export cancelled after {done:,} rows")
        batch = rows[start : start + batch_size]
        writer.write_rows(batch, formatters)
        done += len(batch)
        if progress is not None:
            progress(done, len(rows))
    writer.finish()
    return ExportResult(done, fmt, columns)


@contextmanager
def read_only(session: Session) -> Iterator[None]:
    """Make the rest of the session's transaction unable to write: PostgreSQL's read-only
    transaction; SQLite's `query_only` on this connection, switched back off afterwards."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        yield
        return
    connection.exec_driver_sql("PRAGMA query_only = ON")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA query_only = OFF")


@contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError({"file": f"the folder {folder} does not exist"})
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
