"""Generation of the data set: `db.synthetic.generate`, search keys included.

Measured when the cached data set is built; a rerun with the cache reports the figure recorded
then (the note says so). `--regenerate` measures it again.
"""

from __future__ import annotations

from tests.benchmarks.harness import Result, single

TARGET_MS = 120_000


def run(dataset) -> list[Result]:
    meta = dataset.meta
    when = "this run" if dataset.generated_now else f"cached data set, built {meta['generated_at']}"
    note = (
        f"{when}; search keys {meta['search_seconds']:.1f} s of it; "
        f"{meta.get('cpu_seconds', 0):.0f} s CPU in the loading process; "
        f"load average {meta.get('load_average', 0):.1f} at the end"
    )
    return [
        single(
            f"generate {dataset.scale:,} patrons + rows",
            dataset.backend,
            meta["generate_seconds"] * 1000,
            target_ms=TARGET_MS,
            note=note,
        )
    ]
