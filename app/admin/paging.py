"""Keyset pages of a view: by (sort value, primary key), both directions, never deep OFFSET.

The grid asks for a page after or before a row it holds, at a remembered position, at the very
start or the very end, or (for a jump into the middle of a huge table) at an estimated position:
the sort key is interpolated between the view's smallest and largest values, and the page is
read from there. Positions reached that way are approximate; everything reached by scrolling
from a loaded page is exact.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, literal, or_
from sqlalchemy.orm import Session

from app.admin.catalogue import DATETIME, INTEGER, TEXT, UUID
from app.admin.labels import fk_labels
from app.admin.view import View, column_expr, select_rows

PAGE_SIZE = 200


@dataclass(frozen=True)
class Page:
    rows: list[tuple]
    # True when the page stopped short of `limit`: there is nothing further in that direction
    reached_boundary: bool
    labels: dict[str, dict[object, str]] = field(default_factory=dict)


def _ascending_order(view: View, reverse: bool):
    info = view.info
    pk = column_expr(view.table, info.primary_key)
    if view.sort_column == info.primary_key:
        return [pk.desc() if reverse else pk.asc()]
    sort = column_expr(view.table, view.sort_column)
    if reverse:
        return [sort.desc().nulls_first(), pk.desc()]
    return [sort.asc().nulls_last(), pk.asc()]


def _bound(expr, value):
    # literal() with the column's type: booleans and UUIDs bind like the column does.
    return literal(value, expr.type)


def _after_clause(view: View, key: tuple, *, inclusive: bool):
    """Rows after `key` in ascending order (NULL sort values come last)."""
    sort_value, pk_value = key
    info = view.info
    pk = column_expr(view.table, info.primary_key)
    pk_cond = pk >= _bound(pk, pk_value) if inclusive else pk > _bound(pk, pk_value)
    if view.sort_column == info.primary_key:
        return pk_cond
    sort = column_expr(view.table, view.sort_column)
    if sort_value is None:
        return and_(sort.is_(None), pk_cond)
    return or_(
        sort.is_(None),
        sort > _bound(sort, sort_value),
        and_(sort == _bound(sort, sort_value), pk_cond),
    )


def _before_clause(view: View, key: tuple, *, inclusive: bool):
    sort_value, pk_value = key
    info = view.info
    pk = column_expr(view.table, info.primary_key)
    pk_cond = pk <= _bound(pk, pk_value) if inclusive else pk < _bound(pk, pk_value)
    if view.sort_column == info.primary_key:
        return pk_cond
    sort = column_expr(view.table, view.sort_column)
    if sort_value is None:
        return or_(sort.isnot(None), and_(sort.is_(None), pk_cond))
    return or_(sort < _bound(sort, sort_value), and_(sort == _bound(sort, sort_value), pk_cond))


def fetch_page(
    session: Session,
    view: View,
    *,
    after: tuple | None = None,
    before: tuple | None = None,
    at: tuple | None = None,
    from_end: bool = False,
    limit: int = PAGE_SIZE,
    with_labels: bool = True,
) -> Page:
    """One page in view order. `after`/`at` read forwards, `before`/`from_end` backwards."""
    backwards = before is not None or from_end
    # Ascending in the database means "forward in the view" unless the view is descending.
    reverse_sql = backwards != view.descending
    query = select_rows(view).order_by(*_ascending_order(view, reverse_sql)).limit(limit)
    anchor = after if after is not None else at if at is not None else before
    if anchor is not None:
        inclusive = at is not None
        seek_forward_in_sql = not reverse_sql
        clause = (
            _after_clause(view, anchor, inclusive=inclusive)
            if seek_forward_in_sql
            else _before_clause(view, anchor, inclusive=inclusive)
        )
        query = query.where(clause)
    rows = [tuple(r) for r in session.execute(query)]
    if backwards:
        rows.reverse()
    labels = fk_labels(session, view.info, rows) if with_labels else {}
    return Page(rows, len(rows) < limit, labels)


def fetch_near(session: Session, view: View, fraction: float, *, limit: int = PAGE_SIZE) -> Page:
    """A page at roughly `fraction` (0..1) of the view, found by interpolating the sort key."""
    fraction = min(max(fraction, 0.0), 1.0)
    key = _interpolated_key(session, view, fraction)
    if key is None:
        return fetch_page(session, view, limit=limit)
    page = fetch_page(session, view, at=key, limit=limit)
    if len(page.rows) < limit:  # ran off the end: take the last page instead
        return fetch_page(session, view, from_end=True, limit=limit)
    return page


def _interpolated_key(session: Session, view: View, fraction: float) -> tuple | None:
    info = view.info
    column = info.column(view.sort_column)
    if view.descending:
        fraction = 1.0 - fraction
    if column.kind == UUID and column.primary_key:
        # uuid4 keys are spread evenly over the 128-bit space.
        guess = uuid.UUID(int=int(fraction * ((1 << 128) - 1)))
        return (guess, guess)
    lowest, highest = _bounds(session, view)
    if lowest is None or highest is None:
        return None
    value = _between(column.kind, lowest, highest, fraction)
    if value is None:
        return None
    pk_min = uuid.UUID(int=0) if info.column(info.primary_key).kind == UUID else ""
    return (value, pk_min)


def _bounds(session: Session, view: View):
    sort = column_expr(view.table, view.sort_column)
    base = select_rows(view).with_only_columns(sort).where(sort.isnot(None)).limit(1)
    lowest = session.scalar(base.order_by(sort.asc()))
    highest = session.scalar(base.order_by(sort.desc()))
    return lowest, highest


def _between(kind: str, lowest, highest, fraction: float):
    if kind == INTEGER:
        return int(lowest + (highest - lowest) * fraction)
    if kind == DATETIME and isinstance(lowest, datetime):
        return lowest + (highest - lowest) * fraction
    if kind == UUID:
        return uuid.UUID(int=int(lowest.int + (highest.int - lowest.int) * fraction))
    if kind == TEXT or isinstance(lowest, str):
        return _between_text(str(lowest), str(highest), fraction)
    return None


def _between_text(lowest: str, highest: str, fraction: float) -> str:
    # Treat the first few characters as digits of a number; good enough to land near a letter.
    width, base = 4, 0x110000

    def number(text: str) -> int:
        padded = (text + "\0" * width)[:width]
        total = 0
        for char in padded:
            total = total * base + ord(char)
        return total

    low, high = number(lowest), number(highest)
    target = int(low + (high - low) * fraction)
    chars = []
    for _ in range(width):
        target, digit = divmod(target, base)
        chars.append(chr(digit))
    return "".join(reversed(chars)).rstrip("\0")
