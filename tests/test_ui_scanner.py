"""The keyboard-wedge scanner with a Chinese input method on: the characters
arrive as input-method commits, full-width (ＦＶ１：) and in either case; the burst
is still recognised, nothing stays in the field, and a person typing is left alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from fieldapp.cards import looks_like_payload
from ui.scanner import ScannerFilter

PAYLOAD = "FV1:370303:000123:ABCDEFGHJKMNPQRS"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def rig(qtbot, qapp):
    clock = Clock()
    scanner = ScannerFilter(clock=clock)
    got: list[str] = []
    scanner.scanned.connect(got.append)
    box = QWidget()
    lay = QVBoxLayout(box)
    line, text = QLineEdit(), QPlainTextEdit()
    lay.addWidget(line)
    lay.addWidget(text)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box)
    qapp.installEventFilter(scanner)
    yield scanner, clock, got, line, text
    qapp.removeEventFilter(scanner)


def _commit(widget: QWidget, text: str, clock: Clock, gap: float = 0.005) -> None:
    clock.t += gap
    ev = QInputMethodEvent()
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


def test_folded_variants_look_like_a_card_to_the_core() -> None:
    for variant in (_full_width(PAYLOAD), _full_width(PAYLOAD).lower(), PAYLOAD.replace(":", "：")):
        assert looks_like_payload(variant), variant
    assert not looks_like_payload("ｆｖ１：ａｂ")


@pytest.mark.parametrize("variant", [_full_width(PAYLOAD), _full_width(PAYLOAD).lower(),
                                     PAYLOAD.replace(":", "："), PAYLOAD.lower()])
def test_ime_commits_char_by_char_are_a_scan(rig, variant) -> None:
    scanner, clock, got, line, _ = rig
    line.setFocus()
    line.setText("张")
    line.end(False)
    for ch in variant:
        _commit(line, ch, clock)
    clock.t += 0.005
    QTest.keyClick(line, Qt.Key.Key_Return)
    assert got == [variant]
    assert line.text() == "张"  # the leading 'F' that reached the field was taken back


def test_ime_commit_of_several_characters_at_once(rig) -> None:
    scanner, clock, got, _, text = rig
    text.setFocus()
    wide = _full_width(PAYLOAD)
    for i in range(0, len(wide), 5):  # an input method may commit a run of characters in one event
        _commit(text, wide[i:i + 5], clock)
    clock.t += 0.005
    QTest.keyClick(text, Qt.Key.Key_Return)
    assert got == [wide] and text.toPlainText() == ""


def test_person_typing_through_the_ime_is_not_a_scan(rig) -> None:
    scanner, clock, got, line, _ = rig
    line.setFocus()
    for ch in "ｆｖ１：ａｂ":
        _commit(line, ch, clock, gap=0.2)  # a person: far slower than a scanner
    clock.t += 0.2
    QTest.keyClick(line, Qt.Key.Key_Return)
    assert got == [] and line.text() == "ｆｖ１：ａｂ"
