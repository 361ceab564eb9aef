"""A plain-text progress bar on stderr (no dependency): one line redrawn in place on a terminal,
a line per tenth when the output is a file or a pipe."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_EVERY_S = 0.2


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None):
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.interactive = getattr(self.stream, "isatty", lambda: False)()
        self.started = time.perf_counter()
        self._drawn_at = 0.0
        self._last_tenth = -1
        self.label = ""

    def phase(self, label: str) -> None:
        self.label = label
        self._draw(force=True)

    def advance(self, rows: int) -> None:
        self.done += rows
        self._draw()

    def finish(self) -> None:
        self._draw(force=True)
        if self.interactive:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        fraction = min(self.done / self.total, 1.0)
        if self.interactive:
            if not force and now - self._drawn_at < REDRAW_EVERY_S:
                return
            end = "\r"
        else:
            tenth = int(fraction * 10)
            if tenth == self._last_tenth and not force:
                return
            self._last_tenth = tenth
            end = "\n"
        self._drawn_at = now
        filled = int(fraction * WIDTH)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(
            f"[{bar}] {fraction:4.0%} {self.done:>11,}/{self.total:,} rows "
            f"{now - self.started:6.1f} s  {self.label:<12}{end}"
        )
        self.stream.flush()
