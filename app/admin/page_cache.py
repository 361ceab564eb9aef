"""The pages of a big table held near what is on screen: plain Python, no Qt.

Rows are fetched in pages of PAGE_SIZE from a `PageSource` (on the DB worker, never while a
cell is painted): a missing page is only *wanted*, and asked for when the adapter calls
`flush()` once the event loop is free. A page is read by keyset from its neighbour or from
where it was last seen, so scrolling is exact; a jump into the middle of a table lands at an
estimated position. At most MAX_PAGES pages are held; the ones farthest from the viewport are
dropped first.

The row count starts from the quick count (estimate or capped) and is refined by an exact count
in the background; pages reaching either end of the data correct it too. Answers that arrive
after a reset or a refresh (an older *generation*) are dropped, whatever order they come in.

What changed is told to a `CacheListener` (page_source.py; the Qt model adapts it to begin/end
row signals).
"""

from __future__ import annotations

from collections import OrderedDict

from app.admin.catalogue import ColumnInfo
from app.admin.counts import EXACT, RowCount
from app.admin.page_source import CacheListener, PageKind, PageRequest, PageSource
from app.admin.paging import PAGE_SIZE, Page

__all__ = [
    "MAX_IN_FLIGHT",
    "MAX_PAGES",
    "CacheListener",
    "PageCache",
    "PageKind",
    "PageRequest",
    "PageSource",
]

MAX_PAGES = 24
MAX_IN_FLIGHT = 2

# Pages read from a known place forwards: a short one means the data ends there.
_FORWARD = (PageKind.START, PageKind.AFTER, PageKind.AT, PageKind.NEAR)


