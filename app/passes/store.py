"""Issuing, finding and reissuing passes; what the door needs to resolve a pass code.

Every patron has a pass: the current one is issued the first time anyone asks for it (shown,
printed, put on a sheet), so nothing has to run over all patrons when this table appears. A
reissue keeps the old row with its `replacedAt`, so the door can tell a greeter that the pass
in front of them was replaced, and when, instead of a bare "unknown".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.checkin.outcomes import PatronRef
from app.passes.codes import new_code, parse_pass_code
from db.models import PatronPass, User
from db.types import new_id, utcnow

ACTION_REISSUE = "pass_reissue"
_ISSUE_ATTEMPTS = 5

_PASSES = PatronPass.__table__
_USERS = User.__table__
_CURRENT = _PASSES.c.replacedAt.is_(None)
_OWNER = (
    select(_PASSES.c.patronId).where(_PASSES.c.code == bindparam("key"), _CURRENT).scalar_subquery()
)
_BY_CODE = select(_PASSES.c.patronId, _PASSES.c.replacedAt).where(
    _PASSES.c.code == bindparam("code")
)
_CURRENT_OF = select(_PASSES.c.patronId, _PASSES.c.code, _PASSES.c.issuedAt).where(
    _PASSES.c.patronId.in_(bindparam("ids", expanding=True)), _CURRENT
)
_INSERT = insert(_PASSES)


class PatronPassInfo(NamedTuple):
    """A patron's current pass, as shown or printed."""

    code: str
    patron: PatronRef
    issued_at: datetime


def current_owner_of_key():
    """The patron id whose current pass is the bound parameter "key" (a scalar subquery), for
    app.checkin.identify's statements: a pass code is one more way a code names a users row."""
    return _OWNER


def replaced_message(session: Session, code: object) -> str | None:
    """What the door says about a pass code that was reissued ("This pass was replaced on …"),
    or None when `code` is not such a pass. Only called on the not-found path."""
    key = parse_pass_code(code)
    if key is None:
        return None
    row = session.execute(_BY_CODE, {"code": key}).first()
    if row is None or row.replacedAt is None:
        return None
    return f"This pass was replaced on {row.replacedAt.astimezone():%d %b %Y}"


def current_pass(session: Session, patron: PatronRef) -> PatronPassInfo:
    """The patron's current pass, issued now if they never had one."""
    return next(iter(current_passes(session, [patron])))


def current_passes(session: Session, patrons: Iterable[PatronRef]) -> list[PatronPassInfo]:
    """Current passes of a batch of patrons (issuing the missing ones), in the given order.
    One read and at most one insert per batch: a sheet of 10,000 passes runs this per page."""
    patrons = list(patrons)
    if not patrons:
        return []
    session.flush()
    found = {
        row.patronId: (row.code, row.issuedAt)
        for row in session.execute(_CURRENT_OF, {"ids": [p.id for p in patrons]})
    }
    missing = [p for p in patrons if p.id not in found]
    if missing:
        found.update(_issue(session, [p.id for p in missing]))
    return [PatronPassInfo(found[p.id][0], p, found[p.id][1]) for p in patrons]


def reissue(
    session: Session,
    patron: PatronRef,
    *,
    station: str,
    method: str,
    now: datetime | None = None,
) -> PatronPassInfo:
    """Replace the patron's pass (lost, shared, photographed): the old code stops working at
    the door from this transaction's commit on. Audited with the replaced code."""
    now = now or utcnow()
    old = current_pass(session, patron)
    session.execute(
        update(_PASSES)
        .where(and_(_PASSES.c.patronId == patron.id, _CURRENT))
        .values(replacedAt=now)
    )
    new = _issue(session, [patron.id], now)[patron.id]
    audit.write(
        session,
        station=station,
        method=method,
        action=ACTION_REISSUE,
        outcome="reissued",
        patron_id=patron.id,
        code=old.code,
        detail={"replaced": old.code, "new": new[0]},
        now=now,
    )
    return PatronPassInfo(new[0], patron, new[1])


def _issue(
    session: Session, patron_ids: list[uuid.UUID], now: datetime | None = None
) -> dict[uuid.UUID, tuple[str, datetime]]:
    """New current passes; a clash of random codes (about one in 10^15 per pair) is retried
    with fresh codes inside a savepoint, so the caller's transaction survives it."""
    now = now or utcnow()
    for attempt in range(_ISSUE_ATTEMPTS):
        rows = [
            {"id": new_id(), "patronId": pid, "code": new_code(), "issuedAt": now}
            for pid in patron_ids
        ]
        try:
            with session.begin_nested():
                session.execute(_INSERT, rows)
        except IntegrityError:
            if attempt == _ISSUE_ATTEMPTS - 1:
                raise
            continue
        return {row["patronId"]: (row["code"], now) for row in rows}
    raise AssertionError("unreachable")
