"""`credopass pass show|reissue|sheet` and `credopass badge`: every generated pass (PNG and
PDF, rendered back to pixels) decodes to a code that `credopass checkin` admits."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtGui import QImage

from db.types import utcnow
from tests.app.checkin_support import make_event, make_patron
from tests.app.passes.rasterize import pdf_images, pdf_text, qr_texts
from tests.app.test_cli_checkin import run, run_json


@pytest.fixture
def people(sessions):
    with sessions() as session:
        event = make_event(session, name="Kids Club", start=utcnow())  # open at the door now
        ids = {"event": str(event.id)}
        for first, last in (("Jane", "Doe"), ("Bob", "Roe"), ("Zoë", "Lee")):
            ids[first] = str(make_patron(session, first, last, email=f"{first[0]}@x.org").id)
        session.commit()
    return ids


def test_a_png_pass_round_trips_through_the_door(capsys, database_url_text, people, tmp_path):
    url, png = database_url_text, tmp_path / "jane.png"
    code, data = run_json(capsys, url, "pass", "show", people["Jane"], "--png", str(png))
    assert code == 0 and data["patron"]["firstName"] == "Jane"
    (decoded,) = qr_texts(QImage(str(png)))
    assert decoded == data["code"] and len(decoded) <= 24
    code, result = run_json(capsys, url, "checkin", "Kids Club", decoded)
    assert (code, result["outcome"]) == (0, "checked_in")
    # the same pass again, by email: nothing new is issued
    assert run_json(capsys, url, "pass", "show", "J@x.org")[1]["code"] == decoded


def test_a_pdf_pass_round_trips_and_a_reissued_one_is_refused(
    capsys, database_url_text, people, tmp_path
):
    url, pdf = database_url_text, tmp_path / "bob.pdf"
    code, out, _ = run(capsys, url, "pass", "show", people["Bob"], "--pdf", str(pdf))
    assert code == 0
    (image,) = pdf_images(pdf)
    (old,) = qr_texts(image)
    assert old in pdf_text(pdf) and "Bob" in pdf_text(pdf)

    code, data = run_json(capsys, url, "pass", "reissue", old)
    assert code == 0 and data["outcome"] == "reissued" and data["code"] != old
    code, refused = run_json(capsys, url, "checkin", "Kids Club", old)
    assert code == 3 and refused["outcome"] == "not_found"
    assert refused["message"].startswith("This pass was replaced on")
    code, admitted = run_json(capsys, url, "checkin", "Kids Club", data["code"])
    assert (code, admitted["outcome"]) == (0, "checked_in")


def test_a_sheet_holds_every_pass_and_each_admits(capsys, database_url_text, people, tmp_path):
    url, pdf = database_url_text, tmp_path / "sheet.pdf"
    code, out, _ = run(
        capsys, url, "pass", "sheet", "--all", "--pdf", str(pdf), "--paper", "Letter"
    )
    assert code == 0 and out.startswith("4 passes on 1 pages")  # three people and the host
    (page,) = pdf_images(pdf)
    codes = qr_texts(page)
    assert len(codes) == 4
    for decoded in codes:
        assert run_json(capsys, url, "checkin", "Kids Club", decoded)[0] in (0,)


def test_a_sheet_from_a_file_refuses_unknown_rows_and_writes_nothing(
    capsys, database_url_text, people, tmp_path
):
    listing, pdf = tmp_path / "patrons.csv", tmp_path / "sheet.pdf"
    with open(listing, "w", newline="") as handle:
        csv.writer(handle).writerows([["email"], ["j@x.org"], ["nobody@x.org"]])
    code, _, err = run(
        capsys, database_url_text, "pass", "sheet", "--file", str(listing), "--pdf", str(pdf)
    )
    assert code == 2 and "line 3 (nobody@x.org)" in err and not pdf.exists()
    with open(listing, "w", newline="") as handle:
        csv.writer(handle).writerows([["id"], [people["Zoë"]], [people["Jane"]]])
    code, out, _ = run(
        capsys, database_url_text, "pass", "sheet", "--file", str(listing), "--pdf", str(pdf)
    )
    assert code == 0 and "2 passes" in out
    text = pdf_text(pdf)
    assert text.index("Zoë") < text.index("Jane")  # file order


def test_pass_commands_say_what_is_wrong(capsys, database_url_text, people, tmp_path):
    code, out, _ = run(capsys, database_url_text, "pass", "show", "CP-00000-00000")
    assert code == 3 and "No pass or email matches" in out
    code, _, err = run(
        capsys,
        database_url_text,
        "pass",
        "show",
        people["Bob"],
        "--png",
        str(tmp_path / "missing" / "x.png"),
    )
    assert code == 2 and "does not exist" in err
    code, _, err = run(capsys, database_url_text, "pass", "sheet", "--all")
    assert code == 2


def test_a_badge_pdf_carries_the_names_event_and_tier(capsys, database_url_text, people, tmp_path):
    pdf = tmp_path / "badge.pdf"
    code, out, _ = run(
        capsys, database_url_text, "badge", "Kids Club", "J@x.org", "--pdf", str(pdf)
    )
    assert code == 0
    text = pdf_text(pdf)
    for expected in ("Jane", "Doe", "Kids Club", "Bronze"):
        assert expected in text
    assert "Pickup code" not in text


def test_badge_settings_turn_on_pickup_codes(capsys, database_url_text, people, tmp_path):
    url, pdf = database_url_text, tmp_path / "label.pdf"
    code, out, _ = run(
        capsys, url, "badge-settings", "--layout", "62 mm label", "--pickup-event", "Kids Club"
    )
    assert code == 0 and "layout: 62 mm label" in out and people["event"] in out
    assert run(capsys, url, "badge", "Kids Club", "B@x.org", "--pdf", str(pdf))[0] == 0
    text = pdf_text(pdf)
    assert text.count("Pickup code") == 2 and "Bob" in text
    code, _, err = run(capsys, url, "badge-settings", "--pickup-event", "No Such Event")
    assert code == 2 and err