class PageCache:
    def __init__(self, listener: CacheListener | None = None):
        self.listener = listener or CacheListener()
        self.source: PageSource | None = None
        self.rows = 0
        self.count_is_exact = False
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._labels: dict[int, dict] = {}
        self._anchors: dict[int, tuple] = {}  # block -> key of its first row, as last seen
        self._from_end: set[int] = set()  # blocks placed by counting back from the end
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: set[int] = set()
        self._generation = 0
        self.viewport = (0, 0)
        self.queries_run = 0  # pages asked of the source since the last reset (for tests)

    # -- source -------------------------------------------------------------------------------

    def set_source(self, source: PageSource | None) -> None:
        """Forget everything and start reading `source`: its first page and a quick count."""
        self.listener.before_reset()
        self.source = source
        self._generation += 1
        self.rows = 0
        self.count_is_exact = False
        self._forget_pages()
        self.queries_run = 0
        self.listener.after_reset()
        if source is None:
            return
        self._request(PageRequest(0, PageKind.START), self._generation)
        self._count_quickly()

    def refresh(self, *, recount: bool = False) -> None:
        """Read the pages on screen again (after a write), keeping the scroll position."""
        if self.source is None:
            return
        self._generation += 1
        self._pages.clear()
        self._labels.clear()
        self._wanted.clear()
        self._in_flight.clear()
        if recount:
            self.count_is_exact = False
            self._count_quickly()
        if self.rows and self.columns:
            self.listener.rows_changed(0, self.rows - 1)
        self.set_viewport(*self.viewport)

    @property
    def columns(self) -> tuple[ColumnInfo, ...]:
        return self.source.columns if self.source is not None else ()

    @property
    def counts_in_background(self) -> bool:
        return self.source is not None and self.source.counts_in_background

    @property
    def rows_held(self) -> int:
        return sum(len(rows) for rows in self._pages.values())

    @property
    def pages_held(self) -> int:
        return len(self._pages)

    # -- reading ------------------------------------------------------------------------------

    def row_values(self, row: int) -> tuple | None:
        rows = self._pages.get(row // PAGE_SIZE)
        if rows is None or row % PAGE_SIZE >= len(rows):
            return None
        return rows[row % PAGE_SIZE]

    def label(self, row: int, column: int):
        labels = self._labels.get(row // PAGE_SIZE, {})
        values = self.row_values(row)
        name = self.columns[column].name
        if values is None or name not in labels:
            return None
        return labels[name].get(values[column])

    def touch(self, row: int) -> bool:
        """Whether the page holding `row` is here (then it was used last: evicted last)."""
        block = row // PAGE_SIZE
        if block not in self._pages:
            return False
        self._pages.move_to_end(block)
        return True

    def set_viewport(self, first: int, last: int) -> None:
        """The rows on screen: pages near them are fetched first and evicted last."""
        self.viewport = (max(first, 0), max(last, first))
        low, high = first // PAGE_SIZE, last // PAGE_SIZE
        # Pages wanted for an earlier position are not worth a query once the view moved on.
        for block in [b for b in self._wanted if not low - 2 <= b <= high + 2]:
            del self._wanted[block]
        for block in range(max(low - 1, 0), high + 2):
            if block * PAGE_SIZE < self.rows and block not in self._pages:
                self.want(block)

    # -- paging -------------------------------------------------------------------------------

    def want(self, block: int) -> None:
        if block in self._in_flight:
            return
        self._wanted[block] = None
        self._wanted.move_to_end(block)
        self.listener.flush_wanted()

    def flush(self) -> None:
        """Ask the source for the wanted pages nearest the viewport, a few at a time."""
        if self.source is None:
            return
        first, last = self.viewport
        centre = (first + last) // 2 // PAGE_SIZE
        near = range(first // PAGE_SIZE - 2, last // PAGE_SIZE + 3)
        # Pages wanted long ago and now far off screen are no longer worth a query.
        for block in list(self._wanted):
            stale = block not in near and len(self._wanted) > 4
            if block in self._pages or stale or block * PAGE_SIZE >= self.rows:
                del self._wanted[block]
        for block in sorted(self._wanted, key=lambda b: abs(b - centre)):
            if len(self._in_flight) >= MAX_IN_FLIGHT:
                break
            request = self._plan(block)
            if request is None:  # a neighbour is on its way; follow on from it
                continue
            del self._wanted[block]
            self._request(request, self._generation)

    def _plan(self, block: int) -> PageRequest | None:
        assert self.source is not None
        if block in self._anchors:
            return PageRequest(block, PageKind.AT, self._anchors[block])
        previous = self._pages.get(block - 1)
        if previous is not None and len(previous) == PAGE_SIZE:
            return PageRequest(block, PageKind.AFTER, self.source.key_of(previous[-1]))
        following = self._pages.get(block + 1)
        if following:
            return PageRequest(block, PageKind.BEFORE, self.source.key_of(following[0]))
        if block == 0:
            return PageRequest(0, PageKind.START)
        if block - 1 in self._in_flight or block + 1 in self._in_flight:
            return None
        last_block = (self.rows - 1) // PAGE_SIZE
        if self.count_is_exact and block == last_block:
            return PageRequest(block, PageKind.END, limit=self.rows - block * PAGE_SIZE)
        fraction = block * PAGE_SIZE / max(self.rows, 1)
        return PageRequest(block, PageKind.NEAR, fraction=fraction)

    def _request(self, request: PageRequest, generation: int) -> None:
        assert self.source is not None
        self._in_flight.add(request.block)
        self.queries_run += 1
        self.source.load(
            request,
            lambda page: self._on_page(generation, request, page),
            lambda error: self._on_error(generation, error, request.block),
        )

    def _on_page(self, generation: int, request: PageRequest, page: Page) -> None:
        if generation != self._generation:
            return
        block, kind, rows = request.block, request.kind, page.rows
        self._in_flight.discard(block)
        if kind is PageKind.BEFORE and page.reached_boundary and block > 0:
            # The estimated position was off: these are the very first rows. Start over there.
            self._restart_at_top(rows, page.labels)
            return
        self._store(block, rows, page.labels, from_end=kind is PageKind.END)
        forward = kind in _FORWARD
        if forward and page.reached_boundary and kind is not PageKind.NEAR:
            self._set_rows(block * PAGE_SIZE + len(rows), exact=True)
        elif (
            forward
            and not self.count_is_exact
            and len(rows) == PAGE_SIZE
            and (block + 1) * PAGE_SIZE >= self.rows
        ):
            # More rows than we thought: show one more so that scrolling asks for them.
            self._set_rows(max(self.rows, (block + 1) * PAGE_SIZE + 1), exact=False)
        if block == 0 and kind is PageKind.START:
            self.listener.first_page_loaded()
        self._block_changed(block)
        self.listener.page_loaded(block)
        if self._wanted:
            self.listener.flush_wanted()

    def _store(self, block: int, rows: list[tuple], labels, *, from_end: bool) -> None:
        assert self.source is not None
        self._pages[block] = rows
        self._pages.move_to_end(block)
        self._labels[block] = labels
        if rows:
            self._anchors[block] = self.source.key_of(rows[0])
        if from_end:
            self._from_end.add(block)
        self._evict()

    def _evict(self) -> None:
        first, last = self.viewport
        centre = (first + last) // 2 // PAGE_SIZE
        while len(self._pages) > MAX_PAGES:
            farthest = max(self._pages, key=lambda b: abs(b - centre))
            del self._pages[farthest]
            self._labels.pop(farthest, None)

    def _restart_at_top(self, rows: list[tuple], labels) -> None:
        self.listener.before_reset()
        self._forget_pages()
        self._store(0, rows, labels, from_end=False)
        if len(rows) < PAGE_SIZE:
            self.rows, self.count_is_exact = len(rows), True
        self.listener.after_reset()

    def _forget_pages(self) -> None:
        self._pages.clear()
        self._labels.clear()
        self._anchors.clear()
        self._from_end.clear()
        self._wanted.clear()
        self._in_flight.clear()

    def _block_changed(self, block: int) -> None:
        first = block * PAGE_SIZE
        last = min(first + PAGE_SIZE, self.rows) - 1
        if last >= first and self.columns:
            self.listener.rows_changed(first, last)

    # -- counting -----------------------------------------------------------------------------

    def _count_quickly(self) -> None:
        assert self.source is not None
        generation = self._generation
        self.source.count(
            lambda count: self._on_quick_count(generation, count),
            lambda error: self._on_error(generation, error),
        )

    def _on_quick_count(self, generation: int, count: RowCount) -> None:
        if generation != self._generation or self.count_is_exact:
            return
        if count.kind == EXACT:
            self._set_rows(count.value, exact=True)
            return
        self._set_rows(max(count.value, self.rows), exact=False)
        if self.counts_in_background:
            self.count_exactly()

    def count_exactly(self) -> None:
        """Replace the estimate by the exact number of rows (one full count on the worker)."""
        if self.source is None or self.count_is_exact:
            return
        generation = self._generation
        self.source.count(
            lambda exact: self._on_exact_count(generation, exact),
            lambda error: self._on_error(generation, error),
            exact=True,
        )

    def _on_exact_count(self, generation: int, count: RowCount) -> None:
        if generation == self._generation:
            self._set_rows(count.value, exact=True)

    def _set_rows(self, rows: int, *, exact: bool) -> None:
        if rows != self.rows:
            # Pages counted back from the old end are no longer at the end.
            for block in self._from_end:
                self._pages.pop(block, None)
                self._labels.pop(block, None)
                self._anchors.pop(block, None)
            self._from_end.clear()
        if rows > self.rows:
            self.listener.before_insert_rows(self.rows, rows - 1)
            self.rows = rows
            self.listener.after_insert_rows()
        elif rows < self.rows:
            self.listener.before_remove_rows(rows, self.rows - 1)
            self.rows = rows
            self._drop_blocks_after((rows - 1) // PAGE_SIZE if rows else -1)
            self.listener.after_remove_rows()
        was_exact, self.count_is_exact = self.count_is_exact, exact or self.count_is_exact
        if exact and not was_exact:
            self.listener.count_settled(rows)

    def _drop_blocks_after(self, last_block: int) -> None:
        for block in [b for b in self._pages if b > last_block]:
            del self._pages[block]
            self._labels.pop(block, None)
        for block in [b for b in self._anchors if b > last_block]:
            del self._anchors[block]

    def _on_error(self, generation: int, error: BaseException, block: int | None = None) -> None:
        if generation != self._generation:
            return
        if block is not None:
            self._in_flight.discard(block)
        self.listener.load_failed(error)
