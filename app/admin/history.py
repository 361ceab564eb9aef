"""Recent console queries per database, in a small JSON file in the user data folder.

Kept out of the database on purpose: the console is read-only, and one person's scratch queries
are not shared data. Keyed by the masked URL, so no password is ever written to the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_data_dir

from app.masking import mask_secrets
from db.engine import APP_NAME, make_private_folder, mask_url

MAX_QUERIES = 50
FILE_NAME = "admin_query_history.json"


def default_history_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / FILE_NAME


class QueryHistory:
    def __init__(self, database_url, path: Path | None = None):
        self.key = mask_url(database_url)
        self.path = path or default_history_path()

    def _load(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def recent(self) -> list[str]:
        queries = self._load().get(self.key, [])
        return [q for q in queries if isinstance(q, str)][:MAX_QUERIES]

    def add(self, sql: str) -> list[str]:
        sql = mask_secrets(sql.strip())  # a query may quote a connection string
        data = self._load()
        queries = [q for q in data.get(self.key, []) if q != sql]
        if sql:
            queries.insert(0, sql)
        data[self.key] = queries[:MAX_QUERIES]
        try:
            make_private_folder(self.path.parent)
            temporary = self.path.with_suffix(".tmp")
            temporary.unlink(missing_ok=True)
            # created 0600: the queries say what a supervisor looked at
            with open(
                os.open(temporary, os.O_CREAT | os.O_WRONLY, 0o600), "w", encoding="utf-8"
            ) as f:
                f.write(json.dumps(data, indent=1))
            os.replace(temporary, self.path)
        except OSError:
            pass  # history is a convenience: a read-only home folder must not break queries
        return data[self.key]
