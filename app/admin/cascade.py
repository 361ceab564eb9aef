"""What a delete takes with it, counted from the schema's ON DELETE CASCADE foreign keys.

The counts are made with the same conditions the database will follow, in the same transaction
as the delete when called from `delete_rows`, so the preview and the deletion agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from app.admin.catalogue import TITLES, sa_column, sa_table, table_info
from app.admin.labels import row_label
from db.models import Base

_NOUNS = {
    "users": ("person", "people"),
    "events": ("event", "events"),
    "attendance": ("attendance row", "attendance rows"),
    "loyalty": ("loyalty row", "loyalty rows"),
    "audit_log": ("audit log row", "audit log rows"),
}


@dataclass(frozen=True)
class CascadePreview:
    table: str
    rows: int
    labels: tuple[str, ...]
    counts: dict[str, int]  # table -> rows the cascade deletes there (only tables with any)
    unlinked: dict[str, int]  # table -> rows that keep existing with the link set to NULL

    @property
    def message(self) -> str:
        subject = _subject(self.table, self.rows, self.labels)
        parts = [_count(table, n) for table, n in self.counts.items() if n]
        text = f"Deleting {subject}"
        text += f" also deletes {_join(parts)}." if parts else " deletes nothing else."
        kept = [_count(table, n) for table, n in self.unlinked.items() if n]
        if kept:
            text += f" {_join(kept)} stay, with the link cleared."
        return text

    @property
    def result_message(self) -> str:
        """The same facts once the delete is done, in the past tense."""
        subject = _subject(self.table, self.rows, self.labels)
        parts = [_count(table, n) for table, n in self.counts.items() if n]
        text = f"Deleted {subject}"
        text += f"; also deleted {_join(parts)}." if parts else "; nothing else was deleted."
        kept = [_count(table, n) for table, n in self.unlinked.items() if n]
        if kept:
            verb = "was" if len(kept) == 1 and kept[0].startswith("1 ") else "were"
            text += f" {_join(kept)} {verb} kept, with the link cleared."
        return text


def _count(table: str, n: int) -> str:
    one, many = _NOUNS.get(table, (f"{TITLES[table].lower()} row", f"{TITLES[table].lower()} rows"))
    return f"{n:,} {one if n == 1 else many}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _subject(table: str, rows: int, labels: tuple[str, ...]) -> str:
    if rows == 1 and labels:
        return labels[0]
    if rows <= 3 and labels:
        return _join(list(labels))
    return _count(table, rows)


def _children(table_name: str):
    """(child table name, ForeignKey) for every foreign key pointing at the table."""
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name:
                yield table.name, fk


def cascade_preview(session: Session, table: str, keys: list) -> CascadePreview:
    info = table_info(table)
    pk = sa_column(table, info.primary_key)
    rows = session.execute(select(sa_table(table)).where(pk.in_(keys))).all()
    labels = tuple(row_label(info, tuple(r)) for r in rows[:3])
    # Condition selecting the doomed rows of each table, grown breadth-first along CASCADE.
    doomed = {table: pk.in_(keys)}
    unlinked_conditions: dict[str, list] = {}
    queue = [table]
    while queue:
        parent = queue.pop(0)
        for child, fk in _children(parent):
            ondelete = (fk.ondelete or "").upper()
            condition = fk.parent.in_(select(fk.column).where(doomed[parent]))
            if ondelete == "CASCADE":
                doomed[child] = or_(doomed.get(child, false()), condition)
                if child not in queue:
                    queue.append(child)
            elif ondelete == "SET NULL":
                unlinked_conditions.setdefault(child, []).append(condition)
    counts = {}
    for name, condition in doomed.items():
        if name != table and name in TITLES:  # internal tables (search index) go unmentioned
            counts[name] = session.scalar(
                select(func.count()).select_from(sa_table(name)).where(condition)
            )
    unlinked = {}
    for name, conditions in unlinked_conditions.items():
        if name not in TITLES:
            continue
        condition = or_(*conditions)
        if name in doomed:
            condition = condition & ~doomed[name]
        unlinked[name] = session.scalar(
            select(func.count()).select_from(sa_table(name)).where(condition)
        )
    ordered = {n: counts[n] for n in ("events", "attendance", "loyalty") if n in counts}
    ordered |= {n: c for n, c in counts.items() if n not in ordered}
    return CascadePreview(table, len(rows), labels, ordered, unlinked)
