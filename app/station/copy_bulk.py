"""The first copy's two speed-ups: SQLite bulk settings with the indexes built once at the
end, and the server's next page read while SQLite writes the current one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from queue import Full, Queue

from sqlalchemy import Connection

from app.station.copy_tables import COPIED
from db.search_index import bulk_new_patrons

_BULK_CACHE_KIB = 131072  # 128 MB of page cache while the copy is written


class bulk_first_copy:
    """During a first copy: a large page cache, the copy's own search trigger set aside (the
    server's search rows are copied as they are), and the secondary indexes of the copied
    tables dropped, then built again from their own SQL once the rows are in: one sort per
    index instead of a random insert per row (3x faster at a million patrons). All inside
    the copy's transaction: a copy cut in the middle still has every index."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.inner = bulk_new_patrons(connection)
        self.indexes: list[tuple[str, str]] = []

    def __enter__(self):
        self.inner.__enter__()
        self.connection.exec_driver_sql(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
        tables = ", ".join(f"'{spec.name}'" for spec in COPIED)
        self.indexes = list(
            self.connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL AND tbl_name IN ({tables})"
            )
        )
        for name, _sql in self.indexes:
            self.connection.exec_driver_sql(f'DROP INDEX "{name}"')

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            for _name, sql in self.indexes:
                self.connection.exec_driver_sql(sql)
        return self.inner.__exit__(exc_type, *exc)


def prefetched(pages: Iterator[list[tuple]], depth: int = 2) -> Iterator[list[tuple]]:
    """The pages of `pages`, read by a helper thread up to `depth` pages ahead (the server's
    cursor is then used by that thread only, until the last page is read)."""
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def hand(item) -> None:
        while not stop.is_set():  # the consumer may have stopped reading (an error)
            try:
                queue.put(item, timeout=0.1)
                return
            except Full:
                continue

    def read() -> None:
        try:
            for page in pages:
                hand(page)
                if stop.is_set():
                    return
            hand(_END)
        except BaseException as exc:  # handed over to the reading thread
            hand(exc)

    reader = threading.Thread(target=read, name="station-copy-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


_END = object()
