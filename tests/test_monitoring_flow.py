"""The monitoring lifecycle through a laptop and the county (in process): the laptop proposes
and records visits, the county's steps arrive as county ops, elimination is held back until
every condition holds, and a new risk brings the household back to monitoring."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import full_visit_input, household_input, run_cli
from servers import enrolled_laptop

from fieldapp import monitoring as mon
from fieldapp.errors import InvalidTransition
from fieldapp.merge import Op
from fieldapp.oplog import outbox
from sync.device import ack, apply_remote
from sync.server import lifecycle


class Link:
    """Push a laptop's outbox to the in-process county and pull what the county has for it."""

    def __init__(self, county: Any, app: Any) -> None:
        self.county, self.app, self.cursor = county, app, 0

    def push(self) -> None:
        res = self.county.push(self.app.store.device_id, outbox(self.app.store))
        with self.app.store.tx():
            ack(self.app.store, int(res["acked_seq"]))

    def pull(self) -> int:
        doc = self.county.pull(self.app.store.device_id, self.cursor, 100_000)
        self.cursor = doc["cursor"]
        with self.app.store.tx():
            counts = apply_remote(self.app, [Op.from_json(o) for o in doc["ops"]])
        return int(counts["applied"])


def months_ago(n: int, today: date | None = None) -> date:
    return mon.add_months(today or date.today(), -n)


def visit(app: Any, hid: str, on: date, income: int = 40000, **over: Any) -> str:
    answers = app.answers_from_assessment(hid, full_visit_input(
        income={"net_income_yuan": income, "household_size": 1, "rigid_spending_yuan": 0,
                "last_year_net_income_yuan": 38000}, **over))
    answers.setdefault("visit", {})["type"] = "home"
    vid, _ = app.record_visit(hid, answers, visited_at=f"{on.isoformat()}T10:00:00+08:00", validate=False)
    return str(vid)


@pytest.fixture
def linked(county: Any, tmp_path: Path) -> tuple[Any, Link, str]:
    app = enrolled_laptop(county, tmp_path / "lap")
    hid = app.add_household(household_input())
    return app, Link(county, app), hid


def test_suggestion_to_elimination_and_back(county: Any, linked: tuple[Any, Link, str]) -> None:
    app, link, hid = linked
    start = months_ago(7)
    # A visit finds income below the line: the engine suggests monitoring, the laptop proposes it.
    visit(app, hid, start - timedelta(days=3), income=3000)
    assert app.suggested_monitoring(hid) == "unstable"
    app.propose_monitoring(hid, app.suggested_monitoring(hid), note="收入低于监测线", at=(start - timedelta(days=2)).isoformat())
    st = app.monitor_status(hid)
    assert (st.lifecycle.state, st.lifecycle.type) == (mon.PROPOSED, "unstable")
    assert st.lifecycle.next_step is not None and st.lifecycle.next_step.by == "township"
    assert st.lifecycle.next_step.overdue  # proposed 7 months ago, nobody verified it
    with pytest.raises(InvalidTransition):  # the laptop cannot take the township's step
        app.take_step(hid, "verified")
    link.push()

    # The county approves as of a date (the checks recorded as done by it); the laptop pulls it.
    lifecycle.approve(county, hid, at=start.isoformat(), actor="县乡村振兴局")
    assert link.pull() > 0
    st = app.monitor_status(hid)
    assert (st.lifecycle.state, st.lifecycle.type, st.lifecycle.since) == (mon.MONITORING, "unstable", start)
    assert app.household_record(hid)["monitoring_type"] == "unstable"
    # Income fell from 38000 to 3000: a shock too (CLI.md "shock": a drop of more than 30 %).
    assert st.failing == ("income_below_line", "indicator_not_met", "rigid_spending", "no_developmental_measure")

    # Monthly visits with income above the line, and a developmental measure in the plan.
    for n in range(6, -1, -1):
        visit(app, hid, months_ago(n) - timedelta(days=1) if n else date.today())
    st = app.monitor_status(hid)
    assert st.failing == ("no_developmental_measure",)
    assert [w.code for w in st.warnings] == ["no_measure", "no_developmental_measure"]
    app.add_measure(hid, "M_INDUSTRY", "养殖补贴", start_date=months_ago(1).isoformat())
    st = app.monitor_status(hid)
    assert st.failing == () and st.eligible_for_elimination and st.warnings == ()

    # The laptop proposes elimination; the county's checks and decision come back.
    app.propose_elimination(hid, note="收入稳定，产业帮扶到位")
    link.push()
    with county.engine.connect() as conn:
        row = lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today(), hids=[hid])[0]
    assert row.lifecycle.state == mon.ELIM_PROPOSED
    names = [r.step for r in app.policy.lifecycle.elimination]
    lifecycle.take_steps(county, hid, names, at=date.today().isoformat(), actor="县乡村振兴局", mode="assisted")
    link.pull()
    st = app.monitor_status(hid)
    assert st.lifecycle.state == mon.ELIMINATED and st.lifecycle.in_phase_out
    assert st.lifecycle.phase_out_until == mon.add_months(date.today(), app.policy.lifecycle.phase_out_months)
    assert app.household_record(hid)["elimination"]["eliminated"] is True
    row = next(r for r in app.household_rows() if r["id"] == hid)
    assert row["next_visit_due"] == (date.today() + timedelta(days=app.policy.lifecycle.phase_out_visit_days)).isoformat()

    # A new risk: back to monitoring, a new observation period.
    visit(app, hid, date.today(), income=2000)
    app.revert_to_monitoring(hid, note="家庭成员突发重病，收入下降")
    link.push()
    with county.engine.connect() as conn:
        row = lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today(), hids=[hid])[0]
    assert row.lifecycle.state == mon.MONITORING and row.lifecycle.monitoring_since == date.today()
    assert "observation_period" in row.failing and "income_below_line" in row.failing
    st = app.monitor_status(hid)
    assert st.lifecycle.state == mon.MONITORING and st.failing[0] == "observation_period"


