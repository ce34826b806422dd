"""冲突: fields edited on two laptops at once. Every value with who and when;
pick one or type a new value, then resolve (one op superseding all)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from ui.errors import show_error
from ui.record_models import ConflictTableModel, _show
from ui.session import Session

FIELD_NAMES_ZH = {"phone": "电话", "address": "住址", "group": "组", "name": "姓名", "id_number": "身份证号",
                  "household_type": "户类型", "monitoring_type": "监测类型", "status": "状态", "relation": "与户主关系"}


class ConflictsTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.names: dict[str, str] = {}
        self.model = ConflictTableModel(session.short_lang, lambda hid: self.names.get(hid or "", hid or ""),
                                        self._field_label, self)
        lay = QVBoxLayout(self)
        self.intro = QLabel(self.tr("The same field was changed on two laptops before they synchronised. "
                                    "Choose the right value (or type it) and resolve."))
        self.intro.setWordWrap(True)
        lay.addWidget(self.intro)
        self.table = QTableView()
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        lay.addWidget(self.table, 2)
        lay.addWidget(QLabel(self.tr("Values (who, when):")))
        self.values = QListWidget()
        self.values.setObjectName("conflictValues")
        lay.addWidget(self.values, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Or type the value:")))
        self.typed = QLineEdit()
        row.addWidget(self.typed, 1)
        self.resolve_button = QPushButton(self.tr("Resolve"))
        row.addWidget(self.resolve_button)
        lay.addLayout(row)
        self.empty = QLabel(self.tr("No conflicts. Everything agrees."))
        lay.addWidget(self.empty)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.values.currentItemChanged.connect(lambda *_: self.typed.clear() if self.values.currentItem() else None)
        self.resolve_button.clicked.connect(lambda: self.resolve_selected())

    def _field_label(self, c: dict[str, Any]) -> str:
        name = str(c.get("name") or "")
        text = FIELD_NAMES_ZH.get(name, name) if self.session.short_lang == "zh" else name.replace("_", " ")
        return f"{c.get('entity')} · {text}" if c.get("entity") != "household" else text

    def reload(self) -> None:
        if self.session.app is None:
            return

        def load(a: Any) -> Any:
            conflicts = a.conflicts()
            names = {}
            for c in conflicts:
                hid = c.get("household_id")
                if hid and hid not in names:
                    try:
                        names[hid] = a.household_record(hid).get("head_name") or hid
                    except FieldappError:
                        names[hid] = hid
            return conflicts, names

        conflicts, self.names = self.session.call(load)
        self.model.set_rows(conflicts)
        self.empty.setVisible(not conflicts)
        self.values.clear()
        if conflicts:
            self.table.selectRow(0)

    def clear(self) -> None:
        self.model.set_rows([])
        self.values.clear()

    def _selected(self, *args: Any) -> None:
        self.values.clear()
        rows = self.table.selectionModel().selectedRows()
        c = self.model.row_dict(rows[0].row()) if rows else None
        if not c:
            return
        for d in c.get("detail") or []:
            item = QListWidgetItem(f"{_show(d['value'])}    — {d.get('author') or '?'}, {(d.get('at') or '')[:16].replace('T', ' ')}"
                                   f" ({(d.get('device_id') or '')[:8]})")
            item.setData(256, d["value"])
            self.values.addItem(item)
        self.values.setCurrentRow(0)

    def resolve_selected(self, value: Any = None) -> bool:
        rows = self.table.selectionModel().selectedRows()
        c = self.model.row_dict(rows[0].row()) if rows else None
        if not c:
            return False
        if value is None:
            value = self.typed.text().strip() or (self.values.currentItem().data(256) if self.values.currentItem() else None)
        if value is None:
            return False
        ref = c["field"]
        try:
            self.session.call(lambda a: a.resolve(ref, value))
        except FieldappError as exc:
            show_error(self, exc)
            return False
        self.typed.clear()
        self.reload()
        self.session.notify(c.get("household_id") or "")
        return True
