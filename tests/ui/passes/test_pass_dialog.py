"""Admin → users row → *Pass…*: the pass dialog shows the card; its PDF and PNG admit."""

from __future__ import annotations

from PySide6.QtGui import QImage

from app.checkin import actions as checkin
from app.checkin.outcomes import Outcome
from db.types import utcnow
from tests.app.checkin_support import make_event, make_patron
from tests.app.passes.rasterize import pdf_images, qr_texts
from tests.ui.test_admin_tab import tab, world  # noqa: F401  (fixtures)
from ui.passes.pass_dialog import PassDialog


def test_the_users_row_menu_opens_the_pass_and_its_files_admit(qtbot, tab, session, tmp_path):  # noqa: F811
    browser = tab.browser
    assert browser.view.table == "users"
    menu = browser.context_menu(browser.model.index(0, 0))
    assert "Pass…" in [a.text() for a in menu.actions()]

    event = make_event(session, name="Open Night", start=utcnow())
    jane = make_patron(session, "Jane", "Passholder", email="jane.pass@example.com")
    session.commit()
    dialog = PassDialog(browser.worker, jane.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.pass_loaded, timeout=5000) as loaded:
        dialog.show()
    info = loaded.args[0]
    assert info.patron.id == jane.id and info.code in dialog.code_label.text()
    dialog.grab().save(str(tmp_path / "dialog.png"))

    dialog.save_pdf(str(tmp_path / "pass.pdf"))
    dialog.save_png(str(tmp_path / "pass.png"))
    decoded = qr_texts(pdf_images(tmp_path / "pass.pdf")[0]) + qr_texts(
        QImage(str(tmp_path / "pass.png"))
    )
    assert decoded == [info.code, info.code]
    result = checkin.check_in(session, event.id, decoded[0], station="desk-1", method="scan")
    assert result.outcome is Outcome.CHECKED_IN
    session.rollback()
