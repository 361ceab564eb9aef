"""The import's look-ups beyond the email: people without one, and secondary contacts.

A person without an email of their own is stored with a placeholder address, so re-importing
the file cannot find them by email. They are matched by name (as stored: trimmed, NFC) among
the patrons who have a placeholder this app made, narrowed by phone digits when the row has a phone; when
two or more remain, the first is taken and the row says so (a person should look). Contacts
are only ever added: one already on file (same patron, kind and value) is left alone.
"""

from __future__ import annotations

import operator
import secrets
import uuid
from collections import defaultdict

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from app.no_email import PLACEHOLDER_PREFIX
from app.transfer.patron_rows import Contact, PatronRow
from db.models import PatronContact, User
from db.search_fold import phone_digits
from db.search_index import contact_key

_CHUNK = 500
_users = User.__table__
_contacts = PatronContact.__table__


def existing_without_email(session: Session, rows: list[PatronRow]) -> dict[int, tuple]:
    """row line -> ((id, first, last, phone) of the matched patron, warning or None)."""
    if not rows:
        return {}
    candidates: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    last_names = sorted({row.last_name for row in rows})
    columns = (_users.c.id, _users.c.firstName, _users.c.lastName, _users.c.phone, _users.c.email)
    for start in range(0, len(last_names), _CHUNK):
        chunk = last_names[start : start + _CHUNK]
        # The placeholders this app makes are one range of the email index.
        statement = (
            select(*columns)
            .where(
                _users.c.email >= PLACEHOLDER_PREFIX,
                _users.c.email < PLACEHOLDER_PREFIX[:-1] + chr(ord(PLACEHOLDER_PREFIX[-1]) + 1),
                _users.c.lastName.in_(chunk),
            )
            .order_by(_users.c.createdAt, _users.c.id)
        )
        for user_id, first, last, phone, _email in session.execute(statement):
            candidates[(first.casefold(), last.casefold())].append((user_id, first, last, phone))
    found: dict[int, tuple] = {}
    for row in rows:
        same_name = candidates.get((row.first_name.casefold(), row.last_name.casefold()), [])
        if row.phone and same_name:
            digits = phone_digits(row.phone)
            same_phone = [c for c in same_name if phone_digits(c[3]) == digits]
            same_name = same_phone or [c for c in same_name if not c[3]]
        if not same_name:
            continue
        warning = None
        if len(same_name) > 1:
            warning = (
                f"{len(same_name)} patrons without an email are named {row.first_name} "
                f"{row.last_name}; this row was matched to the first of them"
            )
        found[row.line] = (same_name[0], warning)
    return found


def missing_contacts(session: Session, wanted: list[tuple[object, Contact]]) -> list[tuple]:
    """`wanted` without the contacts existing patrons already have (and without repeats)."""
    existing_ids = sorted({owner for owner, _ in wanted if isinstance(owner, uuid.UUID)})
    on_file: set[tuple] = set()
    c = _contacts.c
    for start in range(0, len(existing_ids), _CHUNK):
        chunk = existing_ids[start : start + _CHUNK]
        statement = select(c.patronId, c.kind, c.value).where(c.patronId.in_(chunk))
        on_file.update(tuple(r) for r in session.execute(statement))
    if existing_ids:  # a patron's own email or phone is not a secondary contact of theirs
        for start in range(0, len(existing_ids), _CHUNK):
            chunk = existing_ids[start : start + _CHUNK]
            statement = select(_users.c.id, _users.c.email, _users.c.phone).where(
                _users.c.id.in_(chunk)
            )
            for user_id, email, phone in session.execute(statement):
                on_file.add((user_id, "email", email))
                on_file.add((user_id, "phone", phone))
    result = []
    for owner, contact in wanted:
        key = (owner, contact.kind, contact.value)
        if key not in on_file:
            on_file.add(key)
            result.append((owner, contact))
    return result


_CONTACT_COLUMNS = 'id, "patronId", kind, label, value, "searchKey", "createdAt"'


def write_contacts(connection: Connection, contacts, id_of_new: dict[int, uuid.UUID], now) -> None:
    """Insert the plan's contacts (a new patron's index is turned into its id) through the
    driver, as the users are (docs/design/transfer.md): executemany of tuples converted once on
    SQLite, one COPY on PostgreSQL. Measured for 200,000 contacts: SQLAlchemy's per-row
    parameter handling cost more than the database's work."""
    if not contacts:
        return
    dialect = connection.dialect
    to_id = _contacts.c.id.type.dialect_impl(dialect).bind_processor(dialect) or _same
    stamp = _contacts.c.createdAt.type.dialect_impl(dialect).bind_processor(dialect)
    created = stamp(now) if stamp else now
    owners = [id_of_new[owner] if isinstance(owner, int) else owner for owner, _ in contacts]
    # In owner order with ascending ids of their own: the primary key and the (patronId, kind,
    # value) index then grow at one end instead of at random pages (file order spread the
    # writes of 200,000 contacts over both indexes: half the import's time on SQLite).
    order = sorted(range(len(contacts)), key=lambda i: owners[i].int)
    ids = ascending_ids(len(contacts))
    rows = []
    for i, contact_id in zip(order, ids, strict=True):
        contact = contacts[i][1]
        rows.append(
            (
                to_id(contact_id),
                to_id(owners[i]),
                contact.kind,
                contact.label,
                contact.value,
                contact_key(contact.kind, contact.value),
                created,
            )
        )
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY patron_contacts ({_CONTACT_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    driver.executemany(
        f"INSERT INTO patron_contacts ({_CONTACT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
    )


def ascending_ids(count: int) -> list[uuid.UUID]:
    """`count` random version-4 UUIDs in ascending order that share their first 32 bits (drawn
    at random for each call; 90 random bits remain in each)."""
    prefix = secrets.randbits(32) << 96
    ids = [uuid.UUID(int=prefix | secrets.randbits(96), version=4) for _ in range(count)]
    # By their integers: UUID's own comparison is Python code (most of a second for 100,000).
    ids.sort(key=_uuid_int)
    return ids


_uuid_int = operator.attrgetter("int")


def _same(value):
    return value
