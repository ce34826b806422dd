"""监测帮扶: a household's place in the monitoring lifecycle (state, next step and its deadline,
the risk-elimination conditions that do not hold, in words), its 一户一策 plan warnings, the
回头看 campaigns it is due for, and the steps the village takes (propose, propose elimination,
a new risk). The rules and the texts of states and conditions come from the core."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldapp import monitoring as mon
from fieldapp.codes import label
from fieldapp.errors import FieldappError
from ui.errors import show_error
from ui.measure_dialog import MeasureDialog
from ui.session import Session


class StepDialog(QDialog):
    """The date and note of a step (and the monitoring type of a proposal)."""

    def __init__(self, title: str, lang: str, *, with_type: str | None = None, note_required: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.note_required = note_required
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.type_box: QComboBox | None = None
        if with_type is not None:
            self.type_box = QComboBox()
            for t in mon.MONITORING_TYPES:
                self.type_box.addItem(label("monitoring_type", t, lang), t)
            if with_type in mon.MONITORING_TYPES:
                self.type_box.setCurrentIndex(mon.MONITORING_TYPES.index(with_type))
            form.addRow(self.tr("Monitoring type"), self.type_box)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        form.addRow(self.tr("Date"), self.date)
        self.note = QLineEdit()
        form.addRow(self.tr("Note") if not note_required else self.tr("Reason (required)"), self.note)
        lay.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.note.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.note_required or bool(self.note.text().strip()))

    def values(self) -> tuple[str, str, str | None]:
        kind = str(self.type_box.currentData()) if self.type_box is not None else None
        return self.date.date().toString("yyyy-MM-dd"), self.note.text().strip(), kind


class PlanMeasureDialog(MeasureDialog):
    """A measure of the plan: the measure dialog plus who is responsible and until when."""

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(lang, parent)
        form = self.findChild(QFormLayout)
        self.responsible = QLineEdit()
        self.end = QDateEdit(QDate.currentDate().addMonths(12))
        self.end.setCalendarPopup(True)
        self.end.setDisplayFormat("yyyy-MM-dd")
        if form is not None:
            form.addRow(self.tr("Responsible"), self.responsible)
            form.addRow(self.tr("Until"), self.end)

    def plan_values(self) -> tuple[str, str, str, str, str]:
        category, description, start = self.values()
        return category, description, start, self.end.date().toString("yyyy-MM-dd"), self.responsible.text().strip()


class MonitoringPanel(QWidget):
    """The monitoring tab of the household page."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.lang = session.short_lang
        self.hid: str | None = None
        self.status: Any = None
        lay = QVBoxLayout(self)
        self.state_label = QLabel()
        self.state_label.setObjectName("monitoringState")
        f = self.state_label.font()
        f.setBold(True)
        self.state_label.setFont(f)
        self.state_label.setWordWrap(True)
        lay.addWidget(self.state_label)
        self.next_label = QLabel()
        self.next_label.setObjectName("monitoringNext")
        self.next_label.setWordWrap(True)
        lay.addWidget(self.next_label)
        self.details = QTextBrowser()
        self.details.setObjectName("monitoringDetails")
        lay.addWidget(self.details, 1)
        row = QHBoxLayout()
        self.propose_button = QPushButton(self.tr("Propose for monitoring…"))
        self.propose_button.setObjectName("proposeMonitoring")
        self.eliminate_button = QPushButton(self.tr("Propose risk elimination…"))
        self.eliminate_button.setObjectName("proposeElimination")
        self.revert_button = QPushButton(self.tr("New risk: back to monitoring…"))
        self.revert_button.setObjectName("revertMonitoring")
        self.step_button = QPushButton()
        self.step_button.setObjectName("villageStep")
        self.measure_button = QPushButton(self.tr("Add plan measure…"))
        self.measure_button.setObjectName("addPlanMeasure")
        for b in (self.propose_button, self.eliminate_button, self.revert_button, self.step_button, self.measure_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.propose_button.clicked.connect(self.propose)
        self.eliminate_button.clicked.connect(self.propose_elimination)
        self.revert_button.clicked.connect(self.revert)
        self.step_button.clicked.connect(self.village_step)
        self.measure_button.clicked.connect(self.add_measure)
        self.clear()

    # ----- content --------------------------------------------------------------------
    def clear(self) -> None:
        self.hid = None
        self.status = None
        self.state_label.clear()
        self.next_label.clear()
        self.details.clear()
        for b in (self.propose_button, self.eliminate_button, self.revert_button, self.step_button, self.measure_button):
            b.setEnabled(False)
        self.step_button.setVisible(False)

    def show_household(self, hid: str) -> None:
        self.hid = hid
        self.reload()

    def reload(self) -> None:
        hid, lang = self.hid, self.lang
        if hid is None or self.session.app is None:
            self.clear()
            return
        status, measures, due, suggested = self.session.call(lambda a: (
            a.monitor_status(hid, lang=lang), a.measures(hid), a.campaigns_due(hid), a.suggested_monitoring(hid)))
        self.status = status
        self.suggested = suggested
        lc = status.lifecycle
        text = mon.state_label(lc.state, lang)
        if lc.type and lc.state != mon.NONE:
            text += " · " + label("monitoring_type", lc.type, lang)
        if lc.since:
            text += "  " + self.tr("since %1").replace("%1", lc.since.isoformat())
        if lc.in_phase_out and lc.phase_out_until:
            text += "  " + self.tr("(phase-out until %1)").replace("%1", lc.phase_out_until.isoformat())
        self.state_label.setText(text)
        nxt = lc.next_step
        if nxt is None:
            self.next_label.setText("")
        else:
            line = self.tr("Next: %1, by the %2, due %3").replace("%1", mon.label(mon.STEP_LABELS, nxt.step, lang)) \
                .replace("%2", self._role(nxt.by)).replace("%3", nxt.deadline.isoformat())
            if nxt.overdue:
                late = self.tr("overdue")
                line = f"<span style='color:#b00020'><b>{html.escape(line)} — {html.escape(late)}</b></span>"
            self.next_label.setText(line if nxt.overdue else html.escape(line))
        self.details.setHtml(self._details_html(status, measures, due))
        allowed = set(status.allowed)
        self.propose_button.setEnabled(mon.PROPOSED in allowed)
        self.eliminate_button.setEnabled(mon.ELIM_PROPOSED in allowed and status.eligible_for_elimination)
        self.eliminate_button.setToolTip("" if status.eligible_for_elimination else "\n".join(status.failing_text))
        self.revert_button.setEnabled(mon.REVERTED in allowed)
        village = [s for s in allowed if s not in (mon.PROPOSED, mon.ELIM_PROPOSED, mon.REVERTED, mon.REJECTED)]
        self.step_button.setVisible(bool(village))
        self.step_button.setEnabled(bool(village))
        if village:
            self.step_button.setText(self.tr("Record: %1…").replace("%1", mon.label(mon.STEP_LABELS, village[0], lang)))
            self.step_button.setProperty("step", village[0])
        self.measure_button.setEnabled(True)

    def _role(self, role: str) -> str:
        return {"village": self.tr("village"), "township": self.tr("township"), "county": self.tr("county")}.get(role, role)

    def _details_html(self, status: Any, measures: list[dict[str, Any]], due: list[Any]) -> str:
        esc, lang, lc = html.escape, self.lang, status.lifecycle
        t_holds = self.tr("Every risk-elimination condition holds.")
        t_not_yet = self.tr("Risk elimination cannot be proposed yet:")
        t_warnings = self.tr("Plan (一户一策) warnings:")
        t_measures = self.tr("Plan measures")
        t_due = self.tr("Look-back (回头看) due:")
        t_by = self.tr("by %1")
        t_steps = self.tr("Steps taken")
        out = []
        if lc.state == mon.MONITORING:
            if status.eligible_for_elimination:
                out.append(f"<p><b>{esc(t_holds)}</b></p>")
            else:
                out.append(f"<p><b>{esc(t_not_yet)}</b></p><ul>")
                out += [f"<li>{esc(t)}</li>" for t in status.failing_text]
                out.append("</ul>")
        if status.warnings:
            out.append(f"<p><b>{esc(t_warnings)}</b></p><ul>")
            out += [f"<li style='color:#b00020'>{esc(w.text(lang))}</li>" for w in status.warnings]
            out.append("</ul>")
        if measures:
            out.append(f"<p><b>{esc(t_measures)}</b></p><ul>")
            for m in measures:
                span = f"{m.get('start_date') or ''} – {m.get('end_date') or ''}"
                who = m.get("responsible") or ""
                out.append(f"<li>{esc(label('measure', m['category'], lang))} · {esc(m.get('description') or '')} · "
                           f"{esc(span)} · {esc(who)} · {esc(self._measure_status(m.get('status') or ''))}</li>")
            out.append("</ul>")
        pending = [d for d in due if not d.completed]
        if pending:
            out.append(f"<p><b>{esc(t_due)}</b></p><ul>")
            for d in pending:
                c = d.campaign
                sections = "、".join(c.sections) if c.sections else ""
                out.append(f"<li>{esc(c.name)} · {esc(t_by.replace('%1', c.deadline.isoformat() if c.deadline else ''))}"
                           + (f" · {esc(sections)}" if sections else "") + "</li>")
            out.append("</ul>")
        if lc.history:
            out.append(f"<p><b>{esc(t_steps)}</b></p><ul>")
            for s in reversed(lc.history):
                out.append(f"<li>{esc(s.at.isoformat())} {esc(mon.label(mon.STEP_LABELS, s.step, lang))} · "
                           f"{esc(s.actor)} ({esc(self._role(s.role))}){' · ' + esc(s.note) if s.note else ''}</li>")
            out.append("</ul>")
        return "".join(out)

    def _measure_status(self, status: str) -> str:
        return {"planned": self.tr("planned"), "active": self.tr("running"), "done": self.tr("done"),
                "cancelled": self.tr("cancelled")}.get(status, status)

    # ----- actions ----------------------------------------------------------------------
    def _act(self, fn: Any) -> None:
        try:
            self.session.call(fn)
        except FieldappError as exc:
            show_error(self, exc)
            return
        self.session.notify(self.hid or "")
        self.reload()

    def propose(self) -> None:
        hid = self.hid
        suggested = getattr(self, "suggested", "none")
        dlg = StepDialog(self.tr("Propose for monitoring"), self.lang, with_type=suggested, parent=self)
        if hid is None or dlg.exec() != QDialog.DialogCode.Accepted:
            return
        at, note, kind = dlg.values()
        self._act(lambda a: a.propose_monitoring(hid, kind or "marginal", note=note, at=at))

    def propose_elimination(self) -> None:
        hid = self.hid
        dlg = StepDialog(self.tr("Propose risk elimination"), self.lang, parent=self)
        if hid is None or dlg.exec() != QDialog.DialogCode.Accepted:
            return
        at, note, _ = dlg.values()
        self._act(lambda a: a.propose_elimination(hid, note=note, at=at))

    def revert(self) -> None:
        hid = self.hid
        dlg = StepDialog(self.tr("New risk: back to monitoring"), self.lang, note_required=True, parent=self)
        if hid is None or dlg.exec() != QDialog.DialogCode.Accepted:
            return
        at, note, _ = dlg.values()
        self._act(lambda a: a.revert_to_monitoring(hid, note, at=at))

    def village_step(self) -> None:
        hid, step = self.hid, str(self.step_button.property("step") or "")
        dlg = StepDialog(mon.label(mon.STEP_LABELS, step, self.lang), self.lang, parent=self)
        if hid is None or not step or dlg.exec() != QDialog.DialogCode.Accepted:
            return
        at, note, _ = dlg.values()
        self._act(lambda a: a.take_step(hid, step, at=at, note=note))

    def add_measure(self) -> None:
        hid = self.hid
        dlg = PlanMeasureDialog(self.lang, self)
        if hid is None or dlg.exec() != QDialog.DialogCode.Accepted:
            return
        category, description, start, end, responsible = dlg.plan_values()
        self._act(lambda a: a.add_measure(hid, category, description, start_date=start, end_date=end,
                                          responsible=responsible))
