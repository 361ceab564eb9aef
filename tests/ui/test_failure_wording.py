"""Issue 12: the kiosk said "It will retry" after a failed check-in that nothing retried."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from ui.kiosk.controller import explain_failure


def test_an_unreachable_database_message_promises_no_retry():
    error = OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    message = explain_failure(error, "nothing was recorded")
    assert "retry" not in message.lower()
    assert message.endswith("nothing was recorded. Try again in a moment.")
