"""Where a door action runs: on the server when it answers within the door deadline, else on
the station copy, queued for the next sync.

    route_door_action(open_server, action, station=..., now=None) -> Routed

`open_server()` returns an app.database.Database (or raises DatabaseUnavailable). Connection
and statement deadlines come from db.engine (connect_timeout, door_options(): ~3 s in all);
any failure to reach the server within them sends the action to the copy. The nonce is chosen
before the first attempt and the server writes it as a receipt in the action's transaction, so
an action whose commit reached the server but whose answer was lost is acknowledged, not
applied twice, when the copy's queued twin is uploaded.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.checkin.outcomes import CheckInResult
from app.errors import DatabaseUnavailable
from app.station import copy as station_copy
from app.station.actions import EFFECTS, DoorAction, perform
from app.station.outbox import act_offline
from db.engine import door_options
from db.session import make_session_factory, run_in_transaction
from db.station_models import StationReceipt
from db.types import utcnow

# query_canceled (statement_timeout: the server is alive but did not answer within the
# deadline) and the connection-exception class: both mean "not within 3 s", so go offline.
_SLOW_OR_GONE_SQLSTATES = ("57014", "08")


@dataclass(frozen=True)
class Routed:
    result: CheckInResult
    queued: bool  # True: ran on the station copy, waiting in its outbox
    station: str
    reason: str | None = None  # why the server was not used (offline only)

    def to_json(self) -> dict:
        return {**self.result.to_json(), "queued": self.queued}


def server_unreachable(exc: BaseException) -> bool:
    """Whether `exc` means the server did not answer in time (rather than refused the work)."""
    if isinstance(exc, DatabaseUnavailable):
        return True
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None) or ""
        return sqlstate.startswith(_SLOW_OR_GONE_SQLSTATES)
    return False


def act_online(database, action: DoorAction, *, station: str, nonce, now, note=None):
    def unit(session):
        result = perform(session, action, now, note)
        if result.outcome in EFFECTS:
            session.add(receipt(nonce, station, action.method, now, result))
        return result

    return run_in_transaction(database.sessions, unit, options=door_options())


def receipt(nonce, station: str, method: str, scanned_at: datetime, result, **extra):
    outcome = {"outcome": result.outcome.value, **extra}
    if result.patron is not None:
        outcome["patronId"] = str(result.patron.id)
    return StationReceipt(
        nonce=nonce,
        station=station,
        method=method,
        scanned_at=scanned_at,
        applied_at=utcnow(),
        outcome=json.dumps(outcome),
    )


def route_door_action(
    open_server, action: DoorAction, *, station: str, now: datetime | None = None, note=None
) -> Routed:
    """`note(text)` hears which event a name meant when several share it."""
    now = now or utcnow()
    nonce = uuid.uuid4()
    try:
        database = open_server()
        if database.backend == "sqlite":  # a local file is its own station: nothing to sync
            result = run_in_transaction(database.sessions, lambda s: perform(s, action, now, note))
            return Routed(result, False, station)
        result = act_online(database, action, station=station, nonce=nonce, now=now, note=note)
        return Routed(result, False, station)
    except Exception as exc:
        if not server_unreachable(exc):
            raise
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    result = act_on_copy(action, station=station, nonce=nonce, now=now, reason=reason, note=note)
    return Routed(result, True, station, reason)


def act_on_copy(action: DoorAction, *, station: str, nonce, now, reason: str, note=None):
    engine = station_copy.open_copy(station)
    if engine is None:
        raise DatabaseUnavailable(
            f"{reason}. This station ({station}) has no copy to work from while the server is "
            f"away: run `credopass station sync --station {station}` once while it answers"
        )
    try:
        return run_in_transaction(
            make_session_factory(engine),
            lambda s: act_offline(s, action, station=station, nonce=nonce, now=now, note=note),
        )
    finally:
        engine.dispose()
