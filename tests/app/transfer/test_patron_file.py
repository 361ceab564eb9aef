"""Reading member lists: encodings, delimiters, line ends, header aliases, mapping."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import ValidationError
from app.transfer.patron_file import (
    IGNORE,
    apply_mapping,
    decode,
    parse_mapping_args,
    read_patron_csv,
)


def _cells(row) -> dict[str, str]:
    """A row's cells per field as written: names, then the first email and phone."""
    cells = dict(row.values)
    for name, found in (("email", row.emails), ("phone", row.phones)):
        if found:
            cells[name] = found[0][1]
    return cells


def test_bom_semicolons_crlf_and_empty_lines():
    data = "\ufeffPrénom;Nom;E-mail;Téléphone\r\n\r\nJosé;Müller;J@X.org;\r\n;;;\r\nZoë;Ødegård;z@x.org;+47 1\r\n"
    file = read_patron_csv(data.encode("utf-8"))
    assert file.encoding == "UTF-8 (with BOM)"
    assert file.delimiter == ";"
    assert file.mapping == {
        "Prénom": "firstName",
        "Nom": "lastName",
        "E-mail": "email",
        "Téléphone": "phone",
    }
    assert [(r.line, r.values["firstName"]) for r in file.rows] == [(3, "José"), (5, "Zoë")]
    assert file.notes == ()


def test_cp1252_fallback_is_reported():
    data = "first name,last name,email\nJosé,Müller,j@x.org\n".encode("cp1252")
    file = read_patron_csv(data)
    assert file.encoding == "Windows-1252"
    assert file.rows[0].values["lastName"] == "Müller"
    assert "Windows-1252" in file.notes[0]


def test_utf16_with_bom_and_tabs():
    data = "First Name\tSurname\tEmail Address\nAnn\tLee\ta@x.org\n".encode("utf-16")
    file = read_patron_csv(data)
    assert (file.encoding, file.delimiter) == ("UTF-16", "\t")
    assert _cells(file.rows[0]) == {"firstName": "Ann", "lastName": "Lee", "email": "a@x.org"}


def test_quoted_cells_with_delimiters_and_newlines_keep_row_numbers():
    data = b'firstname,lastname,email,notes\n"Ann, Jr",Lee,a@x.org,"two\nlines"\nBob,Ray,b@x.org,\n'
    file = read_patron_csv(data)
    # The row numbers a spreadsheet shows: the two-line cell is still one row (issue 15).
    assert [r.line for r in file.rows] == [2, 3]
    assert file.rows[0].values["firstName"] == "Ann, Jr"
    assert file.mapping.get("notes", IGNORE) == IGNORE


def test_short_rows_get_empty_cells():
    file = read_patron_csv(b"email,first,last,mobile\na@x.org,Ann\n")
    assert _cells(file.rows[0]) == {"email": "a@x.org", "firstName": "Ann", "lastName": ""}


def test_explicit_mapping_wins_and_can_ignore():
    headers = ("Given", "Family", "Mail", "Work phone", "Mobile")
    roles = apply_mapping(headers, {"work PHONE": "phone", "Mail": "email"})
    assert {h: r.field for h, r in roles.items()} == {
        "Given": "firstName",
        "Family": "lastName",
        "Mail": "email",
        "Work phone": "phone",
        "Mobile": IGNORE,
    }
    assert apply_mapping(headers, {"Mobile": ""})["Mobile"].field == IGNORE
    chosen = apply_mapping(("A", "B"), {"A": "first name", "B": "Surname"})
    assert {h: r.field for h, r in chosen.items()} == {"A": "firstName", "B": "lastName"}


@pytest.mark.parametrize(
    ("explicit", "message"),
    [
        ({"Nope": "email"}, "has no column 'Nope'"),
        ({"Given": "birthday"}, "not a patron field"),
        ({"Given": "firstName", "Mail": "firstName"}, "both"),
    ],
)
def test_bad_mapping_is_refused(explicit, message):
    with pytest.raises(ValidationError, match=message):
        apply_mapping(("Given", "Mail"), explicit)


def test_parse_mapping_args():
    assert parse_mapping_args(["Given Name=firstName", " Notes = "]) == {
        "Given Name": "firstName",
        "Notes": "",
    }
    with pytest.raises(ValidationError, match="COLUMN|column"):
        parse_mapping_args(["firstName"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\r\n\r\n", "is empty"),
        (b"\xef\xbb\xbfa,b\n\xff\n", "says it is UTF-8"),
        (b"a,a\n1,2\n", "appears twice"),
    ],
)
def test_unreadable_files_are_refused_in_words(data, message):
    with pytest.raises(ValidationError, match=message):
        read_patron_csv(data, name="list.csv")


def test_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="cannot read"):
        read_patron_csv(tmp_path / "absent.csv")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_crash(data):
    try:
        file = read_patron_csv(data)
    except ValidationError:
        return
    assert all(isinstance(v, str) for row in file.rows for v in row.values.values())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_decodes(text):
    decoded, _encoding, _notes = decode(text.encode("utf-8"))
    assert decoded == text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text(), st.text(), st.text()), max_size=8))
def test_arbitrary_cells_are_accepted_or_rejected_with_a_reason(rows):
    import csv
    import io

    from app.transfer.patron_rows import check_rows

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["first name", "last name", "email", "phone"])
    writer.writerows(rows)
    file = read_patron_csv(buffer.getvalue().encode("utf-8", "surrogatepass"))
    checked = check_rows(file)
    valid, rejected = checked.valid, checked.rejected
    assert len(valid) + len(rejected) == len(file.rows)
    assert all(r.reason for r in rejected)
    owned = [v.email for v in valid if v.email is not None]
    assert len(set(owned)) == len(owned)
