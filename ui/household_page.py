"""户详情: members, latest verdict badges, visit timeline with changes, problem
ledger with its status flow, measures, card status, edits."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldapp import overview
from fieldapp.codes import label
from fieldapp.errors import FieldappError
from fieldapp.services import PROBLEM_FLOW
from ui.badges import VERDICT_COLOURS, VerdictBadges, reason_text
from ui.edit_dialog import HOUSEHOLD_EDITABLE, MEMBER_EDITABLE, EditDialog
from ui.errors import show_error
from ui.measure_dialog import MeasureDialog
from ui.monitoring_panel import MonitoringPanel
from ui.problem_dialog import ProblemStepDialog
from ui.record_models import MeasureTableModel, MemberTableModel, ProblemTableModel
from ui.session import Session


def _table(model: Any) -> QTableView:
    t = QTableView()
    t.setModel(model)
    t.setTabKeyNavigation(False)  # Tab leaves the table (it trapped the focus); arrows move inside it
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.setAlternatingRowColors(True)
    return t


class HouseholdPage(QWidget):
    """Everything about one household."""

    start_visit = Signal(str)
    print_card = Signal(list)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.hid: str | None = None
        self.detail: dict[str, Any] = {}
        lang = session.short_lang
        self.lang = lang
        lay = QVBoxLayout(self)

        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.title.setFont(f)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        head.addLayout(titles, 1)
        self.visit_button = QPushButton(self.tr("New visit"))
        self.visit_button.setObjectName("newVisit")
        self.edit_button = QPushButton(self.tr("Edit household…"))
        self.card_button = QPushButton(self.tr("Print card…"))
        for b in (self.visit_button, self.edit_button, self.card_button):
            head.addWidget(b)
        lay.addLayout(head)

        split = QSplitter()
        left = QWidget()
        left_l = QVBoxLayout(left)
        left_l.setContentsMargins(0, 0, 0, 0)
        badges_box = QGroupBox(self.tr("Latest verdict per indicator"))
        bl = QVBoxLayout(badges_box)
        self.badges = VerdictBadges(lang)
        bl.addWidget(self.badges)
        left_l.addWidget(badges_box)
        card_box = QGroupBox(self.tr("Household card (明白卡)"))
        cl = QVBoxLayout(card_box)
        self.card_label = QLabel()
        self.card_label.setWordWrap(True)
        cl.addWidget(self.card_label)
        left_l.addWidget(card_box)
        left_l.addStretch(1)
        split.addWidget(left)

        self.tabs = QTabWidget()
        # members
        mem = QWidget()
        ml = QVBoxLayout(mem)
        self.members_model = MemberTableModel(lang, self)
        self.members_table = _table(self.members_model)
        ml.addWidget(self.members_table)
        mrow = QHBoxLayout()
        self.edit_member_button = QPushButton(self.tr("Edit member…"))
        mrow.addWidget(self.edit_member_button)
        mrow.addStretch(1)
        ml.addLayout(mrow)
        self.tabs.addTab(mem, self.tr("Members"))
        # timeline
        self.timeline = QTextBrowser()
        self.timeline.setObjectName("timeline")
        self.tabs.addTab(self.timeline, self.tr("Visits"))
        # problems
        prob = QWidget()
        pl = QVBoxLayout(prob)
        self.problems_model = ProblemTableModel(lang, self)
        self.problems_table = _table(self.problems_model)
        pl.addWidget(self.problems_table, 2)
        prow = QHBoxLayout()
        self.step_buttons: dict[str, QPushButton] = {
            "in_progress": QPushButton(self.tr("Start rectifying")),
            "awaiting_check": QPushButton(self.tr("Ask for check")),
            "closed": QPushButton(self.tr("Checked: close")),
            "reopen": QPushButton(self.tr("Send back")),
        }
        for key, b in self.step_buttons.items():
            b.setObjectName(f"step_{key}")
            b.clicked.connect(lambda _=False, k=key: self.move_selected(k))
            prow.addWidget(b)
        prow.addStretch(1)
        pl.addLayout(prow)
        self.history = QTextBrowser()
        self.history.setMaximumHeight(110)
        pl.addWidget(self.history, 1)
        self.tabs.addTab(prob, self.tr("Problems"))
        # measures
        meas = QWidget()
        mel = QVBoxLayout(meas)
        self.measures_model = MeasureTableModel(lang, self)
        self.measures_table = _table(self.measures_model)
        mel.addWidget(self.measures_table)
        merow = QHBoxLayout()
        self.add_measure_button = QPushButton(self.tr("Add measure…"))
        merow.addWidget(self.add_measure_button)
        merow.addStretch(1)
        mel.addLayout(merow)
        self.tabs.addTab(meas, self.tr("Measures"))
        self.monitoring = MonitoringPanel(session, self)
        self.tabs.addTab(self.monitoring, self.tr("Monitoring"))
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        lay.addWidget(split, 1)

        self.visit_button.clicked.connect(lambda: self.hid and self.start_visit.emit(self.hid))
        self.card_button.clicked.connect(lambda: self.hid and self.print_card.emit([self.hid]))
        self.edit_button.clicked.connect(self.edit_household)
        self.edit_member_button.clicked.connect(self.edit_member)
        self.add_measure_button.clicked.connect(self.add_measure)
        self.problems_table.selectionModel().selectionChanged.connect(self._problem_selected)
        self._shortcuts()
        self.set_empty()

    def _shortcuts(self) -> None:
        """Keys for the page's actions (listed in the F1 help): no step needs the mouse."""
        pages = {"Alt+M": 0, "Alt+V": 1, "Alt+P": 2, "Alt+A": 3}
        for keys, page in pages.items():
            self._key(keys, lambda p=page: self.show_section(p))
        self._key("Ctrl+N", self.visit_button.click)
        self._key("Ctrl+E", self.edit_button.click)
        for n, step in enumerate(("in_progress", "awaiting_check", "closed", "reopen"), start=1):
            button = self.step_buttons[step]
            button.setToolTip(f"Ctrl+{n}")
            self._key(f"Ctrl+{n}", lambda b=button: b.isEnabled() and b.click())

    def _key(self, keys: str, slot: Any) -> None:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)

    def show_section(self, page: int) -> None:
        """Show members / visits / problems / measures with the cursor in its list
        (the first row selected when nothing is)."""
        self.tabs.setCurrentIndex(page)
        table = {0: self.members_table, 2: self.problems_table, 3: self.measures_table}.get(page)
        if table is None:
            self.timeline.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not table.selectionModel().hasSelection() and table.model().rowCount() > 0:
            table.selectRow(0)

    def focus_default(self) -> None:
        """Where the cursor goes when the page opens: New visit."""
        if self.visit_button.isEnabled():
            self.visit_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- content --------------------------------------------------------------------
    def set_empty(self) -> None:
        self.hid = None
        self.detail = {}
        self.title.setText(self.tr("No household open"))
        self.subtitle.setText(self.tr("Choose a household in the list, or scan its card."))
        self.badges.set_verdicts({}, {})
        for m in (self.members_model, self.problems_model, self.measures_model):
            m.set_rows([])
        self.timeline.clear()
        self.history.clear()
        self.card_label.clear()
        self.monitoring.clear()
        for b in (self.visit_button, self.edit_button, self.card_button, self.edit_member_button, self.add_measure_button):
            b.setEnabled(False)
        self._problem_selected()

    def show_household(self, hid: str) -> None:
        self.hid = hid
        self.reload()

    def reload(self) -> None:
        if not self.hid or self.session.app is None:
            self.set_empty()
            return
        hid, lang = self.hid, self.lang
        keep_problem = (self.selected_problem() or {}).get("id")
        keep_member = self._selected_member_id()
        detail, timeline = self.session.call(lambda a: (a.household_detail(hid), overview.visit_timeline(a, hid, lang)))
        self.detail = detail
        for b in (self.visit_button, self.edit_button, self.card_button, self.edit_member_button, self.add_measure_button):
            b.setEnabled(True)
        head = detail.get("head_name") or ""
        self.title.setText(head)
        village = detail.get("village_name") or self.session.call(lambda a: a.village_name(detail["village_code"]))
        parts = [f"{village} {detail.get('group') or ''}".strip(), detail.get("address") or "", detail.get("phone") or "",
                 label("household_type", detail.get("household_type") or "ordinary", lang)]
        if detail.get("monitoring_type") not in (None, "", "none"):
            parts.append(label("monitoring_type", detail["monitoring_type"], lang))
        cadre = (detail.get("cadre") or {}).get("name")
        if cadre:
            parts.append(self.tr("Assistance cadre: %1").replace("%1", str(cadre)))
        self.subtitle.setText("  ·  ".join(p for p in parts if p))
        self.badges.set_verdicts(detail.get("latest") or {}, detail.get("latest_reasons") or {})
        self.members_model.set_rows(detail.get("members") or [])
        self.problems_model.set_rows(detail.get("problems") or [])
        self.measures_model.set_rows(detail.get("measures") or [])
        card = detail.get("card") or {}
        if card.get("printed"):
            self.card_label.setText(self.tr("Card No. %1, printed %2").replace("%1", str(card.get("serial")))
                                    .replace("%2", (card.get("printed_at") or "")[:10]))
        else:
            self.card_label.setText(self.tr("No card printed yet."))
        self.timeline.setHtml(self._timeline_html(timeline, detail))
        # Coming back to the page keeps what was selected (a reload used to drop it).
        if keep_problem:
            self._select_problem(keep_problem)
        if keep_member:
            for i, r in enumerate(self.members_model.rows):
                if r.get("id") == keep_member:
                    self.members_table.selectRow(i)
        self._problem_selected()
        self.monitoring.show_household(hid)

    def _selected_member_id(self) -> str | None:
        rows = self.members_table.selectionModel().selectedRows()
        m = self.members_model.row_dict(rows[0].row()) if rows else None
        return (m or {}).get("id")

    def _timeline_html(self, timeline: list[dict[str, Any]], detail: dict[str, Any]) -> str:
        lang = self.lang
        esc = html.escape
        t_draft = self.tr("Unfinished draft saved")
        t_none = self.tr("No visits recorded yet.")
        t_scanned = self.tr("card scanned")
        t_first = self.tr("First recorded visit.")
        t_same = self.tr("No change since the visit before.")
        drafts = [v for v in detail.get("visits") or [] if v.get("status") == "draft"]
        out = []
        if drafts:
            out.append(f"<p><b>{esc(t_draft)}</b> {esc((drafts[0].get('visited_at') or '')[:16].replace('T', ' '))}</p>")
        if not timeline:
            out.append(f"<p>{esc(t_none)}</p>")
        for v in timeline:
            fg, bg = VERDICT_COLOURS.get(v.get("overall") or "unknown", VERDICT_COLOURS["unknown"])
            kind = label("visit_type", v["type"], lang) if v.get("type") else ""
            out.append(
                f"<p style='margin-top:8px'><b>{esc((v.get('visited_at') or '')[:16].replace('T', ' '))}</b> "
                f"{esc(kind)} · {esc(v.get('visitor') or '')} "
                f"<span style='color:{fg}; background:{bg}'>&nbsp;{esc(label('verdict', v.get('overall') or 'unknown', lang))}&nbsp;</span>"
                + (f" · {esc(t_scanned)}" if v.get("card_scan") else "") + "</p>")
            if v.get("first"):
                out.append(f"<p style='color:#555; margin-left:16px'>{esc(t_first)}</p>")
                continue
            if not v["changes"]:
                out.append(f"<p style='color:#555; margin-left:16px'>{esc(t_same)}</p>")
                continue
            items = []
            for c in v["changes"]:
                if c["kind"] == "verdict":
                    items.append(f"<li><b>{esc(label('indicator', c['indicator'], lang))}</b>: "
                                 f"{esc(label('verdict', c['before'], lang))} → <b>{esc(label('verdict', c['after'], lang))}</b></li>")
                else:
                    items.append(f"<li>{esc(c['label'])}: {esc(c['before'])} → {esc(c['after'])}</li>")
            out.append("<ul style='margin-top:0'>" + "".join(items) + "</ul>")
        return "".join(out)

    # ----- problems ------------------------------------------------------------------
    def selected_problem(self) -> dict[str, Any] | None:
        rows = self.problems_table.selectionModel().selectedRows()
        return self.problems_model.row_dict(rows[0].row()) if rows else None

    def _problem_selected(self, *args: Any) -> None:
        p = self.selected_problem()
        status = (p or {}).get("status")
        nxt = PROBLEM_FLOW.get(status or "", ())
        self.step_buttons["in_progress"].setEnabled(status == "pending")
        self.step_buttons["awaiting_check"].setEnabled("awaiting_check" in nxt)
        self.step_buttons["closed"].setEnabled("closed" in nxt)
        self.step_buttons["reopen"].setEnabled(status == "awaiting_check")
        t_select = self.tr("Select a problem to see its history and move it on.")
        t_reported = self.tr("Reported")
        if p is None:
            self.history.setHtml(f"<p style='color:#555'>{html.escape(t_select)}</p>")
            return
        lines = [f"<p><b>{html.escape(t_reported)}</b> {html.escape((p.get('opened_at') or '')[:16].replace('T', ' '))} · "
                 f"{html.escape(p.get('reporter') or '')} — {html.escape(reason_text([p.get('reason') or ''], self.lang))}</p>"]
        for h in p.get("history") or []:
            lines.append(f"<p><b>{html.escape(label('problem_status', h.get('status') or '', self.lang))}</b> "
                         f"{html.escape((h.get('at') or '')[:16].replace('T', ' '))} · {html.escape(h.get('actor') or '')}"
                         + (f" — {html.escape(h.get('note') or '')}" if h.get("note") else "") + "</p>")
        self.history.setHtml("".join(lines))

    def move_selected(self, step: str, note: str | None = None, verifier: str | None = None) -> bool:
        """Move the selected problem one step; ``note``/``verifier`` skip the dialog (tests)."""
        p = self.selected_problem()
        if p is None:
            return False
        target = "in_progress" if step == "reopen" else step
        actor = self.session.app.actor if self.session.app else ""
        if note is None:
            titles = {"in_progress": self.tr("Start rectifying"), "awaiting_check": self.tr("Ask for check"),
                      "closed": self.tr("Checked: close"), "reopen": self.tr("Send back")}
            dlg = ProblemStepDialog(titles[step], target == "closed", actor, self)
            if not dlg.exec():
                return False
            note, verifier = dlg.values()
        pid = p["id"]
        try:
            self.session.call(lambda a: a.move_problem(pid, target, note or "", actor=verifier or None))
        except FieldappError as exc:
            show_error(self, exc)
            return False
        self.reload()
        self._select_problem(pid)
        self.session.notify(self.hid or "")
        return True

    def _select_problem(self, pid: str) -> None:
        for i, r in enumerate(self.problems_model.rows):
            if r["id"] == pid:
                self.problems_table.selectRow(i)
                return

    # ----- edits -------------------------------------------------------------------
    def _labels(self) -> dict[str, str]:
        return {
            "group": self.tr("Group"), "address": self.tr("Address"), "phone": self.tr("Phone"),
            "household_type": self.tr("Household type"), "monitoring_type": self.tr("Monitoring type"),
            "notes": self.tr("Notes"), "name": self.tr("Name"), "id_number": self.tr("ID number"),
            "relation": self.tr("Relation"), "schooling": self.tr("Schooling"), "labour": self.tr("Labour"),
            "medical_insurance": self.tr("Medical insurance"),
        }

    def edit_household(self) -> None:
        if not self.hid:
            return
        hid = self.hid
        dlg = EditDialog(self.tr("Edit household"), HOUSEHOLD_EDITABLE, self._labels(), dict(self.detail),
                         lambda f, v: self.session.call(lambda a: a.set_household_field(hid, f, v)), self.lang, self)
        if dlg.exec():
            self.reload()
            self.session.notify(hid)

    def edit_member(self) -> None:
        rows = self.members_table.selectionModel().selectedRows()
        if not self.hid or not rows:
            return
        m = self.members_model.row_dict(rows[0].row()) or {}
        hid, mid = self.hid, m.get("id")
        dlg = EditDialog(self.tr("Edit member"), MEMBER_EDITABLE, self._labels(), dict(m),
                         lambda f, v: self.session.call(lambda a: a.set_household_field(hid, f"member:{mid}:{f}", v)),
                         self.lang, self)
        if dlg.exec():
            self.reload()
            self.session.notify(hid)

    def add_measure(self) -> None:
        if not self.hid:
            return
        dlg = MeasureDialog(self.lang, self)
        if not dlg.exec():
            return
        cat, desc, start = dlg.values()
        hid = self.hid
        try:
            self.session.call(lambda a: a.add_measure(hid, cat, desc, start_date=start))
        except FieldappError as exc:
            show_error(self, exc)
            return
        self.reload()
