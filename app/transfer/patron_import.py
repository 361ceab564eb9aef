"""Importing patrons from a member list: a dry run (`plan_import`) and the apply.

Policy (decided for issue 5's "a bad row never writes half a file"): the dry run reports new,
updated, unchanged and rejected rows and writes nothing. Apply re-checks everything inside ONE
transaction and writes only the valid rows, all together or not at all; rejected rows are skipped
and listed. With `strict=True` any rejected row refuses the whole file. A database error at any
point rolls the whole import back, since the caller's unit of work owns the transaction.

Rows are matched to existing patrons by email, any case (emails are stored lower-cased); people
without an email of their own by name and phone among the patrons who have none, or by name
alone with a warning when two match (app.transfer.patron_match). Writes are batched
(executemany; COPY for new rows on PostgreSQL), never one ORM object per row. An empty phone
cell keeps the phone already on file. New patrons without an email get a placeholder address
(app.no_email); secondary contacts are added, never removed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice

from sqlalchemy import (
    Column,
    Connection,
    MetaData,
    Table,
    Text,
    any_,
    bindparam,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from app import audit
from app.errors import ValidationError
from app.no_email import new_placeholder_email
from app.transfer.patron_file import PatronFile
from app.transfer.patron_match import (
    ascending_ids,
    existing_without_email,
    missing_contacts,
    write_contacts,
)
from app.transfer.patron_rows import (
    PatronRow,
    Rejection,
    RowWarning,
    check_rows,
)
from db.gc_pause import gc_paused
from db.models import User
from db.search_index import (
    NewPatronKeys,
    add_new_patron_keys,
    bulk_new_patrons,
    refresh_search_index,
)
from db.types import utcnow

LOOKUP_CHUNK = 500  # emails per IN (...) lookup; well under SQLite's parameter limit
# Emails per = ANY(array) lookup: at 5,000 the planner expects so many rows that it scans all
# of users with parallel workers (0.4-1.1 s for 100,000 emails at 1M patrons); at 1,000 it
# probes the email index (0.3 s).
LOOKUP_CHUNK_POSTGRES = 1000
WRITE_BATCH = 1000
AUDIT_ACTION = "import_patrons"

# progress(rows_written, rows_to_write); called on the thread running the import.
Progress = Callable[[int, int], None]

_users = User.__table__


@dataclass(frozen=True)
class ImportPlan:
    """What applying the file would do now. Writes nothing."""

    source: str
    new: tuple[PatronRow, ...]
    updated: tuple[tuple[uuid.UUID, PatronRow], ...]
    unchanged: int
    rejected: tuple[Rejection, ...]
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[RowWarning, ...] = ()
    # (existing patron's id, or the index in `new` of a new patron; Contact) to add
    contacts: tuple = ()
    layout: str = "a member list"
    households: int = 0

    @property
    def needs_name(self) -> tuple[Rejection, ...]:
        """Rows refused only for a missing first or last name (listed apart)."""
        return tuple(r for r in self.rejected if r.needs_name)

    @property
    def refused(self) -> tuple[Rejection, ...]:
        return tuple(r for r in self.rejected if not r.needs_name)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "needs_name": len(self.needs_name),
            "no_email": sum(1 for row in self.new if row.email is None),
            "households": self.households,
            "contacts": len(self.contacts),
            "warnings": len(self.warnings),
        }

    def summary(self) -> str:
        c = self.counts
        text = (
            f"{c['new']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged, "
            f"{c['rejected']:,} rejected"
        )
        if c["needs_name"]:
            text += f" ({c['needs_name']:,} need a first/last name)"
        extras = [
            f"{c['no_email']:,} new without an email of their own" if c["no_email"] else "",
            f"{c['contacts']:,} secondary contacts to add" if c["contacts"] else "",
            f"{c['warnings']:,} warnings" if c["warnings"] else "",
        ]
        extras = [e for e in extras if e]
        return text + ("; " + ", ".join(extras) if extras else "")


@dataclass(frozen=True)
class ImportResult:
    plan: ImportPlan
    inserted: int
    updated: int
    audit_id: uuid.UUID | None


def plan_import(session: Session, file: PatronFile) -> ImportPlan:
    """The dry run: compare the file with the database. Reads only."""
    checked = check_rows(file)
    valid = checked.valid
    warnings = list(checked.warnings)
    existing = _existing_by_email(session, [row.email for row in valid if row.email])
    by_name = existing_without_email(session, [row for row in valid if row.email is None])
    new, updated, unchanged, contacts = [], [], 0, []
    for row in valid:
        if row.email is not None:
            current = existing.get(row.email)
        else:
            current, warning = by_name.get(row.line, (None, None))
            if warning:
                warnings.append(RowWarning(row.line, warning, f"{row.first_name} {row.last_name}"))
        if current is None:
            contacts.extend((len(new), contact) for contact in row.contacts)
            new.append(row)
            continue
        user_id, first, last, phone = current
        contacts.extend((user_id, contact) for contact in row.contacts)
        wanted_phone = row.phone if row.phone is not None else phone
        if (first, last, phone) == (row.first_name, row.last_name, wanted_phone):
            unchanged += 1
        else:
            updated.append((user_id, row))
    contacts = missing_contacts(session, contacts)
    warnings.sort(key=lambda w: w.line)
    return ImportPlan(
        file.name,
        tuple(new),
        tuple(updated),
        unchanged,
        tuple(checked.rejected),
        file.notes,
        tuple(warnings),
        tuple(contacts),
        file.layout,
        checked.households,
    )


def apply_import(
    session: Session,
    file: PatronFile,
    *,
    station: str,
    method: str = "cli",
    strict: bool = False,
    progress: Progress | None = None,
    batch_size: int = WRITE_BATCH,
) -> ImportResult:
    """Plan again inside the caller's transaction and write the valid rows plus one audit row.
    Never commits: the caller's unit of work makes it one transaction."""
    with gc_paused():
        return _apply(session, file, station, method, strict, progress, batch_size)


