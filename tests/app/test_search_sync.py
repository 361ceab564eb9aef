"""The search keys follow every write to `users`: through the ORM, Core statements, raw SQL
from another tool, and a database migrated with patrons already in it."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from app.search import search_patrons
from db import migrate
from db.models import User
from db.search_index import (
    patron_search,
    patron_search_stale,
    rebuild_search_index,
    refresh_search_index,
    sync_patron_keys,
)


def ids(session, query):
    return [m.id for m in search_patrons(session, query)]


def stale_count(session):
    return session.scalar(select(func.count()).select_from(patron_search_stale))


def key_count(session, patron_id):
    return session.scalar(
        select(func.count()).select_from(patron_search).where(patron_search.c.patronId == patron_id)
    )


def test_orm_insert_update_delete_keep_keys_in_step(session):
    user = User(first_name="Ana", last_name="Lima", email="ana@example.br", phone="555 0101")
    session.add(user)
    session.commit()
    assert ids(session, "lima") == [user.id]
    assert stale_count(session) == 0  # the hook cleared the trigger's mark

    user.last_name = "Pereira"
    user.phone = "555 0202"
    session.commit()
    assert ids(session, "lima") == []
    assert ids(session, "pere") == [user.id]
    assert ids(session, "0202") == [user.id]
    assert ids(session, "0101") == []

    user.email = "ana.p@example.br"
    session.commit()
    assert ids(session, "ana.p@") == [user.id]
    assert stale_count(session) == 0

    session.delete(user)
    session.commit()
    assert ids(session, "pere") == []
    assert key_count(session, user.id) == 0


def test_unrelated_change_does_not_rewrite_keys(session):
    user = User(first_name="Ana", last_name="Lima", email="ana@example.br")
    session.add(user)
    session.commit()
    before = key_count(session, user.id)
    session.execute(update(User).where(User.id == user.id).values(updated_at=User.created_at))
    session.commit()
    assert stale_count(session) == 0
    assert key_count(session, user.id) == before


def test_uncommitted_walk_in_is_found_in_its_own_session(session):
    user = User(first_name="Walker", last_name="Inn", email="walk@example.com")
    session.add(user)  # not flushed: the search's autoflush writes it and its keys
    assert ids(session, "walker") == [user.id]


def test_rows_written_behind_the_orm_are_found_then_refreshed(session):
    new_id = uuid.uuid4()
    session.execute(
        insert(User).values(
            id=new_id, first_name="Core", last_name="Writer", email="core@example.com"
        )
    )
    session.commit()
    assert stale_count(session) == 1  # noted by the trigger
    assert ids(session, "core wr") == [new_id]  # matched from the user row meanwhile

    session.execute(update(User).where(User.id == new_id).values(last_name="Renamed"))
    session.commit()
    assert ids(session, "writer") == []
    assert ids(session, "renam") == [new_id]

    assert refresh_search_index(session) == 1
    session.commit()
    assert stale_count(session) == 0
    assert ids(session, "renam") == [new_id]
    assert ids(session, "writer") == []


def test_raw_sql_from_another_tool(session, backend):
    """The original web service writes `users` with plain SQL on PostgreSQL."""
    new_id = uuid.uuid4()
    id_value = str(new_id) if backend == "postgresql" else new_id.hex
    session.execute(
        text(
            'INSERT INTO users (id, email, "firstName", "lastName", phone) '
            "VALUES (:id, 'raw@example.com', 'Raw', 'Sql', '555-000-4242')"
        ),
        {"id": id_value},
    )
    session.commit()
    assert ids(session, "raw sq") == [new_id]
    assert ids(session, "4242") == [new_id]
    session.execute(text("DELETE FROM users WHERE email = 'raw@example.com'"))
    session.commit()
    assert ids(session, "raw") == []
    assert key_count(session, new_id) == 0


def test_stale_marks_of_old_keys_do_not_leak(session):
    user = User(first_name="Old", last_name="Name", email="old@example.com")
    session.add(user)
    session.commit()
    session.execute(update(User).where(User.id == user.id).values(first_name="New"))
    session.commit()
    # The stored keys still say "old name"; the stale mark keeps them from being used.
    assert ids(session, "old name") == []
    assert ids(session, "new name") == [user.id]


def test_sync_patron_keys_and_rebuild(session):
    user = User(first_name="Sync", last_name="Me", email="sync@example.com")
    session.add(user)
    session.commit()
    session.execute(delete(patron_search))
    session.commit()
    assert ids(session, "sync") == []
    sync_patron_keys(session, user)
    session.commit()
    assert ids(session, "sync") == [user.id]

    session.execute(delete(patron_search))
    others = [
        {"id": uuid.uuid4(), "first_name": f"Bulk{n}", "last_name": "Load", "email": f"b{n}@x.io"}
        for n in range(7)
    ]
    session.execute(insert(User), others)
    session.commit()
    assert rebuild_search_index(session, batch_size=3) == 8
    session.commit()
    assert stale_count(session) == 0
    assert ids(session, "sync me") == [user.id]
    assert len(ids(session, "load")) == 7


def test_migration_indexes_existing_patrons(blank_engine):
    migrate.upgrade(blank_engine, "0002_audit_log_settings")
    with blank_engine.begin() as connection:
        connection.execute(
            insert(User.__table__),
            [
                {"id": uuid.uuid4(), "firstName": "Éowyn", "lastName": "Rohan", "email": "e@x.io"},
                {
                    "id": uuid.uuid4(),
                    "firstName": "Faramir",
                    "lastName": "Gondor",
                    "email": "f@x.io",
                },
            ],
        )
    migrate.upgrade(blank_engine)
    with Session(blank_engine) as session:
        assert len(ids(session, "eowyn")) == 1
        assert len(ids(session, "gond")) == 1
        assert stale_count(session) == 0
    migrate.downgrade(blank_engine, "0002_audit_log_settings")
    migrate.upgrade(blank_engine)
    assert migrate.schema_differences(blank_engine) == []
