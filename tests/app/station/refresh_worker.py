"""A refresh in its own process, slowed down, for the kill -9 test:
`python -m tests.app.station.refresh_worker SERVER_URL STATION`. Prints "writing" once the
copy's transaction has begun writing, then writes in small, slow pieces until killed."""

from __future__ import annotations

import sys
import time

from app.station import copy_refresh
from app.station.copy import open_copy, refresh_copy
from db.engine import create_app_engine, parse_url

copy_refresh.PAGE_ROWS = 20
copy_refresh.ID_CHUNK = 20
_insert = copy_refresh.Refresh._insert


def _slow_insert(self, spec, rows, *, upsert):
    _insert(self, spec, rows, upsert=upsert)
    print("writing", flush=True)
    time.sleep(0.02)


copy_refresh.Refresh._insert = _slow_insert

if __name__ == "__main__":
    server = create_app_engine(parse_url(sys.argv[1]))
    copy = open_copy(sys.argv[2])
    refresh_copy(server, copy)
    print("done", flush=True)
