"""Run Alembic from code against a given engine; decide whether the app may start.

Deciding whether the app may start happens on every start and every command, and Alembic costs
more to import than the rest of a door command: `schema_status` reads the revision files and the
`alembic_version` table itself, and Alembic is imported only to migrate, compare or explain.
"""

from __future__ import annotations

import enum
import functools
import re
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


def migrations_dir() -> Path:
    return Path(str(resources.files("migrations")))


def alembic_config(engine: Engine | None = None, connection=None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if engine is not None:
        # Alembic's ini interpolation treats '%' specially; the URL is only used in-process.
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


# `revision = "0007_report_indexes"` / `down_revision = "0006_..."` (or None), as Alembic writes
# them; tests/db/test_schema_status.py checks that this reading agrees with Alembic's own.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def known_revisions() -> dict[str, tuple[str, ...]]:
    """Every revision of the shipped migrations with the revisions it follows, read from the
    files' text (their modules are not imported: they would load Alembic)."""
    graph = {}
    for path in sorted(migrations_dir().joinpath("versions").glob("*.py")):
        fields = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in fields:
            continue
        revision = fields["revision"].strip("'\"")
        down = re.findall(r"['\"]([^'\"]+)['\"]", fields.get("down_revision", "None"))
        graph[revision] = tuple(down)
    return graph


def head_revision() -> str:
    graph = known_revisions()
    followed = {down for downs in graph.values() for down in downs}
    heads = sorted(set(graph) - followed)
    if len(heads) != 1:  # a branch to merge: let Alembic say so in its words
        return script_directory().get_current_head()
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return _version_in(connection)


def _version_in(connection) -> str | None:
    """The revision recorded in `alembic_version`, as Alembic's MigrationContext reads it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
    versions = list(versions)
    if len(versions) > 1:  # several heads recorded: Alembic explains that case
        from alembic.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()
    return versions[0] if versions else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    from db.console_role import ensure_console_role

    with engine.begin() as connection:
        had_search = inspect(connection).has_table("patron_search")
        command.upgrade(alembic_config(connection=connection), revision)
        # The SQL console's SELECT-only role (PostgreSQL), granted on the tables just migrated.
        ensure_console_role(connection)
        if not had_search and _at_head(connection):
            _build_search_keys(connection)


def _at_head(connection) -> bool:
    return _version_in(connection) == head_revision()


def _build_search_keys(connection) -> None:
    """Migration 0003 only marks existing patrons stale (frozen migrations never import live
    code); their keys are built here, by today's code on today's schema, so an adopted
    database is searchable as soon as `credopass db upgrade` returns."""
    from sqlalchemy.orm import Session

    from db.search_index import rebuild_search_index

    if connection.exec_driver_sql("SELECT 1 FROM patron_search_stale LIMIT 1").first():
        rebuild_search_index(Session(bind=connection))


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), revision)


def stamp(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.stamp(alembic_config(connection=connection), revision)


def revision(engine: Engine, message: str) -> str:
    """Autogenerate a new revision file from the models (for developers working from source)."""
    from alembic import command

    with engine.begin() as connection:
        script = command.revision(
            alembic_config(connection=connection), message=message, autogenerate=True
        )
    return script.path if script else ""


def schema_differences(engine: Engine) -> list[str]:
    """Readable differences between the models and the database (empty when they agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": connection.dialect.name == "sqlite",
                "target_metadata": Base.metadata,
                "include_name": include_name,
            },
        )
        with warnings.catch_warnings():
            # SQLAlchemy reflects a NOT VALID check (left by an adoption) with an option it
            # then cannot place; harmless, and not something a user can act on.
            warnings.filterwarnings("ignore", "Can't validate argument 'dialect_options'")
            diffs = compare_metadata(context, Base.metadata)
    return [_describe_diff(d) for d in diffs]


# Left by other tools in a database we adopted; never ours to compare or drop.
FOREIGN_TABLES = frozenset({"__drizzle_migrations"})


def include_name(name, type_, _parent_names) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _describe_diff(diff) -> str:
    if isinstance(diff, list):  # column-level changes come grouped
        return "; ".join(_describe_diff(d) for d in diff)
    kind, *rest = diff
    words = {
        "add_table": "table missing in the database",
        "remove_table": "table in the database but not in the models",
        "add_column": "column missing in the database",
        "remove_column": "column in the database but not in the models",
        "add_index": "index missing in the database",
        "remove_index": "index in the database but not in the models",
        "add_constraint": "constraint missing in the database",
        "remove_constraint": "constraint in the database but not in the models",
        "add_fk": "foreign key missing in the database",
        "remove_fk": "foreign key in the database but not in the models",
        "modify_type": "column type differs",
        "modify_nullable": "nullability differs",
        "modify_default": "default differs",
    }
    label = words.get(kind, kind)
    subject = ", ".join(_name_of(x) for x in rest[:3] if x is not None)
    return f"{label}: {subject}"


def _name_of(obj) -> str:
    for attr in ("name", "key"):
        value = getattr(obj, attr, None)
        if isinstance(value, str):
            table = getattr(obj, "table", None)
            return (
                f"{table.name}.{value}"
                if table is not None and attr == "name" and hasattr(obj, "type")
                else value
            )
    return str(obj)


class SchemaState(enum.Enum):
    EMPTY = "empty"  # no tables at all
    CURRENT = "current"
    BEHIND = "behind"  # known older revision
    AHEAD = "ahead"  # revision this code does not know (a newer CredoPass migrated it)
    UNMANAGED = "unmanaged"  # tables but no Alembic history (e.g. the original web service's)


@dataclass(frozen=True)
class SchemaStatus:
    state: SchemaState
    current: str | None
    head: str

    def explain(self, fix_command: str = "credopass db upgrade") -> str:
        if self.state is SchemaState.BEHIND:
            return (
                f"The database schema is at revision {self.current}, older than this app's "
                f"{self.head}. Run `{fix_command}` to bring it up to date."
            )
        if self.state is SchemaState.AHEAD:
            return (
                f"The database schema is at revision {self.current}, which this version of "
                "CredoPass does not know: a newer CredoPass has upgraded it. Install the newer "
                "version on this machine."
            )
        if self.state is SchemaState.UNMANAGED:
            return (
                "The database has tables but no CredoPass migration history (for example a "
                f"database of the CredoPass web service). Run `{fix_command}` to adopt it."
            )
        if self.state is SchemaState.EMPTY:
            return f"The database is empty. Run `{fix_command}` to create the CredoPass tables."
        return f"The database schema is up to date (revision {self.current})."


def schema_status(engine: Engine) -> SchemaStatus:
    head = head_revision()
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        current = _version_in(connection)
    if current is None:
        state = SchemaState.UNMANAGED if tables - {"alembic_version"} else SchemaState.EMPTY
    elif current == head:
        state = SchemaState.CURRENT
    elif _is_known(current):
        state = SchemaState.BEHIND
    else:
        state = SchemaState.AHEAD
    return SchemaStatus(state, current, head)


def _is_known(rev: str) -> bool:
    if rev in known_revisions():
        return True
    try:
        return script_directory().get_revision(rev) is not None
    except Exception:  # alembic raises several types for an unknown id
        return False


def drop_everything(engine: Engine) -> None:
    """Drop our tables and the migration history (for `db reset`)."""
    from db.models import Base

    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
