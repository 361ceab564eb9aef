"""What the page cache talks to: the source it reads pages from, and the listener it tells
what changed. Plain Python; the Qt model implements the listener, ui/admin/sources.py the source.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.admin.catalogue import ColumnInfo
from app.admin.counts import RowCount
from app.admin.paging import PAGE_SIZE, Page


class PageKind(enum.Enum):
    """Where a page is read from."""

    START = "start"  # the first rows
    AFTER = "after"  # the rows after a key (the previous page's last row)
    BEFORE = "before"  # the rows before a key (the next page's first row)
    AT = "at"  # from a key on (where the page was last seen)
    END = "end"  # the last rows, counted back from the end
    NEAR = "near"  # an estimated position (a fraction of the way through the table)


@dataclass(frozen=True)
class PageRequest:
    block: int
    kind: PageKind
    key: tuple | None = None
    fraction: float = 0.0
    limit: int = PAGE_SIZE


class PageSource(Protocol):
    """Where pages and counts come from; answers may come later and in any order."""

    columns: tuple[ColumnInfo, ...]

    @property
    def counts_in_background(self) -> bool:
        """Whether an exact count may follow the quick one by itself."""
        ...

    def key_of(self, row: tuple) -> tuple: ...

    def load(
        self,
        request: PageRequest,
        on_page: Callable[[Page], None],
        on_error: Callable[[BaseException], None],
    ) -> None: ...

    def count(
        self,
        on_count: Callable[[RowCount], None],
        on_error: Callable[[BaseException], None],
        *,
        exact: bool = False,
    ) -> None: ...


class CacheListener:
    """What the cache tells its owner. Does nothing by default; the Qt model overrides it.

    The `*_rows` calls come in pairs around a change of the row count, as Qt requires.
    """

    def before_reset(self) -> None: ...

    def after_reset(self) -> None: ...

    def before_insert_rows(self, first: int, last: int) -> None: ...

    def after_insert_rows(self) -> None: ...

    def before_remove_rows(self, first: int, last: int) -> None: ...

    def after_remove_rows(self) -> None: ...

    def rows_changed(self, first: int, last: int) -> None:
        """The values of rows first..last may have changed (a page arrived or was dropped)."""

    def flush_wanted(self) -> None:
        """Pages are wanted: call `flush()` once the current work is done."""

    def first_page_loaded(self) -> None: ...

    def page_loaded(self, block: int) -> None: ...

    def count_settled(self, rows: int) -> None: ...

    def load_failed(self, error: BaseException) -> None: ...
