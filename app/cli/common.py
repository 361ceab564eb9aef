"""What every sub-command shares: options, the database context, error handling, output."""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_dir
from sqlalchemy.exc import DBAPIError

from app.database import Database, connect, open_for_app
from app.errors import DatabaseUnavailable, StartupRefused, ValidationError
from app.masking import mask_secrets
from db.engine import (
    APP_NAME,
    DatabaseLocationError,
    DatabaseTarget,
    DatabaseUrlError,
    make_private_folder,
    resolve_target,
)

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
    configure_logging()
    # The GUI runs inside `handler`: an exception escaping a Qt slot reaches sys.excepthook,
    # which then logs it instead of printing a traceback. Restored afterwards (tests, embedding).
    previous_hook, sys.excepthook = sys.excepthook, _log_uncaught
    try:
        return handler(args, context)
    except CliError as exc:
        return fail(str(exc), exc.code)
    except DatabaseLocationError as exc:
        return fail(f"cannot use the database: {exc}", EXIT_FAILURE)
    except DatabaseUrlError as exc:
        return fail(f"bad database URL: {exc}", EXIT_USAGE)
    except ValidationError as exc:
        return fail(str(exc), EXIT_USAGE)
    except (DatabaseUnavailable, StartupRefused) as exc:
        return fail(str(exc), EXIT_FAILURE)
    except DBAPIError as exc:
        _error_log.warning("database error", exc_info=exc)
        return fail(f"database error: {first_line(exc.orig or exc)}", EXIT_FAILURE)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_FAILURE)
    except BrokenPipeError:  # `credopass db info | head`: the reader left; stay quiet
        _silence_stdout()
        return EXIT_FAILURE
    except Exception as exc:  # a bug: one line for the user, the traceback in the log file
        return report_unexpected(exc)
    finally:
        sys.excepthook = previous_hook
        context.close()


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


def fail(message: str, code: int) -> int:
    print(f"credopass: {mask_secrets(message)}", file=sys.stderr)
    return code


def report_unexpected(exc: BaseException) -> int:
    """Log the traceback and tell the user, in one line, where it is."""
    path = configure_logging()
    _error_log.error("unexpected error", exc_info=exc)
    where = f"details in {path}" if path else "no log file could be written"
    return fail(f"unexpected error: {first_line(exc)}; {where}", EXIT_FAILURE)


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
    try:
        make_private_folder(path.parent)
        path.touch(mode=0o600, exist_ok=True)  # tracebacks may quote personal data
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.set_name(_HANDLER_NAME)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _error_log.addHandler(handler)
    return path


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def print_json(payload) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=None, default=str))