def _apply(session, file, station, method, strict, progress, batch_size) -> ImportResult:
    plan = plan_import(session, file)
    if strict and plan.rejected:
        raise ValidationError(
            {
                "file": f"{len(plan.rejected):,} rows are rejected and strict mode is on; "
                "nothing was imported"
            }
        )
    total = len(plan.new) + len(plan.updated)
    now = utcnow()
    connection = session.connection()
    writer = _RawWriter(connection, now)
    # New patrons without an email of their own get a placeholder address (app.no_email).
    emails = [row.email or new_placeholder_email() for row in plan.new]
    # Rows in email order with ids handed out in ascending order: every index of users (and the
    # search keys' patronId index) then grows in one run instead of at random places.
    order = sorted(range(len(plan.new)), key=emails.__getitem__)
    new_rows = [
        plan.new[i] if plan.new[i].email else replace(plan.new[i], email=emails[i]) for i in order
    ]
    new_ids = new_patron_ids(len(new_rows))
    id_of_new = dict(zip(order, new_ids, strict=True))
    done = 0

    def step(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    # Core writes bypass the search index's ORM hook: the keys of new patrons are written here
    # from the values just inserted, in the same transaction, so they are searchable as it
    # commits (updated patrons are marked stale by the users triggers; see the refresh below).
    # `bulk_new_patrons` keeps the insert trigger from marking the new ones (SQLite: set aside;
    # PostgreSQL: a transaction-local setting the trigger honours) and ends before the updates.
    patrons = [
        (user_id, row.first_name, row.last_name, row.email, row.phone)
        for row, user_id in zip(new_rows, new_ids, strict=True)
    ]
    with bulk_new_patrons(connection):
        keys = writer.insert(
            new_rows,
            new_ids,
            batch_size,
            step,
            meanwhile=lambda: NewPatronKeys(connection.dialect.name, patrons),
        )
        add_new_patron_keys(connection, keys)
        # Inside: on SQLite the large page cache is still on (with the default 2 MB, the three
        # indexes of 200,000 contacts took more time than everything else in the import).
        write_contacts(connection, plan.contacts, id_of_new, now)
    updates = sorted(plan.updated, key=lambda pair: pair[0])  # by id: primary-key order
    for start in range(0, len(updates), batch_size):
        batch = updates[start : start + batch_size]
        writer.update(batch)
        step(len(batch))
    detail = {"file": file.name, **plan.counts, "encoding": file.encoding}
    entry_id = audit.write(
        session,
        station=station,
        method=method,
        action=AUDIT_ACTION,
        outcome="applied",
        detail=detail,
        now=now,
    )
    refresh_search_index(session)
    return ImportResult(plan, len(plan.new), len(plan.updated), entry_id)


def new_patron_ids(count: int) -> list[uuid.UUID]:
    """`count` random version-4 UUIDs in ascending order that share their first 32 bits.

    The shared prefix is drawn at random for each import; the other 90 random bits make each
    id (and pass code) as unguessable as ever for practical purposes. Sharing it puts the new
    patrons side by side in every index keyed by id (users' primary key, the search keys'
    patronId index), so 100,000 of them fill a few thousand new pages instead of touching
    most pages of million-entry indexes: measured at 1M patrons, SQLite writes their keys
    ~2x faster and commits a much smaller write-ahead log."""
    return ascending_ids(count)


def _same(value):
    return value


_USER_COLUMNS = 'id, email, "firstName", "lastName", phone, "createdAt", "updatedAt"'
_COPY_USERS = f"COPY users ({_USER_COLUMNS}) FROM STDIN"
_INSERT_USERS = f"INSERT INTO users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"


class _RawWriter:
    """Batched INSERT/UPDATE of users with values converted once, not per row and column.

    New rows go straight to the driver: executemany of tuples on SQLite, one COPY on
    PostgreSQL (psycopg's executemany sends one INSERT per row, several times slower). Values
    are first converted with the real column types' own bind processors (UUID as hex and UTC
    text on SQLite, native on PostgreSQL). Updates target a twin of `users` whose columns have
    no types, so SQLAlchemy passes the converted values as they are.
    """

    def __init__(self, connection: Connection, now):
        self._connection = connection
        dialect = connection.dialect
        self._uuid = _users.c.id.type.dialect_impl(dialect).bind_processor(dialect) or _same
        stamp = _users.c.updatedAt.type.dialect_impl(dialect).bind_processor(dialect)
        self._now = stamp(now) if stamp else now
        twin = Table("users", MetaData(), *(Column(c.name, NullType()) for c in _users.columns))
        update_ = update(twin).where(twin.c.id == bindparam("b_id"))
        self._update_phone = update_.values(
            firstName=bindparam("b_first"),
            lastName=bindparam("b_last"),
            phone=bindparam("b_phone"),
            updatedAt=bindparam("b_now"),
        )
        self._update_keep_phone = update_.values(
            firstName=bindparam("b_first"),
            lastName=bindparam("b_last"),
            updatedAt=bindparam("b_now"),
        )

    def insert(self, rows, ids, batch_size: int, step: Callable[[int], None], meanwhile):
        """Insert `rows` with `ids`, calling `step(n)` after every `batch_size` rows; returns
        `meanwhile()`, which PostgreSQL's server overlaps with taking the rows (so it must not
        use the connection)."""
        if not rows:
            return meanwhile()
        now, to_id = self._now, self._uuid
        values = (
            (to_id(user_id), row.email, row.first_name, row.last_name, row.phone, now, now)
            for row, user_id in zip(rows, ids, strict=True)
        )
        driver = self._connection.connection.driver_connection
        if self._connection.dialect.name == "postgresql":
            from psycopg.copy import QueuedLibpqWriter  # here: SQLite users never load psycopg

            # One COPY on the session's own connection (same transaction): the users insert
            # trigger then runs once, not once per batch. A queued writer sends the data from
            # its own thread, so `meanwhile` runs here while the server inserts (measured
            # 1-1.4 s saved at 100,000 patrons: the server and Python each have a core).
            with (
                driver.cursor() as cursor,
                cursor.copy(_COPY_USERS, writer=QueuedLibpqWriter(cursor)) as copy,
            ):
                for start in range(0, len(rows), batch_size):
                    for value in islice(values, batch_size):
                        copy.write_row(value)
                    step(min(batch_size, len(rows) - start))
                return meanwhile()
        for start in range(0, len(rows), batch_size):
            driver.executemany(_INSERT_USERS, list(islice(values, batch_size)))
            step(min(batch_size, len(rows) - start))
        return meanwhile()

    def update(self, pairs) -> None:
        with_phone, keep_phone = [], []
        for user_id, row in pairs:
            values = {
                "b_id": self._uuid(user_id),
                "b_first": row.first_name,
                "b_last": row.last_name,
                "b_now": self._now,
            }
            if row.phone:
                values["b_phone"] = row.phone
                with_phone.append(values)
            else:
                keep_phone.append(values)
        if with_phone:
            self._connection.execute(self._update_phone, with_phone)
        if keep_phone:
            self._connection.execute(self._update_keep_phone, keep_phone)


def _existing_by_email(session: Session, emails: list[str]) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    # In index order: each chunk then reads a few neighbouring pages of the email index (and
    # PostgreSQL's planner, which scans the whole table for 5,000 unsorted values, measured 4x
    # faster with sorted ones).
    emails = sorted(emails)
    columns = (_users.c.email, _users.c.id, _users.c.firstName, _users.c.lastName, _users.c.phone)
    postgres = session.get_bind().dialect.name == "postgresql"
    size = LOOKUP_CHUNK_POSTGRES if postgres else LOOKUP_CHUNK
    for start in range(0, len(emails), size):
        chunk = emails[start : start + size]
        if postgres:  # one array parameter instead of thousands of scalar ones
            matches = _users.c.email == any_(literal(chunk, ARRAY(Text)))
        else:
            matches = _users.c.email.in_(chunk)
        for email, *rest in session.execute(select(*columns).where(matches)):
            found[email] = tuple(rest)
    return found
