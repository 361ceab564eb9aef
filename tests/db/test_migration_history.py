"""Migrations are frozen history: each revision carries its own DDL, so a database taken to a
revision step by step (up, or back down) has exactly the schema of a fresh database upgraded
straight to that revision, and no revision's outcome changes when today's code changes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from db import migrate
from db.engine import create_app_engine
from tests.conftest import PostgresSchema, postgres_base_url

VERSIONS = Path(migrate.migrations_dir()) / "versions"
ALLOWED_PROJECT_IMPORTS = {"db.types"}


def _revisions_in_order() -> list[str]:
    script = migrate.script_directory()
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _project_imports(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return {m for m in modules if m.split(".")[0] in ("db", "app", "ui")}


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.stem)
def test_a_revision_imports_nothing_live_beyond_column_types(path):
    assert _project_imports(path) <= ALLOWED_PROJECT_IMPORTS


def _snapshot(engine) -> dict:
    """Tables, columns, keys, indexes and constraints as the inspector sees them, plus the
    triggers and functions as the database stores them."""
    with engine.connect() as connection:
        inspector = inspect(connection)
        tables = {}
        for name in sorted(inspector.get_table_names()):
            if name == "alembic_version":
                continue
            tables[name] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in inspector.get_columns(name)
                ],
                "pk": inspector.get_pk_constraint(name)["constrained_columns"],
                "fks": sorted(
                    (
                        fk["name"],
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        str(fk.get("options", {}).get("ondelete")),
                    )
                    for fk in inspector.get_foreign_keys(name)
                ),
                "indexes": sorted(
                    (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                    for ix in inspector.get_indexes(name)
                ),
                "uniques": sorted(
                    (uq["name"], tuple(uq["column_names"]))
                    for uq in inspector.get_unique_constraints(name)
                ),
                "checks": sorted(
                    (ck["name"], " ".join(ck["sqltext"].split()))
                    for ck in inspector.get_check_constraints(name)
                ),
            }
        return {"tables": tables, "routines": _routines(connection)}


def _routines(connection) -> list[tuple[str, str]]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        )
        return [(name, " ".join(sql.split())) for name, sql in rows]
    triggers = connection.execute(
        text(
            # Each test database is a schema of its own: its name is not part of the shape.
            "SELECT t.tgname, replace(pg_get_triggerdef(t.oid), current_schema() || '.', '') "
            "FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace "
            "ORDER BY 1"
        )
    ).all()
    functions = connection.execute(
        text(
            "SELECT p.proname, p.prosrc FROM pg_proc p "
            "WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1"
        )
    ).all()
    return [(name, " ".join(body.split())) for name, body in [*triggers, *functions]]


@pytest.fixture
def fresh_at(backend, tmp_path, database_url):
    """A factory of fresh databases, each upgraded straight to one revision."""
    made = []

    def make(revision: str):
        if backend == "sqlite":
            url = database_url.set(database=str(tmp_path / f"fresh-{revision}.db"))
        else:
            schema = PostgresSchema(postgres_base_url())
            schema.create()
            made.append(schema)
            url = schema.url
        engine = create_app_engine(url)
        try:
            migrate.upgrade(engine, revision)
            return _snapshot(engine)
        finally:
            engine.dispose()

    yield make
    for schema in made:
        schema.drop()


def test_step_by_step_up_and_down_matches_a_fresh_database_at_every_revision(
    blank_engine, fresh_at
):
    revisions = _revisions_in_order()
    expected = {rev: fresh_at(rev) for rev in revisions}
    for rev in revisions:
        migrate.upgrade(blank_engine, rev)
        assert _snapshot(blank_engine) == expected[rev], f"upgrading step by step to {rev}"
    for previous, rev in zip(reversed(revisions[:-1]), reversed(revisions[1:]), strict=True):
        migrate.downgrade(blank_engine, previous)
        assert _snapshot(blank_engine) == expected[previous], f"downgrading {rev} to {previous}"
    migrate.downgrade(blank_engine, "base")
    assert _snapshot(blank_engine)["tables"] == {}
