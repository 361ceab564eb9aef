"""Covering indexes for the organizers' reports (issue 14).

Each report reads one column set per row of a big table; these indexes hold exactly those
columns, so both backends answer from the index alone instead of visiting every row of the
table: a patron's visits in date order of lookup (retention), an event's attendees (drifting
regulars, series trend), a patron's live ledger balance (loyalty tiers and top 20). They add
no column and change none of the guide's indexes.

Revision ID: 0007_report_indexes
Revises: 0006_patron_passes
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0007_report_indexes"
down_revision = "0006_patron_passes"
branch_labels = None
depends_on = None

# (name, table, columns): the same as db/models.py declares.
INDEXES = (
    ("idx_attendance_patronId_visits", "attendance", ["patronId", "attended", "eventId"]),
    ("idx_attendance_eventId_visits", "attendance", ["eventId", "attended", "patronId"]),
    ("idx_loyalty_patronId_balance", "loyalty", ["patronId", "expiresAt", "points"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
