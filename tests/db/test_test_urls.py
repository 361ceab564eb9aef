"""The test fixtures' PostgreSQL URL rewriting works with every form of CREDOPASS_TEST_DATABASE_URL:
TCP, a Unix socket folder in `?host=`, and a URL that already carries `options`."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from db.engine import parse_url
from tests.conftest import (
    PG_ENV,
    PostgresSchema,
    _require_postgres,
    postgres_base_url,
    unreachable_postgres_url,
    with_search_path,
)

FORMS = {
    "tcp": "postgresql://postgres@127.0.0.1:5432/cp",
    "socket": "postgresql://postgres@/cp?host=/var/run/postgresql",
    "socket-and-port": "postgresql://postgres@/cp?host=/var/run/postgresql&port=5433",
    "options": "postgresql://postgres@db:5432/cp?options=-c%20statement_timeout%3D5000",
}


@pytest.mark.parametrize("raw", FORMS.values(), ids=FORMS.keys())
def test_search_path_keeps_the_rest_of_the_url(raw):
    base = parse_url(raw)
    url = with_search_path(base, "t_1")
    assert url.query["options"].endswith("-csearch_path=t_1")
    for key, value in base.query.items():
        if key != "options":
            assert url.query[key] == value
        else:  # the options it had are kept, the search path is added after them
            assert url.query["options"] == f"{value} -csearch_path=t_1"
    assert (url.host, url.port, url.database, url.username) == (
        base.host,
        base.port,
        base.database,
        base.username,
    )


@pytest.mark.parametrize("raw", FORMS.values(), ids=FORMS.keys())
def test_unreachable_url_leaves_no_socket_or_port_in_the_query(raw):
    url = unreachable_postgres_url(parse_url(raw))
    assert (url.host, url.port) == ("127.0.0.1", 1)
    assert not {"host", "hostaddr", "port"} & set(url.query)
    assert url.database == "cp"


@pytest.fixture
def pg_base():
    base = postgres_base_url()
    if base is None:
        if _require_postgres():
            pytest.fail(f"CREDOPASS_REQUIRE_POSTGRES is set but {PG_ENV} is not")
        pytest.skip(f"set {PG_ENV} to try the configured server's URL form")
    return base


def test_schema_url_reaches_its_schema_with_the_servers_options_kept(pg_base):
    """On the configured server, whatever its form: add an option of our own, then the schema
    URL must keep it and reach the schema."""
    base = pg_base.update_query_dict(
        {"options": f"{pg_base.query.get('options', '')} -cstatement_timeout=4321".strip()}
    )
    schema = PostgresSchema(base)
    schema.create()
    engine = create_engine(schema.url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT current_schema()")) == schema.name
            assert connection.scalar(text("SHOW statement_timeout")) == "4321ms"
    finally:
        engine.dispose()
        schema.drop()


def test_unreachable_url_is_unreachable(pg_base):
    engine = create_engine(unreachable_postgres_url(pg_base), connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(Exception, match="127.0.0.1|port 1|refused"):
            engine.connect().close()
    finally:
        engine.dispose()
