"""The guide's four tables as the original web service created them, as adoption expects to
find them and as 0001_initial leaves them: columns, foreign keys, indexes and defaults.
"""

from __future__ import annotations

from db.migrate import FOREIGN_TABLES

# Column -> (information_schema data_type, nullable), exactly the guide's tables.
_TS = "timestamp with time zone"
GUIDE_SHAPE: dict[str, dict[str, tuple[str, bool]]] = {
    "users": {
        "id": ("uuid", False),
        "email": ("text", False),
        "firstName": ("text", False),
        "lastName": ("text", False),
        "phone": ("text", True),
        "createdAt": (_TS, False),
        "updatedAt": (_TS, False),
    },
    "events": {
        "id": ("uuid", False),
        "name": ("text", False),
        "description": ("text", True),
        "status": ("text", False),
        "startTime": (_TS, False),
        "endTime": (_TS, False),
        "location": ("text", False),
        "capacity": ("integer", True),
        "hostId": ("uuid", False),
        "createdAt": (_TS, False),
        "updatedAt": (_TS, False),
    },
    "attendance": {
        "id": ("uuid", False),
        "eventId": ("uuid", False),
        "patronId": ("uuid", False),
        "attended": ("boolean", False),
        "checkInTime": (_TS, True),
        "checkOutTime": (_TS, True),
    },
    "loyalty": {
        "id": ("uuid", False),
        "patronId": ("uuid", False),
        "description": ("text", False),
        "tier": ("text", True),
        "points": ("integer", True),
        "reward": ("text", True),
        "issuedAt": (_TS, False),
        "expiresAt": (_TS, True),
    },
}

# Tables another tool may have left beside the guide's; they are kept and never touched.
TOLERATED_TABLES = FOREIGN_TABLES | {"alembic_version"}

# (table, column) -> (referred table, the name 0001_initial gives the foreign key)
GUIDE_FOREIGN_KEYS = {
    ("events", "hostId"): ("users", "events_hostId_users_id_fk"),
    ("attendance", "eventId"): ("events", "attendance_eventId_events_id_fk"),
    ("attendance", "patronId"): ("users", "attendance_patronId_users_id_fk"),
    ("loyalty", "patronId"): ("users", "loyalty_patronId_users_id_fk"),
}

# index name -> (table, columns, unique)
GUIDE_INDEXES = {
    "idx_users_email": ("users", ("email",), False),
    "idx_users_createdAt": ("users", ("createdAt",), False),
    "idx_events_status": ("events", ("status",), False),
    "idx_events_hostId": ("events", ("hostId",), False),
    "idx_events_startTime": ("events", ("startTime",), False),
    "idx_attendance_eventId": ("attendance", ("eventId",), False),
    "idx_attendance_patronId": ("attendance", ("patronId",), False),
    "idx_attendance_attended": ("attendance", ("attended",), False),
    "idx_attendance_unique": ("attendance", ("eventId", "patronId"), True),
    "idx_loyalty_patronId": ("loyalty", ("patronId",), False),
    "idx_loyalty_tier": ("loyalty", ("tier",), False),
}

# (table, column) -> server default as 0001_initial creates it
GUIDE_DEFAULTS = {
    **{(t, "id"): "gen_random_uuid()" for t in GUIDE_SHAPE},
    ("users", "createdAt"): "now()",
    ("users", "updatedAt"): "now()",
    ("events", "createdAt"): "now()",
    ("events", "updatedAt"): "now()",
    ("attendance", "attended"): "false",
    ("loyalty", "points"): "0",
    ("loyalty", "issuedAt"): "now()",
}
