"""Event planning use cases (no Qt): list, create, edit, status, repeat, duplicate, delete,
attendance and live figures. Every function takes a Session and never commits."""

from app.events.attendance import (
    AttendanceList,
    AttendanceRow,
    LiveFigures,
    arrivals_per_bucket,
    attendance_csv,
    attendance_list,
    live_figures,
)
from app.events.audit import Actor
from app.events.editing import (
    DeleteResult,
    HostChoice,
    create_event,
    delete_event,
    duplicate_event,
    find_hosts,
    resolve_host,
    update_event,
)
from app.events.localtime import local_to_utc, local_zone, parse_local, to_local
from app.events.queries import EventRow, When, get_event_row, list_events
from app.events.series import occurrence_times, repeat_event
from app.events.status import (
    StatusAction,
    StatusChange,
    allowed_actions,
    cancellation_reason,
    change_status,
)
from app.events.validation import EventInput, parse_capacity, validate_event
from db.models import EVENT_STATUSES  # re-exported: ui lists the statuses, ui never imports db

__all__ = [
    "EVENT_STATUSES",
    "Actor",
    "AttendanceList",
    "AttendanceRow",
    "DeleteResult",
    "EventInput",
    "EventRow",
    "HostChoice",
    "LiveFigures",
    "StatusAction",
    "StatusChange",
    "When",
    "allowed_actions",
    "arrivals_per_bucket",
    "attendance_csv",
    "attendance_list",
    "cancellation_reason",
    "change_status",
    "create_event",
    "delete_event",
    "duplicate_event",
    "find_hosts",
    "get_event_row",
    "list_events",
    "live_figures",
    "local_to_utc",
    "local_zone",
    "occurrence_times",
    "parse_capacity",
    "parse_local",
    "repeat_event",
    "resolve_host",
    "to_local",
    "update_event",
    "validate_event",
]
