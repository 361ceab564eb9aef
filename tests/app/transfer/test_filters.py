"""The `--where` syntax: only real columns, typed values, bound parameters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from app.errors import ValidationError
from app.transfer.export import EXPORT_TABLES
from app.transfer.filters import ColumnFilter, parse_filter

USERS = EXPORT_TABLES["users"]
ATTENDANCE = EXPORT_TABLES["attendance"]
LOYALTY = EXPORT_TABLES["loyalty"]


@pytest.mark.parametrize(
    ("table", "expression", "expected"),
    [
        (USERS, "email=a@b.org", ColumnFilter("email", "=", "a@b.org")),
        (USERS, "first_name~Jo", ColumnFilter("firstName", "~", "Jo")),
        (USERS, "FIRSTNAME!=x", ColumnFilter("firstName", "!=", "x")),
        (USERS, "phone:null", ColumnFilter("phone", ":null")),
        (USERS, "phone:notnull", ColumnFilter("phone", ":notnull")),
        (LOYALTY, "points>=10", ColumnFilter("points", ">=", 10)),
        (ATTENDANCE, "attended=yes", ColumnFilter("attended", "=", True)),
        (
            USERS,
            "createdAt>2026-05-01",
            ColumnFilter("createdAt", ">", datetime(2026, 5, 1, tzinfo=UTC)),
        ),
        (
            ATTENDANCE,
            f"patronId={uuid.UUID(int=5)}",
            ColumnFilter("patronId", "=", uuid.UUID(int=5)),
        ),
        (USERS, "email=x=y", ColumnFilter("email", "=", "x=y")),
    ],
)
def test_accepted(table, expression, expected):
    assert parse_filter(table, expression) == expected


@pytest.mark.parametrize(
    ("table", "expression", "message"),
    [
        (USERS, "email", "is not a filter"),
        (USERS, "1=1", "is not a filter"),
        (USERS, "email = 'x' OR 1=1 --", None),  # a harmless literal value, see below
        (USERS, 'x"; DROP TABLE users; --=1', "is not a filter"),
        (USERS, "password=x", "has no column 'password'"),
        (LOYALTY, "points=ten", "whole numbers"),
        (LOYALTY, "points~1", "text only"),
        (ATTENDANCE, "attended=maybe", "true or false"),
        (ATTENDANCE, "attended>true", "cannot be compared"),
        (ATTENDANCE, "eventId=42", "not a valid id"),
        (USERS, "createdAt>last week", "ISO date"),
        (USERS, "phone:null yes", "nothing may follow"),
    ],
)
def test_refused(table, expression, message):
    if message is None:
        # Everything after the operator is one bound text value, never SQL.
        assert parse_filter(table, expression).value == " 'x' OR 1=1 --"
        return
    with pytest.raises(ValidationError, match=message) as info:
        parse_filter(table, expression)
    assert set(info.value.errors) == {"where"}


def test_value_is_bound_not_inlined():
    clause = parse_filter(USERS, "email=x'; DROP TABLE users; --").clause(USERS)
    sql = str(clause.compile())
    assert "DROP" not in sql and ":email_1" in sql
