"""Patron search, the five ways a greeter types: name prefix, "first last", email prefix,
phone last 4 digits, an accented query. Each query is one read-only unit of work, as the kiosk's
worker runs it. Queries come from real rows of the data set, so every one finds someone.

The raw baseline is the indexed prefix range the search is built on (one `patron_search` range
scan through the bare driver); the name-prefix search's ratio is reported against it.
"""

from __future__ import annotations

import random
import re
import sqlite3

import psycopg
from sqlalchemy import select

from db.models import User
from db.session import run_in_transaction, unit_of_work
from tests.benchmarks.harness import Result, Skip, percentile, summary, time_calls

QUERIES = 200
P99_TARGET_MS = 20


def _queries(rows, rng: random.Random) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {
        k: [] for k in ("name", "first_last", "email", "phone", "accent")
    }
    for first, last, email, phone in rows:
        kinds["name"].append(last[:3])
        kinds["first_last"].append(f"{first} {last}")
        kinds["email"].append(email[:6])
        digits = re.sub(r"\D", "", phone or "")
        if len(digits) >= 4:
            kinds["phone"].append(digits[-4:])
        if not f"{first}{last}".isascii():
            kinds["accent"].append(f"{first} {last[:4]}")
    return {k: (rng.sample(v, QUERIES) if len(v) > QUERIES else v) for k, v in kinds.items()}


class RawPrefix:
    """One prefix range over the search keys through the bare driver."""

    def __init__(self, dataset):
        if dataset.backend == "sqlite":
            self.db = sqlite3.connect(dataset.url.database, isolation_level=None)
            self.sql = (
                'SELECT "patronId" FROM patron_search WHERE kind = ? AND key >= ? AND key < ? '
                "ORDER BY key LIMIT 40"
            )
        else:
            u = dataset.url
            self.db = psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database)
            self.db.autocommit = True
            self.sql = (
                'SELECT "patronId" FROM patron_search WHERE kind = %s AND key >= %s '
                "AND key < %s ORDER BY key LIMIT 40"
            )

    def lookup(self, prefix: str) -> None:
        cursor = self.db.execute(self.sql, ("n", prefix, prefix + "\U0010ffff"))
        cursor.fetchall()

    def close(self) -> None:
        self.db.close()


def run(dataset) -> list[Result]:
    try:
        from app.search import search_patrons
        from db.search_fold import name_query
    except ImportError as exc:
        raise Skip(f"patron search is not there yet ({exc})") from None
    with unit_of_work(dataset.sessions, write=False) as s:
        columns = (User.first_name, User.last_name, User.email, User.phone)
        rows = s.execute(select(*columns).limit(50_000)).all()
    queries = _queries(rows, random.Random(11))
    labels = {
        "name": "search: name prefix",
        "first_last": 'search: "first last"',
        "email": "search: email prefix",
        "phone": "search: phone last 4",
        "accent": "search: accented query",
    }
    raw = RawPrefix(dataset)
    results = []
    try:
        names = queries["name"]
        folded = [name_query(q) for q in names]
        raw_ms = time_calls(lambda i: raw.lookup(folded[i % len(folded)]), len(folded))
        for kind, label in labels.items():
            texts = queries[kind]

            def one(i, texts=texts):
                query = texts[i % len(texts)]
                found = run_in_transaction(
                    dataset.sessions, lambda s: search_patrons(s, query), write=False
                )
                if not found:
                    raise RuntimeError(f"search for {query!r} found nobody")

            samples = time_calls(one, len(texts))
            ratio = None
            if kind == "name":
                ratio = percentile(samples, 0.99) / percentile(raw_ms, 0.99)
            results.append(
                summary(label, dataset.backend, samples, p99_target=P99_TARGET_MS, ratio=ratio)
            )
    finally:
        raw.close()
    results.append(
        summary(
            "search raw prefix baseline",
            dataset.backend,
            raw_ms,
            p99_target=None,
            note="one indexed key range, bare driver",
        )
    )
    return results
