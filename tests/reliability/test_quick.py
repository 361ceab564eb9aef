"""The reliability suite's quick subset in the normal test run (the full run: `python -m
tests.reliability`, recorded in docs/reliability.md). Small sizes: a few kills, one proxy round,
a short fuzz."""

from __future__ import annotations

import pytest

from tests.reliability import console_fuzz, fuzz, scenarios

# Findings that are times: figures for `python -m tests.reliability` on a quiet machine, not
# asserts in the normal run, where a busy machine would fail them (issue 16, item 9).
TIMED = {"slow", "over_deadline"}


def _untimed_findings(figures: dict) -> dict:
    return {k: v for k, v in figures.items() if isinstance(v, list) and v and k not in TIMED}


def test_kill_loop_loses_no_confirmed_check_in(backend):
    figures = scenarios.kill_loop(backend, kills=1)
    assert figures["ok"], figures


def test_server_loss_and_freeze_give_errors_not_waits(backend):
    if backend != "postgresql":
        pytest.skip("the proxy stands between the app and a PostgreSQL server")
    figures = scenarios.server_loss(backend, rounds=1)
    assert _untimed_findings(figures) == {}, figures


def test_fuzzed_cli_calls_end_in_a_message(backend):
    figures = fuzz.fuzz_cli(backend, examples=8)
    assert _untimed_findings(figures) == {}, figures


def test_fuzzed_console_attacks_change_nothing_and_get_a_message(backend):
    figures = console_fuzz.fuzz_console(backend, examples=12)
    assert figures["ok"], figures
