"""How the planned attendance is shared out: rows per event, and which patrons come."""

from __future__ import annotations

import random


class PlanError(ValueError):
    """The requested sizes cannot be satisfied; the message says why in plain words."""


def allocate(total: int, weights: list[float], cap: int) -> list[int]:
    """Split `total` in proportion to `weights`, no share above `cap` (largest remainders)."""
    eligible = [i for i, w in enumerate(weights) if w > 0]
    if total > len(eligible) * cap:
        raise PlanError(
            f"{total:,} attendance rows do not fit: {len(eligible):,} events open to attendance "
            f"× {cap:,} patrons allow at most {len(eligible) * cap:,} "
            "(one row per patron and event; drafts get none)"
        )
    counts = [0] * len(weights)
    remaining, open_ = total, eligible
    while remaining and open_:
        weight_sum = sum(weights[i] for i in open_)
        shares = [(remaining * weights[i] / weight_sum, i) for i in open_]
        given = 0
        for share, i in shares:
            add = min(int(share), cap - counts[i])
            counts[i] += add
            given += add
        leftovers = sorted(shares, key=lambda s: s[0] - int(s[0]), reverse=True)
        for _share, i in leftovers:
            if given == remaining:
                break
            if counts[i] < cap:
                counts[i] += 1
                given += 1
        remaining -= given
        open_ = [i for i in open_ if counts[i] < cap]
    return counts


def pick_patrons(rng: random.Random, population: int, wanted: int) -> list[int]:
    """`wanted` distinct patron indexes; low indexes are the regulars who come to most events."""
    if wanted * 4 > population:
        return rng.sample(range(population), wanted)
    chosen: list[int] = []
    seen: set[int] = set()
    rand = rng.random
    while len(chosen) < wanted:
        p = int(population * rand() ** 2.5)
        if p not in seen:
            seen.add(p)
            chosen.append(p)
    return chosen
