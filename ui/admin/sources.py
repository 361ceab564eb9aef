"""Where the lazy grid's pages come from: a table view on the DB worker, or rows in memory.

Both are `app.admin.page_cache.PageSource`s.
"""

from __future__ import annotations

from app.admin.catalogue import ColumnInfo
from app.admin.counts import EXACT, RowCount, exact_count, view_count
from app.admin.page_source import PageKind, PageRequest
from app.admin.paging import PAGE_SIZE, Page, fetch_near, fetch_page
from app.admin.view import View
from ui.operations import Lane


class TableSource:
    """Pages of a View, each fetched by keyset in its own short read on the DB worker.

    `owner` (the model showing the pages): when it is deleted, pages still on their way are
    dropped. Without one, the worker itself owns the reads.
    """

    def __init__(self, worker, view: View, backend: str = "sqlite", *, owner=None):
        self.worker = worker
        self.owner = owner if owner is not None else worker
        self.view = view
        self.columns: tuple[ColumnInfo, ...] = view.info.columns
        self.worker_backend = backend

    def key_of(self, row: tuple) -> tuple:
        return self.view.key_of(row)

    def load(self, request: PageRequest, on_page, on_error) -> None:
        view = self.view

        def action(session) -> Page:
            if request.kind is PageKind.AFTER:
                return fetch_page(session, view, after=request.key, limit=request.limit)
            if request.kind is PageKind.BEFORE:
                return fetch_page(session, view, before=request.key, limit=request.limit)
            if request.kind is PageKind.AT:
                return fetch_page(session, view, at=request.key, limit=request.limit)
            if request.kind is PageKind.END:
                return fetch_page(session, view, from_end=True, limit=request.limit)
            if request.kind is PageKind.NEAR:
                return fetch_near(session, view, request.fraction, limit=request.limit)
            return fetch_page(session, view, limit=request.limit)

        # A page is short, but an admin's filter may scan a big table: the 30 s statement
        # limit, not the door's deadline.
        self.worker.run(
            self.owner,
            action,
            on_page,
            on_error,
            write=False,
            door_deadline=False,
        )

    def count(self, on_count, on_error, *, exact: bool = False) -> None:
        view = self.view
        if exact:  # reads every row: a long job
            job, lane = (lambda s: exact_count(s, view)), Lane.BULK
        else:
            job, lane = (lambda s: view_count(s, view)), Lane.DOOR
        self.worker.run(
            self.owner, job, on_count, on_error, write=False, lane=lane, door_deadline=False
        )

    @property
    def counts_in_background(self) -> bool:
        """Whether an exact count may follow the quick one by itself.

        SQLite counts a million rows through an index in tens of milliseconds. PostgreSQL needs
        a second or more for the same, which would hold up the pages queued behind it on the
        one DB worker; there the planner's estimate stays until someone asks for the exact count.
        """
        return self.worker_backend != "postgresql"


class MemorySource:
    """Rows already fetched (SQL console results): pages are slices, answered at once."""

    def __init__(self, columns: tuple[ColumnInfo, ...], rows: list[tuple]):
        self.columns = columns
        self.rows = rows
        self.view = None

    def key_of(self, row: tuple) -> tuple:
        return (None, None)

    def load(self, request: PageRequest, on_page, on_error) -> None:
        start = request.block * PAGE_SIZE
        rows = self.rows[start : start + PAGE_SIZE]
        on_page(Page(rows, len(rows) < PAGE_SIZE))

    def count(self, on_count, on_error, *, exact: bool = False) -> None:
        on_count(RowCount(len(self.rows), EXACT))

    counts_in_background = True
