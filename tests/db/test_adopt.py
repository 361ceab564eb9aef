"""Adopting a database of the original CredoPass web service (Drizzle on PostgreSQL).

The original's schema is built here with plain SQL, as Drizzle Kit generated it: constraint names
like users_email_unique and events_hostId_users_id_fk, a plain idx_attendance_unique, no CHECKs.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import inspect, text

from app.cli import main
from db import migrate
from db.engine import create_app_engine, sqlite_url
from tests.conftest import PG_ENV, PostgresSchema, postgres_base_url

ORIGINAL_SCHEMA = """
CREATE TABLE "users" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "email" text NOT NULL,
  "firstName" text NOT NULL,
  "lastName" text NOT NULL,
  "phone" text,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updatedAt" timestamp with time zone DEFAULT now() NOT NULL,
  CONSTRAINT "users_email_unique" UNIQUE("email")
);
CREATE TABLE "events" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "name" text NOT NULL,
  "description" text,
  "status" text NOT NULL,
  "startTime" timestamp with time zone NOT NULL,
  "endTime" timestamp with time zone NOT NULL,
  "location" text NOT NULL,
  "capacity" integer,
  "hostId" uuid NOT NULL,
  "createdAt" timestamp with time zone DEFAULT now() NOT NULL,
  "updatedAt" timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE "attendance" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "eventId" uuid NOT NULL,
  "patronId" uuid NOT NULL,
  "attended" boolean DEFAULT false NOT NULL,
  "checkInTime" timestamp with time zone,
  "checkOutTime" timestamp with time zone
);
CREATE TABLE "loyalty" (
  "id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  "patronId" uuid NOT NULL,
  "description" text NOT NULL,
  "tier" text,
  "points" integer DEFAULT 0,
  "reward" text,
  "issuedAt" timestamp with time zone DEFAULT now() NOT NULL,
  "expiresAt" timestamp with time zone
);
ALTER TABLE "events" ADD CONSTRAINT "events_hostId_users_id_fk" FOREIGN KEY ("hostId")
  REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_eventId_events_id_fk" FOREIGN KEY ("eventId")
  REFERENCES "events"("id") ON DELETE cascade ON UPDATE no action;
ALTER TABLE "attendance" ADD CONSTRAINT "attendance_patronId_users_id_fk" FOREIGN KEY ("patronId")
  REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;
ALTER TABLE "loyalty" ADD CONSTRAINT "loyalty_patronId_users_id_fk" FOREIGN KEY ("patronId")
  REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;
