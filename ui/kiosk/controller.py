"""The check-in screen's link to the engine: every call goes to the DB worker, results come back
as signals on the GUI thread. No widgets here, so the rules of "what runs where" sit in one place.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Signal
from sqlalchemy.exc import DBAPIError, OperationalError

from app.checkin import actions as checkin
from app.checkin.queries import default_event, headcount, open_events, search_cards
from app.checkin.walk_in_offer import ExistingPatronOffer, walk_in_unless_known
from app.errors import ValidationError, describe_error, is_connection_lost
from app.settings import undo_window_seconds
from ui.operations import Lane, Policy
from ui.worker import DbWorker

UNREACHABLE = "Cannot reach the database"


def is_unreachable(error: BaseException | None) -> bool:
    """A database that cannot be used right now (network, server down, file gone or locked)."""
    return is_connection_lost(error) or isinstance(error, OperationalError)


def explain_failure(error: BaseException | None, what: str) -> str:
    """Plain words for a failed job; `what` says what did not happen ("nothing was recorded")."""
    if is_unreachable(error):
        # Nothing retries a failed action by itself: the greeter does (it used to say "It will
        # retry", which was not true).
        return f"{UNREACHABLE} — {what}. Try again in a moment."
    if isinstance(error, DBAPIError):
        return f"The database refused this — {what}. ({describe_error(error)})"
    return f"Something went wrong — {what}."


class KioskController(QObject):
    # emitted when the open events were loaded: (events, the default event or None)
    events_loaded = Signal(list, object)
    # emitted with the undo window setting (seconds), read together with the events
    undo_window_loaded = Signal(int)
    # emitted when loading the events failed: a sentence to show
    events_failed = Signal(str)
    # emitted when a headcount arrived: (event id, Headcount)
    headcount_loaded = Signal(object, object)
    # emitted when the latest search finished: (query, list of PatronCard); stale ones are dropped
    search_finished = Signal(str, list)
    # emitted when the latest search could not run: (query, a sentence to show)
    search_failed = Signal(str, str)
    # emitted when a door action finished with a CheckInResult (success or refusal)
    action_finished = Signal(object)
    # emitted when a door action could not run at all: a sentence to show
    action_failed = Signal(str)
    # emitted when the walk-in form has per-field problems (ValidationError.errors)
    walk_in_invalid = Signal(dict)
    # emitted when a walk-in's email belongs to a known patron (ExistingPatronOffer)
    walk_in_existing = Signal(object)
    # emitted when the database became unreachable (reason) or usable again ("")
    reachability_changed = Signal(bool, str)

    def __init__(self, worker: DbWorker, station: str, parent: QObject | None = None):
        super().__init__(parent)
        self.worker = worker
        self.station = station
        self.reachable = True
        worker.connection_lost.connect(self._on_worker_connection_lost)
        worker.connection_restored.connect(self._on_worker_connection_restored)

    def stop(self) -> None:
        """Answers still on their way are dropped (the screen is going; its widgets may be
        deleted before the queued answers arrive)."""
        self.worker.drop(self)

    def _run(self, action, on_result, on_error, *, write: bool = True, **policy) -> None:
        # Every door request is a short unit of work on the door lane, with the door deadlines.
        self.worker.run(self, action, on_result, on_error, write=write, lane=Lane.DOOR, **policy)

    # -- reachability ---------------------------------------------------------------------------

    def _set_reachable(self, reachable: bool, reason: str = "") -> None:
        if reachable != self.reachable:
            self.reachable = reachable
            self.reachability_changed.emit(reachable, reason)

    def _on_worker_connection_lost(self, reason: str) -> None:
        self._set_reachable(False, reason)

    def _on_worker_connection_restored(self) -> None:
        self._set_reachable(True)

    def _succeeded(self) -> None:
        self._set_reachable(True)

    def _failed(self, error: BaseException | None) -> None:
        if is_unreachable(error):
            self._set_reachable(False, describe_error(error))

    # -- events and headcount -------------------------------------------------------------------

    def load_events(self) -> None:
        def job(session):
            events = open_events(session)
            return events, default_event(events), undo_window_seconds(session)

        self._run(
            job,
            self._on_events_result,
            self._on_events_error,
            write=False,
            key="events",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_events_result(self, result) -> None:
        self._succeeded()
        events, chosen, undo_seconds = result
        self.undo_window_loaded.emit(int(undo_seconds))
        self.events_loaded.emit(events, chosen)

    def _on_events_error(self, error) -> None:
        self._failed(error)
        self.events_failed.emit(explain_failure(error, "the events could not be loaded"))

    def refresh_headcount(self, event_id: uuid.UUID) -> None:
        """Ask for a headcount unless one is already on its way (a slow database must not
        collect a queue of refreshes)."""
        self._run(
            lambda session: (event_id, headcount(session, event_id)),
            self._on_headcount_result,
            self._on_headcount_error,
            write=False,
            key="headcount",
            policy=Policy.ONE_AT_A_TIME,
        )

    def _on_headcount_result(self, result) -> None:
        self._succeeded()
        self.headcount_loaded.emit(*result)

    def _on_headcount_error(self, error) -> None:
        self._failed(error)

    # -- search -----------------------------------------------------------------------------------

    def search(self, query: str) -> None:
        """Start a search; a newer one supersedes it (only the newest answer is delivered)."""

        def on_result(cards):
            self._succeeded()
            self.search_finished.emit(query, cards)

        def on_error(error):
            self._failed(error)
            self.search_failed.emit(query, explain_failure(error, "nobody was looked up"))

        self._run(
            lambda s: search_cards(s, query),
            on_result,
            on_error,
            write=False,
            key="search",
            policy=Policy.LATEST_ONLY,
        )

    def cancel_search(self) -> None:
        """The answer of a search still on its way is dropped when it arrives."""
        self.worker.cancel(self, "search")

    # -- door actions -----------------------------------------------------------------------------

    def check_in(self, event_id: uuid.UUID, who: str | uuid.UUID, *, method: str) -> None:
        self._door(
            lambda s: checkin.check_in(s, event_id, who, station=self.station, method=method),
            "nothing was recorded",
        )

    def check_out(self, event_id: uuid.UUID, who: str | uuid.UUID, *, method: str) -> None:
        self._door(
            lambda s: checkin.check_out(s, event_id, who, station=self.station, method=method),
            "nothing was recorded",
        )

    def undo(self, event_id: uuid.UUID, patron_id: uuid.UUID) -> None:
        self._door(
            lambda s: checkin.undo_check_in(s, event_id, patron_id, station=self.station),
            "nothing was undone",
        )

    def _door(self, action, what: str) -> None:
        def on_error(error):
            self._failed(error)
            self.action_failed.emit(explain_failure(error, what))

        def on_result(result):
            self._succeeded()
            self.action_finished.emit(result)

        self._run(action, on_result, on_error)

    def walk_in(self, event_id: uuid.UUID, fields: dict[str, str]) -> None:
        """Validate, offer a known patron with that email, or add the person and check in."""
        first, last = fields.get("first_name", ""), fields.get("last_name", "")
        email, phone = fields.get("email", ""), fields.get("phone") or None

        def job(session):
            try:
                return walk_in_unless_known(
                    session, event_id, first, last, email, phone, station=self.station
                )
            except ValidationError as exc:  # a value, not a failure: nothing was written
                return exc

        def on_result(result):
            self._succeeded()
            if isinstance(result, ValidationError):
                self.walk_in_invalid.emit(result.errors)
            elif isinstance(result, ExistingPatronOffer):
                self.walk_in_existing.emit(result)
            else:
                self.action_finished.emit(result)

        def on_error(error):
            if isinstance(error, ValidationError):  # the engine's own check, same meaning
                self.walk_in_invalid.emit(error.errors)
                return
            self._failed(error)
            self.action_failed.emit(explain_failure(error, "the person was not added"))

        self._run(job, on_result, on_error)
