"""Issue 12, failure 6: with the server frozen, one check-in blocked for as long as the server
stayed frozen. Every connection now has deadlines; a door action gives up within DOOR_DEADLINE_S.

The frozen server is a TCP proxy of our own (tests/reliability/proxy.py) that black-holes the
traffic: the shared test server is never stopped. Outcomes are asserted, not times (the elapsed
figures are in the reliability suite).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, StatementError

from app.checkin.actions import check_in
from db.engine import (
    IDLE_IN_TRANSACTION_TIMEOUT_S,
    POSTGRES_CONNECT_TIMEOUT_S,
    SQLITE_BUSY_TIMEOUT_MS,
    STATEMENT_TIMEOUT_S,
    create_app_engine,
    door_options,
)
from db.session import make_session_factory, run_in_transaction, unit_of_work
from db.types import utcnow
from tests.app.checkin_support import make_event, make_patron
from tests.reliability.proxy import TcpProxy


@pytest.fixture
def proxied(engine, database_url, backend):
    """(sessions through the proxy, the proxy, event id, patron email) on a migrated database."""
    if backend != "postgresql":
        pytest.skip("the proxy stands between the app and a PostgreSQL server")
    with unit_of_work(make_session_factory(engine)) as session:
        event = make_event(session, start=utcnow())  # open at the door now
        patron = make_patron(session)
        ids = event.id, patron.email
    proxy = TcpProxy(database_url.host or "127.0.0.1", database_url.port or 5432)
    through = create_app_engine(database_url.set(host="127.0.0.1", port=proxy.port))
    try:
        yield make_session_factory(through), proxy, *ids
    finally:
        proxy.close()
        through.dispose()


def _door_check_in(sessions, event_id, code):
    def action(session):
        return check_in(session, event_id, code, station="door 1", method="scan")

    return run_in_transaction(sessions, action, options=door_options())


def test_a_check_in_against_a_frozen_server_fails_instead_of_waiting(proxied):
    sessions, proxy, event_id, email = proxied
    assert _door_check_in(sessions, event_id, email).outcome.value == "checked_in"
    proxy.black_hole()  # the pooled connection is now to a server that never answers
    with pytest.raises(OperationalError):
        _door_check_in(sessions, event_id, email)
    proxy.restore()
    result = _door_check_in(sessions, event_id, email)  # a fresh connection, nothing stuck
    assert result.outcome.value == "already_checked_in"


def test_a_new_connection_to_a_frozen_server_gives_up(proxied):
    sessions, proxy, event_id, email = proxied
    proxy.black_hole()
    with pytest.raises(OperationalError):
        _door_check_in(sessions, event_id, email)


def test_a_refused_or_cut_connection_is_an_operational_error(proxied):
    sessions, proxy, event_id, email = proxied
    assert _door_check_in(sessions, event_id, email).outcome.value == "checked_in"
    proxy.refuse()
    with pytest.raises(OperationalError):
        _door_check_in(sessions, event_id, email)
    proxy.restore()
    assert _door_check_in(sessions, event_id, email).outcome.value == "already_checked_in"


def test_every_connection_has_server_side_timeouts(engine, backend):
    with engine.connect() as connection:
        if backend == "sqlite":
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert timeout == SQLITE_BUSY_TIMEOUT_MS
            return
        show = connection.exec_driver_sql
        assert show("SHOW statement_timeout").scalar() == f"{STATEMENT_TIMEOUT_S}s"
        assert show("SHOW idle_in_transaction_session_timeout").scalar() == (
            f"{IDLE_IN_TRANSACTION_TIMEOUT_S // 60}min"
        )
        assert show("SHOW tcp_keepalives_idle").scalar() is not None
    with unit_of_work(make_session_factory(engine), options=door_options()) as session:
        assert session.execute(text("SHOW statement_timeout")).scalar() == "2500ms"


def test_postgresql_connections_give_up_connecting_after_the_connect_timeout(engine, backend):
    """An unreachable server costs POSTGRES_CONNECT_TIMEOUT_S per attempt, not the system's
    minutes of TCP retries: the option reaches the driver (libpq reports what it was given)."""
    if backend == "sqlite":
        pytest.skip("a SQLite file has no connection to time out")
    with engine.connect() as connection:
        parameters = connection.connection.dbapi_connection.info.get_parameters()
    assert parameters["connect_timeout"] == str(POSTGRES_CONNECT_TIMEOUT_S)


def test_a_door_statement_over_its_deadline_is_cancelled_by_the_server(engine, backend):
    if backend != "postgresql":
        pytest.skip("SQLite has no statement timeout; its busy timeout bounds lock waits")
    door = unit_of_work(make_session_factory(engine), options=door_options())
    with pytest.raises(OperationalError, match="statement timeout"), door as session:
        session.execute(text("SELECT pg_sleep(10)"))


def test_errors_carry_no_parameters(engine):
    # hide_parameters: a traceback in the log shows the SQL, not the personal data bound to it
    with pytest.raises((DBAPIError, StatementError)) as caught, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO users (id, email) VALUES (:id, :email)"),
            {"id": "not-a-uuid", "email": "jane.private@example.com"},
        )
    assert "jane.private@example.com" not in str(caught.value)
