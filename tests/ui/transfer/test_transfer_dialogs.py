"""The import and export dialogs, driven as a person would, on both backends."""

from __future__ import annotations

import csv
import json
import threading

from PySide6.QtCore import Qt
from sqlalchemy import func, select, text

from app.transfer import Rejection, RowWarning, table_statement
from db.models import AuditLog, User
from tests.app.transfer.helpers import add_users
from ui.operations import Lane
from ui.transfer import ExportDialog, ImportDialog
from ui.transfer.progress import ProgressRelay
from ui.transfer.rejection_model import RejectionModel

MESSY = (
    "\ufeffPrénom;Nom;Courriel;Portable\r\n"
    "José;Müller;Jose@Example.org;+41 79 123 45 67\r\n"
    "\r\n"
    "Zoë;Ødegård;zoe@example.org;\r\n"
    "Dup;Case;JOSE@example.org;\r\n"
    "Bad;Mail;nope;\r\n"
    "Cher;;cher@example.org;\r\n"
).encode()


def _users(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(User))


def test_import_flow_dry_run_then_apply(qtbot, worker, sessions, tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes(MESSY)
    dialog = ImportDialog(worker, station="office", path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.patron_file is not None, timeout=5000)
    assert "5 rows" in dialog.file_label.text()
    assert "Recognized: a spreadsheet with French column names." in dialog.file_label.text()
    assert not dialog.apply_button.isEnabled()  # not before a dry run

    qtbot.mouseClick(dialog.dry_run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    assert "4 new, 0 updated, 0 unchanged, 1 rejected" in dialog.summary_label.text()
    assert "2 new without an email of their own" in dialog.summary_label.text()
    assert dialog.rejections.rowCount() == 2
    shown = [[dialog.rejections.index(r, c).data() for c in (0, 1, 4)] for r in range(2)]
    assert shown == [
        ["6", "bad email 'nope'; dropped", "Imported, check"],
        ["7", "needs a first/last name", "Needs first/last name"],
    ]
    dialog.resize(1000, 700)
    dialog.grab().save("/tmp/members_import_dialog.png")
    assert _users(sessions) == 0
    assert dialog.apply_button.isEnabled()

    with qtbot.waitSignal(dialog.import_finished, timeout=10000) as finished:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].inserted == 4
    assert "Imported 4 new" in dialog.summary_label.text()
    assert not dialog.apply_button.isEnabled()  # no second apply of the same plan
    assert _users(sessions) == 4
    with sessions() as session:
        log = session.scalars(select(AuditLog)).one()
        assert (log.method, log.action, log.station) == ("admin", "import_patrons", "office")


def test_import_mapping_when_headers_differ(qtbot, worker, sessions, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Vorname,Famille,Kontakt\nAnn,Lee,ann@x.org\n", encoding="utf-8")
    dialog = ImportDialog(worker, station="office", path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.patron_file is not None, timeout=5000)
    boxes = dialog.mapping_boxes()
    assert list(boxes) == ["Vorname", "Famille", "Kontakt"]
    boxes["Vorname"].setCurrentIndex(boxes["Vorname"].findData(""))
    qtbot.waitUntil(lambda: dialog.patron_file.mapping["Vorname"] == "", timeout=5000)
    assert "Choose which column holds: first name, last name" in dialog.file_label.text()
    assert not dialog.dry_run_button.isEnabled()
    boxes["Vorname"].setCurrentIndex(boxes["Vorname"].findData("firstName"))
    qtbot.waitUntil(lambda: dialog.patron_file.mapping["Vorname"] == "firstName", timeout=5000)
    boxes["Famille"].setCurrentIndex(boxes["Famille"].findData("lastName"))
    qtbot.waitUntil(lambda: dialog.patron_file.mapping["Famille"] == "lastName", timeout=5000)
    assert dialog.mapping_boxes()["Kontakt"] is boxes["Kontakt"]  # widgets kept while re-mapping
    assert dialog.patron_file.mapping["Kontakt"] == ""
    boxes["Kontakt"].setCurrentIndex(boxes["Kontakt"].findData("email"))
    qtbot.waitUntil(lambda: dialog.dry_run_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(dialog.dry_run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    assert dialog.plan.counts["new"] == 1


def test_import_unreadable_file_is_explained(qtbot, worker, tmp_path):
    dialog = ImportDialog(worker, station="office", path=tmp_path / "missing.csv")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "cannot read missing.csv" in dialog.file_label.text(), timeout=5000)
    assert not dialog.dry_run_button.isEnabled()


def test_rejection_model(qtmodeltester):
    model = RejectionModel()
    model.set_rejections(
        [
            Rejection(3, "bad email 'x'", "x", "Ann Lee"),
            Rejection(9, "missing"),
            RowWarning(11, "phone '1.2E+10' was turned into a number", "Bo Li"),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(2, 4).data() == "Imported, check"
    assert model.index(0, 0).data() == "3"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Reason"


def test_export_dialog_writes_json(qtbot, worker, sessions, tmp_path):
    with sessions() as session:
        add_users(session, 7)
        session.commit()
    dialog = ExportDialog(worker, table_statement("users"), name="users", folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    assert dialog.path_edit.text().endswith("users.json")
    with qtbot.waitSignal(dialog.export_finished, timeout=10000) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert finished.args[1] == 7
    assert len(json.loads((tmp_path / "users.json").read_text(encoding="utf-8"))) == 7
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert "Exported 7 rows" in dialog.status_label.text()


def test_export_dialog_query_results_to_csv(qtbot, worker, sessions, tmp_path):
    with sessions() as session:
        add_users(session, 3)
        session.commit()
    query = text("SELECT email FROM users ORDER BY email")
    dialog = ExportDialog(worker, query, name="query", folder=tmp_path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.export_finished, timeout=10000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    data = (tmp_path / "query.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel-friendly is on by default
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert rows[0]["email"] == "user0@example.org"


def test_export_dialog_cancel_writes_nothing(qtbot, worker, sessions, tmp_path, monkeypatch):
    with sessions() as session:
        add_users(session, 40)
        session.commit()
    pressed = threading.Event()
    original = ProgressRelay.__call__

    def reported(relay, done, total):
        original(relay, done, total)
        if done:  # hold the worker until the person has pressed Cancel
            pressed.wait(5)

    monkeypatch.setattr(ProgressRelay, "__call__", reported)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog = ExportDialog(
        worker, table_statement("users"), name="users", folder=folder, batch_size=2
    )
    qtbot.addWidget(dialog)

    def press_cancel(done, _total):
        if done and not pressed.is_set():
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            pressed.set()

    dialog._relay.progressed.connect(press_cancel)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Cancel"
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert "cancelled" in dialog.status_label.text()
    assert list(folder.iterdir()) == []


def test_closing_the_export_dialog_cancels_the_export_and_nothing_answers_it(
    qtbot, worker, sessions, tmp_path, monkeypatch
):
    with sessions() as session:
        add_users(session, 40)
        session.commit()
    closed = threading.Event()
    original = ProgressRelay.__call__

    def reported(relay, done, total):
        original(relay, done, total)
        if done:  # hold the export until the dialog is gone
            closed.wait(5)

    monkeypatch.setattr(ProgressRelay, "__call__", reported)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog = ExportDialog(
        worker, table_statement("users"), name="users", folder=folder, batch_size=2
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()  # a hidden dialog's close() does not reject it
    answers = []
    dialog.export_finished.connect(lambda *args: answers.append(args))
    with qtbot.waitSignal(dialog._relay.progressed, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    gone = []
    dialog.destroyed.connect(lambda: gone.append(True))
    dialog.close()  # Esc or the window's close button: reject() while it runs
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    closed.set()
    with qtbot.waitCallback(timeout=10_000) as bulk_lane_idle:  # the export has stopped
        worker.run(worker, lambda: None, bulk_lane_idle, lane=Lane.BULK, transaction=False)
    assert answers == []
    assert list(folder.iterdir()) == []  # the partial file was removed


def test_export_dialog_bad_folder(qtbot, worker, tmp_path):
    dialog = ExportDialog(worker, table_statement("users"), name="users", folder=tmp_path / "no")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=10000)
    assert "does not exist" in dialog.status_label.text()


def test_export_dialog_says_no_email_for_a_placeholder(qtbot, worker, sessions, tmp_path):
    from app.no_email import NO_EMAIL, new_placeholder_email

    with sessions() as session:
        session.add(User(email=new_placeholder_email(), first_name="Timmy", last_name="Miller"))
        session.commit()
    dialog = ExportDialog(worker, table_statement("users"), name="users", folder=tmp_path)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.export_finished, timeout=10000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    text = (tmp_path / "users.csv").read_text(encoding="utf-8-sig")
    assert ".invalid" not in text
    assert [r["email"] for r in csv.DictReader(text.splitlines())] == [NO_EMAIL]
