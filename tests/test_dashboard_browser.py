"""The county dashboard in a real browser: Debian's Chromium (driven by
Playwright) against a real uvicorn server on 127.0.0.1, seeded with the ops of
a real laptop store. Log in, import a roster with errors and fix it, check the
numbers against the laptop, record a spot check (its discrepancy opens a ledger problem), download an
export and open it, create and disable a township account, and keep a
township account out of other townships.

Set FIELDAPP_DASHBOARD_SHOTS=DIR to also save screenshots of the pages (zh)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_dashboard_unit import (
    ADMIN_PW,
    COUNTY,
    LAPTOP_VILLAGE,
    ROSTER_VILLAGE,
    bad_roster_rows,
    good_roster_rows,
    laptop_expected,
    push_laptop,
    roster_xlsx,
    seeded_laptop,
)

FIELDAPP = str(Path(sys.executable).parent / "fieldapp")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is missing (apt-get install chromium)")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("playwright")
    import httpx
    from pg import free_port

    from sync.server.county import County

    root = tmp_path_factory.mktemp("dash")
    store = seeded_laptop(root / "laptop", households=60, seed=7)
    expected = laptop_expected(store)
    day = store.conn.execute("SELECT substr(visited_at,1,10), count(*) FROM visit GROUP BY 1 ORDER BY 2 DESC").fetchone()[0]
    data, db = root / "county", f"sqlite:///{root / 'county.db'}"
    county = County(data, db, COUNTY)
    push_laptop(county, store)
    county.close()
    store.close()
    base = os.environ | {"FIELDAPP_ADMIN_PASSWORD": ADMIN_PW}
    for args in (["--user", "admin", "--role", "county"],
                 ["--user", "town", "--role", "township", "--township", ROSTER_VILLAGE[:9]]):
        out = subprocess.run([FIELDAPP, "admin", "--data", str(data), "--db", db, "create-account", *args],
                             capture_output=True, text=True, env=base, timeout=60)
        assert out.returncode == 0, out.stderr
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([FIELDAPP, "serve", "--data", str(data), "--db", db, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while True:
        try:
            if httpx.get(url + "/api/v1/info", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.time() < deadline, "server did not start"
        time.sleep(0.1)
    (root / "bad.xlsx").write_bytes(roster_xlsx(bad_roster_rows()))
    (root / "good.xlsx").write_bytes(roster_xlsx(good_roster_rows()))
    yield {"url": url, "root": root, "expected": expected, "day": day}
    proc.kill()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser(env: dict[str, Any]):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("FIELDAPP_DASHBOARD_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def login(browser: Any, env: dict[str, Any], user: str) -> Any:
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(env["url"] + "/dashboard/")
    assert page.url.endswith("/dashboard/login")
    shot(page, "login") if user == "admin" else None
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "wrong password!")
    page.click("button[type=submit]")
    assert page.get_by_test_id("login-error").is_visible()
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", ADMIN_PW)
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=whoami]")
    return page


def export_all(page: Any) -> Any:
    """Start the export of everything visible; it runs in the background, then its link downloads it."""
    page.click("[data-testid=export-all]")
    assert "/dashboard/exports/job/" in page.url
    page.wait_for_selector("[data-testid=export-download]", timeout=60_000)  # the page refreshes itself
    with page.expect_download() as dl:
        page.click("[data-testid=export-download]")
    return dl


def number(page: Any, testid: str) -> int:
    return int(page.get_by_test_id(testid).inner_text().strip())


def test_county_admin_flow(browser: Any, env: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    page = login(browser, env, "admin")
    exp = env["expected"]
    # County page numbers = the laptop's own data.
    assert page.url.endswith(f"/dashboard/area/{COUNTY}")
    assert number(page, "n-households") == exp["households"]
    assert number(page, "n-monitored") == exp["monitored"]
    assert number(page, "n-open-problems") == exp["open_problems"]
    assert number(page, "n-visited") == exp["visited"]
    assert number(page, "ind-food-met") == exp["food_met"]
    for mt, n in exp["by_monitoring"].items():
        assert number(page, f"mon-{mt}") == n
    assert number(page, "n-devices") == 1

    # Roster with errors: every row error listed, nothing written.
    page.click("text=花名册导入")
    page.set_input_files("[data-testid=roster-file]", str(env["root"] / "bad.xlsx"))
    page.click("[data-testid=roster-upload]")
    errors = page.locator("[data-testid=roster-errors] tr.err")
    codes = {errors.nth(i).get_attribute("data-code") for i in range(errors.count())}
    assert {"bad_id", "duplicate_id", "mixed_village"} <= codes
    assert page.locator("[data-testid=roster-confirm]").count() == 0
    shot(page, "roster-errors")
    # Fixed file: preview, confirm, imported.
    page.set_input_files("[data-testid=roster-file]", str(env["root"] / "good.xlsx"))
    page.click("[data-testid=roster-upload]")
    page.click("[data-testid=roster-confirm]")
    assert number(page, "imported-hh-new") == 3 and number(page, "imported-m-new") == 5

    page.goto(env["url"] + f"/dashboard/area/{COUNTY}")
    assert number(page, "n-households") == exp["households"] + 3
    assert page.locator("[data-testid=units] tr[data-code]").count() == 2
    page.click("[data-testid=units] th >> text=户数")  # sortable: most households first
    assert page.locator("[data-testid=units] tr[data-code]").first.get_attribute("data-code") == LAPTOP_VILLAGE[:9]
    page.click("[data-testid=units] th >> text=户数")  # and back
    assert page.locator("[data-testid=units] tr[data-code]").first.get_attribute("data-code") == ROSTER_VILLAGE[:9]
    page.goto(env["url"] + f"/dashboard/area/{COUNTY}")
    shot(page, "county")
    page.goto(env["url"] + f"/dashboard/area/{LAPTOP_VILLAGE[:9]}")
    shot(page, "township")
    page.goto(env["url"] + f"/dashboard/area/{LAPTOP_VILLAGE}")
    assert page.locator("[data-testid=households] tr").count() == exp["households"] + 1
    shot(page, "village")
    page.locator("[data-testid=households] a").first.click()
    assert page.get_by_test_id("whoami").is_visible()

    # Spot check: the day's sample, record a discrepancy, see it in the report.
    page.goto(env["url"] + f"/dashboard/spotchecks?day={env['day']}")
    assert number(page, "spot-sample") >= 1
    row = page.locator("tr[data-visit]").first
    row.locator("select[name=outcome]").select_option("discrepancy")
    row.locator("input[name=note]").fill("电话核实：本月未入户")
    row.locator("button[type=submit]").click()
    assert page.locator("tr[data-visit]").first.get_by_test_id("outcome").inner_text() == "不一致"
    assert page.locator("tr[data-visit]").first.get_by_test_id("problem-opened").inner_text() == "已登记问题台账"
    shot(page, "spot-checks")
    page.locator("tr[data-visit]").first.get_by_test_id("problem-opened").click()
    ledger = page.locator("tr[data-source=spot_check]").inner_text()
    assert "数据错误" in ledger and "抽查" in ledger and "电话核实：本月未入户" in ledger and "待整改" in ledger
    shot(page, "household")
    page.goto(env["url"] + "/dashboard/spotchecks/report")
    assert "电话核实：本月未入户" in page.inner_text("[data-testid=spot-table]")
    # The discrepancy opened a ledger problem (抽查 / 数据错误): the county page counts it.
    page.goto(env["url"] + f"/dashboard/area/{COUNTY}")
    assert number(page, "n-open-problems") == exp["open_problems"] + 1

    # Export: download and open it.
    page.goto(env["url"] + "/dashboard/exports")
    dl = export_all(page)
    path = env["root"] / "export.xlsx"
    dl.value.save_as(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "户", "成员", "最新评定", "问题", "抽查结果"]
    assert wb["说明"]["B2"].value == "admin"
    assert wb["户"].max_row - 1 == exp["households"] + 3
    assert wb["问题"].max_row - 1 >= exp["open_problems"]
    assert [c.value for c in wb["抽查结果"][2]][6] == "不一致"

    # Devices page: an enrollment code with its QR code.
    page.goto(env["url"] + "/dashboard/devices")
    page.fill("input[name=cadre]", "刘敏")
    page.select_option("select[name=village]", [ROSTER_VILLAGE])
    page.click("form[action='/dashboard/devices/enroll'] button")
    assert len(page.get_by_test_id("code-text").inner_text().strip()) == 14
    assert page.locator("[data-testid=enroll-code] svg").count() == 1
    shot(page, "devices")

    # Access log: the export is there, with its household count.
    page.goto(env["url"] + "/dashboard/access-log")
    first = page.locator("[data-testid=access-table] tr").nth(1).inner_text()
    assert "导出 Excel" in first and str(exp["households"] + 3) in first
    shot(page, "access-log")

    # Accounts: create a township account (password generated, shown once); it logs in to its township.
    page.click("header >> text=账号管理")
    form = page.get_by_test_id("account-form")
    form.locator("input[name=username]").fill("liuhe")
    form.locator("select[name=role]").select_option("township")
    form.locator("input[name=township]").fill(ROSTER_VILLAGE[:9])
    page.get_by_test_id("account-create").click()
    password = page.get_by_test_id("new-password").inner_text().strip()
    assert len(password) >= 10
    assert page.locator("[data-testid=account-table] tr[data-user]").count() == 3
    shot(page, "accounts")
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    other.goto(env["url"] + "/dashboard/login")
    other.fill("input[name=username]", "liuhe")
    other.fill("input[name=password]", password)
    other.click("main button[type=submit]")
    # A password the admin set: first choose one of its own.
    other.wait_for_selector("[data-testid=must-change]")
    other.fill("input[name=current]", password)
    other.fill("input[name=new]", "liuhe-own-pass-9")
    other.fill("input[name=repeat]", "liuhe-own-pass-9")
    other.click("[data-testid=password-save]")
    other.wait_for_selector("[data-testid=whoami]")
    assert other.url.endswith(f"/dashboard/area/{ROSTER_VILLAGE[:9]}")
    assert other.goto(env["url"] + "/dashboard/accounts").status == 403
    other.context.close()
    # Disable it: the account table says so, and the access log has both actions.
    page.locator("tr[data-user=liuhe] [data-testid=toggle]").click()
    assert page.locator("tr[data-user=liuhe] [data-testid=account-status]").inner_text() == "已停用"
    page.goto(env["url"] + "/dashboard/access-log")
    assert page.locator("[data-testid=access-table] tr").nth(1).get_attribute("data-action") == "account_disable"

    # English.
    page.goto(env["url"] + f"/dashboard/area/{COUNTY}")
    page.click("text=English")
    assert "Households" in page.inner_text("main")
    page.context.close()


def test_village_summary_pdf(browser: Any, env: dict[str, Any]) -> None:
    page = login(browser, env, "admin")
    resp = page.request.get(env["url"] + f"/dashboard/village/{LAPTOP_VILLAGE}/summary.pdf")
    assert resp.status == 200 and resp.body()[:5] == b"%PDF-"
    folder = os.environ.get("FIELDAPP_DASHBOARD_SHOTS")
    if folder and shutil.which("pdftoppm"):
        (Path(folder) / "summary.pdf").write_bytes(resp.body())
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(Path(folder) / "summary.pdf"),
                        str(Path(folder) / "village-summary")], check=True)
        (Path(folder) / "summary.pdf").unlink()
    page.context.close()


def test_township_cannot_see_other_townships(browser: Any, env: dict[str, Any]) -> None:
    page = login(browser, env, "town")
    assert page.url.endswith(f"/dashboard/area/{ROSTER_VILLAGE[:9]}")
    for path in (f"/dashboard/area/{LAPTOP_VILLAGE}", f"/dashboard/area/{LAPTOP_VILLAGE[:9]}",
                 f"/dashboard/area/{COUNTY}"):
        resp = page.goto(env["url"] + path)
        assert resp.status == 403 and page.get_by_test_id("error").inner_text() == "无权查看该范围"
    api = page.request.get(env["url"] + f"/dashboard/api/village/{LAPTOP_VILLAGE}/households")
    assert api.status == 403
    own = page.request.get(env["url"] + f"/dashboard/api/village/{ROSTER_VILLAGE}/households")
    assert own.status == 200 and len(own.json()) == 3
    page.goto(env["url"] + "/dashboard/exports")
    dl = export_all(page)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert {r[2] for r in wb["户"].iter_rows(min_row=2, values_only=True)} == {ROSTER_VILLAGE}
    page.context.close()


def test_national_roster_files_mapping_refusals_and_reimport(browser: Any, env: dict[str, Any]) -> None:
    from python_calamine import CalamineWorkbook
    from rosters import national_csv, national_households, national_xls, national_xlsx

    root = env["root"]
    s1, s2, _expect = national_households()
    (root / "national.xlsx").write_bytes(national_xlsx([("花名册", s1), ("第二页", s2)]))
    (root / "national.xls").write_bytes(national_xls([("花名册", s1), ("第二页", s2)]))
    good = [s1[0], s2[0]]
    page = login(browser, env, "admin")

    def upload(name: str) -> None:
        page.goto(env["url"] + "/dashboard/roster")
        page.set_input_files("[data-testid=roster-file]", str(root / name))
        page.click("[data-testid=roster-upload]")

    # The national layout as .xlsx and .xls: the same refusals, each with its reason, nothing written.
    for name in ("national.xlsx", "national.xls"):
        upload(name)
        rows = page.locator("[data-testid=roster-errors] tr.err")
        codes = {rows.nth(i).get_attribute("data-code") for i in range(rows.count())}
        assert codes == {"id_as_number", "unknown_village", "bad_code", "household_refused"}, (name, codes)
        assert number(page, "roster-error-rows") == 4
        assert "文本" in page.locator("tr[data-code=id_as_number]").inner_text()
        assert "长期慢性病" in page.locator("tr[data-code=bad_code]").inner_text()  # the accepted values
        assert page.locator("[data-testid=roster-confirm]").count() == 0
        shot(page, "roster-national-refusals")
    # The refused rows download as a workbook with their row numbers.
    with page.expect_download() as dl:
        page.click("[data-testid=roster-refusals]")
    table = CalamineWorkbook.from_filelike(io.BytesIO(Path(dl.value.path()).read_bytes())).get_sheet_by_index(0)
    refused = {int(r[1]) for r in table.to_python()[1:] if r[4] == "错误"}
    assert len(refused) == 4 and min(refused) >= 4  # under the title rows and the header

    # The good households, with the ID column under a header no synonym knows: the clerk maps it once.
    (root / "renamed.xlsx").write_bytes(national_xlsx([("花名册", good)]))
    from openpyxl import load_workbook

    wb = load_workbook(root / "renamed.xlsx")
    ws = wb["花名册"]
    for cell in ws[3]:
        if cell.value == "证件号码":
            cell.value = "居民证件编号"
    wb.save(root / "renamed.xlsx")
    upload("renamed.xlsx")
    assert page.get_by_test_id("roster-missing").is_visible()
    page.select_option("select[data-header=居民证件编号]", "id_number")
    page.click("[data-testid=mapping-save]")
    assert number(page, "plan-hh-new") == 2 and number(page, "plan-m-new") == 5
    page.click("[data-testid=roster-confirm]")
    assert number(page, "imported-hh-new") == 2 and number(page, "imported-m-new") == 5
    # Remembered: the same file maps by itself next time and changes nothing.
    upload("renamed.xlsx")
    assert page.get_by_test_id("roster-missing").count() == 0
    assert number(page, "plan-hh-new") == 0 and number(page, "plan-hh-upd") == 0 and number(page, "plan-m-upd") == 0

    # A .csv export without the 户类型 column and with a new phone: only the phone changes, shown old -> new.
    good[0].phone = "13900000777"
    csv_bytes = national_csv(good).decode("gb18030").replace("户类型", "备注", 1).encode("gb18030")
    (root / "update.csv").write_bytes(csv_bytes)
    upload("update.csv")
    changes = page.locator("[data-testid=roster-changes] tr[data-kind=update]")
    assert changes.count() == 1
    item = changes.first.locator("li")
    assert item.count() == 1 and item.get_attribute("data-field") == "phone"
    assert "13800000101" in item.inner_text() and "13900000777" in item.inner_text()
    shot(page, "roster-preview")
    page.click("[data-testid=roster-confirm]")
    assert number(page, "imported-hh-upd") == 1
    hh = page.request.get(env["url"] + "/dashboard/api/village/370303201202/households").json()
    n001 = next(h for h in hh if h["roster_no"] == "N001")
    assert n001["household_type"] == "tuopin_dibao"  # the file had no 户类型: untouched
    page.context.close()


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious').map(v => ({
    id: v.id, impact: v.impact, nodes: v.nodes.length, where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page (axe from npm, run inside Chromium)."""
    page.evaluate(AXE.read_text("utf-8"))
    return page.evaluate(AXE_RUN)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is missing (make setup runs npm install)")
