"""Following relationships: the row a foreign key points at, and the rows pointing at a row."""

from __future__ import annotations

from dataclasses import dataclass

from app.admin.catalogue import table_info, tables
from app.admin.view import EQUALS, Filter, View

_TITLES = {
    ("events", "hostId"): "Events hosted",
    ("attendance", "patronId"): "Attendance",
    ("attendance", "eventId"): "Attendance",
    ("loyalty", "patronId"): "Loyalty",
    ("audit_log", "patronId"): "Audit log",
    ("audit_log", "eventId"): "Audit log",
}


@dataclass(frozen=True)
class RelatedLink:
    title: str
    view: View


def referenced_view(table: str, column: str, value) -> View | None:
    """The one row a foreign-key cell points at, as a view filtered on its primary key."""
    target = table_info(table).column(column).references
    if target is None or value is None:
        return None
    return View(target, filters=(Filter(table_info(target).primary_key, EQUALS, value),))


def related_links(table: str, row: tuple) -> list[RelatedLink]:
    """Views of the rows that refer to this row (a user's events, attendance, loyalty...)."""
    info = table_info(table)
    key = row[info.index_of(info.primary_key)]
    links = []
    for other in tables():
        for column in other.columns:
            if column.references == table:
                title = _TITLES.get((other.name, column.name), f"{other.title} ({column.name})")
                links.append(
                    RelatedLink(
                        title, View(other.name, filters=(Filter(column.name, EQUALS, key),))
                    )
                )
    return links
