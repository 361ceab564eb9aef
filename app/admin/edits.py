"""Applying what the admin staged: one short transaction, validated, keyed by primary key,
one row per statement or nothing at all, every change written to the audit log."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.admin.catalogue import HIDDEN_TEXT, TableInfo, is_secret_setting, sa_column, sa_table
from app.admin.catalogue import table_info as _info
from app.admin.validate import (
    attendance_duplicate,
    check_references,
    check_row,
    duplicate_email_message,
    email_owner,
)
from app.errors import ValidationError
from db.types import utcnow

AUDIT_METHOD = "admin"


@dataclass(frozen=True)
class RowEdit:
    """New values for some columns of one row, found by its primary key."""

    table: str
    key: object
    changes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ApplyResult:
    rows_changed: int
    message: str
    keys: tuple = ()


class EditsRejected(ValidationError):
    """Some staged values are not acceptable; nothing was written.

    `cells` maps (primary key, column name) to a message; `rows` maps a key to a row-level one.
    """

    def __init__(self, cells: dict[tuple, str], rows: dict | None = None):
        self.cells = dict(cells)
        self.rows = dict(rows or {})
        flat = {f"{key}:{column}": msg for (key, column), msg in self.cells.items()}
        flat.update({str(key): msg for key, msg in self.rows.items()})
        super().__init__(flat)


class RowCountMismatch(RuntimeError):
    """A statement keyed by primary key touched 0 or 2+ rows: rolled back."""


def _read_row(session: Session, info: TableInfo, key) -> dict | None:
    table = sa_table(info.name)
    row = session.execute(select(table).where(sa_column(info.name, info.primary_key) == key))
    found = row.first()
    return None if found is None else dict(zip(info.column_names, found, strict=True))


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _links(info: TableInfo, values: dict) -> dict:
    """Event and patron ids an audit row may point at (they must still exist)."""
    links = {}
    if info.name == "events":
        links["event_id"] = values.get("id")
    if info.name == "users":
        links["patron_id"] = values.get("id")
    if "eventId" in values:
        links["event_id"] = values["eventId"]
    if "patronId" in values:
        links["patron_id"] = values["patronId"]
    return links


def _expect_one(result, what: str) -> None:
    if result.rowcount != 1:
        raise RowCountMismatch(f"{what} touched {result.rowcount} rows instead of 1; undone.")


def apply_edits(session: Session, edits: list[RowEdit], *, station: str) -> ApplyResult:
    """Validate every staged edit, then UPDATE each row by primary key, all or nothing."""
    if not edits:
        return ApplyResult(0, "Nothing to apply.")
    cells, rows, plans = {}, {}, []
    emails: dict[str, object] = {}
    for edit in edits:
        info = _info(edit.table)
        current = _read_row(session, info, edit.key)
        if current is None:
            rows[edit.key] = "This row no longer exists (someone deleted it)."
            continue
        problems = _refusals(info, current, edit.changes)
        merged = {**current, **edit.changes}
        cleaned, errors = check_row(info, merged)
        if "endTime" in errors and "endTime" not in edit.changes and "startTime" in edit.changes:
            errors["startTime"] = errors.pop("endTime")
        errors = {c: m for c, m in errors.items() if c in edit.changes} | problems
        errors |= {
            c: m for c, m in check_references(session, info, cleaned).items() if c in edit.changes
        }
        if info.name == "users" and "email" in edit.changes and "email" not in errors:
            email = cleaned["email"]
            owner = email_owner(session, email, edit.key)
            if owner is not None:
                errors["email"] = duplicate_email_message(owner)
            elif email in emails:
                errors["email"] = "Another row changed here has this email too."
            emails[email] = edit.key
        linked = {"eventId", "patronId"} & set(edit.changes)
        if info.name == "attendance" and linked and not linked & set(errors):
            duplicate = attendance_duplicate(session, cleaned, edit.key)
            if duplicate:
                errors |= dict.fromkeys(linked, duplicate)
        cells.update({(edit.key, column): message for column, message in errors.items()})
        changes = {c: cleaned[c] for c in edit.changes}
        if info.name == "patron_contacts" and {"kind", "value"} & set(changes):
            changes["searchKey"] = cleaned["searchKey"]  # the door's search follows the value
        plans.append((info, edit.key, current, changes))
    if cells or rows:
        raise EditsRejected(cells, rows)

    for info, key, current, changes in plans:
        values = {sa_column(info.name, c): v for c, v in changes.items()}
        if "updatedAt" in info.column_names:
            values[sa_column(info.name, "updatedAt")] = utcnow()
        statement = (
            update(sa_table(info.name))
            .where(sa_column(info.name, info.primary_key) == key)
            .values(values)
        )
        _execute_one(session, statement, info, key, changes, "update")
        detail = {
            "table": info.name,
            "key": str(key),
            "changes": {c: [_short(current[c]), _short(v)] for c, v in changes.items()},
        }
        audit.write(
            session,
            station=station,
            method=AUDIT_METHOD,
            action="admin_update",
            outcome="applied",
            detail=detail,
            **_links(info, {**current, **changes}),
        )
    count = len(plans)
    return ApplyResult(count, f"Saved changes to {count} row{'s' if count != 1 else ''}.")


def _refusals(info: TableInfo, current: dict, changes: dict) -> dict[str, str]:
    errors = {}
    if info.read_only:
        return {c: f"The {info.title.lower()} cannot be edited." for c in changes}
    for column in changes:
        if column not in info.column_names:
            errors[column] = "No such column."
        elif not info.column(column).editable:
            errors[column] = "This column is filled in by the database."
    if info.name == "settings" and is_secret_setting(str(current.get("key", ""))):
        errors["value"] = "This setting is a secret and is changed elsewhere."
    if info.name == "settings" and changes.get("value") == HIDDEN_TEXT:
        errors["value"] = "This value cannot be used."
    return errors


def _execute_one(session, statement, info, key, changes, what) -> None:
    try:
        with session.begin_nested():
            result = session.execute(statement)
            if what != "insert":  # an INSERT of one VALUES row cannot touch another row
                _expect_one(result, f"The {what} of {info.name} {key}")
    except IntegrityError:
        columns = list(changes) or [info.primary_key]
        raise EditsRejected(
            {(key, c): "This would duplicate or break a link to another row." for c in columns}
        ) from None


def insert_row(session: Session, table: str, values: dict, *, station: str) -> ApplyResult:
    """Add one row through the same validation; returns its key in `keys`."""
    info = _info(table)
    if info.read_only:
        raise ValidationError({"table": f"The {info.title.lower()} cannot be edited."})
    row = {c.name: values.get(c.name) for c in info.columns}
    if info.primary_key == "id":
        row["id"] = uuid.uuid4()
    for column in ("createdAt", "updatedAt", "issuedAt"):
        if column in row and row[column] is None:
            row[column] = utcnow()
    if table == "loyalty" and row.get("points") is None:
        row["points"] = 0
    if table == "attendance" and row.get("attended") is None:
        row["attended"] = False
    cleaned, errors = check_row(info, row)
    errors |= check_references(session, info, cleaned)
    if table == "users" and "email" not in errors:
        owner = email_owner(session, cleaned["email"], None)
        if owner is not None:
            errors["email"] = duplicate_email_message(owner)
    if table == "attendance" and not {"eventId", "patronId"} & set(errors):
        duplicate = attendance_duplicate(session, cleaned, None)
        if duplicate:
            errors["patronId"] = duplicate
    if table == "settings" and "key" not in errors:
        if is_secret_setting(str(cleaned.get("key", ""))):
            errors["key"] = "Secret settings are changed elsewhere."
        elif _read_row(session, info, cleaned["key"]) is not None:
            errors["key"] = f"The setting {cleaned['key']} already exists."
    key = cleaned[info.primary_key]
    if errors:
        raise EditsRejected({(key, c): m for c, m in errors.items()})
    statement = insert(sa_table(table)).values({sa_column(table, c): v for c, v in cleaned.items()})
    _execute_one(session, statement, info, key, cleaned, "insert")
    audit.write(
        session,
        station=station,
        method=AUDIT_METHOD,
        action="admin_insert",
        outcome="applied",
        detail={"table": table, "key": str(key)},
        **_links(info, cleaned),
    )
    return ApplyResult(1, f"Added a row to {info.title.lower()}.", (key,))


def duplicate_values(table: str, row: tuple) -> dict:
    """The values a "Duplicate row" form starts from: the row without its key and timestamps."""
    info = _info(table)
    values = dict(zip(info.column_names, copy.copy(row), strict=True))
    for column in info.columns:
        if column.primary_key and info.primary_key == "id":
            values[column.name] = None
        if column.name in ("createdAt", "updatedAt"):
            values[column.name] = None
    if table == "users":
        values["email"] = ""
    return values


def delete_rows(session: Session, table: str, keys: list, *, station: str):
    """Delete rows by primary key (each statement must delete exactly one row) after counting
    what the cascade takes with them; returns the CascadePreview that was carried out."""
    from app.admin.cascade import cascade_preview

    info = _info(table)
    if info.read_only:
        raise ValidationError({"table": f"The {info.title.lower()} cannot be edited."})
    preview = cascade_preview(session, table, keys)
    for key in keys:
        statement = delete(sa_table(table)).where(sa_column(table, info.primary_key) == key)
        _execute_one(session, statement, info, key, {}, "delete")
    audit.write(
        session,
        station=station,
        method=AUDIT_METHOD,
        action="admin_delete",
        outcome="applied",
        detail={
            "table": table,
            "keys": [str(k) for k in keys],
            "labels": list(preview.labels),
            "cascade": preview.counts,
        },
    )
    return preview
