"""Patron search for the kiosk and the admin tab.

A query is tried as every kind it could be at once: a scan code (the patron's UUID), the start
of any name word or of "first last", the start of an email, the last digits of a phone. Each
kind is one range scan over the `patron_search` index in key order, stopped after a few dozen
rows, so the time does not grow with the number of patrons (docs/design/search.md).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Text, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from app.event_lookup import parse_uuid
from app.masking import display_name, mask_email, mask_phone
from db.models import User
from db.search_fold import (
    KIND_EMAIL,
    KIND_FULL_NAME,
    KIND_NAME_WORDS,
    KIND_PHONE,
    MAX_KEY_LENGTH,
    email_key,
    name_query,
    patron_keys,
    phone_query,
    prefix_range,
)
from db.search_index import patron_search, patron_search_stale

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 20
# Patrons written behind the app's back (noted stale by the triggers) are matched in Python
# until `refresh_search_index` rewrites their keys; this many at most per search.
STALE_LIMIT = 500

# Rank tiers: lower comes first. Within a tier, the matched key in code-point order, then id.
_TIER_CODE, _TIER_EXACT, _TIER_NAME, _TIER_EMAIL, _TIER_PHONE = range(5)
_KIND_TIER = {
    KIND_FULL_NAME: _TIER_NAME,
    KIND_NAME_WORDS: _TIER_NAME,
    KIND_EMAIL: _TIER_EMAIL,
    KIND_PHONE: _TIER_PHONE,
}
_KIND_LABEL = {
    KIND_FULL_NAME: "name",
    KIND_NAME_WORDS: "name",
    KIND_EMAIL: "email",
    KIND_PHONE: "phone",
}
_EXACT_KINDS = (KIND_FULL_NAME, KIND_EMAIL)


@dataclass(frozen=True)
class PatronMatch:
    """One search hit in the form a screen may show.

    `email` and `phone` are the full values only when the search was made with reveal=True
    (supervisors); otherwise None, and the screen shows `masked_email` / `masked_phone`.
    `matched_by` says which key found the patron: "code", "name", "email" or "phone".
    """

    id: uuid.UUID
    first_name: str
    last_name: str
    display_name: str
    masked_email: str
    masked_phone: str | None
    matched_by: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class _Plan:
    """The folded forms of one query, per kind of key (a kind left out is not tried)."""

    code: uuid.UUID | None
    queries: dict[str, str]


def _plan(text: str) -> _Plan:
    queries: dict[str, str] = {}
    if "@" not in text:
        name = name_query(text)
        if len(name) >= MIN_QUERY_LENGTH:
            queries[KIND_FULL_NAME] = queries[KIND_NAME_WORDS] = name
    if not any(ch.isspace() for ch in text):
        email = email_key(text)
        if len(email) >= MIN_QUERY_LENGTH:
            queries[KIND_EMAIL] = email
    phone = phone_query(text)
    if phone is not None:
        queries[KIND_PHONE] = phone
    return _Plan(parse_uuid(text), {kind: q[:MAX_KEY_LENGTH] for kind, q in queries.items()})


def _rank(kind: str, key: str, patron_id: uuid.UUID, query: str) -> tuple:
    tier = _TIER_EXACT if kind in _EXACT_KINDS and key == query else _KIND_TIER[kind]
    return (tier, key, patron_id, kind)


# The stale marks come back in the same statement as the scans, under this pseudo-kind.
_STALE = "!"


@lru_cache(maxsize=64)
def _scan_statement(kinds: tuple[str, ...], fetch: int):
    """Per kind, the first `fetch` keys in a prefix range, in key order, and the stale marks;
    one round trip. Built once per shape (the bound values change, the SQL does not, so
    SQLAlchemy's compiled cache is hit too)."""
    c = patron_search.c
    parts = [
        select(c.kind, c.key, c.patronId)
        .where(c.kind == kind, c.key >= bindparam(f"low_{kind}"), c.key < bindparam(f"high_{kind}"))
        .order_by(c.key, c.patronId)
        .limit(fetch)
        .subquery()
        for kind in kinds
    ]
    stale = patron_search_stale.c
    parts.append(
        select(literal(_STALE, Text).label("kind"), literal("", Text).label("key"), stale.patronId)
        .limit(STALE_LIMIT)
        .subquery()
    )
    return union_all(*(select(part) for part in parts))


def _scan(session: Session, queries: dict[str, str], fetch: int) -> tuple[dict, set]:
    """The rows each kind's scan found (sorted by key, id), and the stale patrons' ids."""
    params = {}
    for kind, query in queries.items():
        params[f"low_{kind}"], params[f"high_{kind}"] = prefix_range(query)
    found: dict[str, list[tuple]] = {kind: [] for kind in queries}
    stale = set()
    for kind, key, patron_id in session.execute(_scan_statement(tuple(queries), fetch), params):
        if kind == _STALE:
            stale.add(patron_id)
        else:
            found[kind].append((key, patron_id))
    for rows in found.values():
        rows.sort()  # the union does not promise to keep each part's order
    return found, stale


def _stale_matches(session: Session, stale: set, queries: dict[str, str]) -> dict[str, list]:
    """The current keys of patrons whose stored keys may be out of date, where they match."""
    matches: dict[str, list[tuple]] = {kind: [] for kind in queries}
    if not stale:
        return matches
    columns = (User.id, User.first_name, User.last_name, User.email, User.phone)
    for patron_id, *values in session.execute(select(*columns).where(User.id.in_(stale))):
        for kind, key in patron_keys(*values):
            if kind in queries and key.startswith(queries[kind]):
                matches[kind].append((key, patron_id))
    return matches


def _best(session: Session, plan: _Plan, limit: int) -> list[tuple]:
    """The `limit` best (rank, patron_id) pairs, best first."""
    best: dict[uuid.UUID, tuple] = {}
    if plan.code is not None and session.get(User, plan.code) is not None:
        best[plan.code] = (_TIER_CODE, "", plan.code, "")
    if not plan.queries:
        return sorted((rank, pid) for pid, rank in best.items())[:limit]
    fetch = limit + 4  # a patron rarely has two keys of one kind starting alike
    stale_matches = None
    for _ in range(5):
        found, stale = _scan(session, plan.queries, fetch)
        if stale_matches is None:
            stale_matches = _stale_matches(session, stale, plan.queries)
        ranks = dict(best)
        for kind, rows in found.items():
            # A stale patron's stored keys may be old: its current keys come from Python.
            fresh = [row for row in rows if row[1] not in stale]
            for key, patron_id in [*fresh, *stale_matches[kind]]:
                rank = _rank(kind, key, patron_id, plan.queries[kind])
                if patron_id not in ranks or rank < ranks[patron_id]:
                    ranks[patron_id] = rank
        ordered = sorted((rank, pid) for pid, rank in ranks.items())
        # A kind whose scan was cut short may hold better rows further on, unless the last one
        # it returned already ranks below the limit-th result.
        cut_short = [
            _rank(kind, *rows[-1], plan.queries[kind])
            for kind, rows in found.items()
            if len(rows) >= fetch
        ]
        if not cut_short or (
            len(ordered) >= limit and all(last >= ordered[limit - 1][0] for last in cut_short)
        ):
            break
        fetch *= 2
    return ordered[:limit]


def _clean_query(query: object) -> str:
    if not isinstance(query, str):
        return ""
    # Control characters, lone surrogates and the like cannot be typed into a name; PostgreSQL
    # would refuse some of them outright.
    printable = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in query)
    return printable.strip()[: MAX_KEY_LENGTH * 2]


