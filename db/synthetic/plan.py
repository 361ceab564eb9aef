"""Deterministic synthetic rows: patrons, events, attendance and the matching loyalty awards.

Rows come out as tuples of plain values already in the form both bulk loaders accept: ids as 32
hex digits, timestamps as UTC wall-clock text `YYYY-MM-DD HH:MM:SS.ffffff` (SQLAlchemy's SQLite
format; PostgreSQL reads it as UTC because the loader sets the session time zone), booleans and
integers as Python values, NULL as None. Building the strings once here keeps the per-row work in
the loaders to a minimum, which is what makes a million rows load in seconds.

Each table has its own random stream derived from the seed, so the same seed, sizes and `now`
give the same rows whatever the batch size. Everything is relative to `now` (events over the two
years around it, a few today) so that a fresh data set always has something to check in to.

The value formats are in values.py, how attendance is shared out among events in shares.py.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from db.loyalty_rules import DEFAULT_POINTS_PER_VISIT, tier_for
from db.synthetic.names import LANGUAGE_NAMES, LANGUAGES
from db.synthetic.shares import PlanError, allocate, pick_patrons
from db.synthetic.values import (
    DAY,
    EPOCH,
    email_address,
    phone_number,
    text_time,
    uuid_hex,
)

PAST_DAYS = 548  # events start up to ~18 months back...
FUTURE_DAYS = 182  # ...and up to ~6 months ahead: two years in all
POINTS_PER_VISIT = DEFAULT_POINTS_PER_VISIT  # a fresh database has no setting
AWARD_LIFETIME = timedelta(days=365)

USER_COLUMNS = ("id", "email", "firstName", "lastName", "phone", "createdAt", "updatedAt")
EVENT_COLUMNS = (
    "id", "name", "description", "status", "startTime", "endTime", "location", "capacity",
    "hostId", "createdAt", "updatedAt",
)  # fmt: skip
ATTENDANCE_COLUMNS = ("id", "eventId", "patronId", "attended", "checkInTime", "checkOutTime")
LOYALTY_COLUMNS = (
    "id", "patronId", "description", "tier", "points", "reward", "issuedAt", "expiresAt",
)  # fmt: skip

EVENT_KINDS = (
    ("Sunday Service", "Weekly worship service"),
    ("Youth Choir Rehearsal", "Bring your music folder"),
    ("Community Breakfast", "Pancakes, coffee and neighbours"),
    ("Food Bank Shift", "Sorting and packing donations"),
    ("Bible Study", "Small-group reading and discussion"),
    ("Members' Assembly", "Annual general meeting of the members"),
    ("Volunteer Training", "Induction for new volunteers"),
    ("Family Picnic", "Games for all ages"),
    ("Charity Gala", "Dinner and auction in aid of the shelter"),
    ("Book Club", "This month: Cien años de soledad"),
    ("Yoga in the Park", "Bring a mat"),
    ("Career Fair", "Meet local employers"),
    ("Coding Workshop", "Python for beginners"),
    ("Film Night", "Le fabuleux destin d'Amélie Poulain"),
    ("Harvest Festival", "Market stalls and music"),
    ("Blood Drive", "Give blood, save lives"),
    ("Language Café", "Español, français, Deutsch, polski"),
    ("Concert", "Chamber music: Dvořák and Grieg"),
)
LOCATIONS = (
    "Main Sanctuary", "Fellowship Hall", "Salle Bénédicte", "Gemeindesaal St. Jürgen",
    "Room 101", "Parque del Retiro Pavilion", "Community Centre Gym", "Café Łącznik",
    "Riverside Park", "Library Auditorium", "Sala São João", "Online",
)  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    patrons: int
    events: int
    attendance: int
    seed: int = 1




class Plan:
    """The data set for `sizes` as of `now`, produced table by table in batches.

    Call `patron_batches`, `event_rows`, `attendance_batches`, `loyalty_batches` in that order
    (each needs ids or visits from the one before). When appending, `email_offset` numbers the
    new emails after the ones already in the database and `salt` varies the random streams.
    """

    def __init__(self, sizes: Sizes, now: datetime, *, email_offset: int = 0, salt: str = ""):
        if min(sizes.patrons, sizes.events, sizes.attendance) < 0:
            raise PlanError("the numbers of patrons, events and attendance rows cannot be negative")
        if sizes.events and not sizes.patrons:
            raise PlanError("events need at least one patron to host them")
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.sizes = sizes
        self.now = int((now.astimezone(UTC).replace(tzinfo=None) - EPOCH).total_seconds())
        self.email_offset = email_offset
        self.salt = salt
        self.patron_ids: list[str] = []
        self._visit_keys: list[int] | None = None
        self._event_bits = max(sizes.events, 1).bit_length()
        self._events = self._plan_events()
        self._event_counts = self._share_attendance()

    def _rng(self, table: str) -> random.Random:
        # Appending draws from other streams (the salt names what the database held), or the
        # same seed would repeat the ids already there.
        return random.Random(f"credopass:{self.sizes.seed}:{self.salt}:{table}")

    # -- patrons ----------------------------------------------------------------------------

    def patron_batches(self, batch_size: int = 10_000) -> Iterator[list[tuple]]:
        # `seq[int(rand() * len(seq))]` instead of rng.choice/randrange: same idea, a third of
        # the cost, which matters a million times over.
        rng = self._rng("patrons")
        rand = rng.random
        slugs: dict[str, str] = {}
        languages = [LANGUAGES[name] for name in LANGUAGE_NAMES]
        n_lang = len(languages)
        created_from = self.now - (PAST_DAYS + 365) * DAY  # members join before the events
        batch: list[tuple] = []
        for i in range(self.sizes.patrons):
            firsts, lasts = languages[int(rand() * n_lang)]
            first = firsts[int(rand() * len(firsts))]
            if rand() < 0.1:  # mixed families and marriages
                lasts = languages[int(rand() * n_lang)][1]
            last = lasts[int(rand() * len(lasts))]
            if rand() < 0.04:  # double-barrelled
                others = languages[int(rand() * n_lang)][1]
                last = f"{last}-{others[int(rand() * len(others))]}"
            email = email_address(rand, slugs, first, last, self.email_offset + i + 1)
            created = text_time(created_from + int(rand() * 365 * DAY))
            patron_id = uuid_hex(rng.getrandbits)
            self.patron_ids.append(patron_id)
            batch.append((patron_id, email, first, last, phone_number(rand), created, created))
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    # -- events -----------------------------------------------------------------------------

    def _plan_events(self) -> list[tuple]:
        """When, what and in which state each event is; decided before any row is written so
        that the attendance can be shared out (drafts get none) and checked to fit."""
        rng = self._rng("events")
        count = self.sizes.events
        today = self.now - self.now % DAY
        todays = min(count, max(1, count // 400))
        plans = []
        for i in range(count):
            kind, description = rng.choice(EVENT_KINDS)
            if i == 0:  # an all-day event, open whenever the data set is loaded that day
                kind, description = "Open House", "Drop in any time today"
                start, end = today + 7 * 3600, today + 22 * 3600
            else:
                day = today if i < todays else today + rng.randrange(-PAST_DAYS, FUTURE_DAYS) * DAY
                start = day + rng.randrange(8, 20) * 3600 + rng.choice((0, 1800))
                end = start + rng.choice((3600, 5400, 7200, 10800, 14400))
            status = self._status(rng, start, end)
            name = f"{kind} {(EPOCH + timedelta(seconds=start)):%d %b %Y}"
            created = min(start - rng.randrange(7, 90) * DAY, self.now)
            # Capacity is set for most events, with room above the rows generated for it.
            headroom = None if rng.random() < 0.12 else rng.randrange(0, 200, 10)
            plans.append(
                (
                    uuid_hex(rng.getrandbits),
                    name,
                    description,
                    status,
                    start,
                    end,
                    rng.choice(LOCATIONS),
                    headroom,
                    rng.randrange(50),
                    created,
                )  # fmt: skip
            )
        return plans

    def _status(self, rng: random.Random, start: int, end: int) -> str:
        if end <= self.now:
            return "cancelled" if rng.random() < 0.03 else "completed"
        if start <= self.now:
            return "ongoing"
        roll = rng.random()
        return "draft" if roll < 0.06 else "cancelled" if roll < 0.09 else "scheduled"

    def _share_attendance(self) -> list[int]:
        """How many attendance rows each event gets: past events most, drafts none."""
        rng = self._rng("allocation")
        weights = []
        for plan in self._events:
            status = plan[3]
            if status == "completed":
                weights.append(rng.uniform(0.4, 1.6))
            elif status == "draft":
                weights.append(0.0)
            else:
                weights.append(1.0 if status == "ongoing" else 0.25)
        return allocate(self.sizes.attendance, weights, self.sizes.patrons)

    def event_rows(self) -> list[tuple]:
        if len(self.patron_ids) != self.sizes.patrons:
            raise RuntimeError("generate the patrons first")
        hosts = self.patron_ids[:50]
        rows = []
        for index, plan in enumerate(self._events):
            event_id, name, description, status, start, end, location, headroom, host, created = (
                plan
            )
            capacity = None if headroom is None else max(self._event_counts[index], 20) + headroom
            created_text = text_time(created)
            rows.append(
                (
                    event_id,
                    name,
                    description,
                    status,
                    text_time(start),
                    text_time(end),
                    location,
                    capacity,
                    hosts[host % len(hosts)],
                    created_text,
                    created_text,
                )  # fmt: skip
            )
        return rows

    # -- attendance -------------------------------------------------------------------------

    def attendance_batches(self, batch_size: int = 10_000) -> Iterator[list[tuple]]:
        if len(self.patron_ids) != self.sizes.patrons:
            raise RuntimeError("generate the patrons and events first")
        rng = self._rng("attendance")
        patrons = self.patron_ids
        count_patrons = len(patrons)
        visits: list[int] = []
        ebits = self._event_bits
        batch: list[tuple] = []
        for index, (event_id, _n, _d, status, start, end, *_rest) in enumerate(self._events):
            wanted = self._event_counts[index]
            if not wanted:
                continue
            for p in pick_patrons(rng, count_patrons, wanted):
                attended, check_in, check_out = self._visit(rng, status, start, end)
                batch.append(
                    (
                        uuid_hex(rng.getrandbits),
                        event_id,
                        patrons[p],
                        attended,
                        None if check_in is None else text_time(check_in),
                        None if check_out is None else text_time(check_out),
                    )
                )
                if attended:
                    visits.append((((p << 40) | check_in) << ebits) | index)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch
        self._visit_keys = visits

    def _visit(self, rng: random.Random, status: str, start: int, end: int):
        """(attended, check-in, check-out) in whole seconds, consistent with the event's status."""
        if status == "completed":
            show = rng.random() < 0.93
        elif status == "ongoing":
            show = rng.random() < 0.6
        else:  # scheduled, cancelled, draft: registered only
            show = False
        if not show:
            return False, None, None
        latest = min(end, self.now) if status == "ongoing" else end
        check_in = min(max(start + int(rng.gauss(-300, 600)), start - 2700), latest)
        check_out = None
        if rng.random() < 0.35:
            leave = check_in + int((end - start) * rng.uniform(0.5, 1.1))
            if leave <= self.now:
                check_out = leave
        return True, check_in, check_out

    @property
    def award_count(self) -> int:
        if self._visit_keys is None:
            raise RuntimeError("generate attendance first")
        return len(self._visit_keys)

    # -- loyalty ----------------------------------------------------------------------------

    def loyalty_batches(self, batch_size: int = 10_000) -> Iterator[list[tuple]]:
        """One award per attended visit, tiered by the patron's running balance in visit order."""
        if self._visit_keys is None:
            raise RuntimeError("generate attendance first")
        rng = self._rng("loyalty")
        visits = sorted(self._visit_keys)
        self._visit_keys = []
        ebits, emask = self._event_bits, (1 << self._event_bits) - 1
        lifetime = int(AWARD_LIFETIME.total_seconds())
        descriptions = [f"Attendance at {event[1]}" for event in self._events]
        patrons = self.patron_ids
        current, balance = -1, 0
        batch: list[tuple] = []
        for key in visits:
            event_index = key & emask
            key >>= ebits
            issued = key & ((1 << 40) - 1)
            patron = key >> 40
            if patron != current:
                current, balance = patron, 0
            balance += POINTS_PER_VISIT
            batch.append(
                (
                    uuid_hex(rng.getrandbits),
                    patrons[patron],
                    descriptions[event_index],
                    tier_for(balance),
                    POINTS_PER_VISIT,
                    None,
                    text_time(issued),
                    text_time(issued + lifetime),
                )
            )
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch
