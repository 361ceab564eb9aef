"""`credopass db generate`: fill the configured database with synthetic data for demos and
benchmarks (see db/synthetic)."""

from __future__ import annotations

import argparse

from app.cli.common import EXIT_OK, EXIT_USAGE, CliError

MAX_ROWS = 50_000_000  # a typo guard: more would take hours and fill the disk


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_ROWS:
        raise argparse.ArgumentTypeError(f"{text} is out of range (0 to {MAX_ROWS:,})")
    return value


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"the seed must be a whole number, not {text!r}") from None


def register(db_subparsers, common: argparse.ArgumentParser) -> None:
    p = db_subparsers.add_parser(
        "generate",
        help="fill the database with realistic synthetic data (deterministic with --seed)",
        parents=[common],
    )
    p.add_argument("--patrons", type=_count, required=True, metavar="N")
    p.add_argument("--events", type=_count, required=True, metavar="M")
    p.add_argument("--attendance", type=_count, required=True, metavar="K")
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help="default: 1")
    p.add_argument(
        "--append", action="store_true", help="add to a database that already holds data"
    )
    p.set_defaults(handler=cmd_generate)


def cmd_generate(args, context) -> int:
    # The planner does much work when imported; only this command needs it.
    from db.synthetic import DatabaseNotEmpty, PlanError, Sizes, generate

    database = context.database(managed=True)
    sizes = Sizes(args.patrons, args.events, args.attendance, args.seed)
    try:
        report = generate(database.engine, sizes, append=args.append)
    except (DatabaseNotEmpty, PlanError) as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    print(f"{database.location}: {report.message}")
    return EXIT_OK
