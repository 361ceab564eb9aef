"""The tables behind the station copies (migration 0008): the server's change log and the
copy's bookmark. See migrations/versions/0008_change_log.py for how the log is filled."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, Table, Text, func

from db.models import Base
from db.types import UTCDateTime

# Filled on PostgreSQL only, by triggers: one row per changed row of a copied table.
change_log = Table(
    "change_log",
    Base.metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("xid", BigInteger, nullable=False),
    Column("table", Text, nullable=False),
    Column("rowId", Text, nullable=False),
    Column("changedAt", UTCDateTime, nullable=False, server_default=func.now()),
    # A refresh reads the changes of transactions newer than its last snapshot's oldest.
    Index("idx_change_log_xid", "xid"),
)

# In a station copy only: one row (id 1) saying what was last copied, and when.
station_copy_state = Table(
    "station_copy_state",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("snapshot", Text, nullable=True),
    Column("source", Text, nullable=True),
    Column("syncedAt", UTCDateTime, nullable=True),
)
