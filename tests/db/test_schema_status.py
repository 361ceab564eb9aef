"""The start-up check reads the revision files and `alembic_version` itself (Alembic costs more
to import than a door command): it must agree with Alembic's own reading, on both backends."""

from __future__ import annotations

import subprocess
import sys

from alembic.migration import MigrationContext

from db import migrate


def test_revision_files_read_as_alembic_reads_them():
    script = migrate.script_directory()
    alembic_graph = {
        s.revision: tuple(sorted(s._all_down_revisions)) for s in script.walk_revisions()
    }
    assert migrate.known_revisions() == alembic_graph
    assert migrate.head_revision() == script.get_current_head()


def test_recorded_revision_as_alembic_reads_it(blank_engine):
    assert migrate.current_revision(blank_engine) is None
    assert migrate.schema_status(blank_engine).state is migrate.SchemaState.EMPTY
    migrate.upgrade(blank_engine, "0002_audit_log_settings")
    status = migrate.schema_status(blank_engine)
    assert (status.state, status.current) == (migrate.SchemaState.BEHIND, "0002_audit_log_settings")
    migrate.upgrade(blank_engine)
    with blank_engine.connect() as connection:
        alembic_reads = MigrationContext.configure(connection).get_current_revision()
    assert migrate.current_revision(blank_engine) == alembic_reads == migrate.head_revision()
    assert migrate.schema_status(blank_engine).state is migrate.SchemaState.CURRENT
    with blank_engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    assert migrate.schema_status(blank_engine).state is migrate.SchemaState.AHEAD


def test_the_start_up_check_does_not_load_alembic():
    code = (
        "import sys; from db import migrate; migrate.head_revision(); "
        "print(any(m.startswith('alembic') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
