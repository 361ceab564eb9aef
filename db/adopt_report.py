"""What adopting a database found and did, and the refusal when it cannot be adopted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from db.guide_checks import CheckViolation


class AdoptionRefused(Exception):
    """The database is not one this version can adopt; nothing was changed."""


@dataclass(frozen=True)
class MergedAttendance:
    event_id: uuid.UUID
    event_name: str
    patron_id: uuid.UUID
    patron_email: str
    kept_id: uuid.UUID
    removed_ids: tuple[uuid.UUID, ...]
    attended: bool
    check_in: datetime | None
    check_out: datetime | None

    def describe(self) -> str:
        check_in = self.check_in.isoformat() if self.check_in else "none"
        return (
            f"{len(self.removed_ids) + 1} rows for {self.patron_email} at "
            f"{self.event_name!r} -> kept {self.kept_id} (check-in {check_in}, "
            f"attended={self.attended}); removed {', '.join(map(str, self.removed_ids))}"
        )


@dataclass
class AdoptionReport:
    revision: str = ""
    merged: list[MergedAttendance] = field(default_factory=list)
    violations: list[CheckViolation] = field(default_factory=list)
    case_collisions: list[tuple[str, ...]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
