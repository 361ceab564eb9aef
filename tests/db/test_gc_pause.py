"""The collector is paused for a bulk load and put back as it was, whatever happens."""

from __future__ import annotations

import gc

import pytest

from db.gc_pause import gc_paused


def test_pauses_and_restores_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("the load failed")
    assert gc.isenabled()


def test_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
