"""Patron search benchmark (not part of the default test run): prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_search [--url URL] [--patrons 200000]
        [--queries 400]

Loads synthetic patrons (accented names, mixed phone formats) into a fresh database (a temporary
SQLite file without --url; a throw-away schema on a PostgreSQL --url), times
`rebuild_search_index`, then reports p50/p99 of `search_patrons` per kind of query, each in its
own read-only unit of work as the kiosk's DB worker runs it. Target (issue 7): p99 <= 20 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import unicodedata
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from app.search import search_patrons
from db import migrate
from db.engine import create_app_engine, parse_url, sqlite_url
from db.models import User
from db.search_index import rebuild_search_index
from db.session import make_session_factory, unit_of_work

FIRST_NAMES = """James Mary John Patricia Jennifer Michael Linda Grace Chloe Ethan Olivia José
María Lucía Sofía Martín Álvaro Inés Émilie Hélène François Céline Jérôme Zoé Loïc Jürgen Günther
Jörg Björn Sönke Dörte João Gonçalo Søren Åsa Ærin Bjørn Łukasz Małgorzata Zoë Mary-Ann Jean-Luc"""
LAST_NAMES = """Smith Johnson Williams Brown Jones Miller Davis Wilson Taylor García Fernández
González Rodríguez López Martínez Muñoz Lefèvre Dubois Moreau Bézier Côté D'Arcy Müller Schröder
Weiß Groß Schäfer Köhler Krüger Gonçalves Magalhães Simões Kierkegaard Østergaard Læssøe Wałęsa
Nowak Kowalczyk O'Brien Smith-Jones"""
FIRST = tuple(FIRST_NAMES.split())
LAST = (*LAST_NAMES.split(), "van der Berg", "de la Cruz")
PHONE_FORMATS = ("+1 ({a}) {b}-{c}", "{a}.{b}.{c}", "{a} {b} {c}", "{a}{b}{c}")


def ascii_form(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def make_patrons(count: int, rng: random.Random) -> list[dict]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = ascii_form(f"{first}.{last}").lower().replace(" ", "").replace("'", "")
        phone = None
        if rng.random() < 0.8:
            fmt = rng.choice(PHONE_FORMATS)
            phone = fmt.format(
                a=rng.randint(200, 999), b=rng.randint(200, 999), c=f"{rng.randint(0, 9999):04}"
            )
        rows.append(
            {
                "id": uuid.uuid4(),
                "email": f"{slug}{n}@example.org",
                "firstName": first,
                "lastName": last,
                "phone": phone,
                "createdAt": now,
                "updatedAt": now,
            }
        )
    return rows


def load(engine, rows: list[dict]) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            columns = ("id", "email", "firstName", "lastName", "phone", "createdAt", "updatedAt")
            driver = connection.connection.driver_connection
            quoted = ", ".join(f'"{c}"' for c in columns)
            with driver.cursor() as cursor, cursor.copy(f"COPY users ({quoted}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(tuple(row[c] for c in columns))
        else:
            for start in range(0, len(rows), 20000):
                connection.execute(insert(User.__table__), rows[start : start + 20000])


def queries(rows: list[dict], rng: random.Random, count: int) -> dict[str, list[str]]:
    picks = [rng.choice(rows) for _ in range(count)]
    accented = [
        r
        for r in rows
        if ascii_form(r["firstName"] + r["lastName"]) != r["firstName"] + r["lastName"]
    ]
    with_phone = [r for r in rows if r["phone"]]
    return {
        "name prefix": [p["lastName"][:3].lower() for p in picks],
        "first last": [f"{p['firstName']} {p['lastName'][:2]}" for p in picks],
        "email prefix": [p["email"][:6] for p in picks],
        "phone last 4": [rng.choice(with_phone)["phone"][-4:] for _ in range(count)],
        "accented, typed plain": [
            ascii_form(r["lastName"]).upper()[:5]
            for r in (rng.choice(accented) for _ in range(count))
        ],
        "scan code": [str(p["id"]).upper() for p in picks],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(url, patrons: int, count: int) -> None:
    engine = create_app_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(7)
    rows = make_patrons(patrons, rng)
    started = time.perf_counter()
    load(engine, rows)
    loaded = time.perf_counter()
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        rebuild_search_index(session)
    rebuilt = time.perf_counter()
    print(f"backend {engine.dialect.name}, {patrons:,} patrons")
    print(
        f"  load users {loaded - started:7.1f} s   rebuild_search_index {rebuilt - loaded:7.1f} s"
    )
    with engine.connect() as connection:
        keys = connection.execute(text("SELECT count(*) FROM patron_search")).scalar_one()
    print(f"  {keys:,} keys ({keys / patrons:.1f} per patron)")
    for kind, texts in queries(rows, rng, count).items():
        for q in texts[:20]:  # warm caches
            with unit_of_work(factory, write=False) as session:
                search_patrons(session, q)
        times, hits = [], 0
        for q in texts:
            t0 = time.perf_counter()
            with unit_of_work(factory, write=False) as session:
                hits += len(search_patrons(session, q))
            times.append((time.perf_counter() - t0) * 1000)
        p50, p99 = statistics.median(times), percentile(times, 0.99)
        print(
            f"  {kind:<24} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
            f"(avg {hits / len(texts):4.1f} hits)   target p99 <= 20 ms: "
            f"{'ok' if p99 <= 20 else 'MISSED'}"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="PostgreSQL URL (a throw-away schema is used)")
    parser.add_argument("--patrons", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=400)
    args = parser.parse_args()
    if not args.url:
        with tempfile.TemporaryDirectory() as folder:
            run(sqlite_url(Path(folder) / "bench.db"), args.patrons, args.queries)
        return
    base = parse_url(args.url)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        run(
            base.update_query_dict({"options": f"-csearch_path={schema}"}),
            args.patrons,
            args.queries,
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
