"""Resident memory of this process, sampled in the background while something runs."""

from __future__ import annotations

import threading
from pathlib import Path


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """`with PeakRss() as peak: ...` then `peak.growth_mb`: highest RSS seen minus the start."""

    def __init__(self, every_s: float = 0.05):
        self.every_s = every_s
        self.start = self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self.start = self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())

    def _sample(self):
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, rss_mb())

    @property
    def growth_mb(self) -> float:
        return self.peak - self.start
