"""A rotating log file that stays private to its owner through every rotation.

The log may quote personal data (a traceback's values, a name in a refusal), so the live file is
0600. The standard RotatingFileHandler opens the fresh file after a rollover with the process
umask (0644 on most systems), and renamed backups keep whatever mode an older version gave them.
"""

from __future__ import annotations

import os
from logging.handlers import RotatingFileHandler

PRIVATE_FILE = 0o600


def _rotate_privately(source: str, dest: str) -> None:
    os.replace(source, dest)
    os.chmod(dest, PRIVATE_FILE)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """RotatingFileHandler whose live file and backups are all 0600."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rotator = _rotate_privately

    def _open(self):
        # os.open with a mode creates the file private from its first byte (no window in which
        # another user could open it); chmod covers a file an older version left readable.
        descriptor = os.open(
            self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE
        )
        os.chmod(self.baseFilename, PRIVATE_FILE)
        return open(descriptor, self.mode, encoding=self.encoding, errors=self.errors)
