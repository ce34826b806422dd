"""USB barcode scanners type the card payload and Enter, much faster than a person.

An application-wide event filter collects printable key presses that arrive
within a few milliseconds of each other. On Enter, if the buffer looks like a
card payload (:func:`fieldapp.cards.looks_like_payload`), the keystrokes are
consumed and ``scanned(payload)`` is emitted. Keys already forwarded to the
focused widget are taken back by removing them from a line edit when the scan
completes, so nothing is left typed in a field.

With a Chinese input method on, the characters do not come as key presses but
as input-method commits (``QInputMethodEvent.commitString``), often several at
once and in full-width form (``ＦＶ１：``); those count as the same burst, and the
payload is folded back to ASCII by :func:`fieldapp.cards.parse_payload`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from fieldapp.cards import looks_like_payload
from fieldapp.typed import fold

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
        self.leaked = ""  # the start of the burst that reached the field before it was recognised
        self.last = 0.0
        self.target: QObject | None = None
        self.enabled = True
        self._last_stamp: tuple[int, int, str] | None = None

    def reset(self) -> None:
        self.buffer = ""
        self.leaked = ""
        self.target = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if not self.enabled or not isinstance(watched, QWidget):
            return False
        if event.type() == QEvent.Type.InputMethod and isinstance(event, QInputMethodEvent):
            text = event.commitString()
            return bool(text) and self._at_focus(watched) and self._burst(watched, text)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        # A key press passes the filter once per object on its way (window, widget, parents):
        # count it once, at the focus widget (or the first widget when nothing has focus).
        if not self._at_focus(watched):
            return False
        key = event.key()
        stamp = (event.timestamp(), key, event.text())
        if QApplication.focusWidget() is None and stamp == self._last_stamp:
            return False
        self._last_stamp = stamp
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._tick(watched)
            text = self.buffer
            self.buffer = ""
            if text and looks_like_payload(text):
                self._untype()
                self.scanned.emit(text)
                return True
            return False
        ch = event.text()
        if ch and ch.isprintable():
            return self._burst(watched, ch)
        self._tick(watched)
        return False

    @staticmethod
    def _at_focus(watched: QWidget) -> bool:
        focus = QApplication.focusWidget()
        return focus is None or watched is focus

    def _tick(self, watched: QWidget) -> None:
        """A new burst starts after a pause longer than a scanner's."""
        now = self.clock()
        if now - self.last > self.max_gap or not self.buffer:
            self.buffer = ""
            self.leaked = ""
            self.target = QApplication.focusWidget() or watched
        self.last = now

    def _burst(self, watched: QWidget, text: str) -> bool:
        """Typed text (a key press, or an input method's commit of one or more characters):
        True once the burst is clearly a card scan, so it is kept out of the field."""
        self._tick(watched)
        self.buffer += text
        # A payload starts "FV" (any case, full-width too: "ｆｖ", "ＦＶ").
        if len(self.buffer) >= 2 and fold(self.buffer).upper().startswith("FV"):
            return True
        self.leaked += text
        return False

    def _untype(self) -> None:
        """Remove what reached the field before the burst was recognised (usually the 'F')."""
        target, leaked = self.target, self.leaked
        self.leaked = ""
        if not leaked:
            return
        if isinstance(target, QLineEdit):
            current = target.text()
            if current.endswith(leaked):
                target.setText(current[: len(current) - len(leaked)])
        elif isinstance(target, (QPlainTextEdit, QTextEdit)):
            for _ in range(len(leaked)):
                target.textCursor().deletePreviousChar()
