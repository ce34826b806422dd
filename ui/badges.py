"""Verdict badges: one coloured pill per indicator (达标 / 基本达标 / 未达标 ...),
with the reasons as tooltip and, when unmet, as text beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from fieldapp import rules
from fieldapp.codes import label

# (text colour, background); colour is never the only signal: the label says it too.
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "met": ("#1b5e20", "#c8e6c9"),
    "basic": ("#6d4c00", "#fff1b8"),
    "not_met": ("#ffffff", "#c62828"),
    "exempt": ("#0d47a1", "#d6e6fb"),
    "not_applicable": ("#455a64", "#eceff1"),
    "unknown": ("#5d4037", "#f3e5dc"),
}
VERDICT_MARKS = {"met": "✓", "basic": "≈", "not_met": "✗", "exempt": "○", "not_applicable": "–", "unknown": "?"}


def badge_style(verdict: str) -> str:
    fg, bg = VERDICT_COLOURS.get(verdict, VERDICT_COLOURS["unknown"])
    return (f"QLabel {{ color: {fg}; background: {bg}; border-radius: 9px; padding: 3px 10px;"
            " font-weight: bold; }")


def reason_text(reasons: Sequence[str], lang: str) -> str:
    """Reasons are stored "中文 (English)"; show the half in the UI language."""
    out = []
    for r in reasons:
        text = str(r)
        if text.endswith(")") and " (" in text:
            zh, en = text[:-1].split(" (", 1)
            text = zh if lang.startswith("zh") else en
        out.append(text)
    return "；".join(out) if lang.startswith("zh") else "; ".join(out)


class VerdictBadges(QWidget):
    """A grid: indicator name, badge, reason (wraps)."""

    def __init__(self, lang: str = "zh", parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        self.lang = lang
        self.compact = compact
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.names: dict[str, QLabel] = {}
        self.badges: dict[str, QLabel] = {}
        self.reasons: dict[str, QLabel] = {}
        for row, ind in enumerate(rules.INDICATORS):
            name = QLabel(label("indicator", ind, lang))
            badge = QLabel()
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            badge.setObjectName(f"badge_{ind}")
            reason = QLabel()
            reason.setWordWrap(True)
            reason.setObjectName("hint")
            grid.addWidget(name, row, 0)
            grid.addWidget(badge, row, 1)
            if not compact:
                grid.addWidget(reason, row, 2)
            self.names[ind], self.badges[ind], self.reasons[ind] = name, badge, reason
        grid.setColumnStretch(2, 1)
        self.set_verdicts({}, {})

    def set_verdicts(self, verdicts: Mapping[str, str], reasons: Mapping[str, Sequence[str]]) -> None:
        for ind in rules.INDICATORS:
            v = str(verdicts.get(ind) or "unknown")
            badge = self.badges[ind]
            badge.setText(f"{VERDICT_MARKS.get(v, '?')} {label('verdict', v, self.lang)}")
            badge.setStyleSheet(badge_style(v))
            badge.setProperty("verdict", v)
            text = reason_text(reasons.get(ind) or [], self.lang)
            badge.setToolTip(text or label("verdict", v, self.lang))
            self.reasons[ind].setText(text)
            self.reasons[ind].setToolTip(text)

    def set_assessment(self, verdict: Mapping[str, Any] | None) -> None:
        """From an engine verdict ``{"indicators": {ind: {"verdict", "reasons"}}}``."""
        inds = (verdict or {}).get("indicators") or {}
        self.set_verdicts({k: v.get("verdict") for k, v in inds.items()},
                          {k: v.get("reasons") or [] for k, v in inds.items()})

    def verdict_of(self, indicator: str) -> str:
        return str(self.badges[indicator].property("verdict"))
