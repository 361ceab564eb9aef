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

from sqlalchemy import Integer, Text, bindparam, literal, literal_column, select, union_all
from sqlalchemy.orm import Session

from app.masking import display_name, mask_email, mask_phone
from app.uuid_text import parse_uuid
from db.models import PatronContact, User
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
from db.types import UUIDType

MIN_QUERY_LENGTH = 2
MAX_RESULTS = 20
# Patrons written behind the app's back (noted stale by the triggers) are matched in Python
# until `refresh_search_index` rewrites their keys; this many at most per search.
STALE_LIMIT = 500

# Secondary contacts (patron_contacts, issue 15) are scanned as kinds of their own, so that a
# scan cut short in one table is not mistaken for the end of the other.
KIND_CONTACT_EMAIL = "E"
KIND_CONTACT_PHONE = "P"
_CONTACT_KINDS = {KIND_CONTACT_EMAIL: "email", KIND_CONTACT_PHONE: "phone"}

# Rank tiers: lower comes first. Within a tier, the matched key in code-point order, then id.
_TIER_CODE, _TIER_EXACT, _TIER_NAME, _TIER_EMAIL, _TIER_PHONE = range(5)
_KIND_TIER = {
    KIND_FULL_NAME: _TIER_NAME,
    KIND_NAME_WORDS: _TIER_NAME,
    KIND_EMAIL: _TIER_EMAIL,
    KIND_PHONE: _TIER_PHONE,
    KIND_CONTACT_EMAIL: _TIER_EMAIL,
    KIND_CONTACT_PHONE: _TIER_PHONE,
}
_KIND_LABEL = {
    KIND_FULL_NAME: "name",
    KIND_NAME_WORDS: "name",
    KIND_EMAIL: "email",
    KIND_PHONE: "phone",
    KIND_CONTACT_EMAIL: "email",
    KIND_CONTACT_PHONE: "phone",
}
_EXACT_KINDS = (KIND_FULL_NAME, KIND_EMAIL, KIND_CONTACT_EMAIL)


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
            queries[KIND_EMAIL] = queries[KIND_CONTACT_EMAIL] = email
    phone = phone_query(text)
    if phone is not None:
        queries[KIND_PHONE] = queries[KIND_CONTACT_PHONE] = phone
    return _Plan(parse_uuid(text), {kind: q[:MAX_KEY_LENGTH] for kind, q in queries.items()})


def _rank(kind: str, key: str, patron_id: uuid.UUID, query: str) -> tuple:
    tier = _TIER_EXACT if kind in _EXACT_KINDS and key == query else _KIND_TIER[kind]
    return (tier, key, patron_id, kind)


# Pseudo-kinds: the stale marks and the scan code come back in the same statement as the scans.
_STALE = "!"
_CODE = "#"
_PERSON = (User.first_name, User.last_name, User.email, User.phone)


@lru_cache(maxsize=128)
def _scan_statement(kinds: tuple[str, ...], fetch: int, with_code: bool):
    """One round trip: per kind, the first `fetch` keys in a prefix range in key order, and the
    scan code's patron, each row with the patron's name, email and phone; the stale marks.

    Built once per shape (the bound values change, the SQL does not, so SQLAlchemy's compiled
    cache is hit too)."""
    # A literal, not a bound parameter: PostgreSQL's generic plan for a prepared statement
    # cannot see a parameter's value, assumes many rows and joins `users` by a full scan.
    limit = literal_column(str(int(fetch)), Integer)
    parts = [_kind_scan(kind).limit(limit) for kind in kinds]
    if with_code:
        code = bindparam("code", type_=UUIDType)
        parts.append(select(_label(_CODE), _label("", "key"), User.id).where(User.id == code))
    keys = union_all(*(select(part.subquery()) for part in parts)).subquery()
    found = select(keys.c.kind, keys.c.key, keys.c.patronId, *_PERSON).join_from(
        keys, User, User.id == keys.c.patronId
    )
    # The stale marks are not joined to `users`: PostgreSQL cannot know the table is (nearly
    # always) empty and would plan a full scan of `users` for them. Their details are read
    # separately, only when there are some.
    marks = patron_search_stale.c
    nothing = [literal(None, Text)] * len(_PERSON)
    stale_limit = literal_column(str(STALE_LIMIT), Integer)
    stale = select(_label(_STALE), _label("", "key"), marks.patronId, *nothing).limit(stale_limit)
    return union_all(found, select(stale.subquery()))


