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
    answers.setdefault("visit", {}).setdefault("type", "home")
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


def test_dashboard_steps_counts_and_export(county: Any, linked: tuple[Any, Link, str]) -> None:
    import io
    import re

    from openpyxl import load_workbook
    from test_dashboard_unit import ADMIN_PW, Web

    from sync.server.accounts import create_account

    app, link, hid = linked
    other = app.add_household(household_input(members=[{"name": "李四", "id_number": "110105194912310038",
                                                        "relation": "head"}], phone="13800000002"))
    vid = visit(app, hid, months_ago(8), income=3000)
    photo = app.add_attachment(hid, b"\xff\xd8 photo of the household", visit_id=vid)
    app.propose_monitoring(hid, "unstable", at=months_ago(8).isoformat())
    app.propose_monitoring(other, "marginal")
    assert app.monitor_steps(hid)[0].evidence_visit == vid
    assert app.monitor_steps(hid)[0].evidence_attachments == (photo,)
    assert app.monitor_steps(other)[0].evidence_visit is None
    link.push()
    create_account(county.engine, "370303", "admin", ADMIN_PW, "county")
    create_account(county.engine, "370303", "town", ADMIN_PW, "township", "370303102")
    create_account(county.engine, "370303", "far", ADMIN_PW, "township", "370303999")
    town = Web(county)
    csrf = town.login("town")
    page = town.client.get(f"/dashboard/monitoring/household/{other}").text
    assert [m for m in re.findall(r'data-testid="step-form" data-step="([a-z_]+)"', page)] == ["verified", "rejected"]
    r = town.client.post(f"/dashboard/monitoring/household/{other}/step",
                         data={"csrf": csrf, "step": "verified", "note": "入户核实属实"})
    assert r.status_code == 303
    r = town.client.post(f"/dashboard/monitoring/household/{other}/step",
                         data={"csrf": csrf, "step": "data_compared", "note": ""})
    assert r.status_code == 422 and "县" in r.text  # the county compares the data
    far = Web(county)
    far.login("far")
    assert far.client.get(f"/dashboard/monitoring/household/{other}").status_code == 403

    admin = Web(county)
    csrf = admin.login("admin")
    lifecycle.approve(county, hid, at=months_ago(7).isoformat(), actor="admin")
    doc = admin.client.get("/dashboard/api/monitoring/counts").json()
    assert doc["by_group"] == {"in_identification": 1, "monitoring": 1, "in_elimination": 0, "eliminated": 0}
    assert doc["by_type"] == {"unstable": 1} and doc["steps_due"] == 1
    # income 3000 against 38000 last year: a shock as well (CLI.md "shock")
    assert doc["held_back"] == {"income_below_line": 1, "indicator_not_met": 1, "rigid_spending": 1,
                                "no_developmental_measure": 1}
    assert [u["code"] for u in doc["units"]] == ["370303102"]
    page = admin.client.get("/dashboard/monitoring").text
    assert 'data-condition="income_below_line"' in page and "观察期内有走访人均纯收入低于监测线" in page
    page = admin.client.get(f"/dashboard/monitoring/household/{hid}").text
    assert re.search(r'data-testid="evidence">走访 [0-9-]+ [0-9:]+ · 1 张照片/签名<', page), page
    assert f'href="/dashboard/monitoring/household/{hid}" data-testid="monitoring-link"' in \
        admin.client.get(f"/dashboard/household/{hid}").text
    api = admin.client.get(f"/dashboard/api/monitoring/household/{hid}").json()
    assert api["steps"][0]["evidence"] == {"visit_id": vid, "attachments": [photo]}
    assert (api["state"], api["since"]) == ("monitoring", months_ago(7).isoformat())

    xlsx = admin.client.get("/dashboard/monitoring.xlsx?scope=370303")
    assert xlsx.status_code == 200
    wb = load_workbook(io.BytesIO(xlsx.content))
    counts_sheet = wb.worksheets[1]
    header = [c.value for c in counts_sheet[1]]
    total = [c.value for c in counts_sheet[counts_sheet.max_row]]
    assert total[header.index("监测帮扶中")] == 1 and total[header.index("识别中")] == 1
    assert total[header.index("逾期环节")] == doc["steps_overdue"]
    assert total[header.index("监测帮扶中: 一般农户")] == doc["by_household_type"]["ordinary"] == 1
    assert 'data-testid="ht-ordinary">1<' in admin.client.get("/dashboard/monitoring").text
    households = {r[0].value: [c.value for c in r] for r in wb.worksheets[2].iter_rows(min_row=2)}
    assert set(households) == {hid, other}

    # The laptop receives the township's and the county's steps.
    link.pull()
    assert app.monitor_status(other).lifecycle.state == "verified"
    assert app.monitor_status(hid).lifecycle.state == mon.MONITORING


