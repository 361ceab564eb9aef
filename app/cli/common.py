"""What every sub-command shares: options, the database context, error handling, output."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_log_dir

from app.cli.private_log import PrivateRotatingFileHandler
from app.errors import DatabaseUnavailable, StartupRefused, ValidationError, first_line
from app.masking import mask_secrets

if TYPE_CHECKING:
    from app.database import Database
    from db.engine import DatabaseTarget

# The database layer (SQLAlchemy and the rest) is imported by the functions that open a database
# or explain its errors, not here: `--version` and `--help` never load it.

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3


class CliError(Exception):
    """A failure to report in one line and exit with `code`."""

    def __init__(self, message: str, code: int = EXIT_FAILURE):
        super().__init__(message)
        self.code = code


class UsageError(CliError):
    """The command line itself is wrong (argparse's complaints among them): exit 2."""

    def __init__(self, message: str):
        super().__init__(message, EXIT_USAGE)


JSON_FLAG = "--json"


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """`--json` for a command that prints its own JSON object."""
    parser.add_argument(JSON_FLAG, action="store_true", help="print one JSON object")


def wants_json(argv: Sequence[str]) -> bool:
    """Whether the command line asks for JSON, read from the raw words so that even a command
    line argparse refuses gets its error as JSON. `--js` counts: argparse accepts prefixes."""
    words = list(argv)
    if "--" in words:
        words = words[: words.index("--")]
    return any(len(w) >= 4 and JSON_FLAG.startswith(w) for w in words if w.startswith("--"))


def check_argument_text(argv: Sequence[str]) -> None:
    """Words that are not valid text (bytes that are not UTF-8 reach Python as lone surrogates)
    cannot be names, emails or file paths we could show back: refuse them in words."""
    for position, word in enumerate(argv, start=1):
        try:
            word.encode("utf-8")
        except UnicodeEncodeError:
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise UsageError(
                f"argument {position} ({shown}) is not valid text: it holds bytes that are not "
                "UTF-8. Retype it, or check the terminal's character encoding"
            ) from None


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
            from db.engine import resolve_target

            target = resolve_target(self.database_url)
            refuse_relative_sqlite(target)
            self._target = target
        return self._target

    def database(self, *, managed: bool = True) -> Database:
        """The open database; `managed` applies the start-up policy (schema must be current)."""
        if self._database is None:
            from app.database import connect, open_for_app

            self._database = open_for_app(self.target) if managed else connect(self.target)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def refuse_relative_sqlite(target: DatabaseTarget) -> None:
    """`sqlite:///credopass.db` names a file relative to wherever the command happens to run:
    each folder would silently get its own empty database. Ask for the full path instead."""
    if target.backend != "sqlite" or Path(target.url.database).is_absolute():
        return
    absolute = Path.cwd() / target.url.database
    raise UsageError(
        f"the SQLite path {target.url.database!r} (from {target.source}) is relative, so each "
        "folder you run CredoPass in would get its own database. Give the full path, with "
        f"four slashes: sqlite:///{absolute.as_posix()}"
    )


def run_command(args: argparse.Namespace, handler: Callable) -> int:
    if not hasattr(args, "database_url"):
        args.database_url = None
    as_json = bool(getattr(args, "json", False))
    context = CommandContext(args.database_url)
    configure_logging()
    # The GUI runs inside `handler`: an exception escaping a Qt slot reaches sys.excepthook,
    # which then logs it instead of printing a traceback. Restored afterwards (tests, embedding).
    previous_hook, sys.excepthook = sys.excepthook, _log_uncaught
    try:
        if as_json and getattr(args, "json_wrap", False):
            return _wrapped_in_json(handler, args, context)
        return handler(args, context)
    except CliError as exc:
        return fail(str(exc), exc.code, as_json=as_json)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_FAILURE, as_json=as_json)
    except BrokenPipeError:  # `credopass db info | head`: the reader left; stay quiet
        _silence_stdout()
        return EXIT_FAILURE
    except Exception as exc:
        return _report_failure(exc, as_json=as_json)
    finally:
        sys.excepthook = previous_hook
        context.close()


