"""Adoption's alignment steps: constraint names, defaults, indexes and CHECK constraints made
what 0001_initial creates, so that later migrations find them by name.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from db.adopt_report import AdoptionRefused, AdoptionReport
from db.guide_checks import GUIDE_CHECKS, CheckViolation, check_constraints, find_violations
from db.guide_shape import GUIDE_DEFAULTS, GUIDE_FOREIGN_KEYS, GUIDE_INDEXES, GUIDE_SHAPE


def align_constraints(connection: Connection, report: AdoptionReport) -> None:
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


def align_defaults(connection: Connection, report: AdoptionReport) -> None:
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


def align_indexes(connection: Connection, report: AdoptionReport) -> None:
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


def add_checks(connection: Connection, report: AdoptionReport) -> list[CheckViolation]:
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
