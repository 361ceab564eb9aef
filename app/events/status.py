"""Status moves along sensible paths only: draft → scheduled → ongoing → completed, and
cancelled from anywhere but completed. Each move is an action with a name a person knows.

A cancellation reason goes into the audit log's `detail` (the guide's events table has no column
for it, and appending it to the description would mix the organizer's text with ours and come
along on every duplicate); `cancellation_reason` reads it back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.events.audit import DEFAULT_ACTOR, Actor, detail_value, record
from app.events.editing import lock_event
from app.events.queries import EventRow, get_event_row
from db.models import AuditLog

MAX_REASON = 500


class StatusAction(StrEnum):
    PUBLISH = "publish"
    START = "start"
    CLOSE = "close"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    StatusAction.PUBLISH: "Publish",
    StatusAction.START: "Start check-in",
    StatusAction.CLOSE: "Close",
    StatusAction.CANCEL: "Cancel event…",
}

# action -> (statuses it starts from, status it leads to)
TRANSITIONS: dict[StatusAction, tuple[tuple[str, ...], str]] = {
    StatusAction.PUBLISH: (("draft",), "scheduled"),
    StatusAction.START: (("scheduled",), "ongoing"),
    StatusAction.CLOSE: (("ongoing",), "completed"),
    StatusAction.CANCEL: (("draft", "scheduled", "ongoing"), "cancelled"),
}

_WHY_NOT = {
    "draft": "is still a draft; publish it first",
    "scheduled": "has not started check-in yet",
    "ongoing": "is already open for check-in",
    "completed": "has finished",
    "cancelled": "was cancelled",
}


@dataclass(frozen=True)
class StatusChange:
    changed: bool
    message: str
    event: EventRow | None


def allowed_actions(status: str) -> list[StatusAction]:
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def change_status(
    session: Session,
    event_id: uuid.UUID,
    action: StatusAction | str,
    *,
    reason: str | None = None,
    actor: Actor = DEFAULT_ACTOR,
) -> StatusChange:
    """Apply one status action. A move the rules do not allow is refused as a value (the
    event is unchanged); a cancellation without a reason is a validation error."""
    action = StatusAction(action)
    reason = (reason or "").strip()
    if action is StatusAction.CANCEL:
        if not reason:
            raise ValidationError({"reason": "Say why the event is cancelled."})
        if len(reason) > MAX_REASON:
            raise ValidationError({"reason": f"Keep the reason to {MAX_REASON} characters."})
    event = lock_event(session, event_id)
    sources, target = TRANSITIONS[action]
    if event.status not in sources:
        message = (
            f"Cannot {action.label.rstrip('…').lower()}: {event.name} {_WHY_NOT[event.status]}."
        )
        record(session, actor, f"event_{action.value}", "refused", event.id, message=message)
        return StatusChange(False, message, get_event_row(session, event.id))
    before = event.status
    event.status = target
    session.flush()
    extra = {"reason": reason} if action is StatusAction.CANCEL else {}
    record(
        session,
        actor,
        f"event_{action.value}",
        "ok",
        event.id,
        before=before,
        after=target,
        **extra,
    )
    message = {
        StatusAction.PUBLISH: f"{event.name} is published (scheduled).",
        StatusAction.START: f"{event.name} is open for check-in.",
        StatusAction.CLOSE: f"{event.name} is closed; people who did not come stay as no-shows.",
        StatusAction.CANCEL: f"{event.name} is cancelled: {reason}",
    }[action]
    return StatusChange(True, message, get_event_row(session, event.id))


def cancellation_reason(session: Session, event_id: uuid.UUID) -> str | None:
    detail = session.scalar(
        select(AuditLog.detail)
        .where(
            AuditLog.event_id == event_id,
            AuditLog.action == "event_cancel",
            AuditLog.outcome == "ok",
        )
        .order_by(AuditLog.created_at.desc())
        .limit(1)
    )
    return detail_value(detail, "reason")