def _report_failure(exc: Exception, *, as_json: bool) -> int:
    """The exit code and one line for an exception a command let through."""
    from sqlalchemy.exc import DBAPIError

    from db.engine import DatabaseLocationError, DatabaseUrlError

    if isinstance(exc, DatabaseLocationError):
        return fail(f"cannot use the database: {exc}", EXIT_FAILURE, as_json=as_json)
    if isinstance(exc, DatabaseUrlError):
        return fail(f"bad database URL: {exc}", EXIT_USAGE, as_json=as_json)
    if isinstance(exc, ValidationError):
        return fail(str(exc), EXIT_USAGE, as_json=as_json)
    if isinstance(exc, DatabaseUnavailable | StartupRefused):
        return fail(str(exc), EXIT_FAILURE, as_json=as_json)
    if isinstance(exc, DBAPIError):
        _error_log.warning("database error", exc_info=exc)
        message = f"database error: {first_line(exc.orig or exc)}"
        return fail(message, EXIT_FAILURE, as_json=as_json)
    # a bug: one line for the user, the traceback in the log file
    return report_unexpected(exc, as_json=as_json)


def _wrapped_in_json(handler: Callable, args, context) -> int:
    """A command that only prints sentences, asked for `--json`: its sentences become the
    message of one object, so that a script reads every command the same way."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = handler(args, context)
    outcome = "ok" if code == EXIT_OK else "error"
    print_json({"outcome": outcome, "message": buffer.getvalue().strip()})
    return code


def _silence_stdout() -> None:
    # Python would otherwise complain once more when it flushes stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout replaced (tests) or already closed
        pass


def ensure_display() -> None:
    """Qt aborts the whole process when it finds no display; say so in one line instead."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise CliError(
            "cannot open the window: no display found (neither DISPLAY nor WAYLAND_DISPLAY is "
            "set). Run it in a desktop session; the `credopass db ...` commands work without one.",
            EXIT_FAILURE,
        )
    missing = [] if os.environ.get("WAYLAND_DISPLAY") else missing_x11_packages()
    if missing:
        raise CliError(
            "cannot open the window: Qt needs system libraries that are not installed. "
            f"Install them (Debian/Ubuntu: sudo apt-get install {' '.join(missing)}) "
            "and start CredoPass again.",
            EXIT_FAILURE,
        )


# Qt's X11 plugin aborts the process with a wall of text when one of these is missing;
# the Debian/Ubuntu package that ships each.
_X11_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def missing_x11_packages() -> list[str]:
    missing = []
    for library, package in _X11_LIBRARIES.items():
        try:
            ctypes.CDLL(library)
        except OSError:
            missing.append(package)
    return missing


def fail(message: str, code: int, *, as_json: bool = False) -> int:
    """Report a failure: one line on stderr, or with `--json` one object on stdout."""
    if as_json:
        print_json({"outcome": "error", "message": mask_secrets(message)})
    else:
        print(f"credopass: {mask_secrets(message)}", file=sys.stderr)
    return code


def report_unexpected(exc: BaseException, *, as_json: bool = False) -> int:
    """Log the traceback and tell the user, in one line, where it is."""
    path = configure_logging()
    _error_log.error("unexpected error", exc_info=exc)
    where = f"details in {path}" if path else "no log file could be written"
    return fail(f"unexpected error: {first_line(exc)}; {where}", EXIT_FAILURE, as_json=as_json)


def _log_uncaught(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_unexpected(exc.with_traceback(tb) if exc is not None else exc_type())


# --- the log file -------------------------------------------------------------------------------

LOG_FILENAME = "credopass.log"
_HANDLER_NAME = "credopass-log-file"
# Tracebacks go only to the file, never to the terminal: this logger does not propagate.
_error_log = logging.getLogger("credopass.errors")
_error_log.propagate = False
# Without any handler, logging's last resort would print the traceback to stderr after all.
_error_log.addHandler(logging.NullHandler())


class _MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


def log_file_path() -> Path:
    from db.engine import APP_NAME

    return Path(user_log_dir(APP_NAME, appauthor=False)) / LOG_FILENAME


def configure_logging() -> Path | None:
    """Send warnings and unexpected errors to a rotating file in the user log folder.

    Returns the file's path, or None when it cannot be written (then nothing is logged to a
    file, and nothing breaks). Safe to call again: a handler for another path is replaced.
    """
    path = log_file_path()
    root = logging.getLogger()
    for logger in (root, _error_log):
        for handler in list(logger.handlers):
            if handler.get_name() != _HANDLER_NAME:
                continue
            if Path(handler.baseFilename) == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    from db.engine import make_private_folder

    try:
        make_private_folder(path.parent)
        # tracebacks may quote personal data: the file and its rotated copies are 0600
        handler = PrivateRotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _error_log.addHandler(handler)
    return path


def print_json(payload) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=None, default=str))
