"""The admin grid's page cache on its own: no Qt, no database, answers delivered by hand."""

from __future__ import annotations

import pytest

from app.admin.catalogue import INTEGER, ColumnInfo
from app.admin.counts import ESTIMATE, EXACT, RowCount
from app.admin.page_cache import MAX_IN_FLIGHT, MAX_PAGES, CacheListener, PageCache, PageKind
from app.admin.paging import PAGE_SIZE, Page


class HandSource:
    """Rows 0..n-1 sorted by id; requests wait in `pending` until the test answers them."""

    columns = (ColumnInfo("id", INTEGER, nullable=False, primary_key=True),)

    def __init__(
        self, n: int, *, estimate: int | None = None, background: bool = True, near_error=7
    ):
        self.data = [(i,) for i in range(n)]
        self.near_error = near_error
        self.estimate = estimate
        self.counts_in_background = background
        self.pending: list = []  # (request, on_page, on_error)
        self.counts: list = []  # (exact, on_count, on_error)

    def key_of(self, row: tuple) -> tuple:
        return (row[0], row[0])

    def load(self, request, on_page, on_error) -> None:
        self.pending.append((request, on_page, on_error))

    def count(self, on_count, on_error, *, exact: bool = False) -> None:
        self.counts.append((exact, on_count, on_error))

    # -- the test's side ---------------------------------------------------------------------

    def page_for(self, request) -> Page:
        ids, limit = [row[0] for row in self.data], request.limit
        if request.kind is PageKind.START:
            rows = self.data[:limit]
        elif request.kind is PageKind.AFTER:
            rows = [r for r in self.data if r[0] > request.key[1]][:limit]
        elif request.kind is PageKind.AT:
            rows = [r for r in self.data if r[0] >= request.key[1]][:limit]
        elif request.kind is PageKind.BEFORE:
            rows = [r for r in self.data if r[0] < request.key[1]][-limit:]
        elif request.kind is PageKind.END:
            rows = self.data[-limit:]
        else:  # NEAR: an estimate, a little off on purpose
            start = min(int(request.fraction * len(ids)) + self.near_error, len(ids))
            rows = self.data[start : start + limit]
        return Page(rows, len(rows) < limit)

    def answer(self, index: int = 0) -> None:
        request, on_page, _on_error = self.pending.pop(index)
        on_page(self.page_for(request))

    def answer_all(self, cache: PageCache) -> None:
        while self.pending:
            self.answer()
            cache.flush()

    def answer_count(self, *, exact: bool) -> None:
        wanted, on_count, _ = self.counts.pop(0)
        assert wanted == exact
        if exact or self.estimate is None:
            on_count(RowCount(len(self.data), EXACT))
        else:
            on_count(RowCount(self.estimate, ESTIMATE))


class Recorder(CacheListener):
    def __init__(self):
        self.events: list[tuple] = []
        self.flushes = 0

    def before_insert_rows(self, first, last):
        self.events.append(("insert", first, last))

    def before_remove_rows(self, first, last):
        self.events.append(("remove", first, last))

    def before_reset(self):
        self.events.append(("reset",))

    def count_settled(self, rows):
        self.events.append(("settled", rows))

    def first_page_loaded(self):
        self.events.append(("first",))

    def load_failed(self, error):
        self.events.append(("failed", str(error)))

    def flush_wanted(self):
        self.flushes += 1


def _open(source) -> tuple[PageCache, Recorder]:
    recorder = Recorder()
    cache = PageCache(recorder)
    cache.set_source(source)
    return cache, recorder


def _scroll(cache: PageCache, source: HandSource, first: int) -> None:
    cache.set_viewport(first, first + 40)
    cache.flush()
    source.answer_all(cache)


def test_first_page_then_estimate_then_exact_count_in_the_background():
    source = HandSource(5 * PAGE_SIZE, estimate=900)
    cache, recorder = _open(source)
    assert [r.kind for r, *_ in source.pending] == [PageKind.START]
    source.answer()
    assert ("first",) in recorder.events
    assert cache.rows == PAGE_SIZE + 1  # a full page: at least one more row
    assert cache.rows_held == PAGE_SIZE and cache.queries_run == 1

    source.answer_count(exact=False)
    assert cache.rows == 900 and not cache.count_is_exact
    source.answer_count(exact=True)  # asked by itself: the source counts in the background
    assert cache.rows == 5 * PAGE_SIZE and cache.count_is_exact
    assert recorder.events[-1] == ("settled", 5 * PAGE_SIZE)


def test_an_estimate_stays_until_the_exact_count_is_asked_for():
    source = HandSource(5 * PAGE_SIZE, estimate=2_000, background=False)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    assert cache.rows == 2_000 and not source.counts
    cache.count_exactly()
    source.answer_count(exact=True)
    assert cache.rows == 5 * PAGE_SIZE and cache.count_is_exact


def test_a_short_first_page_is_the_exact_count():
    source = HandSource(30, estimate=5)
    cache, recorder = _open(source)
    source.answer()
    assert cache.rows == 30 and cache.count_is_exact
    source.answer_count(exact=False)  # the late estimate changes nothing
    assert cache.rows == 30
    assert recorder.events.count(("settled", 30)) == 1


def test_scrolling_reads_each_page_after_the_last_and_holds_at_most_max_pages():
    source = HandSource((MAX_PAGES + 10) * PAGE_SIZE)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    for block in range(MAX_PAGES + 10):
        _scroll(cache, source, block * PAGE_SIZE)
        assert cache.row_values(block * PAGE_SIZE) == (block * PAGE_SIZE,)
        assert cache.pages_held <= MAX_PAGES
    assert cache.row_values(0) is None  # the farthest pages went first
    assert cache.row_values(cache.rows - 1) == (cache.rows - 1,)