def search_patrons(
    session: Session, query: str, *, limit: int = MAX_RESULTS, reveal: bool = False
) -> list[PatronMatch]:
    """Patrons matching `query`, exact matches first (scan code, then exact full name or email),
    then name, email and phone prefix matches, each in alphabetical order of what matched.

    Fewer than 2 characters gives an empty list; at most `limit` results, never more than 20.
    Full email and phone are filled in only with `reveal=True`. Never raises on odd input.
    """
    text = _clean_query(query)
    try:
        limit = max(0, min(int(limit), MAX_RESULTS))
    except (TypeError, ValueError):
        limit = MAX_RESULTS
    if len(text) < MIN_QUERY_LENGTH or limit == 0:
        return []
    ranked = _best(session, _plan(text), limit)
    if not ranked:
        return []
    columns = (User.id, User.first_name, User.last_name, User.email, User.phone)
    wanted = [pid for _, pid in ranked]
    users = {row.id: row for row in session.execute(select(*columns).where(User.id.in_(wanted)))}
    return [
        _match(users[pid], "code" if rank[0] == _TIER_CODE else _KIND_LABEL[rank[3]], reveal)
        for rank, pid in ranked
        if pid in users
    ]


def _match(user, matched_by: str, reveal: bool) -> PatronMatch:
    return PatronMatch(
        id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        display_name=display_name(user.first_name, user.last_name),
        masked_email=mask_email(user.email),
        masked_phone=mask_phone(user.phone),
        matched_by=matched_by,
        email=user.email if reveal else None,
        phone=user.phone if reveal else None,
    )
