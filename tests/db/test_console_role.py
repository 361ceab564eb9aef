"""The console's PostgreSQL role: created by the upgrade, SELECT only, no setting values."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from db import migrate
from db.console_role import console_role_name, ensure_console_role


def test_role_name_is_deterministic_and_plain():
    name = console_role_name("cp_test")
    assert name == console_role_name("cp_test") != console_role_name("other")
    assert name.isascii() and name.replace("_", "").isalnum() and name == name.lower()


def test_upgrade_grants_select_only_and_no_setting_values(engine):
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            assert ensure_console_role(connection) is None  # SQLite needs no role
        return
    with engine.begin() as connection:
        role = ensure_console_role(connection)  # a second run changes nothing and succeeds
        assert role == console_role_name(connection.scalar(text("SELECT current_database()")))

        def can(sql: str, **params) -> bool:
            return bool(connection.scalar(text(sql), {"role": role, **params}))

        assert can("SELECT has_table_privilege(:role, 'users', 'SELECT')")
        assert not can("SELECT has_table_privilege(:role, 'users', 'INSERT')")
        assert not can("SELECT has_table_privilege(:role, 'users', 'UPDATE')")
        assert can("SELECT has_column_privilege(:role, 'settings', 'key', 'SELECT')")
        assert not can("SELECT has_column_privilege(:role, 'settings', 'value', 'SELECT')")
        assert not can("SELECT rolcanlogin FROM pg_roles WHERE rolname = :role")
        assert not can("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = :role")


@pytest.mark.parametrize("revision", ["base"])
def test_upgrade_after_downgrade_grants_again(engine, revision):
    migrate.downgrade(engine, revision)
    migrate.upgrade(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            role = console_role_name(connection.scalar(text("SELECT current_database()")))
            assert connection.scalar(
                text("SELECT has_table_privilege(:role, 'events', 'SELECT')"), {"role": role}
            )
