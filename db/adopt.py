"""Adopting a database of the original CredoPass web service (TypeScript, Drizzle, PostgreSQL).

Such a database has the guide's four tables and their rows but no Alembic history, a plain
(non-unique) `idx_attendance_unique` and no CHECK constraints. `adopt` recognizes it, keeps every
row, merges duplicate (eventId, patronId) attendance rows, adds the CHECK constraints (NOT VALID
when old rows break them, so nothing is lost and new writes are still checked), stamps
`0001_initial` and upgrades to the newest revision, all in one transaction: when anything fails,
the database is left exactly as it was.

Merge rule for duplicate attendance (decided here, documented in the README): the row with the
earliest check-in is kept (rows without a check-in come last, then by id); it becomes
`attended` if any duplicate was, takes the earliest check-in and the latest check-out of the
group. The other rows are deleted.

Emails that differ only in case ('John@X.com' and 'john@x.com') are reported, never rewritten:
the web service may still be using this database, and only a person can tell which one is right.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from alembic import command
from sqlalchemy import Connection, Engine, inspect, text

from db.console_role import ensure_console_role
from db.guide_checks import GUIDE_CHECKS, CheckViolation, check_constraints, find_violations
from db.migrate import FOREIGN_TABLES, alembic_config

ADOPTED_REVISION = "0001_initial"  # the revision whose schema equals the guide's

# Column -> (information_schema data_type, nullable), exactly the guide's tables.
_TS = "timestamp with time zone"
GUIDE_SHAPE: dict[str, dict[str, tuple[str, bool]]] = {
    "users": {
        "id": ("uuid", False),
        "email": ("text", False),
        "firstName": ("text", False),
        "lastName": ("text", False),
        "phone": ("text", True),
        "createdAt": (_TS, False),
        "updatedAt": (_TS, False),
    },
    "events": {
        "id": ("uuid", False),
        "name": ("text", False),
        "description": ("text", True),
        "status": ("text", False),
        "startTime": (_TS, False),
        "endTime": (_TS, False),
        "location": ("text", False),
        "capacity": ("integer", True),
        "hostId": ("uuid", False),
        "createdAt": (_TS, False),
        "updatedAt": (_TS, False),
    },
    "attendance": {
        "id": ("uuid", False),
        "eventId": ("uuid", False),
        "patronId": ("uuid", False),
        "attended": ("boolean", False),
        "checkInTime": (_TS, True),
        "checkOutTime": (_TS, True),
    },
    "loyalty": {
        "id": ("uuid", False),
        "patronId": ("uuid", False),
        "description": ("text", False),
        "tier": ("text", True),
        "points": ("integer", True),
        "reward": ("text", True),
        "issuedAt": (_TS, False),
        "expiresAt": (_TS, True),
    },
}

# Tables another tool may have left beside the guide's; they are kept and never touched.
TOLERATED_TABLES = FOREIGN_TABLES | {"alembic_version"}

# (table, column) -> (referred table, the name 0001_initial gives the foreign key)
GUIDE_FOREIGN_KEYS = {
    ("events", "hostId"): ("users", "events_hostId_users_id_fk"),
    ("attendance", "eventId"): ("events", "attendance_eventId_events_id_fk"),
    ("attendance", "patronId"): ("users", "attendance_patronId_users_id_fk"),
    ("loyalty", "patronId"): ("users", "loyalty_patronId_users_id_fk"),
}

# index name -> (table, columns, unique)
GUIDE_INDEXES = {
    "idx_users_email": ("users", ("email",), False),
    "idx_users_createdAt": ("users", ("createdAt",), False),
    "idx_events_status": ("events", ("status",), False),
    "idx_events_hostId": ("events", ("hostId",), False),
    "idx_events_startTime": ("events", ("startTime",), False),
    "idx_attendance_eventId": ("attendance", ("eventId",), False),
    "idx_attendance_patronId": ("attendance", ("patronId",), False),
    "idx_attendance_attended": ("attendance", ("attended",), False),
    "idx_attendance_unique": ("attendance", ("eventId", "patronId"), True),
    "idx_loyalty_patronId": ("loyalty", ("patronId",), False),
    "idx_loyalty_tier": ("loyalty", ("tier",), False),
}

# (table, column) -> server default as 0001_initial creates it
GUIDE_DEFAULTS = {
    **{(t, "id"): "gen_random_uuid()" for t in GUIDE_SHAPE},
    ("users", "createdAt"): "now()",
    ("users", "updatedAt"): "now()",
    ("events", "createdAt"): "now()",
    ("events", "updatedAt"): "now()",
    ("attendance", "attended"): "false",
    ("loyalty", "points"): "0",
    ("loyalty", "issuedAt"): "now()",
}


class AdoptionRefused(Exception):
    """The database is not one this version can adopt; nothing was changed."""


@dataclass(frozen=True)
class MergedAttendance:
    event_id: uuid.UUID
    event_name: str
    patron_id: uuid.UUID
    patron_email: str
    kept_id: uuid.UUID
    removed_ids: tuple[uuid.UUID, ...]
    attended: bool
    check_in: datetime | None
    check_out: datetime | None

    def describe(self) -> str:
        check_in = self.check_in.isoformat() if self.check_in else "none"
        return (
            f"{len(self.removed_ids) + 1} rows for {self.patron_email} at "
            f"{self.event_name!r} -> kept {self.kept_id} (check-in {check_in}, "
            f"attended={self.attended}); removed {', '.join(map(str, self.removed_ids))}"
        )


@dataclass
class AdoptionReport:
    revision: str = ""
    merged: list[MergedAttendance] = field(default_factory=list)
    violations: list[CheckViolation] = field(default_factory=list)
    case_collisions: list[tuple[str, ...]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def recognize(connection: Connection) -> list[str]:
    """What keeps this database from being adopted (an empty list: it is the guide's schema)."""
    if connection.dialect.name != "postgresql":
        return [
            "adoption is for PostgreSQL databases of the CredoPass web service; this "
            f"{connection.dialect.name} database has tables but no CredoPass migration history"
        ]
    rows = connection.execute(
        text(
            "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        )
    ).all()
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    for table, column, data_type, nullable in rows:
        found.setdefault(table, {})[column] = (data_type, nullable == "YES")
    problems = [
        f"unknown table: {name}"
        for name in sorted(set(found) - set(GUIDE_SHAPE) - TOLERATED_TABLES)
    ]
    problems += [f"missing table: {name}" for name in GUIDE_SHAPE if name not in found]
    for table, expected in GUIDE_SHAPE.items():
        actual = found.get(table)
        if actual is None:
            continue
        problems += [f"unknown column: {table}.{c}" for c in actual if c not in expected]
        for column, (data_type, nullable) in expected.items():
            if column not in actual:
                problems.append(f"missing column: {table}.{column}")
                continue
            got_type, got_nullable = actual[column]
            if got_type != data_type:
                problems.append(f"{table}.{column} is {got_type}, expected {data_type}")
            if got_nullable != nullable:
                want = "NULL allowed" if nullable else "NOT NULL"
                problems.append(f"{table}.{column} should be {want}")
    if not problems:
        problems += _primary_key_problems(connection)
    return problems


def _primary_key_problems(connection: Connection) -> list[str]:
    inspector = inspect(connection)
    problems = []
    for table in GUIDE_SHAPE:
        pk = inspector.get_pk_constraint(table)
        if pk.get("constrained_columns") != ["id"]:
            problems.append(f"{table} has no primary key on id")
    return problems


def adopt(engine: Engine, revision: str = "head") -> AdoptionReport:
    """Bring an original CredoPass database under migrations, in one transaction."""
    report = AdoptionReport()
    with engine.begin() as connection:
        problems = recognize(connection)
        if problems:
            raise AdoptionRefused(
                "this database is not a CredoPass database this version can adopt; nothing was "
                "changed:\n" + "\n".join(f"  - {p}" for p in problems)
            )
        # Fail fast instead of queueing behind the web service forever; block its writes while
        # duplicates are merged and the unique index is built, so none slip in between.
        connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        connection.exec_driver_sql(
            "LOCK TABLE users, events, attendance, loyalty IN SHARE ROW EXCLUSIVE MODE"
        )
        report.merged = _merge_duplicate_attendance(connection)
        report.case_collisions = _case_collisions(connection)
        _note_mixed_case_emails(connection, report)
        _align_constraints(connection, report)
        _align_defaults(connection, report)
        _align_indexes(connection, report)
        report.violations = _add_checks(connection, report)
        config = alembic_config(connection=connection)
        command.stamp(config, ADOPTED_REVISION)
        command.upgrade(config, revision)
        ensure_console_role(connection)  # as migrate.upgrade does: the SQL console's role
        report.revision = connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version"
        ).scalar_one()
    return report


def _merge_duplicate_attendance(connection: Connection) -> list[MergedAttendance]:
    groups = connection.execute(
        text(
            'SELECT a."eventId", a."patronId", e.name, u.email FROM attendance a '
            'JOIN events e ON e.id = a."eventId" JOIN users u ON u.id = a."patronId" '
            'GROUP BY a."eventId", a."patronId", e.name, u.email HAVING count(*) > 1 '
            "ORDER BY e.name, u.email"
        )
    ).all()
    merged = []
    for event_id, patron_id, event_name, email in groups:
        rows = connection.execute(
            text(
                'SELECT id, attended, "checkInTime", "checkOutTime" FROM attendance '
                'WHERE "eventId" = :e AND "patronId" = :p '
                'ORDER BY "checkInTime" ASC NULLS LAST, id'
            ),
            {"e": event_id, "p": patron_id},
        ).all()
        kept, removed = rows[0], rows[1:]
        check_ins = [r.checkInTime for r in rows if r.checkInTime is not None]
        check_outs = [r.checkOutTime for r in rows if r.checkOutTime is not None]
        result = MergedAttendance(
            event_id=event_id,
            event_name=event_name,
            patron_id=patron_id,
            patron_email=email,
            kept_id=kept.id,
            removed_ids=tuple(r.id for r in removed),
            attended=any(r.attended for r in rows),
            check_in=min(check_ins, default=None),
            check_out=max(check_outs, default=None),
        )
        connection.execute(
            text("DELETE FROM attendance WHERE id = ANY(:ids)"),
            {"ids": list(result.removed_ids)},
        )
        connection.execute(
            text(
                'UPDATE attendance SET attended = :a, "checkInTime" = :i, "checkOutTime" = :o '
                "WHERE id = :id"
            ),
            {"a": result.attended, "i": result.check_in, "o": result.check_out, "id": kept.id},
        )
        merged.append(result)
    return merged


def _case_collisions(connection: Connection) -> list[tuple[str, ...]]:
    rows = connection.execute(
        text(
            "SELECT array_agg(email ORDER BY email) FROM users "
            "GROUP BY lower(btrim(email)) HAVING count(*) > 1 ORDER BY lower(btrim(email))"
        )
    ).scalars()
    return [tuple(emails) for emails in rows]


def _note_mixed_case_emails(connection: Connection, report: AdoptionReport) -> None:
    count = connection.execute(
        text("SELECT count(*) FROM users WHERE email <> lower(btrim(email))")
    ).scalar_one()
    if count:
        report.notes.append(
            f"{count} email(s) have capital letters or spaces; they were kept as they are. "
            "CredoPass stores new emails trimmed and lower-cased, so looking these people up by "
            "email may miss them until the emails are corrected."
        )


def _align_constraints(connection: Connection, report: AdoptionReport) -> None:
    """Give the primary keys, the email UNIQUE and the foreign keys the names and ON DELETE
    CASCADE that 0001_initial gives them, so later migrations can address them by name."""
    inspector = inspect(connection)
    for table in GUIDE_SHAPE:
        name = inspector.get_pk_constraint(table).get("name")
        if name != f"{table}_pkey":
            _rename_constraint(connection, report, table, name, f"{table}_pkey")

    uniques = inspector.get_unique_constraints("users")
    email_unique = next((u for u in uniques if u["column_names"] == ["email"]), None)
    if email_unique is None:
        duplicates = connection.execute(
            text("SELECT email FROM users GROUP BY email HAVING count(*) > 1")
        ).scalars()
        duplicates = list(duplicates)
        if duplicates:
            raise AdoptionRefused(
                "users.email has no UNIQUE constraint and these emails appear more than once; "
                "nothing was changed: " + ", ".join(duplicates)
            )
        connection.exec_driver_sql(
            'ALTER TABLE users ADD CONSTRAINT "users_email_unique" UNIQUE (email)'
        )
        report.changes.append("added UNIQUE users_email_unique on users.email")
    elif email_unique["name"] != "users_email_unique":
        _rename_constraint(connection, report, "users", email_unique["name"], "users_email_unique")

    for (table, column), (referred, wanted) in GUIDE_FOREIGN_KEYS.items():
        fks = [
            fk
            for fk in inspector.get_foreign_keys(table)
            if fk["constrained_columns"] == [column] and fk["referred_table"] == referred
        ]
        fk = fks[0] if fks else None
        cascades = fk is not None and (fk.get("options") or {}).get("ondelete", "").upper() == (
            "CASCADE"
        )
        if fk is not None and cascades:
            if fk["name"] != wanted:
                _rename_constraint(connection, report, table, fk["name"], wanted)
            continue
        if fk is not None:
            connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{fk["name"]}"')
        connection.exec_driver_sql(
            f'ALTER TABLE {table} ADD CONSTRAINT "{wanted}" FOREIGN KEY ("{column}") '
            f"REFERENCES {referred} (id) ON DELETE CASCADE"
        )
        report.changes.append(f"foreign key {table}.{column} -> {referred} now ON DELETE CASCADE")


def _rename_constraint(connection, report, table: str, old: str | None, new: str) -> None:
    connection.exec_driver_sql(f'ALTER TABLE {table} RENAME CONSTRAINT "{old}" TO "{new}"')
    report.changes.append(f"renamed constraint {table}.{old} to {new}")


def _align_defaults(connection: Connection, report: AdoptionReport) -> None:
    inspector = inspect(connection)
    for table in GUIDE_SHAPE:
        actual = {c["name"]: (c.get("default") or "") for c in inspector.get_columns(table)}
        for (t, column), default in GUIDE_DEFAULTS.items():
            if t != table or actual[column].lower() == default:
                continue
            connection.exec_driver_sql(
                f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {default}'
            )
            report.changes.append(f"default of {table}.{column} set to {default}")


def _align_indexes(connection: Connection, report: AdoptionReport) -> None:
    inspector = inspect(connection)
    constraint_names = {
        u["name"] for t in GUIDE_SHAPE for u in inspector.get_unique_constraints(t)
    } | {inspector.get_pk_constraint(t).get("name") for t in GUIDE_SHAPE}
    actual = {
        i["name"]: (t, tuple(i["column_names"]), bool(i["unique"]))
        for t in GUIDE_SHAPE
        for i in inspector.get_indexes(t)
        if i["name"] not in constraint_names
    }
    for name, wanted in GUIDE_INDEXES.items():
        if actual.get(name) == wanted:
            continue
        table, columns, unique = wanted
        if name in actual:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
            verb = "rebuilt"
        else:
            verb = "created"
        cols = ", ".join(f'"{c}"' for c in columns)
        kind = "UNIQUE INDEX" if unique else "INDEX"
        connection.exec_driver_sql(f'CREATE {kind} "{name}" ON {table} ({cols})')
        report.changes.append(f"{verb} {kind.lower()} {name} on {table} ({', '.join(columns)})")
    extra = sorted(set(actual) - set(GUIDE_INDEXES))
    if extra:
        report.notes.append(
            "kept indexes the guide does not list (`credopass db check` will list them): "
            + ", ".join(extra)
        )


def _add_checks(connection: Connection, report: AdoptionReport) -> list[CheckViolation]:
    existing = check_constraints(connection)
    violations: list[CheckViolation] = []
    for check in GUIDE_CHECKS:
        if check.name in existing:
            continue
        bad = find_violations(connection, check)
        # NOT VALID keeps the old rows as they are while every new write is checked; a later
        # `credopass db upgrade` validates the constraint once the rows are fixed.
        suffix = " NOT VALID" if bad else ""
        connection.exec_driver_sql(
            f'ALTER TABLE {check.table} ADD CONSTRAINT "{check.name}" CHECK ({check.sql}){suffix}'
        )
        report.changes.append(
            f"added CHECK {check.name}"
            + (" (NOT VALID until the rows below are fixed)" if bad else "")
        )
        violations += bad
    return violations
