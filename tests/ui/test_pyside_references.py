"""The PySide6 pin (<6.12) in pyproject.toml, checked where it matters: on the installed version,
signals and calls keep the interpreter's references to True and None.

PySide6 6.12.0 loses one reference to True per `Signal.emit()` and one to None per void call
or keyword property; after a few thousand the interpreter aborts ("bool_dealloc"). See
docs/design/pyside6-pin.md. If this fails, the installed PySide6 has that defect: keep the pin.
"""

from __future__ import annotations

import os
import subprocess
import sys

# Run in a fresh interpreter: a defective version aborts it, and nothing else in the process
# moves the counts.
PROBE = """
import sys
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

class Probe(QObject):
    fired = Signal()
    carried = Signal(int)

def lost(action, calls=1000):
    action()  # the first call sets things up
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(calls):
        action()
    return before[0] - sys.getrefcount(True), before[1] - sys.getrefcount(None)

app = QApplication([])
probe, timer = Probe(), QTimer()
print(lost(probe.fired.emit), lost(lambda: probe.carried.emit(1)),
      lost(lambda: timer.setSingleShot(True)), lost(lambda: QTimer(singleShot=True)))
"""


def test_emits_and_void_calls_keep_their_references():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == ["(0,", "0)"] * 4
