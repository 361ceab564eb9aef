"""SQLite's planner statistics: the app's connections leave them behind as they close."""

from __future__ import annotations

import sqlite3
import uuid

from sqlalchemy import text

from db import migrate
from db.engine import create_app_engine, sqlite_url


def _statistics(path) -> set[str]:
    with sqlite3.connect(path) as raw:
        found = raw.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchall()
        if not found:
            return set()
        return {table for (table,) in raw.execute("SELECT tbl FROM sqlite_stat1")}


def test_closing_the_engine_analyses_the_tables_it_searched(tmp_path):
    path = tmp_path / "grown.db"
    engine = create_app_engine(sqlite_url(path))
    migrate.upgrade(engine)
    with engine.begin() as connection:
        rows = [{"id": uuid.uuid4().hex, "email": f"p{i}@example.com"} for i in range(50)]
        connection.execute(
            text(
                'INSERT INTO users (id, email, "firstName", "lastName") '
                "VALUES (:id, :email, 'P', 'Q')"
            ),
            rows,
        )
    assert "users" not in _statistics(path)
    with engine.connect() as connection:
        # A non-unique index: statistics tell how selective it is (a unique one needs none).
        recent = text('SELECT id FROM users WHERE "createdAt" > :since')
        connection.execute(recent, {"since": "2020-01-01"}).all()

    engine.dispose()

    assert "users" in _statistics(path)
