"""`credopass db ...`: inspect, migrate, check, seed and reset the configured database."""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, inspect, select

from app.cli import generate_command
from app.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_json_option,
    print_json,
)
from app.search_upkeep import rebuild_search_keys
from db import guide_checks, migrate
from db.engine import create_app_engine, sqlite_url
from db.models import Base
from db.seed import seed_guide_data
from db.session import unit_of_work

if TYPE_CHECKING:
    from db.adopt import AdoptionReport

LOCAL_HOSTS = {None, "", "localhost", "127.0.0.1", "::1"}


def register(subparsers, common: argparse.ArgumentParser) -> None:
    db = subparsers.add_parser("db", help="inspect and manage the database", parents=[common])
    sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")

    p = sub.add_parser(
        "info", help="backend, URL (password masked), revision, row counts", parents=[common]
    )
    add_json_option(p)
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("upgrade", help="migrate to REV (default: the newest)", parents=[common])
    p.add_argument("revision", nargs="?", default="head", metavar="REV")
    add_json_option(p)
    p.set_defaults(handler=cmd_upgrade)

    p = sub.add_parser("downgrade", help="migrate back to REV (e.g. base)", parents=[common])
    p.add_argument("revision", metavar="REV")
    p.set_defaults(handler=cmd_downgrade)

    p = sub.add_parser("current", help="print the schema revision", parents=[common])
    add_json_option(p)
    p.set_defaults(handler=cmd_current)

    p = sub.add_parser("revision", help="autogenerate a migration (developers)", parents=[common])
    p.add_argument("-m", "--message", required=True, metavar="MSG")
    p.set_defaults(handler=cmd_revision)

    p = sub.add_parser(
        "check", help="exit 1 if the models and the migrations disagree", parents=[common]
    )
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("seed", help="load the database guide's demo data", parents=[common])
    p.set_defaults(handler=cmd_seed)

    p = sub.add_parser(
        "reset", help="drop and re-create every table (needs --yes)", parents=[common]
    )
    p.add_argument("--yes", action="store_true", help="yes, delete all data")
    p.add_argument("--force", action="store_true", help="allow a PostgreSQL that is not local")
    p.set_defaults(handler=cmd_reset)

    p = sub.add_parser(
        "reindex",
        help="rebuild the patron search keys (after writes by other programs)",
        parents=[common],
    )
    p.set_defaults(handler=cmd_reindex)

    generate_command.register(sub, common)


def cmd_info(args, context) -> int:
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    existing = set(inspect(database.engine).get_table_names())
    counts: dict[str, int | None] = {}
    with database.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name in existing:
                counts[table.name] = connection.scalar(select(func.count()).select_from(table))
            else:
                counts[table.name] = None  # missing
    if args.json:
        print_json(
            {
                "outcome": "ok",
                "backend": database.backend,
                "url": database.target.masked,
                "source": database.target.source,
                "revision": status.current,
                "head": status.head,
                "state": status.state.value,
                "rows": counts,
            }
        )
        return EXIT_OK
    print(f"backend:  {database.backend}")
    print(f"url:      {database.target.masked}  (from {database.target.source})")
    print(f"revision: {status.current or 'none'}  (this app: {status.head}, {status.state.value})")
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        shown = f"{'(missing)':>10}" if count is None else f"{count:>10,} rows"
        print(f"  {name:<{width}} {shown}")
    return EXIT_OK


def cmd_upgrade(args, context) -> int:
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    if status.state is migrate.SchemaState.AHEAD:
        raise CliError(status.explain(), EXIT_FAILURE)
    if args.json:  # the details below are sentences; the object carries the outcome
        with contextlib.redirect_stdout(io.StringIO()) as details:
            outcome, message = _upgrade(args, database, status)
        notes = [line for line in details.getvalue().splitlines() if line.strip()]
        print_json(
            {
                "outcome": outcome,
                "message": message,
                "from": status.current,
                "to": migrate.current_revision(database.engine),
                "notes": notes,
            }
        )
        return EXIT_OK
    print(_upgrade(args, database, status)[1])
    return EXIT_OK


def _upgrade(args, database, status: migrate.SchemaStatus) -> tuple[str, str]:
    """Migrate (or adopt), print the details, and say in one sentence what was done."""
    if status.state is migrate.SchemaState.UNMANAGED:
        from db import adopt  # Alembic and the adoption rules: only for this rare case

        try:
            report = adopt.adopt(database.engine, args.revision)
        except adopt.AdoptionRefused as exc:
            raise CliError(str(exc), EXIT_FAILURE) from None
        print_adoption(report)
    else:
        with _revision_errors():
            migrate.upgrade(database.engine, args.revision)
    validated, remaining = guide_checks.validate_pending_checks(database.engine)
    for name in validated:
        print(f"Every row now satisfies {name}; the rule is enforced on old rows too.")
    if remaining and status.state is not migrate.SchemaState.UNMANAGED:
        print_violations(remaining)
    before, after = status.current, migrate.current_revision(database.engine)
    if status.state is migrate.SchemaState.UNMANAGED:
        return "adopted", f"Adopted the database at revision {after}."
    if before == after:
        return "current", f"Already at revision {after or 'base (empty)'}."
    if before is None:
        return "created", f"Created the CredoPass tables at revision {after}."
    return "upgraded", f"Upgraded from {before} to {after}."


