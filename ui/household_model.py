"""The household list: a table model over ``Fieldapp.household_rows()`` and the
one proxy that filters it.

Filtering is decided in bulk (the search index returns ids, the filters are
plain comparisons over the row dicts) and the source model then shows only the
rows kept, so a keystroke costs no per-row call back into Python (at 20,000
households a per-row ``filterAcceptsRow`` alone took longer than a frame).
Sorting is done by the source model on the sort-role values (one Python
``sorted``), because a proxy sort would call back into Python for every
comparison. The proxy stays the one place views connect to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from fieldapp.codes import label

VERDICT_TEXT = {"met": "#1b5e20", "basic": "#8a5a00", "not_met": "#c62828", "unknown": "#6d4c41"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex

(COL_NAME, COL_VILLAGE, COL_GROUP, COL_TYPE, COL_MONITORING, COL_MEMBERS, COL_LAST_VISIT, COL_NEXT_DUE,
 COL_PROBLEMS, COL_OVERALL, COL_CARD) = range(11)
COLUMN_COUNT = 11


class HouseholdTableModel(QAbstractTableModel):
    """One row per active household; display text in the UI language, native sort values."""

    def __init__(self, lang: str = "zh", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.rows: list[dict[str, Any]] = []  # the rows shown (after filtering)
        self.all_rows: list[dict[str, Any]] = []
        self.shown: set[str] | None = None
        self.village_names: dict[str, str] = {}
        self.row_of: dict[str, int] = {}
        self._headers = [
            self.tr("Head of household"), self.tr("Village"), self.tr("Group"), self.tr("Household type"),
            self.tr("Monitoring"), self.tr("People"), self.tr("Last visit"), self.tr("Next visit due"),
            self.tr("Open problems"), self.tr("Latest verdict"), self.tr("Card"),
        ]
        self._label_cache: dict[tuple[str, str], str] = {}

    # ----- loading ----------------------------------------------------------------
    def set_rows(self, rows: list[dict[str, Any]], village_names: Mapping[str, str] | None = None) -> None:
        self.beginResetModel()
        self.all_rows = list(rows)
        self._apply_shown()
        if village_names is not None:
            self.village_names = dict(village_names)
        self.endResetModel()

    def _apply_shown(self) -> None:
        shown = self.shown
        self.rows = self.all_rows if shown is None else [r for r in self.all_rows if r["id"] in shown]
        self.row_of = {r["id"]: i for i, r in enumerate(self.rows)}

    def show_only(self, ids: set[str] | None, order: list[str] | None = None) -> None:
        """Show only these households (None: all), in the current sort order or in ``order``
        (search results, best match first)."""
        self.beginResetModel()
        self.shown = ids
        self._apply_shown()
        if order is not None and ids is not None:
            by_id = {r["id"]: r for r in self.rows}
            self.rows = [by_id[h] for h in order if h in by_id]
            self.row_of = {r["id"]: i for i, r in enumerate(self.rows)}
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([], {})

    def update_row(self, row: dict[str, Any]) -> None:
        """Replace one household's row in place (``dataChanged``, no reset)."""
        for j, r in enumerate(self.all_rows):
            if r["id"] == row["id"]:
                self.all_rows[j] = row
                break
        else:
            self.all_rows.append(row)
            if self.shown is not None:
                return  # hidden by the current filter until it is applied again
        i = self.row_of.get(row["id"])
        if i is None:
            if self.rows is not self.all_rows:
                self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
                self.rows.append(row)
            else:
                self.beginInsertRows(QModelIndex(), len(self.rows) - 1, len(self.rows) - 1)
            self.row_of[row["id"]] = len(self.rows) - 1
            self.endInsertRows()
            return
        self.rows[i] = row
        self.dataChanged.emit(self.index(i, 0), self.index(i, COLUMN_COUNT - 1))

    # ----- Qt API ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < COLUMN_COUNT:
            return self._headers[section]
        return None

    def _label(self, list_name: str, code: str | None) -> str:
        if not code:
            return ""
        key = (list_name, code)
        text = self._label_cache.get(key)
        if text is None:
            text = label(list_name, code, self.lang)
            self._label_cache[key] = text
        return text

    def display(self, r: Mapping[str, Any], col: int) -> str:
        if col == COL_NAME:
            return str(r.get("head_name") or "")
        if col == COL_VILLAGE:
            code = str(r["village_code"])
            return self.village_names.get(code, code)
        if col == COL_GROUP:
            return str(r.get("group") or "")
        if col == COL_TYPE:
            return self._label("household_type", r.get("household_type"))
        if col == COL_MONITORING:
            m = r.get("monitoring_type")
            return "" if m in (None, "", "none") else self._label("monitoring_type", m)
        if col == COL_MEMBERS:
            return str(r.get("members", 0))
        if col == COL_LAST_VISIT:
            return (r.get("last_visit") or "")[:10] or self.tr("never")
        if col == COL_NEXT_DUE:
            due = r.get("next_visit_due") or ""
            return due if due else self.tr("now")
        if col == COL_PROBLEMS:
            n = int(r.get("open_problems") or 0)
            return str(n) if n else ""
        if col == COL_OVERALL:
            return self._label("verdict", r.get("overall")) if r.get("overall") else ""
        if col == COL_CARD:
            serial = int(r.get("card_serial") or 0)
            return self.tr("No. %1").replace("%1", str(serial)) if serial else self.tr("not printed")
        return ""

    @staticmethod
    def sort_value(r: Mapping[str, Any], col: int) -> Any:
        """The native value a column sorts by (numbers as numbers, dates as ISO text)."""
        if col == COL_NAME:
            return r.get("head_name") or ""
        if col == COL_VILLAGE:
            return r.get("village_code") or ""
        if col == COL_GROUP:
            g = str(r.get("group") or "")
            digits = "".join(ch for ch in g if ch.isdigit())
            return int(digits) if digits else 10**6
        if col == COL_TYPE:
            return r.get("household_type") or ""
        if col == COL_MONITORING:
            return r.get("monitoring_type") or ""
        if col == COL_MEMBERS:
            return int(r.get("members") or 0)
        if col == COL_LAST_VISIT:
            return r.get("last_visit") or ""
        if col == COL_NEXT_DUE:
            return r.get("next_visit_due") or ""
        if col == COL_PROBLEMS:
            return int(r.get("open_problems") or 0)
        if col == COL_OVERALL:
            order = {"not_met": 0, "unknown": 1, "basic": 2, "met": 3}
            return order.get(str(r.get("overall")), 4)
        if col == COL_CARD:
            return int(r.get("card_serial") or 0)
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, col)
        if role == SORT_ROLE:
            return self.sort_value(r, col)
        if role == ID_ROLE:
            return r["id"]
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_NEXT_DUE and r.get("overdue"):
                return QBrush(QColor("#b71c1c"))
            if col == COL_OVERALL and r.get("overall"):
                return QBrush(QColor(VERDICT_TEXT.get(str(r["overall"]), "#000")))
            if col == COL_PROBLEMS and r.get("open_problems"):
                return QBrush(QColor("#b71c1c"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_MEMBERS, COL_PROBLEMS, COL_GROUP):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < COLUMN_COUNT:
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self.rows[i.row()]["id"] for i in old]
        reverse = order == Qt.SortOrder.DescendingOrder
        self.all_rows.sort(key=lambda r: (self.sort_value(r, column), r.get("head_name") or ""), reverse=reverse)
        self._apply_shown()
        self.changePersistentIndexList(old, [self.index(self.row_of[h], i.column()) for h, i in zip(old_ids, old, strict=True)])
        self.layoutChanged.emit()


