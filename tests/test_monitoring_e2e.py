"""The monitoring lifecycle end to end: a laptop driven by the ``fieldapp`` command, a real
``fieldapp serve`` (uvicorn) on 127.0.0.1, and the county dashboard in Debian's Chromium
(Playwright). One household goes from the verdict engine's suggestion to risk elimination and
back to monitoring, with visits dated over 7 months (``visit add --at``); then a 回头看 campaign
defined on the dashboard is due on two laptops and completed by a visit on one."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import full_visit_input, household_input, run_cli
from servers import FIELDAPP, CountyServer
from test_dashboard_browser import ARGS, CHROMIUM
from test_dashboard_unit import ADMIN_PW

from fieldapp import monitoring as mon

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is missing (apt-get install chromium)")


def months_ago(n: int) -> date:
    return mon.add_months(date.today(), -n)


class Laptop:
    """One laptop, driven only through the ``fieldapp`` command."""

    def __init__(self, home: Path, tmp: Path) -> None:
        self.home, self.tmp = home, tmp

    def run(self, *args: str) -> Any:
        out = run_cli(*args, "--json", home=self.home)
        assert out.returncode == 0, (args, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def refused(self, *args: str) -> str:
        out = run_cli(*args, home=self.home)
        assert out.returncode == 1, (args, out.stdout)
        return out.stderr

    def file(self, name: str, doc: Any) -> str:
        path = self.tmp / f"{self.home.name}-{name}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return str(path)

    def visit(self, hid: str, on: date, income: int, **over: Any) -> dict[str, Any]:
        doc = full_visit_input(income={"net_income_yuan": income, "household_size": 1, "rigid_spending_yuan": 0,
                                       "last_year_net_income_yuan": 38000}, **over)
        return dict(self.run("visit", "add", hid, "--json-file", self.file("visit", doc), "--at", on.isoformat()))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("playwright")
    root = tmp_path_factory.mktemp("mon-e2e")
    server = CountyServer(root / "county")
    server.start()
    env = os.environ | {"FIELDAPP_ADMIN_PASSWORD": ADMIN_PW}
    out = subprocess.run([FIELDAPP, "admin", "--data", str(server.data), "--db", server.db, "create-account",
                          "--user", "admin", "--role", "county"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    yield server, root
    server.stop()


@pytest.fixture(scope="module")
def page(county: Any) -> Any:
    from playwright.sync_api import sync_playwright

    server, _root = county
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = b.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
        pg = ctx.new_page()
        pg.goto(server.url + "/dashboard/login")
        pg.fill("input[name=username]", "admin")
        pg.fill("input[name=password]", ADMIN_PW)
        pg.click("main button[type=submit]")
        pg.wait_for_selector("[data-testid=whoami]")
        yield pg
        b.close()


def enrolled(server: CountyServer, root: Path, name: str, village: str) -> Laptop:
    lap = Laptop(root / name, root)
    lap.run("init", "--county", "370303")
    code = server.admin("enroll-code", "--village", village, "--cadre", name)
    lap.run("enroll", "--server", server.url, "--code", code)
    return lap


def take(page: Any, url: str, hid: str, step: str, at: date, note: str = "", mode: str | None = None) -> None:
    page.goto(f"{url}/dashboard/monitoring/household/{hid}")
    form = page.locator(f"form[data-step={step}]")
    form.locator("input[name=at]").fill(at.isoformat())
    form.locator("input[name=note]").fill(note)
    if mode:
        form.locator("select[name=mode]").select_option(mode)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/dashboard/monitoring/household/{hid}")


def test_suggestion_to_elimination_and_back_through_server_and_dashboard(county: Any, page: Any) -> None:
    server, root = county
    url = server.url
    lap = enrolled(server, root, "lap-a", "370303102201")
    hid = lap.run("household", "add", "--json-file", lap.file("hh", household_input()))["id"]
    start = months_ago(7) - timedelta(days=5)

    # 1. A visit finds income below the line; the engine suggests monitoring; the laptop proposes it.
    verdict = lap.visit(hid, start - timedelta(days=3), income=3000)["verdict"]
    assert verdict["suggested_monitoring"] == "unstable"
    lap.run("monitor", "propose", hid, "--type", verdict["suggested_monitoring"], "--note", "收入低于监测线",
            "--at", (start - timedelta(days=2)).isoformat())
    lap.run("sync")

    # 2. The dashboard shows it as a step due (overdue: proposed months ago); the county takes the steps.
    page.goto(url + "/dashboard/monitoring")
    row = page.locator(f"[data-testid=monitoring-due] tr[data-household='{hid}']")
    assert row.get_attribute("data-overdue") == "1"
    for rule in server_steps("identification"):
        take(page, url, hid, rule, start, note="县级审核")
    assert page.get_by_test_id("lc-state").get_attribute("data-state") == "monitoring"

    # 3. The laptop gets the decision with its next sync; visits over 7 months; a developmental measure.
    lap.run("sync")
    doc = lap.run("monitor", "show", hid)
    assert (doc["state"], doc["type"], doc["since"]) == ("monitoring", "unstable", start.isoformat())
    for n in range(7, 0, -1):
        lap.visit(hid, months_ago(n) + timedelta(days=2), income=40000)
    lap.visit(hid, date.today(), income=41000)
    doc = lap.run("monitor", "show", hid)
    assert doc["failing"] == ["no_developmental_measure"] and not doc["eligible_for_elimination"]
    assert "开发式" in lap.refused("monitor", "eliminate", hid) or "developmental" in lap.refused("monitor", "eliminate", hid)
    lap.run("monitor", "measure", hid, "--category", "M_INDUSTRY", "--responsible", "乡农技站",
            "--start", months_ago(2).isoformat())
    doc = lap.run("monitor", "show", hid)
    assert doc["eligible_for_elimination"] and doc["failing"] == []
    lap.run("monitor", "eliminate", hid, "--note", "收入稳定，产业帮扶到位")
    lap.run("sync")

    # 4. The dashboard lists it, the county takes the elimination steps.
    page.goto(url + "/dashboard/monitoring")
    assert page.locator(f"[data-testid=monitoring-due] tr[data-household='{hid}']").count() == 1
    for rule in server_steps("elimination"):
        take(page, url, hid, rule, date.today(), note="核实属实", mode="assisted" if rule == mon.ELIM_APPROVED else None)
    assert page.get_by_test_id("lc-state").get_attribute("data-state") == "eliminated"
    counts = page.request.get(url + "/dashboard/api/monitoring/counts").json()
    assert counts["by_group"]["eliminated"] == 1

    # 5. The laptop: eliminated, in the 渐退期 with its reduced schedule.
    lap.run("sync")
    doc = lap.run("monitor", "show", hid)
    assert doc["state"] == "eliminated" and doc["in_phase_out"]
    assert doc["phase_out_until"] == mon.add_months(date.today(), 6).isoformat()

    # 6. A new risk: back to monitoring, and the dashboard sees it with a new observation period.
    lap.visit(hid, date.today(), income=2500)
    lap.run("monitor", "revert", hid, "--note", "户主突发重病，收入下降")
    lap.run("sync")
    page.goto(f"{url}/dashboard/monitoring/household/{hid}")
    assert page.get_by_test_id("lc-state").get_attribute("data-state") == "monitoring"
    failing = page.locator("[data-testid=lc-failing] [data-condition]").evaluate_all(
        "els => els.map(e => e.dataset.condition)")
    assert failing[:2] == ["observation_period", "income_below_line"]
    doc = lap.run("monitor", "show", hid)
    assert doc["state"] == "monitoring" and doc["since"] == date.today().isoformat()


def server_steps(phase: str) -> list[str]:
    from fieldapp.policy import load_policy

    return [r.step for r in load_policy("37").lifecycle.rules_for(phase)]


def test_campaign_due_on_two_laptops_completed_on_one(county: Any, page: Any) -> None:
    server, root = county
    url = server.url
    a = enrolled(server, root, "camp-a", "370303104201")
    b = enrolled(server, root, "camp-b", "370303105201")
    ha = a.run("household", "add", "--json-file", a.file("hh", household_input(village_code="370303104201")))["id"]
    hb = b.run("household", "add", "--json-file", b.file("hh", household_input(
        village_code="370303105201", members=[{"name": "李四", "id_number": "110105194912310038", "relation": "head"}])))["id"]
    a.run("sync")
    b.run("sync")
    page.goto(url + "/dashboard/campaigns")
    form = page.get_by_test_id("campaign-form")
    form.locator("input[name=name]").fill("春节前回头看")
    form.locator("input[name=deadline]").fill((date.today() + timedelta(days=30)).isoformat())
    for v in ("370303104201", "370303105201"):
        form.locator(f"input[name=villages][value='{v}']").check()
    form.locator("input[name=sections][value=income]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=campaign-name]")
    assert page.get_by_test_id("total-in-scope").inner_text() == "2"
    assert page.get_by_test_id("total-completed").inner_text() == "0"
    cid = page.url.rsplit("/", 1)[1]

    for lap, hid in ((a, ha), (b, hb)):
        lap.run("sync")
        rows = lap.run("household", "list")
        assert [r["campaigns_due"] for r in rows if r["id"] == hid] == [["春节前回头看"]]
    a.visit(ha, date.today(), income=40000, visit={"type": "lookback", "people_met": "户主", "policy_explained": True})
    assert [r["campaigns_due"] for r in a.run("household", "list")] == [[]]
    a.run("sync")
    page.goto(f"{url}/dashboard/campaigns/{cid}")
    assert page.get_by_test_id("total-completed").inner_text() == "1"
    towns = page.locator("[data-testid=progress-townships] tr[data-unit]")
    got = {towns.nth(i).get_attribute("data-unit"): towns.nth(i).get_by_test_id("p-completed").inner_text()
           for i in range(towns.count())}
    assert got == {"370303104": "1", "370303105": "0"}
    assert page.locator(f"[data-household='{ha}'][data-done='1']").count() == 1
    assert page.locator(f"[data-household='{hb}'][data-done='0']").count() == 1