def test_elimination_is_refused_with_the_failing_conditions(county: Any, linked: tuple[Any, Link, str]) -> None:
    app, link, hid = linked
    app.propose_monitoring(hid, "marginal")
    link.push()
    lifecycle.approve(county, hid, at=months_ago(2).isoformat(), actor="county")
    link.pull()
    visit(app, hid, date.today(), income=3000)
    with pytest.raises(InvalidTransition) as exc:
        app.propose_elimination(hid)
    assert exc.value.code == "elimination_conditions"
    assert "less than 6 months" in exc.value.en and "监测时间不足6个月" in exc.value.zh
    assert app.monitor_status(hid).lifecycle.state == mon.MONITORING


def test_county_refuses_a_step_the_state_does_not_allow(county: Any, linked: tuple[Any, Link, str]) -> None:
    app, link, hid = linked
    link.push()
    from fieldapp.errors import InputRefused

    with pytest.raises(InputRefused):
        lifecycle.approve(county, hid, at=None, actor="county")
    with pytest.raises(InvalidTransition):
        lifecycle.take_steps(county, hid, [mon.ELIM_APPROVED], at=None, actor="county")
    with county.engine.connect() as conn:
        assert lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today()) == []


def test_monitor_cli(tmp_path: Path, county: Any) -> None:
    home = tmp_path / "cli-home"
    assert run_cli("init", "--county", "370303", home=home).returncode == 0
    import json

    f = tmp_path / "hh.json"
    f.write_text(json.dumps(household_input(), ensure_ascii=False), encoding="utf-8")
    hid = run_cli("household", "add", "--json-file", str(f), home=home).stdout.strip()
    out = run_cli("monitor", "show", hid, "--json", home=home)
    doc = json.loads(out.stdout)
    assert out.returncode == 0
    assert {k: doc[k] for k in ("state", "type", "since", "eligible_for_elimination", "failing")} == {
        "state": "none", "type": None, "since": None, "eligible_for_elimination": False,
        "failing": ["not_monitored", "observation_period", "indicator_not_met", "no_labour"]}
    bad = run_cli("monitor", "propose", hid, "--type", "poor", home=home)
    assert bad.returncode == 2
    out = run_cli("monitor", "propose", hid, "--type", "sudden", "--note", "突发重病", "--json", home=home)
    assert out.returncode == 0, out.stderr
    doc = json.loads(run_cli("monitor", "show", hid, "--json", home=home).stdout)
    assert (doc["state"], doc["type"], doc["since"]) == ("proposed", "sudden", date.today().isoformat())
    assert doc["next_step"]["step"] == "verified" and doc["next_step"]["by"] == "township"
    again = run_cli("monitor", "propose", hid, "--type", "sudden", home=home)
    assert again.returncode == 1 and "cannot follow" in again.stderr and "Traceback" not in again.stderr
    out = run_cli("monitor", "eliminate", hid, home=home)
    assert out.returncode == 1 and out.stderr.count("\n") == 1
