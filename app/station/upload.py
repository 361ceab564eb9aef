"""Upload a station's outbox to the server: in scan order, each action in its own server
transaction, through the same use cases, idempotent by nonce.

    upload(server_engine, copy_engine) -> UploadSummary

Per action, one server transaction: look up the nonce in `station_receipts` (there: acknowledge
without effect); else apply the action at its scan time as a forced admission
(app.checkin.door.DoorPolicy: an offline admission is a fact), write the conflicts it produced and the
receipt, commit. Only then is the outbox row marked sent in the copy (in batches; a crash in
between is harmless: the receipt makes the re-upload an acknowledgement). A connection lost
mid-way stops the upload with `reachable=False`; what was committed stays committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit
from app.checkin.door import DOOR_POLICY, DoorPolicy, count_attended
from app.checkin.outcomes import CheckInResult, Outcome
from app.station import conflicts as report
from app.station.actions import CHECK_IN, CHECK_OUT, UNDO, WALK_IN, perform
from app.station.outbox import Queued, mark_sent, next_waiting, walk_in_ids
from app.station.router import receipt, server_unreachable
from db.models import Attendance, Event
from db.session import make_session_factory, run_in_transaction, unit_of_work
from db.station_models import StationReceipt

BATCH = 200


@dataclass
class UploadSummary:
    uploaded: int = 0  # applied now
    acknowledged: int = 0  # the server already had them (an earlier, cut sync)
    conflicts: int = 0  # conflict records written
    waiting: int = 0  # still in the outbox afterwards
    reachable: bool = True
    error: str | None = None


def upload(server_engine: Engine, copy_engine: Engine) -> UploadSummary:
    server = make_session_factory(server_engine)
    local = make_session_factory(copy_engine)
    summary = UploadSummary()
    while True:
        with unit_of_work(local, write=False) as session:
            batch = next_waiting(session, BATCH)
            ids = walk_in_ids(session)
        if not batch:
            break
        done: list[tuple[int, dict]] = []
        try:
            known = _receipts(server, batch)
            for queued in batch:
                if queued.nonce in known:
                    outcome = {**known[queued.nonce], "status": "acknowledged"}
                else:
                    outcome = _apply_once(server, queued, ids)
                done.append((queued.seq, outcome))
                if outcome.get("patronId") and queued.action.method == WALK_IN:
                    mine = queued.action.patron_id
                    if mine and mine != outcome["patronId"]:
                        ids[mine] = outcome["patronId"]
                _count(summary, outcome)
        except Exception as exc:
            if not server_unreachable(exc):
                _mark(local, done)
                raise
            summary.reachable = False
            summary.error = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        _mark(local, done)
        if not summary.reachable:
            break
    with unit_of_work(local, write=False) as session:
        from app.station.outbox import waiting  # noqa: PLC0415

        summary.waiting = waiting(session)
    return summary


def _count(summary: UploadSummary, outcome: dict) -> None:
    if outcome.get("status") == "acknowledged":
        summary.acknowledged += 1
    else:
        summary.uploaded += 1
        summary.conflicts += outcome.get("conflicts", 0)


def _mark(local, done: list[tuple[int, dict]]) -> None:
    if not done:
        return
    with unit_of_work(local) as session:
        for seq, outcome in done:
            mark_sent(session, seq, outcome)


def _receipts(server, batch: list[Queued]) -> dict:
    """The batch's nonces the server already has (one query instead of one per action)."""
    with unit_of_work(server, write=False) as session:
        rows = session.execute(
            select(StationReceipt.nonce, StationReceipt.outcome).where(
                StationReceipt.nonce.in_([q.nonce for q in batch])
            )
        ).all()
    return {nonce: json.loads(outcome) for nonce, outcome in rows}


def _apply_once(server, queued: Queued, ids: dict[str, str]) -> dict:
    # The receipt's primary key is the guard: two syncs of the same station at once, the
    # loser's receipt clashes on the nonce, its second try finds the winner's and acknowledges.
    try:
        return run_in_transaction(server, lambda s: apply_queued(s, queued, ids, checked=True))
    except IntegrityError:
        return run_in_transaction(server, lambda s: apply_queued(s, queued, ids))