def _kind_scan(kind: str):
    """The keys of one kind in its prefix range, in key order (contacts from their table)."""
    low, high = bindparam(f"low_{kind}"), bindparam(f"high_{kind}")
    if kind in _CONTACT_KINDS:
        k = PatronContact.__table__.c
        return (
            select(_label(kind), k.searchKey.label("key"), k.patronId)
            .where(k.kind == _CONTACT_KINDS[kind], k.searchKey >= low, k.searchKey < high)
            .order_by(k.searchKey, k.patronId)
        )
    c = patron_search.c
    return (
        select(c.kind, c.key, c.patronId)
        .where(c.kind == kind, c.key >= low, c.key < high)
        .order_by(c.key, c.patronId)
    )


def _label(value: str, name: str = "kind"):
    return literal(value, Text).label(name)


@dataclass
class _Scan:
    found: dict[str, list[tuple]]  # per kind: (key, patron id), sorted
    stale: set  # patrons whose stored keys may be out of date
    code: uuid.UUID | None  # the scan code's patron, if there is one
    people: dict  # patron id -> (first name, last name, email, phone)


def _scan(session: Session, plan: _Plan, fetch: int) -> _Scan:
    params: dict[str, object] = {}
    for kind, query in plan.queries.items():
        params[f"low_{kind}"], params[f"high_{kind}"] = prefix_range(query)
    with_code = plan.code is not None
    if with_code:
        params["code"] = plan.code
    result = _Scan({kind: [] for kind in plan.queries}, set(), None, {})
    statement = _scan_statement(tuple(plan.queries), fetch, with_code)
    for kind, key, patron_id, *person in session.execute(statement, params):
        if kind == _STALE:
            result.stale.add(patron_id)
            continue
        result.people[patron_id] = tuple(person)
        if kind == _CODE:
            result.code = patron_id
        else:
            result.found[kind].append((key, patron_id))
    for rows in result.found.values():
        rows.sort()  # the union does not promise to keep each part's order
    return result


def _stale_matches(session: Session, scan: _Scan, queries: dict[str, str]) -> dict[str, list]:
    """The current keys of patrons whose stored keys may be out of date, where they match."""
    matches: dict[str, list[tuple]] = {kind: [] for kind in queries}
    if not scan.stale:
        return matches
    statement = select(User.id, *_PERSON).where(User.id.in_(scan.stale))
    for patron_id, *person in session.execute(statement):
        scan.people[patron_id] = tuple(person)
        for kind, key in patron_keys(*person):
            if kind in queries and key.startswith(queries[kind]):
                matches[kind].append((key, patron_id))
    return matches


def _best(session: Session, plan: _Plan, limit: int) -> tuple[list[tuple], dict]:
    """The `limit` best (rank, patron id) pairs, best first, and the patrons' details."""
    if not plan.queries and plan.code is None:  # e.g. "@ @": nothing to look for
        return [], {}
    fetch = limit + 4  # a patron rarely has two keys of one kind starting alike
    stale_matches = None
    for _ in range(5):
        scan = _scan(session, plan, fetch)
        if stale_matches is None:
            stale_matches = _stale_matches(session, scan, plan.queries)
            people = scan.people
        else:
            people.update(scan.people)
        ranks = {}
        if scan.code is not None:
            ranks[scan.code] = (_TIER_CODE, "", scan.code, "")
        for kind, rows in scan.found.items():
            # A stale patron's stored keys may be old: its current keys come from Python.
            fresh = [row for row in rows if row[1] not in scan.stale]
            for key, patron_id in [*fresh, *stale_matches[kind]]:
                rank = _rank(kind, key, patron_id, plan.queries[kind])
                if patron_id not in ranks or rank < ranks[patron_id]:
                    ranks[patron_id] = rank
        ordered = sorted((rank, pid) for pid, rank in ranks.items())
        # A kind whose scan was cut short may hold better rows further on, unless the last one
        # it returned already ranks below the limit-th result.
        cut_short = [
            _rank(kind, *rows[-1], plan.queries[kind])
            for kind, rows in scan.found.items()
            if len(rows) >= fetch
        ]
        if not cut_short or (
            len(ordered) >= limit and all(last >= ordered[limit - 1][0] for last in cut_short)
        ):
            break
        fetch *= 2
    return ordered[:limit], people


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
    ranked, people = _best(session, _plan(text), limit)
    return [
        _match(pid, people[pid], "code" if rank[0] == _TIER_CODE else _KIND_LABEL[rank[3]], reveal)
        for rank, pid in ranked
    ]


def _match(patron_id: uuid.UUID, person: tuple, matched_by: str, reveal: bool) -> PatronMatch:
    first_name, last_name, email, phone = person
    return PatronMatch(
        id=patron_id,
        first_name=first_name,
        last_name=last_name,
        display_name=display_name(first_name, last_name),
        masked_email=mask_email(email),
        masked_phone=mask_phone(phone),
        matched_by=matched_by,
        email=email if reveal else None,
        phone=phone if reveal else None,
    )
