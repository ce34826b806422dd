"""Print preview that opens readable: at page width, as large as the screen allows.

Qt's dialog opens at "fit whole page", which on a 1366x768 laptop is about 38 %
zoom: the text cannot be read without zooming by hand.
"""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QWidget


def page_width_preview(printer: QPrinter, parent: QWidget | None = None) -> QPrintPreviewDialog:
    """A preview dialog zoomed to the page width and sized to the available screen area."""
    dlg = QPrintPreviewDialog(printer, parent)
    view = dlg.findChild(QPrintPreviewWidget)
    if view is not None:
        view.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
    screen = (parent.screen() if parent is not None else None) or QApplication.primaryScreen()
    if screen is not None:
        avail = screen.availableGeometry()
        dlg.resize(min(900, avail.width() - 40), avail.height() - 60)
    return dlg
