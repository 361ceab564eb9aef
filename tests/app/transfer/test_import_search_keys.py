"""The import writes search keys itself: the same keys a full rebuild would, no stale marks,
the users insert trigger back in place afterwards, and ids that share an import's prefix."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, insert, select, text

from app.search import search_patrons
from app.transfer import apply_import, read_patron_csv
from app.transfer.patron_import import new_patron_ids
from db.models import User
from db.search_index import (
    bulk_new_patrons,
    patron_search,
    patron_search_stale,
    rebuild_search_index,
)
from db.session import unit_of_work

NAMES = [
    ("José", "Müller", "+41 79 123 45 67"),
    ("Zoë", "Ødegård", ""),
    ("Jean-Luc", "O'Brien", "0151/3970856"),
    ("Back\\slash", "Tab Name", "555 0101"),  # a backslash must survive PostgreSQL's COPY
    ("Nguyễn", "Thị Phạm", ""),
    ("Łukasz", "Wiśniewski", "+48 600 100 200"),
]


def _member_list(count: int) -> bytes:
    lines = ["first,last,email,phone"]
    for i in range(count):
        first, last, phone = NAMES[i % len(NAMES)]
        lines.append(f'"{first}","{last} {i}",member{i}@example.org,{phone}')
    return ("\n".join(lines) + "\n").encode()


def _keys(session) -> set[tuple]:
    return set(session.execute(select(patron_search)).all())


def test_imported_keys_are_the_rebuilds_keys(sessions):
    with unit_of_work(sessions) as session:  # one existing patron, updated by the import
        session.add(User(email="member3@example.org", first_name="Old", last_name="Name"))
    with unit_of_work(sessions) as session:
        result = apply_import(session, read_patron_csv(_member_list(40)), station="s")
        assert (result.inserted, result.updated) == (39, 1)
        # Searchable inside the import's own transaction already, and without stale marks.
        assert session.scalar(select(func.count()).select_from(patron_search_stale)) == 0
        assert [p.email for p in search_patrons(session, "tab name 3", reveal=True)][:1] == [
            "member3@example.org"
        ]
    with sessions() as session:
        written = _keys(session)
        rebuild_search_index(session)
        assert _keys(session) == written
        session.rollback()
        for query in ("muller 0", "odegard", "obrien 2", "back\\slash", "nguyen", "lukasz"):
            assert search_patrons(session, query), query
        phone_hits = {p.email for p in search_patrons(session, "3970856", reveal=True)}
        assert "member2@example.org" in phone_hits


def test_insert_trigger_is_back_after_import_and_after_an_error(sessions, backend):
    def marks(session):
        return session.scalar(select(func.count()).select_from(patron_search_stale))

    def core_insert(session, email):
        session.execute(
            insert(User.__table__).values(
                id=uuid.uuid4(), email=email, firstName="Core", lastName="Row"
            )
        )

    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(_member_list(3)), station="s")
    with unit_of_work(sessions) as session:
        core_insert(session, "core1@example.org")
        assert marks(session) == 1  # the trigger noted a row written behind the ORM
    with sessions() as session:
        connection = session.connection()
        with pytest.raises(RuntimeError), bulk_new_patrons(connection):
            raise RuntimeError("failed mid-import")
        core_insert(session, "core2@example.org")  # a caller that carries on and commits
        session.commit()
        assert marks(session) == 2
    if backend == "sqlite":
        with sessions() as session:
            cache = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
            assert cache == -2000  # SQLite's default, restored after the bulk write


def test_new_patron_ids_share_a_random_prefix_and_ascend():
    first, second = new_patron_ids(500), new_patron_ids(500)
    assert first == sorted(first) and len(set(first)) == 500
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in first)
    assert len({i.int >> 96 for i in first}) == 1
    assert first[0].int >> 96 != second[0].int >> 96  # 1 chance in 4 billion to be equal
    # 90 random bits below the prefix: no two ids of 500 agree on the next 32 bits either.
    assert len({(i.int >> 64) & 0xFFFFFFFF for i in first}) > 490


def test_updated_patrons_are_refreshed(sessions):
    with unit_of_work(sessions) as session:
        session.add(User(email="member0@example.org", first_name="Old", last_name="Name"))
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(_member_list(1)), station="s")
    with sessions() as session:
        assert search_patrons(session, "old name") == []
        assert [p.email for p in search_patrons(session, "jose muller", reveal=True)] == [
            "member0@example.org"
        ]
        raw = session.execute(text("SELECT count(*) FROM patron_search_stale")).scalar()
        assert raw == 0


def test_only_updated_patrons_are_marked_on_postgresql(sessions, backend):
    """New patrons' keys are written by the import, so the insert trigger leaves them
    unmarked (not marked and deleted again); the updated patron is marked, then refreshed."""
    if backend != "postgresql":
        pytest.skip("SQLite's import sets its insert trigger aside (tested above)")
    with unit_of_work(sessions) as session:
        session.add(User(email="member1@example.org", first_name="Old", last_name="Name"))
    # Counts of this backend's rows inserted, not yet sent to the statistics: read before and
    # after, since they may still hold the previous transaction's.
    marks_written = text("SELECT pg_stat_get_xact_tuples_inserted('patron_search_stale'::regclass)")
    with unit_of_work(sessions) as session:
        before = session.scalar(marks_written)
        result = apply_import(session, read_patron_csv(_member_list(30)), station="s")
        assert (result.inserted, result.updated) == (29, 1)
        assert session.scalar(marks_written) - before == 1
        assert session.scalar(select(func.count()).select_from(patron_search_stale)) == 0
        keyed = select(func.count(func.distinct(patron_search.c.patronId)))
        assert session.scalar(keyed) == 30