def test_campaign_defined_on_the_dashboard_due_on_two_laptops_completed_by_a_lookback_visit(
        county: Any, tmp_path: Path) -> None:
    import re

    from test_dashboard_unit import ADMIN_PW, Web

    from sync.server.accounts import create_account

    a = enrolled_laptop(county, tmp_path / "a", village="370303102201", actor="甲书记")
    b = enrolled_laptop(county, tmp_path / "b", village="370303103201", actor="乙书记")
    ha = a.add_household(household_input())
    hb = b.add_household(household_input(village_code="370303103201", members=[
        {"name": "李四", "id_number": "110105194912310038", "relation": "head"}]))
    hb2 = b.add_household(household_input(village_code="370303103201", household_type="tuopin_general", members=[
        {"name": "王五", "id_number": "11010519491231010X", "relation": "head"}]))
    la, lb = Link(county, a), Link(county, b)
    la.push()
    lb.push()
    create_account(county.engine, "370303", "admin", ADMIN_PW, "county")
    create_account(county.engine, "370303", "town", ADMIN_PW, "township", "370303102")
    web = Web(county)
    csrf = web.login("admin")
    bad = web.client.post("/dashboard/campaigns", data={"csrf": csrf, "name": "春节前回头看", "deadline": "",
                                                         "villages": ["370303102201"]})
    assert bad.status_code == 422 and "截止日期" in bad.text
    deadline = (date.today() + timedelta(days=20)).isoformat()
    r = web.client.post("/dashboard/campaigns", data={
        "csrf": csrf, "name": "春节前回头看", "deadline": deadline, "villages": ["370303102201", "370303103201"],
        "household_types": ["ordinary"], "sections": ["income", "housing"]})
    assert r.status_code == 303
    cid = r.headers["location"].rsplit("/", 1)[1]
    town = Web(county)
    town_csrf = town.login("town")
    assert town.client.post("/dashboard/campaigns", data={"csrf": town_csrf, "name": "x", "deadline": deadline}
                            ).status_code == 403

    # Both laptops receive it: the ordinary households in scope are due, the tuopin one is not.
    la.pull()
    lb.pull()
    assert [c.name for c in a.campaigns()] == ["春节前回头看"] and b.campaigns()[0].sections == ("housing", "income")
    rows_b = {r["id"]: r["campaigns_due"] for r in b.household_rows()}
    assert rows_b == {hb: ["春节前回头看"], hb2: []}
    assert [r["campaigns_due"] for r in a.household_rows()] == [["春节前回头看"]]

    # A look-back visit on laptop A completes its household.
    visit(a, ha, date.today(), visit={"type": "lookback", "people_met": "户主", "policy_explained": True})
    assert [r["campaigns_due"] for r in a.household_rows()] == [[]]
    assert [d.completed for d in a.campaigns_due(ha)] == [True]
    la.push()
    doc = web.client.get("/dashboard/api/campaigns").json()[0]
    assert (doc["in_scope"], doc["completed"]) == (2, 1)
    assert {t["code"]: (t["in_scope"], t["completed"]) for t in doc["townships"]} == {"370303102": (1, 1),
                                                                                      "370303103": (1, 0)}
    page = web.client.get(f"/dashboard/campaigns/{cid}").text
    assert re.search(r'data-testid="total-completed">1<', page)
    assert f'data-household="{ha}" data-done="1"' in page and f'data-household="{hb}" data-done="0"' in page
    # The township account sees only its township's progress.
    doc = town.client.get("/dashboard/api/campaigns").json()[0]
    assert (doc["in_scope"], doc["completed"], [t["code"] for t in doc["townships"]]) == (1, 1, ["370303102"])


def test_plan_measures_with_responsible_dates_and_status(county: Any, linked: tuple[Any, Link, str]) -> None:
    from fieldapp.errors import InputRefused

    app, link, hid = linked
    visit(app, hid, months_ago(8), income=3000)
    app.propose_monitoring(hid, "unstable", at=months_ago(8).isoformat())
    link.push()
    lifecycle.approve(county, hid, at=months_ago(7).isoformat(), actor="county")
    link.pull()
    assert [w.code for w in app.monitor_status(hid).warnings] == ["no_measure", "no_developmental_measure"]
    health = app.add_measure(hid, "M_HEALTH", "家庭医生签约", responsible="村医王芳", start_date=months_ago(6).isoformat(),
                             end_date=months_ago(-6).isoformat())
    assert [w.code for w in app.monitor_status(hid).warnings] == ["no_developmental_measure"]
    job = app.add_measure(hid, "M_PUBLIC_JOB", "护林员", responsible="乡林业站", status="planned")
    assert app.monitor_status(hid).warnings == ()
    app.set_measure_status(job, "cancelled")
    assert [w.code for w in app.monitor_status(hid).warnings] == ["no_developmental_measure"]
    got = {m["id"]: (m["category"], m["responsible"], m["status"]) for m in app.measures(hid)}
    assert got == {health: ("M_HEALTH", "村医王芳", "active"), job: ("M_PUBLIC_JOB", "乡林业站", "cancelled")}
    with pytest.raises(InputRefused):
        app.add_measure(hid, "M_HEALTH", start_date="2026-05-01", end_date="2026-04-01")
    with pytest.raises(InputRefused):
        app.set_measure_status(job, "finished")
    # The county sees the cancelled job as no developmental measure either.
    link.push()
    with county.engine.connect() as conn:
        row = lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today(), hids=[hid])[0]
    assert "no_developmental_measure" in row.failing