def test_every_dashboard_page_passes_axe(browser: Any, env: dict[str, Any]) -> None:
    page = login(browser, env, "admin")
    with_household = page.request.get(env["url"] + f"/dashboard/api/village/{LAPTOP_VILLAGE}/households").json()[0]["id"]
    paths = ["/dashboard/login", f"/dashboard/area/{COUNTY}", f"/dashboard/area/{LAPTOP_VILLAGE[:9]}",
             f"/dashboard/area/{LAPTOP_VILLAGE}", f"/dashboard/household/{with_household}",
             f"/dashboard/households?scope={COUNTY}", f"/dashboard/households?scope={COUNTY}&q=王",
             f"/dashboard/problems?scope={COUNTY}", f"/dashboard/conflicts?scope={COUNTY}",
             f"/dashboard/spotchecks?day={env['day']}", "/dashboard/spotchecks/report", "/dashboard/roster",
             "/dashboard/divisions", "/dashboard/exports", "/dashboard/devices", "/dashboard/access-log",
             "/dashboard/password",
             "/dashboard/accounts", "/dashboard/area/999999999999"]
    found = {}
    for path in paths:
        page.goto(env["url"] + path)
        bad = axe_violations(page)
        if bad:
            found[path] = bad
    # The question before a device is revoked.
    page.goto(env["url"] + "/dashboard/devices")
    page.click("[data-testid=revoke] >> nth=0")
    assert page.get_by_test_id("revoke-confirm").is_visible()
    if bad := axe_violations(page):
        found["revoke confirmation"] = bad
    # The roster preview with refusals and the mapping table.
    page.goto(env["url"] + "/dashboard/roster")
    page.set_input_files("[data-testid=roster-file]", str(env["root"] / "bad.xlsx"))
    page.click("[data-testid=roster-upload]")
    if bad := axe_violations(page):
        found["roster preview"] = bad
    page.goto(env["url"] + f"/dashboard/lang/en?next=/dashboard/area/{COUNTY}")
    if bad := axe_violations(page):
        found["county page (en)"] = bad
    assert not found, found
    page.context.close()
