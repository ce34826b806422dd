"""File pickers the auto-lock can close, and closing every open dialog.

Native file dialogs (Windows' own) are not Qt widgets: the idle lock could not
close one, and a folder listing or a file name could stay on screen after the
lock. So every picker here is Qt's own dialog (``DontUseNativeDialog``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget

_OPTS = QFileDialog.Option.DontUseNativeDialog


def _run(dlg: QFileDialog) -> list[str]:
    dlg.setOption(_OPTS, True)
    dlg.setObjectName("fieldapp_file_dialog")
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return []
        return [f for f in dlg.selectedFiles() if f]
    finally:
        dlg.deleteLater()


def existing_dir(parent: QWidget | None, title: str, start: str = "") -> str:
    dlg = QFileDialog(parent, title, start)
    dlg.setFileMode(QFileDialog.FileMode.Directory)
    dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    got = _run(dlg)
    return got[0] if got else ""


def open_file(parent: QWidget | None, title: str, start: str = "", name_filter: str = "") -> str:
    dlg = QFileDialog(parent, title, start, name_filter)
    dlg.setFileMode(QFileDialog.FileMode.ExistingFile)
    got = _run(dlg)
    return got[0] if got else ""


def open_files(parent: QWidget | None, title: str, start: str = "", name_filter: str = "") -> list[str]:
    dlg = QFileDialog(parent, title, start, name_filter)
    dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
    return _run(dlg)


def save_file(parent: QWidget | None, title: str, start: str = "", name_filter: str = "") -> str:
    dlg = QFileDialog(parent, title, start, name_filter)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    got = _run(dlg)
    return got[0] if got else ""


def close_all_dialogs() -> int:
    """Reject every open dialog and message box, innermost first; returns how many.

    Each ``exec()`` waiting on one of them returns "rejected", so the code after it
    takes its cancel path and shows nothing more.
    """
    n = 0
    for _ in range(10):  # a dialog's cancel path may open none, but be bounded anyway
        open_ = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
        if not open_:
            break
        for dlg in reversed(open_):
            dlg.reject()
            dlg.hide()
            n += 1
    return n
