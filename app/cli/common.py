"""What every sub-command shares: options, the database context, error handling, output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError

from app.database import Database, connect, open_for_app
from app.errors import DatabaseUnavailable, StartupRefused, ValidationError
from db.engine import DatabaseTarget, DatabaseUrlError, resolve_target

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3


class CliError(Exception):
    """A failure to report in one line and exit with `code`."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


def common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the sub-command (`credopass --database-url X db info`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database to use; beats $DATABASE_URL; default: credopass.db in the user data folder",
    )
    return common


@dataclass
class CommandContext:
    """Lazily opened database for a command; closed by `run_command`."""

    database_url: str | None
    _target: DatabaseTarget | None = None
    _database: Database | None = field(default=None, repr=False)

    @property
    def target(self) -> DatabaseTarget:
        if self._target is None:
            self._target = resolve_target(self.database_url)
        return self._target

    def database(self, *, managed: bool = True) -> Database:
        """The open database; `managed` applies the start-up policy (schema must be current)."""
        if self._database is None:
            self._database = open_for_app(self.target) if managed else connect(self.target)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def run_command(args: argparse.Namespace, handler: Callable) -> int:
    if not hasattr(args, "database_url"):
        args.database_url = None
    context = CommandContext(args.database_url)
    try:
        return handler(args, context)
    except CliError as exc:
        return fail(str(exc), exc.code)
    except DatabaseUrlError as exc:
        return fail(f"bad database URL: {exc}", EXIT_USAGE)
    except ValidationError as exc:
        return fail(str(exc), EXIT_USAGE)
    except (DatabaseUnavailable, StartupRefused) as exc:
        return fail(str(exc), EXIT_FAILURE)
    except DBAPIError as exc:
        return fail(f"database error: {first_line(exc.orig or exc)}", EXIT_FAILURE)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_FAILURE)
    finally:
        context.close()


def fail(message: str, code: int) -> int:
    print(f"credopass: {message}", file=sys.stderr)
    return code


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def print_json(payload) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=None, default=str))
