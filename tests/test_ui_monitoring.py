"""The household page's monitoring tab on a real store: state, failing conditions in words, the
village's steps (propose with the suggested type, a new risk needs a reason) and the plan."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import PASS, full_visit_input, household_input
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from fieldapp import monitoring as mon
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from ui.errors import set_language
from ui.monitoring_panel import MonitoringPanel, PlanMeasureDialog, StepDialog
from ui.session import Session


@pytest.fixture
def panel(qtbot, tmp_path):
    set_language("en")
    session = Session(tmp_path / "home", "en", QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    app = Fieldapp(Store.create(tmp_path / "home", PASS, county="370303"), actor="张书记")
    session.attach(app)
    p = MonitoringPanel(session)
    qtbot.addWidget(p)
    yield p, app
    session.lock_now()


def test_monitoring_tab_proposes_with_the_suggested_type(panel, monkeypatch):
    p, app = panel
    hid = app.add_household(household_input())
    inp = full_visit_input(income={"net_income_yuan": 3000, "household_size": 1})
    answers = app.answers_from_assessment(hid, inp)
    answers.setdefault("visit", {})["type"] = "home"
    app.record_visit(hid, answers, validate=False)
    p.show_household(hid)
    assert p.state_label.text().startswith(mon.state_label(mon.NONE, "en"))
    assert p.propose_button.isEnabled() and not p.eliminate_button.isEnabled() and not p.revert_button.isEnabled()

    chosen = {}

    def fake_exec(dlg):
        chosen["type"] = dlg.type_box.currentData() if dlg.type_box is not None else None
        dlg.note.setText("收入低于监测线")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(StepDialog, "exec", fake_exec)
    p.propose()
    assert chosen["type"] == "unstable"  # the verdict engine's suggestion is preselected
    st = app.monitor_status(hid)
    assert (st.lifecycle.state, st.lifecycle.type) == (mon.PROPOSED, "unstable")
    assert mon.state_label(mon.PROPOSED, "en") in p.state_label.text()
    assert "township" in p.next_label.text() and not p.propose_button.isEnabled()
    assert "Proposed for monitoring" in p.details.toPlainText()


def test_reason_required_for_a_new_risk_and_plan_measure(panel, monkeypatch, qtbot):
    p, _app = panel
    dlg = StepDialog("x", "en", note_required=True)
    qtbot.addWidget(dlg)
    ok = dlg.buttons.button(dlg.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    dlg.note.setText("突发重病")
    assert ok.isEnabled()
    m = PlanMeasureDialog("en")
    qtbot.addWidget(m)
    m.responsible.setText("村医王芳")
    category, _desc, start, end, who = m.plan_values()
    assert category and start == date.today().isoformat() and end > start and who == "村医王芳"
