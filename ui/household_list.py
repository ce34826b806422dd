"""户列表: search as you type, filters, counts; opens the household page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp import overview
from fieldapp.codes import code_list
from fieldapp.search_rank import rank
from ui.household_model import (
    COL_NAME,
    COL_VILLAGE,
    HouseholdFilter,
    HouseholdFilterProxy,
    HouseholdTableModel,
)
from ui.memory import release_memory
from ui.session import Session

HEADER_PADDING = 28  # margins and the sort arrow


class HouseholdListTab(QWidget):
    """The list of households with search and filters."""

    household_activated = Signal(str)
    cards_requested = Signal(list)
    camera_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lang = session.short_lang
        self.model = HouseholdTableModel(lang, self)
        self.proxy = HouseholdFilterProxy(self._search, self, rank=self._rank)
        self.proxy.setSourceModel(self.model)
        self.loading = False

        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search: name, pinyin initials (zs), ID number, phone, group"))
        top.addWidget(self.search, 3)
        self.count = QLabel()
        top.addWidget(self.count)
        lay.addLayout(top)

        filters = QHBoxLayout()
        self.village = QComboBox()
        self.group = QComboBox()
        self.htype = QComboBox()
        self.monitoring = QComboBox()
        self.htype.addItem(self.tr("All household types"), None)
        for c in code_list("household_type"):
            self.htype.addItem(c.text(lang), c.code)
        self.monitoring.addItem(self.tr("Monitored or not"), None)
        self.monitoring.addItem(self.tr("All monitored households"), "*")
        for c in code_list("monitoring_type"):
            if c.code != "none":
                self.monitoring.addItem(c.text(lang), c.code)
        self.open_problems = QCheckBox(self.tr("Open problems"))
        self.overdue = QCheckBox(self.tr("Visit overdue"))
        for w in (self.village, self.group, self.htype, self.monitoring):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(w)
        filters.addWidget(self.open_problems)
        filters.addWidget(self.overdue)
        filters.addStretch(1)
        lay.addLayout(filters)

        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setObjectName("households")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Village names (镇 + 村) are the longest text: give them room instead of eliding
        # (contents-based sizing would measure every one of 20,000 rows).
        self.table.setColumnWidth(COL_VILLAGE, 190)
        self._fit_headers()
        self.table.activated.connect(self._activated)
        lay.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("Open household"))
        self.cards_button = QPushButton(self.tr("Print cards for selection…"))
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.cards_button)
        self.camera_button = QPushButton(self.tr("Scan card with camera…"))
        buttons.addWidget(self.camera_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.open_button.clicked.connect(self._open_current)
        self.cards_button.clicked.connect(lambda: self.cards_requested.emit(self.selected_ids()))
        self.camera_button.clicked.connect(self.camera_requested.emit)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(0)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self._open_first)
        for combo in (self.group, self.htype, self.monitoring):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.open_problems.toggled.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)

    def _fit_headers(self) -> None:
        """Every column at least as wide as its title (English titles were cut: "ad of househ")."""
        header = self.table.horizontalHeader()
        fm = header.fontMetrics()
        for col in range(self.model.columnCount()):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
            need = fm.horizontalAdvance(title) + HEADER_PADDING
            if self.table.columnWidth(col) < need:
                self.table.setColumnWidth(col, need)

    def _rank(self, query: str, hits: list[str]) -> list[str]:
        app = self.session.app
        if app is None:
            return hits
        heads = {r["id"]: r.get("head_name") or "" for r in self.model.all_rows}
        return rank(query, hits, heads, app.search_index().blobs)

    def _search(self, query: str, candidates: Iterable[str] | None) -> list[str]:
        app = self.session.app
        if app is None:
            return []
        return app.search_index().search(query, candidates)

    # ----- loading ------------------------------------------------------------------
    def reload(self) -> None:
        """Load the rows in the worker (20,000 households take a moment)."""
        if self.session.app is None or self.loading:
            return
        self.loading = True
        self.count.setText(self.tr("Loading…"))

        def job(app: Any, progress: Any, cancelled: Any) -> Any:
            vill = overview.villages(app)
            return app.household_rows(), vill, {c: overview.groups(app, c) for c, _ in vill}

        self.session.run(job, self._loaded, self._load_failed)

    def _load_failed(self, exc: BaseException, tb: str) -> None:
        self.loading = False
        from ui.errors import show_error

        show_error(self, exc, tb)

    def _loaded(self, result: Any) -> None:
        self.loading = False
        rows, villages, groups = result
        self.groups_by_village = groups
        self.model.set_rows(rows, dict(villages))
        keep = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("All villages"), None)
        for code, name in villages:
            self.village.addItem(name, code)
        i = self.village.findData(keep)
        self.village.setCurrentIndex(max(i, 0))
        self.village.blockSignals(False)
        self._fill_groups()
        self.apply_filter()
        release_memory()  # the load's temporary lists are gone: give their pages back

    def _village_changed(self) -> None:
        self._fill_groups()
        self.apply_filter()

    def _fill_groups(self) -> None:
        keep = self.group.currentData()
        groups_by = getattr(self, "groups_by_village", {})
        v = self.village.currentData()
        names = groups_by.get(v, []) if v else sorted({g for gs in groups_by.values() for g in gs})
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(self.tr("All groups"), None)
        for g in names:
            self.group.addItem(g, g)
        self.group.setCurrentIndex(max(self.group.findData(keep), 0))
        self.group.blockSignals(False)

    def clear(self) -> None:
        """Hide every row (on lock)."""
        self.model.clear()
        self.search.clear()
        self.count.clear()

    def refresh_household(self, hid: str) -> None:
        app = self.session.app
        if app is None:
            return
        if not hid:
            self.reload()
            return
        rows = self.session.call(lambda a: [r for r in a.household_rows() if r["id"] == hid])
        if rows:
            self.model.update_row(rows[0])
            self.proxy.refilter()

    # ----- filtering ------------------------------------------------------------------
    def apply_filter(self) -> None:
        mon = self.monitoring.currentData()
        self.proxy.set_filter(HouseholdFilter(
            search=self.search.text(),
            village=self.village.currentData(),
            group=self.group.currentData(),
            household_type=self.htype.currentData(),
            monitoring_type=None if mon in (None, "*") else mon,
            monitored_only=mon == "*",
            open_problems=self.open_problems.isChecked(),
            overdue=self.overdue.isChecked(),
        ))
        self._update_count()

    def _update_count(self) -> None:
        if self.loading:
            return
        self.count.setText(self.tr("%1 of %2 households").replace("%1", str(self.proxy.rowCount()))
                           .replace("%2", str(len(self.model.all_rows))))

    # ----- actions -----------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows(COL_NAME)})
        return [h for h in (self.proxy.household_id(r) for r in rows) if h]

    def _activated(self, index: Any) -> None:
        hid = self.proxy.household_id(index.row())
        if hid:
            self.household_activated.emit(hid)

    def _open_current(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.household_activated.emit(ids[0])

    def _open_first(self) -> None:
        if self._debounce.isActive():  # Enter right after the last letter: filter (and rank) first
            self._debounce.stop()
            self.apply_filter()
        if self.proxy.rowCount() >= 1:
            hid = self.proxy.household_id(0)
            if hid:
                self.household_activated.emit(hid)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self._open_current()
            return
        super().keyPressEvent(event)