def test_campaign_and_county_steps_reach_a_laptop_by_downlink_bundle(county: Any, linked: tuple[Any, Link, str]) -> None:
    from sync import device as dv
    from sync.server import campaigns as cs

    app, link, hid = linked
    app.propose_monitoring(hid, "sudden", note="火灾")
    link.push()
    lifecycle.approve(county, hid, at=None, actor="county")
    cid = cs.define(county, name="汛期回头看", deadline=(date.today() + timedelta(days=10)).isoformat(),
                    states=["monitoring"], actor="admin")
    res = dv.import_downlink(app, county.downlink(app.store.device_id))
    assert res["status"] == "imported"
    assert [c.id for c in app.campaigns()] == [cid]
    assert app.monitor_status(hid).lifecycle.state == mon.MONITORING
    assert [r["campaigns_due"] for r in app.household_rows()] == [["汛期回头看"]]


def test_admin_monitor_commands_against_a_running_server(server: Any, tmp_path: Path) -> None:
    import json

    home = tmp_path / "cli-lap"

    def lap(*args: str) -> Any:
        out = run_cli(*args, "--json", home=home)
        assert out.returncode == 0, (args, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else None

    lap("init", "--county", "370303")
    lap("enroll", "--server", server.url, "--code", server.admin("enroll-code", "--village", "370303102201",
                                                                  "--cadre", "张书记"))
    f = tmp_path / "hh.json"
    f.write_text(json.dumps(household_input(), ensure_ascii=False), encoding="utf-8")
    hid = lap("household", "add", "--json-file", str(f))["id"]
    lap("monitor", "propose", hid, "--type", "marginal", "--at", months_ago(1).isoformat())
    due = lap("monitor", "due")
    assert [(d["household_id"], d["state"], d["next_step"]["step"], d["next_step"]["overdue"]) for d in due] == [
        (hid, "proposed", "verified", True)]
    lap("sync")
    at = months_ago(1).isoformat()
    doc = json.loads(server.admin("monitor", "approve", hid, "--at", at, "--actor", "县乡村振兴局", "--json"))
    assert doc["state"] == "monitoring" and len(doc["steps"]) == 6
    shown = json.loads(server.admin("monitor", "show", hid, "--json"))
    assert (shown["state"], shown["type"], shown["since"]) == ("monitoring", "marginal", at)
    counts = json.loads(server.admin("monitor", "counts", "--json"))
    assert counts["by_state"] == {"monitoring": 1} and counts["units"][0]["code"] == "370303102"
    lap("sync")
    doc = lap("monitor", "show", hid)
    assert (doc["state"], doc["since"]) == ("monitoring", at)
    assert [s["actor"] for s in doc["steps"]][-1] == "县乡村振兴局"
    assert [(d["state"], d["next_step"]) for d in lap("monitor", "due")] == [("monitoring", None)]


def test_steps_replay_in_causal_order_when_the_laptop_clock_runs_ahead(county: Any,
                                                                       linked: tuple[Any, Link, str]) -> None:
    import time as _time

    app, link, hid = linked
    ahead = 40 * 60 * 1000  # the laptop's clock is 40 minutes fast (within what the server accepts)
    app.store.clock.now = lambda: _time.time_ns() // 1_000_000 + ahead
    app.propose_monitoring(hid, "marginal")
    link.push()
    lifecycle.approve(county, hid, at=None, actor="county")  # server time: "before" the proposal's clock
    with county.engine.connect() as conn:
        assert lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today(), hids=[hid])[0] \
            .lifecycle.state == mon.MONITORING
    link.pull()
    lc = app.monitor_status(hid).lifecycle
    assert lc.state == mon.MONITORING and lc.ignored == ()


def test_a_laptop_cannot_take_the_countys_steps_by_claiming_its_role(county: Any,
                                                                      linked: tuple[Any, Link, str]) -> None:
    from fieldapp.ids import uuid7

    app, link, hid = linked
    app.propose_monitoring(hid, "marginal")
    for step in [r.step for r in app.policy.lifecycle.identification]:
        forged = {"household_id": hid, "step": step, "at": date.today().isoformat(), "actor": "冒充", "role": "county",
                  "note": ""}
        app._write(lambda f=forged: app.ops.fact("monitor_step", uuid7(), f, "冒充"))
    lc = app.monitor_status(hid).lifecycle
    assert lc.state == mon.PROPOSED and len(lc.ignored) == len(app.policy.lifecycle.identification)
    link.push()
    with county.engine.connect() as conn:
        row = lifecycle.lifecycles(conn, lifecycle.county_policy(county), date.today(), hids=[hid])[0]
    assert row.lifecycle.state == mon.PROPOSED
