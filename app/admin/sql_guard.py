"""The gates of the read-only SQL console: one query, of an allowed kind, calling allowed functions.

Two walls, checked before anything runs:
1. A quick lexical pass that says *why* in plain words (writes, schema changes, PRAGMA, ATTACH,
   a second statement). Literals, quoted names and comments are blanked first, so a word inside a
   string never trips it and a word hidden in a comment never slips past.
2. A parse with sqlglot: the statement must be a query (SELECT / WITH / VALUES / TABLE, or an
   EXPLAIN of one) with nothing writing or locking anywhere in its tree, and every function it
   calls must be on an allow-list. Function names are read from sqlglot's tokens, so a quoted
   name (`"pg_terminate_backend"(pid)`) or a schema-qualified one is checked like any other:
   the first version blanked quoted names and let exactly that through.
Neither wall is the last one: the database itself refuses (PostgreSQL: a SELECT-only role in a
READ ONLY transaction; SQLite: an authorizer on its own read-only connection). See
`app.admin.console`.
"""

from __future__ import annotations

import functools
import re

from app.admin.console_functions import allowed_functions
from app.errors import ValidationError, first_line

_ALLOWED_FIRST = {"SELECT", "WITH", "VALUES", "EXPLAIN", "TABLE"}
_WRITES = {"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "RETURNING", "REPLACE"}
_DDL = {"DROP", "CREATE", "ALTER", "TRUNCATE", "GRANT", "REVOKE", "REINDEX", "VACUUM"}
_SESSION = {
    "SET", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "LOCK", "LISTEN", "NOTIFY",
    "PREPARE", "EXECUTE", "DO", "CALL", "COPY", "ANALYZE", "ANALYSE", "CHECKPOINT", "DISCARD",
    "DEALLOCATE", "FETCH", "MOVE", "CLOSE", "DECLARE", "UNLISTEN", "LOAD", "SECURITY",
}  # fmt: skip


@functools.cache
def _parser_tables():
    """sqlglot's node and token types, imported on first use: a door command that never opens
    the console does not pay for loading the parser."""
    from sqlglot import exp
    from sqlglot.tokens import TokenType

    # Nodes that write, lock or change the session wherever they sit in the tree (a CTE too).
    forbidden = (
        exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter,
        exp.Command, exp.Into, exp.Lock, exp.Set, exp.Pragma, exp.Transaction, exp.Commit,
        exp.Rollback, exp.Copy, exp.TruncateTable, exp.Grant, exp.Use, exp.LoadData,
    )  # fmt: skip
    queries = (exp.Select, exp.SetOperation, exp.Values, exp.Subquery)
    names = {TokenType.VAR, TokenType.IDENTIFIER}
    return forbidden, queries, names


_EXPLAIN = re.compile(r"\s*EXPLAIN(\s+QUERY\s+PLAN|\s+ANALYZE|\s+VERBOSE)*\s+", re.IGNORECASE)
_SQLGLOT_DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite"}


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


def check_read_only(sql: str, backend: str = "postgresql") -> str:
    """The statement to run (trailing ';' removed), or QueryRefused with the reason.

    `backend` is "postgresql" or "sqlite": the dialect the parse and the function list follow.
    """
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
    if first not in _ALLOWED_FIRST:
        raise QueryRefused(f"The console only runs queries (SELECT, WITH, VALUES); not {first}.")
    statement = sql.strip()
    while statement.endswith(";"):
        statement = statement[:-1].rstrip()
    _check_parse_tree(statement, backend)
    return statement


def _check_parse_tree(statement: str, backend: str) -> None:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.tokens import TokenType

    forbidden_nodes, query_kinds, name_tokens = _parser_tables()
    dialect = _SQLGLOT_DIALECTS.get(backend, "postgres")
    code = _blank(statement)
    explain = _EXPLAIN.match(code)
    body = statement[explain.end() :] if explain else statement
    try:
        trees = [tree for tree in sqlglot.parse(body, read=dialect) if tree is not None]
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(body)
    except SqlglotError as error:
        first = first_line(error, "syntax error")
        raise QueryRefused(f"The console could not read this query ({first}).") from None
    if len(trees) != 1:
        raise QueryRefused("Only one statement at a time: the console runs a single query.")
    tree = trees[0]
    if not isinstance(tree, query_kinds):
        raise QueryRefused("The console only runs queries (SELECT, WITH, VALUES).")
    for node in tree.walk():
        if isinstance(node, forbidden_nodes):
            raise QueryRefused(
                "The console is read-only: this query would write, lock or change the session."
            )
    declared = {
        node.name.lower()
        for node in tree.walk()
        if isinstance(node, exp.CTE | exp.TableAlias) and node.name
    }
    allowed = allowed_functions(backend)
    for node in tree.find_all(exp.Anonymous, exp.AnonymousAggFunc):
        if node.name.lower() not in allowed:  # a CTE named like a function does not excuse it
            raise QueryRefused(f"The function {node.name} is refused in the console.")
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.token_type not in name_tokens or following.token_type is not TokenType.L_PAREN:
            continue
        name = token.text.lower()
        if name not in allowed and name not in declared:
            raise QueryRefused(f"The function {token.text} is refused in the console.")


def _next_char(code: str, words: list[str], position: int) -> str:
    # Find the position-th word again and look at the first non-space character after it.
    index = -1
    for _ in range(position + 1):
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*").search(code, index + 1)
        index = match.end() - 1 if match else len(code)
    rest = code[index + 1 :].lstrip()
    return rest[:1]
