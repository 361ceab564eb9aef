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

from alembic import command
from sqlalchemy import Connection, Engine, inspect, text

from db.adopt_align import add_checks, align_constraints, align_defaults, align_indexes
from db.adopt_report import AdoptionRefused, AdoptionReport, MergedAttendance
from db.console_role import ensure_console_role
from db.guide_shape import (
    GUIDE_DEFAULTS,
    GUIDE_FOREIGN_KEYS,
    GUIDE_INDEXES,
    GUIDE_SHAPE,
    TOLERATED_TABLES,
)
from db.migrate import alembic_config

# The report types, the guide's shape and the alignment steps have their own modules; these
# names stay importable from here.
__all__ = [
    "ADOPTED_REVISION",
    "GUIDE_DEFAULTS",
    "GUIDE_FOREIGN_KEYS",
    "GUIDE_INDEXES",
    "GUIDE_SHAPE",
    "TOLERATED_TABLES",
    "AdoptionRefused",
    "AdoptionReport",
    "MergedAttendance",
    "adopt",
    "recognize",
]

ADOPTED_REVISION = "0001_initial"  # the revision whose schema equals the guide's


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
        align_constraints(connection, report)
        align_defaults(connection, report)
        align_indexes(connection, report)
        report.violations = add_checks(connection, report)
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
