"""The PostgreSQL role the SQL console runs its queries as: NOLOGIN, SELECT only, no secrets.

`credopass db upgrade` (and every `migrate.upgrade`) calls `ensure_console_role` where the
connecting role may create roles. The role is cluster-wide, so its name is derived from the
database's name (one role per database, whatever schema the tables live in), and each upgrade
grants it SELECT on the tables of the schema being upgraded. Several upgrades at once (test
schemas in one database, two stations) are fine: creating a role that another session has just
created is caught, and membership is granted only when missing.

Settings are readable by key only: the role gets SELECT on `settings.key` and `settings.updatedAt`
but not on `settings.value`. Excluding the whole column, rather than the rows whose key looks
secret, protects a secret added later under a name nobody thought to mark.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

ROLE_PREFIX = "credopass_console_"
# Tables the console may read in full; settings is handled column by column below.
READABLE_TABLES = (
    "users",
    "events",
    "attendance",
    "loyalty",
    "audit_log",
    "patron_search",
    "patron_search_stale",
    "patron_contacts",  # secondary emails and phones: no more private than users' own
    "patron_passes",  # codes: a patron's id (readable in users) checks them in just the same
)
SETTINGS_READABLE_COLUMNS = ('"key"', '"updatedAt"')


def console_role_name(database_name: str) -> str:
    """A deterministic, lower-case role name (no quoting surprises) for one database."""
    digest = hashlib.sha256(database_name.encode("utf-8")).hexdigest()[:12]
    return ROLE_PREFIX + digest


def role_for(connection: Connection) -> str:
    return console_role_name(connection.scalar(text("SELECT current_database()")))


def ensure_console_role(connection: Connection) -> str | None:
    """Create/grant the console role; its name, or None when this connection may not.

    Runs inside the caller's transaction, each step in a savepoint, so a refusal (no CREATEROLE,
    not the tables' owner) leaves the upgrade itself intact.
    """
    if connection.dialect.name != "postgresql":
        return None
    role = role_for(connection)
    create = (
        f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN NOINHERIT; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )
    if not _role_exists(connection, role) and not _run_step(connection, "create", create):
        return None
    if console_role_usable(connection) is None:
        # May fail (no CREATEROLE); the table grants below still go ahead, so that a
        # membership an administrator grants later finds the tables readable.
        _run_step(connection, "membership", f"GRANT {role} TO CURRENT_USER")
    steps = []
    schema = connection.scalar(text("SELECT current_schema()"))
    present = set(
        connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
    )
    steps.append(("schema", f'GRANT USAGE ON SCHEMA "{_quoted(schema)}" TO {role}'))
    for table in READABLE_TABLES:
        if table in present:
            steps.append((table, f'GRANT SELECT ON "{table}" TO {role}'))
    if "settings" in present:
        steps.append(("settings", f'REVOKE ALL ON "settings" FROM {role}'))
        columns = ", ".join(SETTINGS_READABLE_COLUMNS)
        steps.append(("settings", f'GRANT SELECT ({columns}) ON "settings" TO {role}'))
    for label, statement in steps:
        _run_step(connection, label, statement)
    if settings_value_readable(connection, role):
        # The REVOKE above was refused (not the table's owner): the console stays off rather
        # than show the PIN hash; it says so when it is used.
        log.error("console role: %s can read settings.value; the console stays off", role)
    return console_role_usable(connection)


def _run_step(connection: Connection, label: str, statement: str) -> bool:
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(statement)
    except DBAPIError as error:  # a privilege we lack: the console says so when it is used
        log.warning("console role: %s step skipped (%s)", label, type(error.orig).__name__)
        return False
    return True


def settings_value_readable(connection: Connection, role: str) -> bool:
    """Whether `role` may read `settings.value` (the secrets): it must not, whatever granted it
    (a refused REVOKE, an administrator's GRANT SELECT ON ALL TABLES). False without a table."""
    readable = connection.scalar(
        text("SELECT has_column_privilege(:role, to_regclass('settings'), 'value', 'SELECT')"),
        {"role": role},
    )
    return bool(readable)


def _role_exists(connection: Connection, role: str) -> bool:
    return bool(
        connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    )


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def console_role_usable(connection: Connection) -> str | None:
    """The console role's name if this session may switch to it, else None."""
    role = role_for(connection)
    if not _role_exists(connection, role):
        return None
    member = connection.scalar(
        text("SELECT pg_has_role(current_user, :role, 'MEMBER')"), {"role": role}
    )
    return role if member else None
