"""What every benchmark shares: timing, percentiles, results, skips and the report."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


class Skip(Exception):
    """The benchmark cannot run here (its component does not exist yet, ...): say why."""


@dataclass
class Result:
    name: str
    backend: str
    p50_ms: float | None
    p99_ms: float | None
    ratio: float | None  # p99 against the raw-SQL baseline measured in the same run
    target: str
    ok: bool | None  # None: skipped, nothing measured
    note: str = ""
    samples: int = 0

    def line(self) -> str:
        if self.ok is None:
            return f"  {self.name:<38} SKIPPED: {self.note}"
        ratio = f"  ratio {self.ratio:4.2f}" if self.ratio is not None else ""
        verdict = "ok  " if self.ok else "MISS"
        note = f"  ({self.note})" if self.note else ""
        return (
            f"  {verdict} {self.name:<36} p50 {_ms(self.p50_ms)}  p99 {_ms(self.p99_ms)}"
            f"{ratio}  target {self.target}{note}"
        )


def _ms(value: float | None) -> str:
    if value is None:
        return "      -"
    return f"{value:8.2f} ms" if value < 10_000 else f"{value / 1000:8.1f} s "


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 200 samples is the 198th smallest)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def time_calls(action: Callable[[int], object], count: int, warmup: int = 5) -> list[float]:
    """Milliseconds per call of action(i) for i in range(count), after `warmup` untimed calls
    (which get the indexes count .. count + warmup - 1)."""
    for i in range(warmup):
        action(count + i)
    samples = []
    clock = time.perf_counter
    for i in range(count):
        started = clock()
        action(i)
        samples.append((clock() - started) * 1000)
    return samples


def summary(
    name: str,
    backend: str,
    samples: list[float],
    *,
    p99_target: float | None,
    ratio: float | None = None,
    ratio_target: float | None = None,
    note: str = "",
) -> Result:
    p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
    if p99_target is None:  # a baseline: measured for reference, nothing to hold
        return Result(name, backend, p50, p99, ratio, "reference", True, note, len(samples))
    ok = p99 <= p99_target and (ratio is None or ratio_target is None or ratio <= ratio_target)
    target = f"p99 <= {p99_target:g} ms"
    if ratio_target is not None:
        target += f", <= {ratio_target:g}x raw"
    return Result(name, backend, p50, p99, ratio, target, ok, note, len(samples))


def single(name: str, backend: str, ms: float, *, target_ms: float, note: str = "") -> Result:
    """A one-off measurement (an import, a generation): p50 = p99 = the time it took."""
    target = f"<= {target_ms / 1000:g} s" if target_ms >= 1000 else f"<= {target_ms:g} ms"
    return Result(name, backend, ms, ms, None, target, ms <= target_ms, note, 1)


def skipped(name: str, backend: str, target: str, reason: str) -> Result:
    return Result(name, backend, None, None, None, target, None, reason)


def write_json(results: list[Result], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = [asdict(r) for r in results]
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