@dataclass
class HouseholdFilter:
    """What the list shows; ``None``/``False`` means "any"."""

    search: str = ""
    village: str | None = None
    group: str | None = None
    household_type: str | None = None
    monitoring_type: str | None = None
    monitored_only: bool = False
    open_problems: bool = False
    overdue: bool = False


class HouseholdFilterProxy(QSortFilterProxyModel):
    """Filters by a precomputed set of source rows; sorting is delegated to the source model."""

    def __init__(self, search: Callable[[str, Iterable[str] | None], list[str]] | None = None,
                 parent: QObject | None = None,
                 rank: Callable[[str, list[str]], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.search = search
        self.rank = rank
        self.current = HouseholdFilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        src = self.sourceModel()
        if isinstance(src, HouseholdTableModel):
            src.sort(column, order)

    def source(self) -> HouseholdTableModel:
        src = self.sourceModel()
        assert isinstance(src, HouseholdTableModel)
        return src

    def set_filter(self, f: HouseholdFilter) -> None:
        self.current = f
        self.refilter()

    def refilter(self) -> None:
        f = self.current
        rows = self.source().all_rows
        others = any([f.village, f.group, f.household_type, f.monitoring_type, f.monitored_only, f.open_problems,
                      f.overdue])
        query = f.search.strip()
        shown: set[str] | None = None
        if others:
            shown = {
                r["id"] for r in rows
                if (not f.village or r["village_code"] == f.village)
                and (not f.group or r["group"] == f.group)
                and (not f.household_type or r["household_type"] == f.household_type)
                and (not f.monitoring_type or r["monitoring_type"] == f.monitoring_type)
                and (not f.monitored_only or r["monitoring_type"] not in (None, "", "none"))
                and (not f.open_problems or r["open_problems"] > 0)
                and (not f.overdue or r["overdue"])
            }
        order: list[str] | None = None
        if query and self.search is not None:
            # candidates None: the whole index, which narrows from the previous keystroke
            hits = self.search(query, shown)
            order = self.rank(query, hits) if self.rank is not None else None
            shown = set(hits)
        self.source().show_only(shown, order)

    def household_id(self, proxy_row: int) -> str | None:
        if not 0 <= proxy_row < self.rowCount():
            return None
        hid: str | None = self.data(self.index(proxy_row, 0), ID_ROLE)
        return hid
