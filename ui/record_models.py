"""Small table models of the household page and the conflicts screen.

Each is a ``QAbstractTableModel`` over a list of dicts from the services, with
column constants, display text in the UI language and ``SORT_ROLE`` native
values. They are tested without a window (tests/test_ui_models.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from fieldapp.codes import label
from fieldapp.services import age_on
from ui.household_model import ID_ROLE, ROW_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex


def mask_id(id_number: str) -> str:
    """Show an ID number as 3703**********5201 (the full number is in the edit dialog)."""
    s = str(id_number or "")
    return s if len(s) < 10 else s[:4] + "*" * (len(s) - 8) + s[-4:]


def _value_or_empty(key: str) -> Callable[[dict[str, Any]], Any]:
    """A sort key: the record's ``key`` value, or "" when it is missing or empty."""
    return lambda r: r.get(key) or ""


class _ListModel(QAbstractTableModel):
    """A table over a list of dicts; subclasses give headers and cell functions."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.headers: list[str] = []
        self.cells: list[Callable[[dict[str, Any]], Any]] = []
        self.sorts: list[Callable[[dict[str, Any]], Any]] = []

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells[index.column()](r)
        if role == SORT_ROLE:
            return self.sorts[index.column()](r)
        if role == ID_ROLE:
            return r.get("id")
        if role == ROW_ROLE:
            return r
        return self.extra(r, index.column(), role)

    def extra(self, r: dict[str, Any], col: int, role: int) -> Any:
        return None

    def row_dict(self, row: int) -> dict[str, Any] | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None


class MemberTableModel(_ListModel):
    """Household members: name, relation, sex, age, ID, schooling, health, labour, insurance."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.today = date.today()
        lab = self._lab
        self.headers = [self.tr("Name"), self.tr("Relation"), self.tr("Sex"), self.tr("Age"), self.tr("ID number"),
                        self.tr("Schooling"), self.tr("Health"), self.tr("Labour"), self.tr("Medical insurance"),
                        self.tr("Status")]
        self.cells = [
            lambda r: r.get("name") or "",
            lambda r: lab("relation", r.get("relation")),
            lambda r: lab("sex", r.get("sex")),
            lambda r: "" if self._age(r) is None else str(self._age(r)),
            lambda r: mask_id(r.get("id_number") or ""),
            lambda r: lab("schooling", r.get("schooling")),
            lambda r: "、".join(lab("health", h) for h in (r.get("health") or [])) if lang.startswith("zh")
            else ", ".join(lab("health", h) for h in (r.get("health") or [])),
            lambda r: lab("labour", r.get("labour")),
            lambda r: lab("medical_insurance", r.get("medical_insurance")),
            lambda r: self.tr("current") if r.get("status", "active") == "active" else self.tr("left the household"),
        ]
        self.sorts = [
            lambda r: r.get("name") or "", lambda r: int(r.get("position") or 0), lambda r: r.get("sex") or "",
            lambda r: self._age(r) if self._age(r) is not None else -1, lambda r: r.get("id_number") or "",
            lambda r: r.get("schooling") or "", lambda r: ",".join(r.get("health") or []), lambda r: r.get("labour") or "",
            lambda r: r.get("medical_insurance") or "", lambda r: r.get("status") or "",
        ]

    def _lab(self, list_name: str, code: Any) -> str:
        return label(list_name, str(code), self.lang) if code else ""

    def _age(self, r: dict[str, Any]) -> int | None:
        return age_on(r.get("birth_date"), self.today)


PROBLEM_STATUS_COLOURS = {"pending": "#c62828", "in_progress": "#ef6c00", "awaiting_check": "#1565c0", "closed": "#2e7d32"}


class ProblemTableModel(_ListModel):
    """问题台账: indicator, reason, status, opened, deadline, reporter, last step (who, when)."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.today = date.today().isoformat()
        self.headers = [self.tr("Indicator"), self.tr("Problem"), self.tr("Status"), self.tr("Found"),
                        self.tr("Deadline"), self.tr("Reported by"), self.tr("Last step")]
        self.cells = [
            lambda r: label("indicator", r["indicator"], lang) if r.get("indicator") else "",
            lambda r: _half(r.get("reason") or "", lang),
            lambda r: label("problem_status", r.get("status") or "pending", lang),
            lambda r: (r.get("opened_at") or "")[:10],
            lambda r: r.get("deadline") or "",
            lambda r: r.get("reporter") or "",
            self._last_step,
        ]
        self.sorts = [
            lambda r: r.get("indicator") or "", lambda r: r.get("reason") or "",
            lambda r: ("pending", "in_progress", "awaiting_check", "closed").index(r.get("status") or "pending"),
            lambda r: r.get("opened_at") or "", lambda r: r.get("deadline") or "", lambda r: r.get("reporter") or "",
            lambda r: (r.get("history") or [{}])[-1].get("at") or "",
        ]

    def _last_step(self, r: dict[str, Any]) -> str:
        hist = r.get("history") or []
        if not hist:
            return ""
        h = hist[-1]
        return f"{label('problem_status', h.get('status') or '', self.lang)} · {h.get('actor') or ''} · {(h.get('at') or '')[:16].replace('T', ' ')}"

    def extra(self, r: dict[str, Any], col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 2:
                return QBrush(QColor(PROBLEM_STATUS_COLOURS.get(r.get("status") or "pending", "#000")))
            if col == 4 and r.get("status") != "closed" and (r.get("deadline") or "9") < self.today:
                return QBrush(QColor("#b71c1c"))
        return None


def _half(text: str, lang: str) -> str:
    if text.endswith(")") and " (" in text:
        zh, en = text[:-1].split(" (", 1)
        return zh if lang.startswith("zh") else en
    return text


class MeasureTableModel(_ListModel):
    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = [self.tr("Measure"), self.tr("Details"), self.tr("From"), self.tr("Until"), self.tr("Status")]
        self.cells = [
            lambda r: label("measure", r["category"], lang) if r.get("category") else "",
            lambda r: r.get("description") or "",
            lambda r: r.get("start_date") or "",
            lambda r: r.get("end_date") or "",
            lambda r: self.tr("running") if r.get("status") == "active" else (r.get("status") or ""),
        ]
        self.sorts = [_value_or_empty(k) for k in ("category", "description", "start_date", "end_date", "status")]


class ConflictTableModel(_ListModel):
    """Conflicting edits: household, field, the values (who, when), the provisional winner."""

    def __init__(self, lang: str = "zh", names: Callable[[str | None], str] | None = None,
                 field_label: Callable[[dict[str, Any]], str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names = names or (lambda hid: hid or "")
        self.field_label = field_label or (lambda c: c.get("name") or "")
        self.headers = [self.tr("Household"), self.tr("Field"), self.tr("Values"), self.tr("Shown now")]
        self.cells = [
            lambda r: self.names(r.get("household_id")),
            lambda r: self.field_label(r),
            lambda r: " | ".join(f"{_show(d['value'])} ({d.get('author') or '?'}, {(d.get('at') or '')[:16].replace('T', ' ')})"
                                 for d in r.get("detail") or []),
            lambda r: _show(r.get("provisional")),
        ]
        self.sorts = [
            lambda r: self.names(r.get("household_id")), lambda r: r.get("name") or "",
            lambda r: len(r.get("values") or []), lambda r: _show(r.get("provisional")),
        ]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == ID_ROLE and index.isValid():
            return self.rows[index.row()]["field"]
        return super().data(index, role)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        if "status" in value:
            return str(value.get("status"))
        return ", ".join(f"{k}={v}" for k, v in value.items())
    if value is None:
        return "—"
    return str(value)
