"""A hypothesis-driven fuzz of the command line and the patron import, in-process: hostile text
in every argument and hostile bytes in the file. Figures: tracebacks ("unexpected error"), exit
codes outside 0-3, refused calls that changed a guide table (partial writes), calls over their
deadline."""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.cli import main
from db.engine import create_app_engine
from db.models import Attendance, Event, Loyalty, User
from db.session import make_session_factory, unit_of_work
from tests.app.checkin_support import add_points, make_event, make_patron
from tests.reliability.databases import fresh_database, url_text

CALL_DEADLINE_S = 5  # a door command must answer well within this, even on hostile input
_HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.sampled_from(["２", "1_0", "٣", "-1", "0", "99999999999999999999", "", " ", "%", "_"]),
    st.builds(lambda c, n: c * n, st.sampled_from("a%_\\'\""), st.integers(100, 120_000)),
)


def _argv(event: str, code: str):
    text = _HOSTILE
    return st.one_of(
        st.tuples(
            st.just("checkin"), st.one_of(st.just(event), text), st.one_of(st.just(code), text)
        ),
        st.tuples(st.just("patron"), st.just("search"), text),
        st.tuples(st.just("patron"), st.just("show"), text),
        st.tuples(
            st.just("patron"), st.just("redeem"), st.just(code), text, st.just("--reward"), text
        ),
        st.tuples(st.just("events"), st.just("list"), st.just("--search"), text),
        st.tuples(
            st.just("export"),
            st.just("users"),
            st.just("--where"),
            text.map(lambda t: f"email~{t}"),
        ),
        st.tuples(
            st.just("walkin"),
            st.just(event),
            st.just("--first-name"),
            text,
            st.just("--last-name"),
            text,
            st.just("--email"),
            text,
        ),
        # any command with random arguments (never none: without a command the GUI opens)
        st.tuples(
            st.sampled_from(
                [
                    "checkin",
                    "checkout",
                    "register",
                    "undo",
                    "walkin",
                    "patron",
                    "events",
                    "export",
                    "db",
                    "admin",
                ]
            ),
            st.lists(text, max_size=4),
        ).map(lambda t: (t[0], *t[1])),
    )


def _counts(sessions) -> tuple[int, ...]:
    with unit_of_work(sessions, write=False) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(t))
            for t in (User, Event, Attendance, Loyalty)
        )


def _call(url: str, argv) -> tuple[int, str, float]:
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--database-url", url, *argv])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException as exc:  # noqa: BLE001 - an escaped exception is a finding
            code = f"raised {type(exc).__name__}"
    return code, out.getvalue() + err.getvalue(), time.perf_counter() - started


def fuzz_cli(backend: str, examples: int, seed: int = 1) -> dict:
    figures = {"calls": 0, "tracebacks": [], "bad_exit": [], "partial": [], "slow": []}
    with fresh_database(backend) as url:
        engine = create_app_engine(url)
        sessions = make_session_factory(engine)
        with unit_of_work(sessions) as session:
            patron = make_patron(session, "Jane", "Fuzz", email="jane@example.com")
            add_points(session, patron, 100)
            event = make_event(session, name="Fuzzed", status="ongoing")
            event_id, code = str(event.id), str(patron.id)
        text = url_text(url)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(_argv(event_id, code))
        def one(argv):
            before = _counts(sessions)
            exit_code, output, seconds = _call(text, argv)
            figures["calls"] += 1
            short = repr(argv)[:120]
            if (
                "unexpected error" in output
                or "Traceback" in output
                or not isinstance(exit_code, int)
            ):
                figures["tracebacks"].append(f"{short}: {output[:200]!r} {exit_code}")
            elif exit_code not in (0, 1, 2, 3):
                figures["bad_exit"].append(f"{short}: {exit_code}")
            if exit_code in (2, 3) and _counts(sessions) != before:
                figures["partial"].append(short)
            if seconds > CALL_DEADLINE_S:
                figures["slow"].append(f"{short}: {seconds:.1f} s")

        one()
        figures.update(fuzz_import(text, sessions, max(10, examples // 5)))
        engine.dispose()
    findings = [v for k, v in figures.items() if isinstance(v, list)]
    figures["ok"] = not any(findings)
    return figures


def fuzz_import(url: str, sessions, examples: int) -> dict:
    """Hostile CSV files: random bytes, huge headers, control bytes, odd encodings."""
    findings = {
        "import_files": 0,
        "import_tracebacks": [],
        "import_bad_exit": [],
        "import_partial": [],
    }
    header = b"firstName,lastName,email,phone\n"
    files = st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=500).map(lambda b: header + b),
        st.text(max_size=300).map(lambda t: (header.decode() + t).encode("utf-16-le")),
        st.integers(1000, 100_000).map(lambda n: b"A" * n + b"\n"),
        st.lists(st.text(max_size=20), max_size=8).map(
            lambda cells: header + ",".join(c.replace("\n", " ") for c in cells).encode()
        ),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "members.csv"

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(files)
        def one(content):
            path.write_bytes(content)
            before = _counts(sessions)
            code, output, _seconds = _call(url, ("import", "patrons", str(path)))
            if code != 0 and _counts(sessions) != before:  # a refused file wrote nothing
                findings["import_partial"].append(f"{content[:60]!r}: exit {code}")
            findings["import_files"] += 1
            if "unexpected error" in output or "Traceback" in output or not isinstance(code, int):
                findings["import_tracebacks"].append(f"{content[:60]!r}: {output[:200]!r}")
            elif code not in (0, 1, 2, 3):
                findings["import_bad_exit"].append(f"{content[:60]!r}: {code}")

        one()
    return findings
