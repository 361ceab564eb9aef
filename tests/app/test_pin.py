"""The admin PIN: validation, salted slow hash in settings, the lock, and `admin set-pin`."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.cli import main
from app.cli.admin_commands import read_new_pin
from app.cli.common import CliError
from app.errors import ValidationError
from app.pin import (
    PIN_SETTING_KEY,
    PinAttempts,
    PinCheck,
    PinLockState,
    check_admin_pin,
    hash_pin,
    is_pin_set,
    pin_matches,
    set_admin_pin,
    validate_pin,
)
from db.models import Setting


@pytest.mark.parametrize("pin", ["1234", "000000000000", "987654"])
def test_valid_pins(pin):
    assert validate_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "1234567890123", "12a4", "12 34", "١٢٣٤", "-1234"])
def test_invalid_pins_are_refused_in_words(pin):
    with pytest.raises(ValidationError) as info:
        validate_pin(pin)
    assert "pin" in info.value.errors


def test_hash_is_salted_and_never_holds_the_pin():
    first, second = hash_pin("24680"), hash_pin("24680")
    assert first != second
    assert "24680" not in first
    assert first.startswith("scrypt$")
    assert pin_matches("24680", first) and pin_matches("24680", second)
    assert not pin_matches("24681", first)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$x$8$1$AAAA$AAAA", "md5$1$2$3$4$5"])
def test_malformed_stored_hash_never_matches(stored):
    assert not pin_matches("1234", stored)


def test_set_and_check_pin_in_database(sessions):
    with sessions.begin() as session:
        assert not is_pin_set(session)
        assert check_admin_pin(session, "1234") is PinCheck.NOT_SET
        set_admin_pin(session, "1234")
    with sessions.begin() as session:
        assert is_pin_set(session)
        stored = session.scalar(select(Setting.value).where(Setting.key == PIN_SETTING_KEY))
        assert "1234" not in stored
        assert check_admin_pin(session, "1234") is PinCheck.OK
        assert check_admin_pin(session, "4321") is PinCheck.WRONG
        assert check_admin_pin(session, "") is PinCheck.WRONG
        set_admin_pin(session, "55555")
    with sessions.begin() as session:
        assert check_admin_pin(session, "1234") is PinCheck.WRONG
        assert check_admin_pin(session, "55555") is PinCheck.OK


def test_invalid_pin_changes_nothing(sessions):
    with sessions.begin() as session, pytest.raises(ValidationError):
        set_admin_pin(session, "12")
    with sessions() as session:
        assert not is_pin_set(session)


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_lock_from_the_database_counts_down_on_the_station_clock():
    clock = FakeClock()
    attempts = PinAttempts(clock=clock)
    attempts.apply(PinLockState(failures=5, locked_until=clock.now + 60))
    assert attempts.failures == 5
    assert attempts.seconds_locked() == pytest.approx(60)
    clock.now += 59
    assert attempts.seconds_locked() == pytest.approx(1)
    clock.now += 1.5
    assert attempts.seconds_locked() == 0
    attempts.apply(PinLockState())  # the right PIN: the count starts again
    assert attempts.failures == 0 and attempts.seconds_locked() == 0


def test_cli_set_pin_from_stdin(database_url_text, sessions, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("8642\n"))
    assert main(["--database-url", database_url_text, "admin", "set-pin"]) == 0
    assert "PIN is set" in capsys.readouterr().out
    with sessions() as session:
        assert check_admin_pin(session, "8642") is PinCheck.OK


def test_cli_refuses_a_bad_pin_and_writes_nothing(database_url_text, sessions, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("12ab\n"))
    assert main(["--database-url", database_url_text, "admin", "set-pin"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("credopass: ") and "digits" in err and "Traceback" not in err
    with sessions() as session:
        assert not is_pin_set(session)


class TtyInput(io.StringIO):
    def isatty(self):
        return True


def test_prompt_twice_at_a_terminal():
    answers = iter(["1357", "1357"])
    assert read_new_pin(TtyInput(), prompt=lambda _p: next(answers)) == "1357"


def test_prompt_mismatch_is_refused():
    answers = iter(["1357", "1358"])
    with pytest.raises(CliError, match="differ"):
        read_new_pin(TtyInput(), prompt=lambda _p: next(answers))


def test_wrong_pins_are_counted_in_the_database_with_growing_locks(sessions):
    """A restart (new sessions, new PinAttempts) once reset the count; now it is stored."""
    from app.pin import attempt_admin_pin, read_pin_lock
    from db.session import run_in_transaction

    run_in_transaction(sessions, lambda s: set_admin_pin(s, "8642"))

    def attempt(pin, now, station="door-1"):
        return run_in_transaction(
            sessions, lambda s: attempt_admin_pin(s, pin, station=station, now=now)
        )

    now = 1_000_000.0
    for n in range(1, 5):
        check, state = attempt("0000", now)
        assert check is PinCheck.WRONG and state.failures == n and state.locked_until == 0
    check, state = attempt("0000", now)
    assert check is PinCheck.WRONG and state.locked_until == now + 60
    # a restart: nothing in memory, the database still says locked, even for the right PIN
    assert run_in_transaction(sessions, lambda s: read_pin_lock(s, "door-1")) == state
    assert attempt("8642", now + 30)[0] is PinCheck.LOCKED
    assert attempt("0000", now + 61)[1].locked_until == now + 61 + 120  # twice as long
    assert attempt("8642", now + 1000, station="door-2")[0] is PinCheck.OK  # other kiosks
    check, state = attempt("8642", now + 1000)
    assert check is PinCheck.OK and state.failures == 0
    assert attempt("0000", now + 1001)[1].locked_until == 0  # the count started again


def test_lockout_grows_and_is_capped():
    from app.pin import MAX_LOCKOUT_SECONDS, lockout_after

    assert [lockout_after(n) for n in (4, 5, 6, 7)] == [0, 60, 120, 240]
    assert lockout_after(50) == MAX_LOCKOUT_SECONDS
