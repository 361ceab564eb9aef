"""Keeping the patron search keys current when other programs write `users`.

The web service (or a bulk load, or the sqlite3 shell) writes patrons without our ORM hook; the
triggers mark them stale and search reads up to a few hundred of them directly (see
docs/design/search.md). These use cases turn marks into keys: a bounded slice now and then
from the app, everything from `credopass db reindex`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.search_index import rebuild_search_index, refresh_search_index

# Patrons re-keyed per call from the app: a few hundred milliseconds of work at most, so that
# a kiosk's worker is never held up for long by a big import made elsewhere.
REFRESH_SLICE = 2000


def refresh_stale_search_keys(session: Session, limit: int = REFRESH_SLICE) -> int:
    """Re-key up to `limit` stale patrons; returns how many were done."""
    return refresh_search_index(session, batch_size=limit, max_patrons=limit)


def rebuild_search_keys(session: Session) -> int:
    """Rewrite every patron's keys; returns the number of patrons."""
    return rebuild_search_index(session)
