"""The CHECK rules on the guide's enum columns, and the rows that break them.

An adopted database may hold rows the rules forbid (the web service never checked them). The
rules are then added NOT VALID (new writes are checked, old rows kept); these helpers find the
offending rows, explain how to fix them, and VALIDATE a rule once its rows are fixed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from db.models import EVENT_STATUSES, LOYALTY_TIERS


@dataclass(frozen=True)
class GuideCheck:
    name: str
    table: str
    column: str
    values: tuple[str, ...]
    label_column: str  # what identifies a row to a person

    @property
    def sql(self) -> str:
        quoted = ", ".join(f"'{v}'" for v in self.values)
        return f'"{self.column}" IN ({quoted})'


GUIDE_CHECKS = (
    GuideCheck("ck_events_status", "events", "status", EVENT_STATUSES, "name"),
    GuideCheck("ck_loyalty_tier", "loyalty", "tier", LOYALTY_TIERS, "description"),
)


@dataclass(frozen=True)
class CheckViolation:
    check: str  # constraint name
    table: str
    row_id: uuid.UUID
    label: str
    column: str
    value: str

    def describe(self) -> str:
        return f"{self.table} {self.row_id} ({self.label!r}): {self.column} = {self.value!r}"


def check_constraints(connection: Connection) -> dict[str, bool]:
    """Name -> validated, for the CHECK constraints on the guide's tables."""
    rows = connection.execute(
        text(
            "SELECT c.conname, c.convalidated FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE c.contype = 'c' AND n.nspname = current_schema()"
        )
    ).all()
    return {name: validated for name, validated in rows}


def find_violations(connection: Connection, check: GuideCheck) -> list[CheckViolation]:
    rows = connection.execute(
        text(
            f'SELECT id, "{check.label_column}", "{check.column}" FROM {check.table} '
            f'WHERE "{check.column}" IS NOT NULL AND NOT ({check.sql}) ORDER BY id'
        )
    ).all()
    return [
        CheckViolation(check.name, check.table, row[0], str(row[1]), check.column, str(row[2]))
        for row in rows
    ]


def fix_hint(violations: list[CheckViolation]) -> list[str]:
    """How to fix each kind of violation, in words and SQL."""
    hints = []
    for check in GUIDE_CHECKS:
        if any(v.check == check.name for v in violations):
            hints.append(
                f"set {check.table}.{check.column} to one of {', '.join(check.values)}"
                + (" (or NULL)" if check.column == "tier" else "")
                + f', e.g. UPDATE {check.table} SET "{check.column}" = '
                f"'{check.values[0]}' WHERE id = '<id>';"
            )
    hints.append("then run `credopass db upgrade` again to enforce the rule on the old rows too")
    return hints


def validate_pending_checks(engine: Engine) -> tuple[list[str], list[CheckViolation]]:
    """VALIDATE the guide's CHECK constraints left NOT VALID by an adoption, when their rows
    have been fixed. Returns (validated names, violations still in the way)."""
    if engine.dialect.name != "postgresql":
        return [], []
    validated: list[str] = []
    remaining: list[CheckViolation] = []
    with engine.begin() as connection:
        existing = check_constraints(connection)
        for check in GUIDE_CHECKS:
            if existing.get(check.name, True):
                continue
            bad = find_violations(connection, check)
            if bad:
                remaining += bad
                continue
            connection.exec_driver_sql(
                f'ALTER TABLE {check.table} VALIDATE CONSTRAINT "{check.name}"'
            )
            validated.append(check.name)
    return validated, remaining


def unenforced_checks(engine: Engine) -> dict[str, int]:
    """The guide's CHECKs still NOT VALID after an adoption -> rows that break them now."""
    if engine.dialect.name != "postgresql":
        return {}
    with engine.connect() as connection:
        existing = check_constraints(connection)
        return {
            check.name: len(find_violations(connection, check))
            for check in GUIDE_CHECKS
            if existing.get(check.name) is False
        }
