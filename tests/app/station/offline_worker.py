"""Run by test_kill: offline check-ins on a station copy, or a sync, in a process the test
kills with SIGKILL at a random moment.

    python -m tests.app.station.offline_worker checkins STATION EVENT CODE...
        prints "ok CODE" after each check-in is committed (confirmed to the greeter)
    python -m tests.app.station.offline_worker sync URL STATION
"""

from __future__ import annotations

import sys

from db.engine import create_app_engine, parse_url


def main(argv: list[str]) -> int:
    if argv[0] == "checkins":
        from tests.app.station.station_support import check_in_offline

        station, event, *codes = argv[1:]
        for code in codes:
            result = check_in_offline(station, event, code)
            print(f"ok {code} {result.outcome.value}", flush=True)
        return 0
    from app.station.sync import sync_station

    engine = create_app_engine(parse_url(argv[1]))
    summary = sync_station(engine, argv[2])
    print("synced", summary.to_json(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