def _revision_name(engine) -> str:
    return migrate.current_revision(engine) or "base (empty)"


@contextmanager
def _revision_errors():
    """Alembic's complaints about a revision name are the user's typo, not a crash."""
    from alembic.util import CommandError

    try:
        yield
    except CommandError as exc:
        known = ", ".join(s.revision for s in migrate.script_directory().walk_revisions())
        raise CliError(f"{exc} (known revisions: {known}, head, base)", EXIT_USAGE) from None


def print_adoption(report: AdoptionReport) -> None:
    print("Adopted a database of the CredoPass web service: every row was kept.")
    for change in report.changes:
        print(f"  - {change}")
    if report.merged:
        removed = sum(len(m.removed_ids) for m in report.merged)
        print(
            f"Merged duplicate attendance ({removed} row(s) removed; kept the earliest check-in, "
            "attended if any was, the latest check-out):"
        )
        for merged in report.merged:
            print(f"  - {merged.describe()}")
    if report.case_collisions:
        print("These emails differ only in capital letters and would collide; they were kept")
        print("as they are. Merge or correct them (CredoPass looks emails up lower-cased):")
        for emails in report.case_collisions:
            print(f"  - {' / '.join(emails)}")
    for note in report.notes:
        print(f"note: {note}")
    if report.violations:
        print_violations(report.violations)


def print_violations(violations: list[guide_checks.CheckViolation]) -> None:
    columns = sorted({f"{v.table}.{v.column}" for v in violations})
    print(
        f"{len(violations)} row(s) break the allowed values of {' and '.join(columns)}; they were "
        "kept, and until they are fixed the rule applies to new writes only:"
    )
    for violation in violations:
        print(f"  - {violation.describe()}")
    print("How to fix:")
    for hint in guide_checks.fix_hint(violations):
        print(f"  {hint}")


def cmd_downgrade(args, context) -> int:
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    if status.state in (migrate.SchemaState.AHEAD, migrate.SchemaState.UNMANAGED):
        raise CliError(f"cannot downgrade: {status.explain()}", EXIT_FAILURE)
    with _revision_errors():
        migrate.downgrade(database.engine, args.revision)
    print(f"Database is at revision {_revision_name(database.engine)}.")
    return EXIT_OK


def cmd_current(args, context) -> int:
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    if args.json:
        print_json(
            {
                "outcome": "ok",
                "revision": status.current,
                "head": status.head,
                "state": status.state.value,
                "message": status.explain(),
            }
        )
        return EXIT_OK
    print(status.current or "none")
    if status.state is not migrate.SchemaState.CURRENT:
        print(status.explain())
    return EXIT_OK


def cmd_revision(args, context) -> int:
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    if status.state is not migrate.SchemaState.CURRENT:
        raise CliError("autogenerate needs a database at the newest revision: " + status.explain())
    path = migrate.revision(database.engine, args.message)
    print(f"Wrote {path}. Review it before committing.")
    return EXIT_OK


def cmd_check(args, context) -> int:
    """Compare the models with what the migrations build (a scratch SQLite database), and with
    the configured database when it is at the newest revision."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = create_app_engine(sqlite_url(Path(folder) / "check.db"))
        try:
            migrate.upgrade(scratch)
            problems += [f"migrations vs models: {d}" for d in migrate.schema_differences(scratch)]
        finally:
            scratch.dispose()
    database = context.database(managed=False)
    status = migrate.schema_status(database.engine)
    if status.state is migrate.SchemaState.CURRENT:
        diffs = migrate.schema_differences(database.engine)
        problems += [f"{database.backend} database vs models: {d}" for d in diffs]
    else:
        print(f"note: configured database not compared. {status.explain()}")
    for name, rows in guide_checks.unenforced_checks(database.engine).items():
        print(
            f"note: {name} is checked on new writes only: {rows} old row(s) break it. Fix them "
            "and run `credopass db upgrade` to enforce it on every row."
        )
    if problems:
        print("The models and the migrations disagree:")
        for line in problems:
            print(f"  - {line}")
        print('Create a migration with `credopass db revision -m "..."` and review it.')
        return EXIT_FAILURE
    print("No differences: the models and the migrations agree.")
    return EXIT_OK


def cmd_seed(args, context) -> int:
    database = context.database(managed=True)
    with unit_of_work(database.sessions) as session:
        report = seed_guide_data(session)
    print(report.message)
    return EXIT_OK


def cmd_reindex(args, context) -> int:
    database = context.database(managed=True)
    started = time.monotonic()
    with unit_of_work(database.sessions) as session:
        patrons = rebuild_search_keys(session)
    print(f"Rebuilt the search keys of {patrons:,} patrons in {time.monotonic() - started:.1f} s.")
    return EXIT_OK


def cmd_reset(args, context) -> int:
    if not args.yes:
        raise CliError("reset deletes every row; run again with --yes if you mean it", EXIT_USAGE)
    target = context.target
    if target.backend == "postgresql" and target.url.host not in LOCAL_HOSTS and not args.force:
        raise CliError(
            f"{target.url.host} is not this machine; add --force to reset a shared database",
            EXIT_USAGE,
        )
    database = context.database(managed=False)  # closed by run_command
    migrate.drop_everything(database.engine)
    migrate.upgrade(database.engine)
    print(f"Reset {database.location}: all tables re-created, empty.")
    return EXIT_OK
