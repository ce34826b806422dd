"""USB barcode scanners type the card payload and Enter, much faster than a person.

An application-wide event filter collects printable key presses that arrive
within a few milliseconds of each other. On Enter, if the buffer looks like a
card payload (:func:`fieldapp.cards.looks_like_payload`), the keystrokes are
consumed and ``scanned(payload)`` is emitted. Keys already forwarded to the
focused widget are taken back by removing them from a line edit when the scan
completes, so nothing is left typed in a field.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from fieldapp.cards import looks_like_payload

MAX_GAP_S = 0.05  # scanners type a character every few ms; people need > 50 ms


class ScannerFilter(QObject):
    """Recognises a scanner burst anywhere in the app."""

    scanned = Signal(str)

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_gap: float = MAX_GAP_S,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.max_gap = max_gap
        self.buffer = ""
        self.last = 0.0
        self.target: QObject | None = None
        self.enabled = True
        self._last_stamp: tuple[int, int, str] | None = None

    def reset(self) -> None:
        self.buffer = ""
        self.target = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.enabled or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        # A key press passes the filter once per object on its way (window, widget, parents):
        # count it once, at the focus widget (or the first widget when nothing has focus).
        if not isinstance(watched, QWidget):
            return False
        focus = QApplication.focusWidget()
        if focus is not None and watched is not focus:
            return False
        key = event.key()
        stamp = (event.timestamp(), key, event.text())
        if focus is None and stamp == self._last_stamp:
            return False
        self._last_stamp = stamp
        now = self.clock()
        if focus is None:
            focus = watched
        if now - self.last > self.max_gap or not self.buffer:
            self.buffer = ""
            self.target = focus
        self.last = now
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            text = self.buffer
            self.buffer = ""
            if text and looks_like_payload(text):
                self._untype(text)
                self.scanned.emit(text)
                return True
            return False
        ch = event.text()
        if ch and ch.isprintable():
            self.buffer += ch
            # A payload starts "FV": once the burst is clearly a scan, keep it out of the field.
            if len(self.buffer) >= 2 and self.buffer.upper().startswith("FV"):
                return True
        return False

    def _untype(self, text: str) -> None:
        """Remove the first characters ('F', before the burst was recognised) from the field."""
        target = self.target
        typed = 1  # only the first character reached the widget
        if isinstance(target, QLineEdit):
            current = target.text()
            if current.endswith(text[:typed]):
                target.setText(current[: len(current) - typed])
        elif isinstance(target, (QPlainTextEdit, QTextEdit)):
            for _ in range(typed):
                target.textCursor().deletePreviousChar()
