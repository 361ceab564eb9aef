"""Patrons written by other programs become searchable by key: a slice at a time from the app,
everything from `credopass db reindex`."""

from __future__ import annotations

import uuid

from sqlalchemy import func, insert, select

from app.cli import main
from app.search import search_patrons
from app.search_upkeep import refresh_stale_search_keys
from db.models import User
from db.search_index import patron_search, patron_search_stale


def stale_count(session):
    return session.scalar(select(func.count()).select_from(patron_search_stale))


def write_behind_the_orm(session, count):
    """What the web service does: plain INSERTs, no search keys (the triggers mark them)."""
    rows = [
        {
            "id": uuid.uuid4(),
            "email": f"web{i}@example.org",
            "first_name": "Wendy",
            "last_name": f"Webster{i:03d}",
        }
        for i in range(count)
    ]
    session.execute(insert(User), rows)
    session.commit()
    return [r["id"] for r in rows]


def test_refresh_takes_a_bounded_slice_each_time(session):
    write_behind_the_orm(session, 5)
    assert stale_count(session) == 5
    assert refresh_stale_search_keys(session, limit=2) == 2
    assert stale_count(session) == 3
    assert refresh_stale_search_keys(session, limit=2) == 2
    assert refresh_stale_search_keys(session, limit=2) == 1
    assert refresh_stale_search_keys(session, limit=2) == 0
    session.commit()
    assert stale_count(session) == 0
    assert {m.last_name for m in search_patrons(session, "webster")} == {
        f"Webster{i:03d}" for i in range(5)
    }


def test_db_reindex_rebuilds_every_key(session, capsys, database_url_text):
    ids = write_behind_the_orm(session, 3)
    session.execute(patron_search.delete())
    session.commit()
    assert main(["--database-url", database_url_text, "db", "reindex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Rebuilt the search keys of 3 patrons in ")
    session.expire_all()
    assert stale_count(session) == 0
    keyed = set(session.scalars(select(patron_search.c.patronId).distinct()))
    assert keyed == set(ids)