def test_never_more_than_max_in_flight_and_pages_may_arrive_out_of_order():
    source = HandSource(10 * PAGE_SIZE, near_error=0)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    cache.set_viewport(PAGE_SIZE, 3 * PAGE_SIZE)
    cache.flush()
    assert len(source.pending) <= MAX_IN_FLIGHT
    blocks = [request.block for request, *_ in source.pending]
    source.answer(len(source.pending) - 1)  # the later request answers first
    cache.flush()
    source.answer_all(cache)
    for block in [*blocks, 3]:
        assert cache.row_values(block * PAGE_SIZE) == (block * PAGE_SIZE,)


def test_answers_for_an_older_source_or_refresh_are_dropped():
    source = HandSource(3 * PAGE_SIZE)
    cache, recorder = _open(source)
    stale_request = source.pending.pop()
    cache.refresh()  # a write happened: the page on its way may be out of date
    stale_request[1](source.page_for(stale_request[0]))
    stale_request[2](RuntimeError("late"))
    assert cache.rows_held == 0 and ("first",) not in recorder.events
    assert not any(event[0] == "failed" for event in recorder.events)

    cache.want(0)
    cache.flush()  # asked again (rows unknown yet: nothing) ...
    cache.set_source(source)
    from_first_source = source.pending.pop()
    other = HandSource(10)
    cache.set_source(other)  # ... another table was opened while a page was on its way
    from_first_source[1](source.page_for(from_first_source[0]))
    assert cache.rows_held == 0
    other.answer()
    assert cache.rows == 10 and cache.row_values(9) == (9,)


def test_refresh_reads_the_pages_on_screen_again_from_where_they_were():
    source = HandSource(4 * PAGE_SIZE, near_error=0)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    _scroll(cache, source, 2 * PAGE_SIZE)
    source.data[2 * PAGE_SIZE] = (2 * PAGE_SIZE, "edited")
    cache.refresh(recount=True)
    assert cache.rows_held == 0 and not cache.count_is_exact
    cache.flush()
    assert {r.kind for r, *_ in source.pending} == {PageKind.AT}
    source.answer_all(cache)
    assert cache.row_values(2 * PAGE_SIZE) == (2 * PAGE_SIZE, "edited")
    source.answer_count(exact=False)
    assert cache.count_is_exact


def test_a_jump_to_the_end_reads_back_from_the_end_once_the_count_is_exact():
    source = HandSource(50 * PAGE_SIZE + 17)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    last = cache.rows - 1
    cache.set_viewport(last - 10, last)
    cache.flush()
    kinds = {r.block: r for r, *_ in source.pending}
    assert kinds[50].kind is PageKind.END and kinds[50].limit == 17
    source.answer_all(cache)
    assert cache.row_values(last) == (last,)


def test_a_jump_into_the_middle_of_an_estimate_lands_near_and_scrolls_exactly():
    source = HandSource(50 * PAGE_SIZE, estimate=50 * PAGE_SIZE, background=False)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    cache.set_viewport(25 * PAGE_SIZE, 25 * PAGE_SIZE + 40)
    cache.flush()
    assert source.pending[0][0].kind is PageKind.NEAR
    source.answer_all(cache)
    landed = cache.row_values(25 * PAGE_SIZE)[0]
    _scroll(cache, source, 26 * PAGE_SIZE)
    assert cache.row_values(26 * PAGE_SIZE) == (landed + PAGE_SIZE,)  # exact from there


def test_reading_back_to_the_true_start_restarts_at_the_top():
    source = HandSource(3 * PAGE_SIZE, estimate=40 * PAGE_SIZE, background=False)
    cache, recorder = _open(source)
    source.answer()
    source.answer_count(exact=False)
    _scroll(cache, source, 20 * PAGE_SIZE)  # the estimate put this page at block 20
    recorder.events.clear()
    cache.set_viewport(19 * PAGE_SIZE, 19 * PAGE_SIZE + 40)
    cache.flush()
    request = source.pending[0][0]
    assert request.kind is PageKind.BEFORE
    source.answer()
    assert recorder.events[0] == ("reset",)
    assert cache.row_values(0) == (0,) and cache.pages_held == 1


def test_a_failed_page_is_reported_and_can_be_asked_for_again():
    source = HandSource(3 * PAGE_SIZE)
    cache, recorder = _open(source)
    _request, _on_page, on_error = source.pending.pop()
    on_error(RuntimeError("connection lost"))
    assert recorder.events[-1] == ("failed", "connection lost")
    source.answer_count(exact=False)
    cache.want(0)
    cache.flush()
    source.answer()
    assert cache.row_values(0) == (0,)


def test_a_smaller_count_drops_rows_and_pages_beyond_it():
    source = HandSource(3 * PAGE_SIZE)
    cache, recorder = _open(source)
    source.answer()
    source.answer_count(exact=False)
    _scroll(cache, source, 2 * PAGE_SIZE)
    del source.data[PAGE_SIZE:]
    cache.refresh(recount=True)
    source.answer_count(exact=False)
    assert ("remove", PAGE_SIZE, 3 * PAGE_SIZE - 1) in recorder.events
    assert cache.rows == PAGE_SIZE and cache.row_values(2 * PAGE_SIZE) is None


@pytest.mark.parametrize("rows", [0, 1, PAGE_SIZE])
def test_small_tables_settle_on_their_first_page(rows):
    source = HandSource(rows)
    cache, _ = _open(source)
    source.answer()
    source.answer_count(exact=False)
    assert cache.rows == rows and cache.count_is_exact
