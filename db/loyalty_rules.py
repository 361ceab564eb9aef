"""The loyalty rules both the app and the synthetic-data generator follow: tier floors and the
default points per visit. They live below app because `db.synthetic` writes ledgers too, and a
copy of its own once could drift from the door's."""

from __future__ import annotations

# (lowest balance, tier), highest first: bronze 0-99, silver 100-499, gold 500-999, platinum.
TIER_FLOORS = ((1000, "platinum"), (500, "gold"), (100, "silver"), (0, "bronze"))

# Points a visit earns unless the `points_per_visit` setting says otherwise.
DEFAULT_POINTS_PER_VISIT = 10


def tier_for(balance: int) -> str:
    for floor, tier in TIER_FLOORS:
        if balance >= floor:
            return tier
    return "bronze"  # a negative balance (should not happen) is still the entry tier
