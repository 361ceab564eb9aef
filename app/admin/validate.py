"""The rules a row must follow before the studio writes it: the same as the rest of the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.admin.catalogue import (
    BOOLEAN,
    DATETIME,
    ENUM,
    INTEGER,
    TEXT,
    UUID,
    TableInfo,
    sa_column,
    sa_table,
)
from app.admin.labels import labels_for
from app.checkin.validation import clean_email, clean_name, clean_phone
from app.events.validation import control_message, has_control
from db.search_index import contact_key

_NAMES = {("users", "firstName"): "First name", ("users", "lastName"): "Last name"}


def check_row(info: TableInfo, values: dict[str, object]) -> tuple[dict, dict[str, str]]:
    """(cleaned values, {column: message}) for one row with all its columns filled in."""
    cleaned, errors = dict(values), {}
    for column in info.columns:
        if not column.editable and not (column.primary_key and column.kind == TEXT):
            continue
        name, value = column.name, values.get(column.name)
        try:
            cleaned[name] = _check_value(info.name, column, value)
        except ValueError as error:
            errors[name] = str(error)
    if info.name == "patron_contacts" and not errors.keys() & {"kind", "value"}:
        _check_contact(cleaned, errors)
    if info.name == "events" and not errors.keys() & {"startTime", "endTime"}:
        start, end = cleaned.get("startTime"), cleaned.get("endTime")
        if isinstance(start, datetime) and isinstance(end, datetime) and end <= start:
            errors["endTime"] = "The end time must be after the start time."
    return cleaned, errors


def _check_contact(cleaned: dict, errors: dict) -> None:
    """A secondary email or phone follows the rules of a patron's own (the import's and the
    walk-in's), and its searchKey follows its value, so the door finds the patron by it."""
    kind = cleaned.get("kind")
    try:
        value = clean_email(cleaned["value"]) if kind == "email" else clean_phone(cleaned["value"])
    except ValueError as error:
        errors["value"] = str(error)
        return
    if not value:
        errors["value"] = "This value is required."
        return
    cleaned["value"] = value
    cleaned["searchKey"] = contact_key(kind, value)


def _check_value(table: str, column, value):
    if isinstance(value, str) and column.kind != TEXT:
        value = value.strip() or None
    if value is None or (isinstance(value, str) and not value.strip() and column.nullable):
        if table == "users" and column.name == "phone":
            return None
        if not column.nullable:
            raise ValueError("This value is required.")
        return None
    if (table, column.name) in _NAMES:
        return clean_name(value, _NAMES[(table, column.name)])
    if table == "users" and column.name == "email":
        return clean_email(value)
    if table == "users" and column.name == "phone":
        return clean_phone(value)
    if column.kind == ENUM and value not in column.choices:
        raise ValueError("Choose one of: " + ", ".join(column.choices) + ".")
    if column.kind == INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("Enter a whole number.")
        if column.name == "capacity" and value < 0:
            raise ValueError("Capacity cannot be negative.")
        return value
    if column.kind == BOOLEAN and not isinstance(value, bool):
        raise ValueError("Choose yes or no.")
    if column.kind == DATETIME and (not isinstance(value, datetime) or value.tzinfo is None):
        raise ValueError("Enter a date and time.")
    if column.kind == TEXT:
        if not isinstance(value, str):
            raise ValueError("Enter text.")
        if not column.nullable and not value.strip():
            raise ValueError("This value is required.")
        # Refused, not stripped: PostgreSQL rejects NUL with a database error and SQLite would
        # store it; a description may span lines, a name or a location may not.
        if has_control(value, multiline=column.name == "description"):
            raise ValueError(control_message("value"))
    return value


def check_references(session: Session, info: TableInfo, values: dict) -> dict[str, str]:
    """Foreign keys must point at rows that exist."""
    errors = {}
    for column in info.columns:
        value = values.get(column.name)
        if column.references and column.kind == UUID and value is not None:
            target = sa_column(column.references, "id")
            if session.scalar(select(func.count()).where(target == value)) != 1:
                errors[column.name] = f"No such row in {column.references}."
    return errors


def email_owner(session: Session, email: str, except_id) -> str | None:
    """Who else has this email (their name), or None. Case-insensitive: an old row stored
    before normalisation still counts."""
    users = sa_table("users")
    query = select(users.c.firstName, users.c.lastName).where(
        func.lower(users.c.email) == email.lower()
    )
    if except_id is not None:
        query = query.where(users.c.id != except_id)
    row = session.execute(query.limit(1)).first()
    return None if row is None else f"{row[0]} {row[1]}"


def duplicate_email_message(owner: str) -> str:
    return f"{owner} already has this email."


def attendance_duplicate(session: Session, values: dict, except_id) -> str | None:
    """The message naming the attendance row that (eventId, patronId) would duplicate, or None:
    a person is on an event's list once."""
    event_id, patron_id = values.get("eventId"), values.get("patronId")
    if event_id is None or patron_id is None:
        return None
    attendance = sa_table("attendance")
    query = select(attendance.c.id).where(
        attendance.c.eventId == event_id, attendance.c.patronId == patron_id
    )
    if except_id is not None:
        query = query.where(attendance.c.id != except_id)
    existing = session.scalar(query.limit(1))
    if existing is None:
        return None
    person = labels_for(session, "users", {patron_id}).get(patron_id, str(patron_id))
    event = labels_for(session, "events", {event_id}).get(event_id, str(event_id))
    return f"{person} is already on the list of {event} (attendance row {str(existing)[:8]})."
