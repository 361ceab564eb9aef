"""A check-in stream for the kill -9 loop: `python -m tests.reliability.stream URL EVENT CODE...`

Checks the codes in one by one and prints each code only after its transaction committed: a
printed code is a confirmed check-in, which must survive the process being killed at any moment.
"""

from __future__ import annotations

import sys
import uuid

from app.checkin.actions import check_in
from db.engine import create_app_engine, door_options, parse_url
from db.session import make_session_factory, run_in_transaction


def main(argv: list[str]) -> int:
    url, event_id, *codes = argv
    engine = create_app_engine(parse_url(url))
    sessions = make_session_factory(engine)
    event = uuid.UUID(event_id)
    with engine.connect():  # connected and imported: the parent starts its clock now
        print("ready", flush=True)
    for code in codes:
        result = run_in_transaction(
            sessions,
            lambda s, code=code: check_in(s, event, code, station="stream", method="scan"),
            options=door_options(),
        )
        print(f"{result.outcome.value} {code}", flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
