"""The synthetic-data generator: deterministic, consistent rows, on both backends."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.cli import main
from db.loyalty_rules import tier_for
from db.models import Attendance, Event, Loyalty, User
from db.search_index import patron_search, patron_search_stale
from db.synthetic import DatabaseNotEmpty, PlanError, Sizes, generate
from db.synthetic.plan import Plan

NOW = datetime(2026, 3, 15, 14, 30, tzinfo=UTC)
SIZES = Sizes(patrons=300, events=40, attendance=1500, seed=7)


def _all_rows(plan: Plan) -> list[list[tuple]]:
    tables = [[r for b in plan.patron_batches(batch_size=64) for r in b], plan.event_rows()]
    tables.append([r for b in plan.attendance_batches(batch_size=100) for r in b])
    tables.append([r for b in plan.loyalty_batches() for r in b])
    return tables


def test_same_seed_same_rows_whatever_the_batch_size():
    first = _all_rows(Plan(SIZES, NOW))
    plan = Plan(SIZES, NOW)
    again = [[r for b in plan.patron_batches(batch_size=7) for r in b], plan.event_rows()]
    again.append([r for b in plan.attendance_batches(batch_size=9999) for r in b])
    again.append([r for b in plan.loyalty_batches(batch_size=3) for r in b])
    assert first == again
    other = _all_rows(Plan(Sizes(300, 40, 1500, seed=8), NOW))
    assert other[0] != first[0]


def test_sizes_that_cannot_fit_are_refused_before_anything_is_written():
    with pytest.raises(PlanError, match="do not fit"):
        Plan(Sizes(patrons=3, events=2, attendance=7), NOW)
    with pytest.raises(PlanError, match="at least one patron"):
        Plan(Sizes(patrons=0, events=2, attendance=0), NOW)


@pytest.mark.parametrize(
    ("balance", "tier"),
    [(10, "bronze"), (99, "bronze"), (100, "silver"), (499, "silver"), (500, "gold"),
     (999, "gold"), (1000, "platinum")],
)  # fmt: skip
def test_tiers_follow_the_running_balance(balance, tier):
    assert tier_for(balance) == tier


def test_generated_rows_are_consistent(engine):
    report = generate(engine, SIZES, now=NOW)
    assert (report.patrons, report.events, report.attendance) == (300, 40, 1500)
    with Session(engine) as c:
        users = c.scalars(select(User)).all()
        events = {e.id: e for e in c.scalars(select(Event)).all()}
        visits = c.scalars(select(Attendance)).all()
        awards = c.scalars(select(Loyalty)).all()
        keys = c.scalar(select(func.count()).select_from(patron_search))
        stale = c.scalar(select(func.count()).select_from(patron_search_stale))

    assert len(users) == 300 and len(events) == 40 and len(visits) == 1500
    ids = {u.id for u in users}
    emails = [u.email for u in users]
    assert len(set(emails)) == 300 and all(e == e.lower() and "@" in e for e in emails)
    assert all(re.fullmatch(r"[a-z0-9._]+@[a-z.]+", e) for e in emails)
    names = " ".join(f"{u.first_name} {u.last_name}" for u in users)
    assert not names.isascii()  # accents and other letters
    phones = [u.phone for u in users if u.phone]
    assert any(p.startswith("+") for p in phones) and any(p.startswith("(") for p in phones)
    assert any("." in p for p in phones) and len(phones) < len(users)

    # Events: two years around now, statuses that agree with the clock, capacities mostly set.
    starts = [e.start_time for e in events.values()]
    assert max(starts) - min(starts) > timedelta(days=365)
    for e in events.values():
        assert e.end_time > e.start_time and e.host_id in ids
        if e.end_time <= NOW:
            assert e.status in ("completed", "cancelled")
        elif e.start_time <= NOW:
            assert e.status == "ongoing"
        else:
            assert e.status in ("scheduled", "draft", "cancelled")
    assert any(e.status == "ongoing" for e in events.values())
    assert sum(e.capacity is not None for e in events.values()) > 25

    # Attendance: valid links, one row per (event, patron), within capacity, times near start.
    assert len({(v.event_id, v.patron_id) for v in visits}) == 1500
    per_event = defaultdict(int)
    for v in visits:
        event = events[v.event_id]
        assert v.patron_id in ids and event.status != "draft"
        per_event[v.event_id] += 1
        if v.attended:
            assert event.status in ("completed", "ongoing")
            assert event.start_time - timedelta(minutes=46) <= v.check_in_time <= event.end_time
            assert v.check_in_time <= NOW
            assert v.check_out_time is None or v.check_in_time < v.check_out_time <= NOW
        else:
            assert v.check_in_time is None and v.check_out_time is None
    for event_id, count in per_event.items():
        capacity = events[event_id].capacity
        assert capacity is None or count <= capacity
    attended = [v for v in visits if v.attended]
    assert 0 < len(attended) < len(visits)
    assert any(v.check_out_time for v in attended)

    # One award per attended visit, tiered by the running balance in visit order.
    assert len(awards) == len(attended)
    expected = sorted(
        (v.patron_id, v.check_in_time, f"Attendance at {events[v.event_id].name}") for v in attended
    )
    got = sorted((a.patron_id, a.issued_at, a.description) for a in awards)
    assert got == expected
    balance = defaultdict(int)
    for a in sorted(awards, key=lambda a: (a.patron_id.hex, a.issued_at)):
        balance[a.patron_id] += a.points
        assert a.points == 10 and a.reward is None
        assert a.expires_at == a.issued_at + timedelta(days=365)
        assert a.tier == tier_for(balance[a.patron_id])

    # The patrons are searchable: keys built, nothing left stale.
    assert keys >= 3 * 300 and stale == 0


def test_the_loaded_rows_are_the_planned_rows(engine):
    generate(engine, SIZES, now=NOW)
    planned = _all_rows(Plan(SIZES, NOW))
    with engine.connect() as c:
        emails = c.scalars(select(User.email)).all()
        names = c.scalars(select(Event.name)).all()
    assert sorted(emails) == sorted(row[1] for row in planned[0])
    assert sorted(names) == sorted(row[1] for row in planned[1])


def test_a_database_with_data_is_refused_unless_appending(engine):
    generate(engine, Sizes(20, 3, 30), now=NOW)
    with pytest.raises(DatabaseNotEmpty, match="--append"):
        generate(engine, Sizes(20, 3, 30), now=NOW)
    report = generate(engine, Sizes(20, 3, 30), now=NOW, append=True)
    assert report.patrons == 20
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(User)) == 40
        assert c.scalar(select(func.count(func.distinct(User.email)))) == 40
        assert c.scalar(select(func.count()).select_from(patron_search_stale)) == 0


def test_the_load_keeps_every_index_and_trigger(engine):
    def index_names():
        with engine.connect() as c:
            if engine.dialect.name == "sqlite":
                sql = "SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger')"
            else:
                sql = (
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                    "UNION ALL SELECT conname FROM pg_constraint c JOIN pg_namespace n "
                    "ON n.oid = c.connamespace WHERE n.nspname = current_schema() "
                    "UNION ALL SELECT tgname FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = r.relnamespace "
                    "WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
                )
            return sorted(c.scalars(text(sql)))

    before = index_names()
    assert any("trg_users_search" in name for name in before)
    generate(engine, Sizes(50, 5, 80), now=NOW)
    assert index_names() == before
    # The search triggers are back: a patron written behind the app's back is noted stale.
    with engine.begin() as c:
        c.execute(
            User.__table__.insert().values(
                {
                    "id": uuid.uuid4(),
                    "email": "late@example.com",
                    "firstName": "Late",
                    "lastName": "Comer",
                    "createdAt": NOW,
                    "updatedAt": NOW,
                }
            )  # fmt: skip
        )
        assert c.scalar(select(func.count()).select_from(patron_search_stale)) == 1


def test_cli_generates_and_refuses_a_second_run(engine, database_url_text, capsys):
    args = ["--database-url", database_url_text, "db", "generate"]
    sizes = ["--patrons", "30", "--events", "4", "--attendance", "50", "--seed", "5"]
    assert main([*args, *sizes]) == 0
    assert "Generated 30 patrons, 4 events, 50 attendance rows" in capsys.readouterr().out
    assert main([*args, *sizes]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("credopass: the database already holds data") and "\n" not in err
    assert main([*args, "--patrons", "1", "--events", "1", "--attendance", "9", "--append"]) == 2
    assert "do not fit" in capsys.readouterr().err
    assert main([*args, *sizes, "--append"]) == 0


def test_planner_statistics_are_fresh_after_a_load(engine):
    generate(engine, Sizes(60, 4, 90), now=NOW)
    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            analysed = c.scalars(text("SELECT DISTINCT tbl FROM sqlite_stat1")).all()
        else:
            analysed = c.scalars(
                text(
                    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                    "AND last_analyze IS NOT NULL"
                )
            ).all()
    assert {"users", "events", "attendance", "loyalty"} <= set(analysed)