def apply_queued(session: Session, queued: Queued, ids: dict[str, str], *, checked=False) -> dict:
    """Apply one queued action (`checked`: the caller just found no receipt for its nonce)."""
    known = None if checked else session.get(StationReceipt, queued.nonce)
    if known is not None:
        return {**json.loads(known.outcome), "status": "acknowledged"}
    action = queued.action
    if action.code in ids:
        action = replace(action, code=ids[action.code])
    event = _event_of(session, action)
    session.info[DOOR_POLICY] = DoorPolicy(forced=True)
    try:
        result = perform(session, action, queued.scanned_at)
    finally:
        session.info.pop(DOOR_POLICY, None)
    found = judge(session, queued, action, event, result)
    for conflict in found:
        report.record(session, conflict)
    session.add(receipt(queued.nonce, queued.station, action.method, queued.scanned_at, result))
    outcome = {"outcome": result.outcome.value, "status": "applied", "conflicts": len(found)}
    if result.patron is not None:
        outcome["patronId"] = str(result.patron.id)
    return outcome


def _event_of(session: Session, action) -> Event | None:
    """The event as the server holds it (its status and capacity do not change by an action,
    so reading it first costs one primary-key lookup)."""
    from app.checkin.event_lookup import parse_uuid  # noqa: PLC0415

    event_id = parse_uuid(action.event)
    return session.get(Event, event_id) if event_id is not None else None


def _admitted_before(session: Session, event_id, patron_id) -> tuple:
    """(check-in time, station) of the admission the server kept; read after the action: a
    refused or re-entering check-in leaves the first check-in time as it was."""
    time = session.scalar(
        select(Attendance.check_in_time).where(
            Attendance.event_id == event_id, Attendance.patron_id == patron_id
        )
    )
    entry = audit.latest(
        session,
        event_id=event_id,
        patron_id=patron_id,
        action="check_in",
        outcomes=(Outcome.CHECKED_IN,),
    )
    return time, entry.station if entry is not None else None


def judge(session: Session, queued: Queued, action, event, result: CheckInResult):
    """The conflicts this upload produced (already resolved: the returned records say how)."""
    found = []
    base = report.Conflict.about(queued, result, event)
    admitting = action.method in (CHECK_IN, WALK_IN) and queued.outcome in (
        Outcome.CHECKED_IN.value,
        Outcome.RE_ENTERED.value,
    )
    outcome = result.outcome
    if outcome is Outcome.EVENT_NOT_FOUND:
        return [base.kind_("event_deleted", report.event_deleted(queued))]
    if outcome is Outcome.NOT_FOUND:
        return [base.kind_("patron_deleted", report.patron_deleted(queued))]
    admitted_twice = (
        admitting
        and outcome in (Outcome.ALREADY_CHECKED_IN, Outcome.RE_ENTERED)
        and queued.outcome == Outcome.CHECKED_IN.value
    )
    if admitted_twice:
        found.append(_double_admission(session, queued, base, result))
    admitted_now = admitting and outcome is Outcome.CHECKED_IN and event is not None
    if admitted_now and event.status in ("cancelled", "completed"):
        found.append(base.kind_("event_closed", report.event_closed(queued, event)))
    if admitted_now and event.capacity is not None:
        attended = count_attended(session, event.id)
        if attended > event.capacity:
            report.over_capacity(session, base, attended, event.capacity)
    if action.method == WALK_IN and action.new_patron and result.existing_patron:
        found.append(base.kind_("walk_in_merged", report.walk_in_merged(queued, result)))
    if action.method in (UNDO, CHECK_OUT) and outcome is Outcome.NOT_CHECKED_IN:
        found.append(base.kind_("unknown_check_in", report.unknown_check_in(queued)))
    elif outcome.is_refusal and not found:
        found.append(base.kind_("refused", f"Not applied on the server: {result.message}"))
    return found


def _double_admission(session, queued: Queued, base, result):
    """Admitted at two stations: the earliest check-in time is kept, the other recorded."""
    other_time, other = _admitted_before(session, result.event.id, result.patron.id)
    other = other or "another station"
    other_time = other_time or queued.scanned_at
    if queued.scanned_at < other_time:
        session.execute(
            update(Attendance)
            .where(
                Attendance.event_id == result.event.id,
                Attendance.patron_id == result.patron.id,
            )
            .values(check_in_time=queued.scanned_at)
        )
        kept, dropped = (queued.station, queued.scanned_at), (other, other_time)
    else:
        kept, dropped = (other, other_time), (queued.station, queued.scanned_at)
    text = report.double_admission(kept, dropped)
    return replace(
        base,
        kind="double_admission",
        stations=[other, queued.station],
        times=[other_time.isoformat(), queued.scanned_at.isoformat()],
        resolution=text,
    )
