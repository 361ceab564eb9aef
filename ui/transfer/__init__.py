"""Export and import dialogs; they run their work on the DB worker (ui.worker.DbWorker)."""

from ui.transfer.export_dialog import ExportDialog
from ui.transfer.import_dialog import ImportDialog

__all__ = ["ExportDialog", "ImportDialog"]
