"""How errors reach the user (STYLE 7).

A :class:`~fieldapp.errors.FieldappError` is something the user can act on: it
is shown as its translated text. Anything else is a bug: a crash dialog shows
a traceback the user can copy for support. The traceback lists code locations
only, never local variables or the exception message, which could hold
household data.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import Cancelled, FieldappError, ValidationFailed

log = logging.getLogger("fieldapp.ui")
_LANG = {"lang": "zh"}


def set_language(lang: str) -> None:
    _LANG["lang"] = "zh" if lang.lower().startswith("zh") else "en"


def user_text(exc: FieldappError, lang: str | None = None) -> str:
    """The translated message of an actionable error (all messages of a failed validation)."""
    lang = lang or _LANG["lang"]
    if isinstance(exc, ValidationFailed) and exc.messages:
        lines = []
        for m in exc.messages[:8]:
            text = m.text(lang) if hasattr(m, "text") else str(m)
            lines.append("• " + text)
        return "\n".join(lines)
    return exc.text(lang)


def safe_traceback(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """File, line and function of each frame plus the exception type; no values."""
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}")
    return "\n".join(lines)


class CrashDialog(QDialog):
    """Unexpected error: apology, the safe traceback and a "copy details" button."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unexpected error"))
        self.details = details
        lay = QVBoxLayout(self)
        msg = QLabel(self.tr("Fieldapp ran into an unexpected problem. Your saved data is safe.\n"
                             "Please copy the details and send them to county IT support."))
        msg.setWordWrap(True)
        lay.addWidget(msg)
        self.text = QPlainTextEdit(details)
        self.text.setReadOnly(True)
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(self.tr("Copy details"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(640, 360)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)


def show_error(parent: QWidget | None, exc: BaseException, tb: str = "") -> None:
    """Show any exception the right way: translated text, silence, or the crash dialog."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, FieldappError):
        box = QMessageBox(QMessageBox.Icon.Warning, QApplication.translate("Errors", "Fieldapp"),
                          user_text(exc), QMessageBox.StandardButton.Ok, parent)
        box.exec()
        return
    report_exception(exc, tb, parent)


def report_exception(exc: BaseException, tb: str = "", parent: QWidget | None = None) -> None:
    details = safe_traceback(type(exc), exc.__traceback__)
    log.error("unexpected error\n%s", details)
    if isinstance(exc, FieldappError):
        show_error(parent, exc)
        return
    dlg = CrashDialog(details, parent)
    dlg.exec()


def install_excepthook() -> None:
    """Errors escaping a slot go to :func:`show_error` instead of killing the app."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        try:
            show_error(QApplication.activeWindow(), exc)
        except Exception:  # noqa: BLE001 - last resort: never recurse
            sys.__excepthook__(exc_type, exc, tb)

    sys.excepthook = hook
