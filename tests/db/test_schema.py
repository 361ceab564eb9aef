"""The migrated database, inspected (not the models), matches the database guide."""

from __future__ import annotations

import pytest
from sqlalchemy import Boolean, DateTime, Integer, String, Text, Uuid, inspect

from db import migrate

GUIDE_COLUMNS = {
    "users": {
        "id": ("uuid", False),
        "email": ("text", False),
        "firstName": ("text", False),
        "lastName": ("text", False),
        "phone": ("text", True),
        "createdAt": ("timestamp", False),
        "updatedAt": ("timestamp", False),
    },
    "events": {
        "id": ("uuid", False),
        "name": ("text", False),
        "description": ("text", True),
        "status": ("text", False),
        "startTime": ("timestamp", False),
        "endTime": ("timestamp", False),
        "location": ("text", False),
        "capacity": ("integer", True),
        "hostId": ("uuid", False),
        "createdAt": ("timestamp", False),
        "updatedAt": ("timestamp", False),
    },
    "attendance": {
        "id": ("uuid", False),
        "eventId": ("uuid", False),
        "patronId": ("uuid", False),
        "attended": ("boolean", False),
        "checkInTime": ("timestamp", True),
        "checkOutTime": ("timestamp", True),
    },
    "loyalty": {
        "id": ("uuid", False),
        "patronId": ("uuid", False),
        "description": ("text", False),
        "tier": ("text", True),
        "points": ("integer", True),
        "reward": ("text", True),
        "issuedAt": ("timestamp", False),
        "expiresAt": ("timestamp", True),
    },
}

GUIDE_INDEXES = {
    "users": {"idx_users_email": (["email"], False), "idx_users_createdAt": (["createdAt"], False)},
    "events": {
        "idx_events_status": (["status"], False),
        "idx_events_hostId": (["hostId"], False),
        "idx_events_startTime": (["startTime"], False),
    },
    "attendance": {
        "idx_attendance_eventId": (["eventId"], False),
        "idx_attendance_patronId": (["patronId"], False),
        "idx_attendance_attended": (["attended"], False),
        "idx_attendance_unique": (["eventId", "patronId"], True),
    },
    "loyalty": {
        "idx_loyalty_patronId": (["patronId"], False),
        "idx_loyalty_tier": (["tier"], False),
    },
}

GUIDE_FOREIGN_KEYS = {
    "events": {("hostId", "users")},
    "attendance": {("eventId", "events"), ("patronId", "users")},
    "loyalty": {("patronId", "users")},
}


def type_family(column_type, backend: str) -> str:
    if isinstance(column_type, Uuid) or (backend == "sqlite" and _is_char32(column_type)):
        return "uuid"
    if isinstance(column_type, Boolean):
        return "boolean"
    if isinstance(column_type, Integer):
        return "integer"
    if isinstance(column_type, DateTime):
        return "timestamp"
    if isinstance(column_type, Text | String):
        return "text"
    return type(column_type).__name__


def _is_char32(column_type) -> bool:
    return isinstance(column_type, String) and getattr(column_type, "length", None) == 32


@pytest.fixture
def inspector(engine):
    return inspect(engine)


@pytest.mark.parametrize("table", sorted(GUIDE_COLUMNS))
def test_columns_match_the_guide(inspector, backend, table):
    columns = {c["name"]: c for c in inspector.get_columns(table)}
    assert list(columns) == list(GUIDE_COLUMNS[table]), "column names and order"
    for name, (family, nullable) in GUIDE_COLUMNS[table].items():
        assert type_family(columns[name]["type"], backend) == family, name
        assert columns[name]["nullable"] is nullable, name


def test_postgres_uses_native_types(inspector, backend):
    if backend != "postgresql":
        pytest.skip("native type names are PostgreSQL's")
    users = {c["name"]: c for c in inspector.get_columns("users")}
    assert str(users["id"]["type"]) == "UUID"
    assert "gen_random_uuid()" in users["id"]["default"]
    assert users["createdAt"]["type"].timezone is True
    assert "now()" in users["createdAt"]["default"]


@pytest.mark.parametrize("table", sorted(GUIDE_INDEXES))
def test_indexes_match_the_guide(inspector, table):
    indexes = {
        i["name"]: (i["column_names"], bool(i["unique"])) for i in inspector.get_indexes(table)
    }
    for name, expected in GUIDE_INDEXES[table].items():
        assert indexes.get(name) == expected, name


# Beyond the guide: the covering indexes the reports read (migration 0007_report_indexes).
REPORT_INDEXES = {
    "attendance": {
        "idx_attendance_patronId_visits": ["patronId", "attended", "eventId"],
        "idx_attendance_eventId_visits": ["eventId", "attended", "patronId"],
    },
    "loyalty": {"idx_loyalty_patronId_balance": ["patronId", "expiresAt", "points"]},
}


@pytest.mark.parametrize("table", sorted(REPORT_INDEXES))
def test_report_indexes_are_there_besides_the_guides(inspector, table):
    indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes(table)}
    assert {n: indexes.get(n) for n in REPORT_INDEXES[table]} == REPORT_INDEXES[table]


def test_email_is_unique(inspector):
    uniques = inspector.get_unique_constraints("users")
    assert any(u["column_names"] == ["email"] for u in uniques)


@pytest.mark.parametrize("table", sorted(GUIDE_FOREIGN_KEYS))
def test_foreign_keys_cascade(inspector, backend, table):
    fks = inspector.get_foreign_keys(table)
    found = {(fk["constrained_columns"][0], fk["referred_table"]) for fk in fks}
    assert found == GUIDE_FOREIGN_KEYS[table]
    for fk in fks:
        assert fk["referred_columns"] == ["id"]
        assert (fk.get("options") or {}).get("ondelete", "").upper() == "CASCADE"


def test_defaults(inspector):
    attendance = {c["name"]: c for c in inspector.get_columns("attendance")}
    assert str(attendance["attended"]["default"]).lower().strip("'") in ("false", "0")
    loyalty = {c["name"]: c for c in inspector.get_columns("loyalty")}
    assert str(loyalty["points"]["default"]).strip("'") == "0"
    assert loyalty["issuedAt"]["default"] is not None


def test_check_constraints_exist(inspector):
    events = " ".join(c["sqltext"] for c in inspector.get_check_constraints("events"))
    for status in ("draft", "scheduled", "ongoing", "completed", "cancelled"):
        assert status in events
    loyalty = " ".join(c["sqltext"] for c in inspector.get_check_constraints("loyalty"))
    for tier in ("bronze", "silver", "gold", "platinum"):
        assert tier in loyalty
    # the names an adopted database gets too (db/guide_checks.py), so later migrations agree
    names = {c["name"] for t in ("events", "loyalty") for c in inspector.get_check_constraints(t)}
    assert names == {"ck_events_status", "ck_loyalty_tier"}


def test_models_and_migrations_agree(engine):
    assert migrate.schema_differences(engine) == []


def test_upgrade_downgrade_upgrade_round_trip(engine):
    migrate.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.schema_status(engine).state is migrate.SchemaState.CURRENT
    assert migrate.schema_differences(engine) == []
