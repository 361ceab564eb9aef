"""Readable labels for foreign keys (one query per referenced table per page), and the search
behind the picker that sets one."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.admin.catalogue import TableInfo
from app.events.localtime import to_local
from app.no_email import NO_EMAIL, is_placeholder_email
from app.search import MIN_QUERY_LENGTH, search_patrons
from db.models import Event, User


def user_label(first_name: str, last_name: str, email: str) -> str:
    # members (issue 15): a placeholder address is shown as "no email"
    if is_placeholder_email(email):
        return f"{first_name} {last_name} ({NO_EMAIL})"
    return f"{first_name} {last_name} <{email}>"


def event_label(
    name: str, start: datetime | None, *, tz: tzinfo | None = None, today: date | None = None
) -> str:
    """An event's name with its local date: a weekly series has many events of one name, and a
    message must say which one ("Youth Night (8 Dec)", the year when it is not this one)."""
    if start is None:
        return str(name)
    local = to_local(start, tz)
    today = today or datetime.now(local.tzinfo).date()
    day = f"{local.day} {local:%b}" + ("" if local.year == today.year else f" {local.year}")
    return f"{name} ({day})"


def labels_for(session: Session, table: str, ids: set) -> dict[object, str]:
    """Labels of the given rows of `table` (users or events), keyed by id."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    if table == "users":
        query = select(User.id, User.first_name, User.last_name, User.email).where(User.id.in_(ids))
        return {row[0]: user_label(row[1], row[2], row[3]) for row in session.execute(query)}
    if table == "events":
        query = select(Event.id, Event.name, Event.start_time).where(Event.id.in_(ids))
        return {row[0]: event_label(row[1], row[2]) for row in session.execute(query)}
    return {}


def fk_labels(session: Session, info: TableInfo, rows: list[tuple]) -> dict[str, dict]:
    """{column name: {id: label}} for every foreign-key column of the rows."""
    wanted: dict[str, set] = {}
    for index, column in enumerate(info.columns):
        if column.references:
            wanted.setdefault(column.references, set()).update(row[index] for row in rows)
    by_table = {table: labels_for(session, table, ids) for table, ids in wanted.items()}
    return {c.name: by_table[c.references] for c in info.columns if c.references}


def row_label(info: TableInfo, row: tuple) -> str:
    """How a row is named in messages: a person's name, an event's name, or its key."""
    values = dict(zip(info.column_names, row, strict=True))
    if info.name == "users":
        return f"{values['firstName']} {values['lastName']}"
    if info.name == "events":
        return event_label(values["name"], values["startTime"])
    if info.name == "settings":
        return f"setting {values['key']}"
    return f"{info.title.lower()} row {str(values[info.primary_key])[:8]}"


# The picker shows this many matches; typing more narrows them.
PICKER_LIMIT = 20


def find_references(session: Session, table: str, text: str) -> list[tuple[object, str]]:
    """At most 20 (id, label) rows of users or events matching what was typed: people as the
    kiosk finds them (name, email, phone), events by a part of their name, newest first."""
    text = text.strip()
    if len(text) < MIN_QUERY_LENGTH:
        return []
    if table == "users":
        matches = search_patrons(session, text, limit=PICKER_LIMIT, reveal=True)
        return [(m.id, user_label(m.first_name, m.last_name, m.email or "")) for m in matches]
    query = (
        select(Event.id, Event.name, Event.start_time)
        .where(Event.name.icontains(text, autoescape=True))
        .order_by(Event.start_time.desc())
        .limit(PICKER_LIMIT)
    )
    # a weekly series shares one name: the date tells its events apart
    return [(row[0], event_label(row[1], row[2])) for row in session.execute(query)]