CREATE INDEX "idx_users_email" ON "users" USING btree ("email");
CREATE INDEX "idx_users_createdAt" ON "users" USING btree ("createdAt");
CREATE INDEX "idx_events_status" ON "events" USING btree ("status");
CREATE INDEX "idx_events_hostId" ON "events" USING btree ("hostId");
CREATE INDEX "idx_events_startTime" ON "events" USING btree ("startTime");
CREATE INDEX "idx_attendance_eventId" ON "attendance" USING btree ("eventId");
CREATE INDEX "idx_attendance_patronId" ON "attendance" USING btree ("patronId");
CREATE INDEX "idx_attendance_attended" ON "attendance" USING btree ("attended");
CREATE INDEX "idx_attendance_unique" ON "attendance" USING btree ("eventId","patronId");
CREATE INDEX "idx_loyalty_patronId" ON "loyalty" USING btree ("patronId");
CREATE INDEX "idx_loyalty_tier" ON "loyalty" USING btree ("tier");
CREATE TABLE "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
"""

# The guide's own example DDL ("email" text NOT NULL UNIQUE, inline REFERENCES) leaves
# PostgreSQL's default names; adoption renames them to the ones 0001_initial uses.
INLINE_NAMES = {
    '"email" text NOT NULL,': '"email" text NOT NULL UNIQUE,',
    ',\n  CONSTRAINT "users_email_unique" UNIQUE("email")': "",
    'ADD CONSTRAINT "events_hostId_users_id_fk"': "ADD",
    'ADD CONSTRAINT "attendance_eventId_events_id_fk"': "ADD",
}

# A hand-maintained database that drifted: an FK without CASCADE, a lost index, a lost default.
DRIFTED = {
    'REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;\nALTER TABLE "attendance"': (
        'REFERENCES "users"("id") ON DELETE no action;\nALTER TABLE "attendance"'
    ),
    'CREATE INDEX "idx_loyalty_tier" ON "loyalty" USING btree ("tier");\n': "",
    '"points" integer DEFAULT 0,': '"points" integer,',
}
VARIANTS = {"drizzle": {}, "inline": INLINE_NAMES, "drifted": DRIFTED}

JOHN, JANE, JOHN2, HOST = (uuid.UUID(int=i) for i in (1, 2, 3, 4))
SERVICE, PICNIC = uuid.UUID(int=10), uuid.UUID(int=11)
DUP_EARLY, DUP_LATE, DUP_NULL, SINGLE = (uuid.UUID(int=i) for i in (20, 21, 22, 23))


def _rows(connection) -> None:
    connection.execute(
        text(
            'INSERT INTO users (id, email, "firstName", "lastName") VALUES '
            "(:a, 'john@example.com', 'John', 'Doe'), (:b, 'jane@example.com', 'Jane', 'Smith'), "
            "(:c, 'John@Example.com', 'John', 'Doe'), (:d, 'host@example.com', 'Hal', 'Host')"
        ),
        {"a": JOHN, "b": JANE, "c": JOHN2, "d": HOST},
    )
    connection.execute(
        text(
            'INSERT INTO events (id, name, status, "startTime", "endTime", location, "hostId") '
            "VALUES (:s, 'Sunday Service', 'scheduled', '2026-01-12 10:00Z', '2026-01-12 12:00Z', "
            "'Main Sanctuary', :h), (:p, 'Picnic', 'archived', '2026-02-01 10:00Z', "
            "'2026-02-01 15:00Z', 'Park', :h)"
        ),
        {"s": SERVICE, "p": PICNIC, "h": HOST},
    )
    connection.execute(
        text(
            'INSERT INTO attendance (id, "eventId", "patronId", attended, "checkInTime", '
            '"checkOutTime") VALUES '
            "(:late, :s, :john, false, '2026-01-12 10:20Z', '2026-01-12 12:30Z'), "
            "(:early, :s, :john, true, '2026-01-12 09:50Z', '2026-01-12 11:00Z'), "
            "(:null, :s, :john, false, NULL, NULL), "
            "(:single, :s, :jane, true, '2026-01-12 10:05Z', NULL)"
        ),
        {
            "late": DUP_LATE,
            "early": DUP_EARLY,
            "null": DUP_NULL,
            "single": SINGLE,
            "s": SERVICE,
            "john": JOHN,
            "jane": JANE,
        },
    )
    connection.execute(
        text(
            'INSERT INTO loyalty ("patronId", description, tier, points) VALUES '
            "(:j, 'Attendance at Sunday Service', 'gold', 10), (:j, 'Old promo', 'diamond', 5)"
        ),
        {"j": JOHN},
    )


@pytest.fixture
def pg_schema():
    """A throw-away PostgreSQL schema: the original web service only ever ran on PostgreSQL."""
    base = postgres_base_url()
    if base is None:
        if os.environ.get("CREDOPASS_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(f"CREDOPASS_REQUIRE_POSTGRES is set but {PG_ENV} is not")
        pytest.skip(f"adoption is PostgreSQL-only: set {PG_ENV} to run it")
    schema = PostgresSchema(base)
    schema.create()
    try:
        yield schema
    finally:
        schema.drop()


@pytest.fixture
def original(pg_schema):
    engine = create_app_engine(pg_schema.url)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url_text(pg_schema) -> str:
    return pg_schema.url.render_as_string(hide_password=False)


def _build(engine, schema_sql: str = ORIGINAL_SCHEMA) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql(schema_sql)
        _rows(connection)


def _snapshot(engine) -> dict:
    inspector = inspect(engine)
    with engine.connect() as connection:
        counts = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("users", "events", "attendance", "loyalty")
        }
    return {
        "tables": sorted(inspector.get_table_names()),
        "indexes": sorted(
            (i["name"], bool(i["unique"])) for i in inspector.get_indexes("attendance")
        ),
        "checks": inspector.get_check_constraints("events"),
        "counts": counts,
    }


def _run(capsys, url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, "db", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("names", sorted(VARIANTS))
def test_upgrade_adopts_the_original_database(original, database_url_text, capsys, names):
    schema_sql = ORIGINAL_SCHEMA
    for old, new in VARIANTS[names].items():
        assert old in schema_sql, old
        schema_sql = schema_sql.replace(old, new)
    _build(original, schema_sql)
    assert migrate.schema_status(original).state is migrate.SchemaState.UNMANAGED

    code, out, err = _run(capsys, database_url_text, "upgrade")

    assert code == 0, err
    assert "Adopted" in out
    # every row kept except the merged duplicates (3 rows of John at the service became 1)
    with original.connect() as connection:
        counts = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("users", "events", "attendance", "loyalty")
        }
        kept = connection.execute(
            text(
                'SELECT id, attended, "checkInTime", "checkOutTime" FROM attendance WHERE '
                '"patronId" = :j'
            ),
            {"j": JOHN},
        ).one()
        statuses = connection.execute(text("SELECT status FROM events ORDER BY name")).scalars()
        statuses = list(statuses)
    assert counts == {"users": 4, "events": 2, "attendance": 2, "loyalty": 2}
    assert kept.id == DUP_EARLY
    assert kept.attended is True
    assert kept.checkInTime.isoformat() == "2026-01-12T09:50:00+00:00"
    assert kept.checkOutTime.isoformat() == "2026-01-12T12:30:00+00:00"
    assert statuses == ["archived", "scheduled"], "bad rows are kept, not changed"
    # the merge is printed, with what was kept and what was removed
    assert "Merged duplicate attendance" in out
    assert str(DUP_EARLY) in out and str(DUP_LATE) in out and str(DUP_NULL) in out
    # rows breaking the new CHECKs are reported with how to fix them
    assert "archived" in out and str(PICNIC) in out
    assert "diamond" in out
    assert "How to fix" in out
    # emails that differ only in case are reported, not changed
    assert "John@Example.com / john@example.com" in out
    # under migrations, the unique index is unique, and the models agree with the database
    assert migrate.schema_status(original).state is migrate.SchemaState.CURRENT
    indexes = {i["name"]: i for i in inspect(original).get_indexes("attendance")}
    assert indexes["idx_attendance_unique"]["unique"]
    assert migrate.schema_differences(original) == []
    assert "__drizzle_migrations" in inspect(original).get_table_names(), "left alone"
    if names == "inline":
        assert "renamed constraint users.users_email_key to users_email_unique" in out
    if names == "drifted":
        assert "foreign key events.hostId -> users now ON DELETE CASCADE" in out
        assert "created index idx_loyalty_tier" in out
        assert "default of loyalty.points set to 0" in out

    code, out, _ = _run(capsys, database_url_text, "check")
    assert code == 0, out
    assert "note: ck_events_status is checked on new writes only: 1 old row(s)" in out

    # the new rule holds for new writes already
    with pytest.raises(Exception, match="ck_events_status"), original.begin() as connection:
        connection.execute(text("UPDATE events SET status = 'bogus' WHERE id = :s"), {"s": SERVICE})

    # a later upgrade reports the rows again until they are fixed, then validates the rules
    code, out, _ = _run(capsys, database_url_text, "upgrade")
    assert code == 0 and "archived" in out
    with original.begin() as connection:
        connection.execute(
            text("UPDATE events SET status = 'completed' WHERE id = :p"), {"p": PICNIC}
        )
        connection.execute(text("UPDATE loyalty SET tier = NULL WHERE tier = 'diamond'"))
    code, out, _ = _run(capsys, database_url_text, "upgrade")
    assert code == 0
    assert "ck_events_status" in out and "ck_loyalty_tier" in out
    with original.connect() as connection:
        pending = connection.execute(
            text(
                "SELECT count(*) FROM pg_constraint WHERE NOT convalidated "
                "AND conname IN ('ck_events_status', 'ck_loyalty_tier') "
                "AND connamespace = current_schema()::regnamespace"
            )
        ).scalar_one()
    assert pending == 0

    # the cascades of the guide hold (the drifted variant had lost one)
    with original.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = :h"), {"h": HOST})
        left = connection.execute(text("SELECT count(*) FROM events")).scalar_one()
        left += connection.execute(text("SELECT count(*) FROM attendance")).scalar_one()
    assert left == 0


def test_clean_original_is_adopted_with_valid_checks(original, database_url_text, capsys):
    with original.begin() as connection:
        connection.exec_driver_sql(ORIGINAL_SCHEMA)
    code, out, err = _run(capsys, database_url_text, "upgrade")
    assert code == 0, err
    assert "break the new rules" not in out and "Merged" not in out
    with original.connect() as connection:
        validated = connection.execute(
            text(
                "SELECT bool_and(convalidated) FROM pg_constraint "
                "WHERE conname IN ('ck_events_status', 'ck_loyalty_tier') "
                "AND connamespace = current_schema()::regnamespace"
            )
        ).scalar_one()
    assert validated is True


@pytest.mark.parametrize(
    ("change", "listed"),
    [
        ('CREATE TABLE "notes" (id serial PRIMARY KEY);', "unknown table: notes"),
        ('ALTER TABLE users ADD COLUMN "nickname" text;', "unknown column: users.nickname"),
        ("ALTER TABLE loyalty DROP COLUMN reward;", "missing column: loyalty.reward"),
        (
            'ALTER TABLE events ALTER COLUMN "startTime" TYPE timestamp without time zone;',
            "events.startTime is timestamp without time zone",
        ),
    ],
)
def test_unrecognized_database_is_refused_untouched(
    original, database_url_text, capsys, change, listed
):
    _build(original)
    with original.begin() as connection:
        connection.exec_driver_sql(change)
    before = _snapshot(original)

    code, out, err = _run(capsys, database_url_text, "upgrade")

    assert code == 1
    assert "nothing was changed" in err and listed in err
    assert "Traceback" not in err
    assert _snapshot(original) == before


def test_failure_half_way_leaves_the_database_untouched(original, database_url_text, capsys):
    """A failure at the last step (stamping the revision) rolls back the merge and the
    constraints too: one transaction."""
    _build(original)
    with original.begin() as connection:
        # an empty alembic_version that refuses every row makes the stamp fail
        connection.exec_driver_sql(
            "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL CHECK (false))"
        )
    before = _snapshot(original)
    code, _, err = _run(capsys, database_url_text, "upgrade")
    assert code == 1
    assert "Traceback" not in err
    assert _snapshot(original) == before


def test_sqlite_database_with_tables_but_no_history_is_refused(tmp_path, capsys):
    """The original's development fallback was PGlite (in memory), so no SQLite database of it
    exists; an SQLite file with tables but no history is refused, not guessed at."""
    url = sqlite_url(tmp_path / "old.db")
    engine = create_app_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE users (id text PRIMARY KEY, email text)")
    code, _, err = _run(capsys, url.render_as_string(hide_password=False), "upgrade")
    assert code == 1
    assert "adoption is for PostgreSQL" in err and "nothing was changed" in err
    assert inspect(engine).get_table_names() == ["users"]
    engine.dispose()
