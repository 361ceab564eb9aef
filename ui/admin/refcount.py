"""A guard against a PySide6 6.12 defect: every Python `Signal.emit()` drops one reference to
the bool it returns (True), so a long session ends in "Fatal Python error: bool_dealloc".

The grid emits a signal per page and the DB worker one per job, thousands in a long scroll.
`balance()` gives back the reference an emit took; it is detected once at import, so on a
fixed PySide6 it does nothing. (Adding a reference to True is harmless in any case.)
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    probed = Signal()


def _emit_loses_a_reference() -> bool:
    probe = _Probe()
    probe.probed.emit()  # the first emit of a signal sets things up; measure the next ones
    before = sys.getrefcount(True)
    for _ in range(10):
        probe.probed.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(lost, 0) + 1):  # +1: the warm-up emit
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= 10


_AFFECTED = _emit_loses_a_reference()


def balance(emits: int = 1) -> None:
    """Call after `emits` Python-side emits (each returned True) to restore their references."""
    if _AFFECTED:
        for _ in range(emits):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))


def emit(signal, *args) -> None:
    """`signal.emit(*args)` without the lost reference."""
    if signal.emit(*args) is True:
        balance()


def balanced(callback):
    """Wrap a DB worker callback: the worker's delivery emit lost a reference; give it back."""

    def wrapper(value):
        balance()
        if callback is not None:
            callback(value)

    return wrapper
