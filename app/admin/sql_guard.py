"""The first gate of the read-only SQL console: refuse anything that is not one query.

The database enforces read-only by itself as well (PostgreSQL read-only transaction; SQLite
`query_only` plus an authorizer on its own connection); this check exists to say *why* in plain
words before anything runs. Literals, quoted names and comments are blanked out first, so a
word inside a string never trips it and a word hidden in a comment never slips past.
"""

from __future__ import annotations

import re

from app.errors import ValidationError

_ALLOWED_FIRST = {"SELECT", "WITH", "VALUES", "EXPLAIN", "TABLE"}
_WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "RETURNING", "REPLACE"}
_DDL = {"DROP", "CREATE", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "REINDEX", "VACUUM"}
_SESSION = {
    "SET", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "LOCK", "LISTEN", "NOTIFY",
    "PREPARE", "EXECUTE", "DO", "CALL", "COPY", "ANALYZE", "ANALYSE", "CHECKPOINT",
}  # fmt: skip
_FUNCTIONS = {
    "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
    "pg_rotate_logfile", "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
    "lo_import", "lo_export", "lo_unlink", "lo_create", "lo_from_bytea", "lo_put", "dblink",
    "dblink_exec", "dblink_connect", "nextval", "setval", "pg_notify", "pg_switch_wal",
    "pg_create_restore_point", "pg_logical_emit_message", "pg_advisory_lock",
    "pg_advisory_xact_lock", "load_extension", "writefile", "readfile", "fts3_tokenizer",
    "edit", "zipfile",
}  # fmt: skip


class QueryRefused(ValidationError):
    def __init__(self, message: str):
        super().__init__({"sql": message})
        self.message = message


def _blank(sql: str) -> str:
    """The SQL with string literals, quoted identifiers and comments replaced by spaces."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end < 0:
                raise QueryRefused("A /* comment is not closed.")
            end += 2
        elif ch in "'\"`[":
            close = "]" if ch == "[" else ch
            end = i + 1
            while True:
                end = sql.find(close, end)
                if end < 0:
                    raise QueryRefused(f"A quote ({ch}) is not closed.")
                if close != "]" and sql.startswith(close * 2, end):
                    end += 2  # a doubled quote inside the literal
                    continue
                end += 1
                break
            if ch == '"' or ch == "`" or ch == "[":
                out.append(" x ")  # a quoted name is still a name
                i = end
                continue
        elif ch == "$" and (match := re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", sql[i:])):
            tag = match.group(0)
            end = sql.find(tag, i + len(tag))
            if end < 0:
                raise QueryRefused("A $$ quoted string is not closed.")
            end += len(tag)
        else:
            out.append(ch)
            i += 1
            continue
        out.append(" ")
        i = end
    return "".join(out)


def check_read_only(sql: str) -> str:
    """The statement to run (trailing ';' removed), or QueryRefused with the reason."""
    if not isinstance(sql, str) or not sql.strip():
        raise QueryRefused("Type a query first, for example: SELECT * FROM users LIMIT 10")
    code = _blank(sql)
    parts = [part for part in code.split(";")]
    if any(part.strip() for part in parts[1:]):
        raise QueryRefused(
            "Only one statement at a time: the console runs a single query. "
            "Remove what follows the ';'."
        )
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_$]*", code)
    if not words:
        raise QueryRefused("This is not a query.")
    first = words[0].upper()
    upper = [w.upper() for w in words]
    for word in upper:
        if word in ("ATTACH", "DETACH"):
            raise QueryRefused("Attaching other database files is refused: the console only reads.")
        if word == "PRAGMA":
            raise QueryRefused(
                "PRAGMA statements are refused: they can change how the database works."
            )
    for position, word in enumerate(upper):
        if word == "REPLACE" and _next_char(code, words, position) == "(":
            continue  # the replace() string function
        if word in _WRITES:
            raise QueryRefused(
                f"The console is read-only: {word} is refused. Use the grid to change rows."
            )
    if first in _DDL:
        raise QueryRefused(f"The console is read-only: {first} (changing the schema) is refused.")
    if first in _SESSION:
        raise QueryRefused(f"The console only runs queries: {first} is refused.")
    for word in words:
        if word.lower() in _FUNCTIONS:
            raise QueryRefused(f"The function {word} is refused in the console.")
    if first not in _ALLOWED_FIRST:
        raise QueryRefused(f"The console only runs queries (SELECT, WITH, VALUES); not {first}.")
    statement = sql.strip()
    while statement.endswith(";"):
        statement = statement[:-1].rstrip()
    return statement


def _next_char(code: str, words: list[str], position: int) -> str:
    # Find the position-th word again and look at the first non-space character after it.
    index = -1
    for _ in range(position + 1):
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*").search(code, index + 1)
        index = match.end() - 1 if match else len(code)
    rest = code[index + 1 :].lstrip()
    return rest[:1]
