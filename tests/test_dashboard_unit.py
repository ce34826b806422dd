"""County dashboard without a browser: the projection of ops into state rows
(against a real laptop store), roster parsing and import as county ops,
CSRF refusal, role checks, the access log, spot checks, exports, and the key
dashboard queries on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from conftest import PASS

from fieldapp.idnumber import check_char

COUNTY = "370303"
LAPTOP_VILLAGE = "370303102201"
ROSTER_VILLAGE = "370303201202"
ADMIN_PW = "correct-horse-42"


def make_id(seq: int, born: str = "19800101", sex_odd: bool = True) -> str:
    body = f"{COUNTY}{born}{seq % 100:02d}{1 if sex_odd else 2}"
    return body + check_char(body)


def seeded_laptop(home: Path, households: int = 40, seed: int = 5) -> Any:
    """A real laptop store with demo households, visits and problems (one village of county 370303)."""
    from fieldapp.demo import build_demo
    from fieldapp.store import Store

    build_demo(home, PASS, households=households, seed=seed)
    return Store.open(home, PASS)


def push_laptop(county: Any, store: Any, ops: list[Any] | None = None) -> None:
    from fieldapp.oplog import outbox
    from sync.device import public_keys

    code = county.create_enroll_code([LAPTOP_VILLAGE], "王建国")
    pk = public_keys(store)
    county.enroll(code, store.device_id, pk["sign_public"], pk["box_public"], None)
    county.push(store.device_id, outbox(store) if ops is None else ops)


def laptop_expected(store: Any) -> dict[str, Any]:
    """What the dashboard must show, computed from the laptop's own tables."""
    c = store.conn
    by_mon = dict(c.execute("SELECT monitoring_type, count(*) FROM household WHERE status='active' GROUP BY 1").fetchall())
    latest = {}
    for hid, overall, verdict in c.execute(
            "SELECT household_id, overall, verdict FROM visit v WHERE status='final' AND visited_at ="
            " (SELECT max(visited_at) FROM visit w WHERE w.household_id = v.household_id AND w.status='final')"):
        latest[hid] = (overall, json.loads(verdict))
    food_met = sum(1 for _o, v in latest.values() if v["indicators"]["food"]["verdict"] in ("met", "basic"))
    return {
        "households": c.execute("SELECT count(*) FROM household WHERE status='active'").fetchone()[0],
        "monitored": sum(n for k, n in by_mon.items() if k != "none"),
        "by_monitoring": by_mon,
        "open_problems": c.execute("SELECT count(*) FROM problem WHERE status != 'closed'").fetchone()[0],
        "visited": len(latest),
        "all_met": sum(1 for o, _v in latest.values() if o == "met"),
        "food_met": food_met,
        "latest": {h: o for h, (o, _v) in latest.items()},
    }


def roster_xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(header or ["户编号", "村代码", "村名", "乡镇", "组", "姓名", "与户主关系", "身份证号", "联系电话",
                         "户类型", "监测对象类别"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_roster_rows() -> list[list[Any]]:
    v, name, town = ROSTER_VILLAGE, "河东村", "柳河乡"
    return [
        ["R001", v, name, town, "1组", "李大山", "户主", make_id(11), "13800000011", "一般脱贫户", "脱贫不稳定户"],
        ["R001", v, name, town, "1组", "王秀英", "配偶", make_id(12, sex_odd=False), "", "", ""],
        ["R001", v, name, town, "1组", "李小军", "之子", make_id(13, "20100305"), "", "", ""],
        ["R002", v, name, town, "2组", "赵长河", "户主", make_id(21, "19551111"), "13800000021", "一般农户", "边缘易致贫户"],
        ["R003", v, name, town, "3组", "孙桂兰", "户主", make_id(31, "19600202", sex_odd=False), "13800000031",
         "低保脱贫户", "非监测对象"],
    ]


def bad_roster_rows() -> list[list[Any]]:
    rows = good_roster_rows()
    rows[1][7] = make_id(12, sex_odd=False)[:-1] + ("0" if make_id(12, sex_odd=False)[-1] != "0" else "1")  # bad check
    rows[2][1] = "370303999999"  # unknown village (and the household then mixes villages)
    rows[2][2] = ""
    rows[4][7] = rows[3][7]  # duplicate ID
    return rows


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory):
    store = seeded_laptop(tmp_path_factory.mktemp("lap") / "home")
    yield store
    store.close()


@pytest.fixture
def county(tmp_path: Path):
    from sync.server.county import County

    c = County(tmp_path / "county", None, COUNTY)
    yield c
    c.close()


# ----- projection ------------------------------------------------------------------------------
def state_rows(county: Any) -> dict[str, Any]:
    from sync.server import dash_tables as d

    with county.engine.connect() as conn:
        hh = {r.household_id: {k: v for k, v in r._mapping.items() if k != "updated_at"}
              for r in conn.execute(sa.select(d.hh_state))}
        members = {r.member_id: dict(r._mapping) for r in conn.execute(sa.select(d.member_state))}
        problems = {r.problem_id: {k: v for k, v in r._mapping.items() if k != "closed_at"}
                    for r in conn.execute(sa.select(d.problem_state))}
        visits = {r.visit_id: dict(r._mapping) for r in conn.execute(sa.select(d.visit_state))}
    return {"hh": hh, "members": members, "problems": problems, "visits": visits}


def test_projection_matches_the_laptop_and_ignores_delivery_order(laptop: Any, county: Any, tmp_path: Path) -> None:
    from fieldapp.oplog import outbox
    from sync.server.county import County
    from sync.server.state import rebuild

    push_laptop(county, laptop)
    exp = laptop_expected(laptop)
    got = state_rows(county)
    assert len(got["hh"]) == exp["households"]
    assert len(got["members"]) == laptop.conn.execute("SELECT count(*) FROM member").fetchone()[0]
    assert {h: r["overall"] for h, r in got["hh"].items() if r["last_visit_id"]} == exp["latest"]
    assert sum(1 for p in got["problems"].values() if p["status"] != "closed") == exp["open_problems"]
    heads = dict(laptop.conn.execute("SELECT id, head_name FROM household").fetchall())
    assert {h: r["head_name"] for h, r in got["hh"].items()} == heads
    # Same ops, reversed (edits before their records) and in two halves: same state.
    other = County(tmp_path / "county2", None, COUNTY)
    try:
        ops = list(reversed(outbox(laptop)))
        push_laptop(other, laptop, ops[: len(ops) // 2])
        other.push(laptop.device_id, ops[len(ops) // 2:])
        assert state_rows(other) == got
        # A rebuild from the op log gives the same rows again.
        with other._write() as conn:
            rebuild(conn)
        assert state_rows(other) == got
    finally:
        other.close()


def test_conflicting_edits_show_in_conflict_state(laptop: Any, county: Any) -> None:
    from fieldapp.merge import Op
    from sync.server import dash_tables as d

    push_laptop(county, laptop)
    hid = laptop.conn.execute("SELECT id FROM household LIMIT 1").fetchone()[0]
    with county.engine.connect() as conn:
        live = [r.op_id for r in conn.execute(sa.text(
            "SELECT op_id FROM live_values WHERE entity_id = :h AND field = 'phone'"), {"h": hid})]
        seq = conn.execute(sa.text("SELECT max(device_seq) FROM ops WHERE device_id = :d"),
                           {"d": laptop.device_id}).scalar()

    def op(n: int, value: str, hlc: str) -> Op:
        return Op(op_id=f"00000000-0000-7000-8000-00000000000{n}", device_id=laptop.device_id,
                  device_seq=seq + n, hlc=hlc, entity="household", entity_id=hid, field="phone", value=value,
                  supersedes=tuple(live), county=COUNTY)

    import time

    ms = int(time.time() * 1000)
    county.push(laptop.device_id, [op(1, "13911111111", f"{ms:013d}-000001"), op(2, "13922222222", f"{ms:013d}-000002")])
    with county.engine.connect() as conn:
        rows = list(conn.execute(sa.select(d.conflict_state)))
        phone = conn.execute(sa.select(d.hh_state.c.phone).where(d.hh_state.c.household_id == hid)).scalar()
    assert [(r.entity, r.field, r.values_count, r.village_code) for r in rows] == [("household", "phone", 2, LAPTOP_VILLAGE)]
    assert phone == "13922222222"  # provisional winner: highest HLC


# ----- roster ------------------------------------------------------------------------------
def test_roster_errors_are_all_listed_and_nothing_is_written(county: Any) -> None:
    from sync.server.roster import import_roster

    county.create_enroll_code([LAPTOP_VILLAGE], "x")  # the county knows one village
    res = import_roster(county, roster_xlsx(bad_roster_rows()), actor="t")
    assert res["imported"] is False
    codes = {(e["row"], e["code"]) for e in res["errors"] if e["severity"] == "error"}
    assert (3, "bad_id") in codes
    assert (4, "unknown_village") in codes
    assert (6, "duplicate_id") in codes
    assert any(c == "mixed_village" for _r, c in codes)
    assert county.stats()["ops"] == 0


def test_roster_import_writes_county_ops_that_laptops_pull_and_reimport_updates(county: Any) -> None:
    from sync.server import dash_tables as d
    from sync.server.roster import import_roster

    res = import_roster(county, roster_xlsx(good_roster_rows()), actor="admin")
    assert res["imported"] and res["plan"]["households_new"] == 3 and res["plan"]["members_new"] == 5
    with county.engine.connect() as conn:
        hh = {r.roster_no: r for r in conn.execute(sa.select(d.hh_state))}
        names = {r.village_code: r.name for r in conn.execute(sa.select(d.villages))}
        devices = {r[0] for r in conn.execute(sa.text("SELECT DISTINCT device_id FROM ops"))}
    assert hh["R001"].members == 3 and hh["R001"].head_name == "李大山"
    assert hh["R001"].monitoring_type == "unstable" and hh["R003"].household_type == "tuopin_dibao"
    assert names[ROSTER_VILLAGE] == "河东村"
    assert devices == {f"county:{COUNTY}"}
    # A laptop of that village pulls them (the same path as any other device's ops).
    code = county.create_enroll_code([ROSTER_VILLAGE], "cadre")
    county.enroll(code, "01900000-0000-7000-8000-0000000000d1", "00" * 32, "00" * 32, None)
    pulled = county.pull("01900000-0000-7000-8000-0000000000d1", 0, 1000)
    assert {o["entity"] for o in pulled["ops"]} == {"household", "member"} and len(pulled["ops"]) == 8
    # Re-import with one changed phone: an update, no duplicate.
    rows = good_roster_rows()
    rows[3][8] = "13900000099"
    res2 = import_roster(county, roster_xlsx(rows), actor="admin")
    assert res2["plan"]["households_new"] == 0 and res2["plan"]["members_new"] == 0
    assert res2["plan"]["households_updated"] == 1 and res2["plan"]["ops"] == 1
    with county.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(d.hh_state)).scalar() == 3
        assert conn.execute(sa.select(d.hh_state.c.phone).where(d.hh_state.c.roster_no == "R002")).scalar() == "13900000099"
    again = import_roster(county, roster_xlsx(rows), actor="admin")
    assert again["plan"]["ops"] == 0


def test_roster_missing_column_and_not_a_workbook(county: Any) -> None:
    from fieldapp.errors import InputRefused
    from sync.server.roster import import_roster, template_xlsx

    with pytest.raises(InputRefused, match="身份证号|lacks"):
        import_roster(county, roster_xlsx([["R1", LAPTOP_VILLAGE]], header=["户编号", "村代码"]), actor="t")
    with pytest.raises(InputRefused):
        import_roster(county, b"not a workbook", actor="t")
    res = import_roster(county, template_xlsx(), actor="t")
    assert res["imported"] and res["rows"] == 0


# ----- web: CSRF, roles, access log ------------------------------------------------------------
class Web:
    def __init__(self, county: Any) -> None:
        from fastapi.testclient import TestClient

        from sync.server.app import create_app

        self.client = TestClient(create_app(county), follow_redirects=False)

    def login(self, user: str, password: str = ADMIN_PW, new_password: str | None = None) -> str:
        """Log in; an account whose password was set by an admin must then choose ``new_password``."""
        page = self.client.get("/dashboard/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = self.client.post("/dashboard/login", data={"csrf": token, "username": user, "password": password})
        assert r.status_code == 303, r.text
        home = self.client.get(r.headers["location"])
        if new_password is not None:
            assert home.status_code == 303 and home.headers["location"] == "/dashboard/password"
            form = self.client.get("/dashboard/password")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            done = self.client.post("/dashboard/password", data={"csrf": csrf, "current": password,
                                                                 "new": new_password, "repeat": new_password})
            assert done.status_code == 303, done.text
            home = self.client.get(done.headers["location"])
        return re.search(r'name="csrf" value="([^"]+)"', home.text).group(1)


@pytest.fixture
def web(county: Any, laptop: Any):
    from sync.server.accounts import create_account
    from sync.server.roster import import_roster

    push_laptop(county, laptop)
    import_roster(county, roster_xlsx(good_roster_rows()), actor="setup")
    create_account(county.engine, COUNTY, "admin", ADMIN_PW, "county")
    create_account(county.engine, COUNTY, "town", ADMIN_PW, "township", ROSTER_VILLAGE[:9])
    create_account(county.engine, COUNTY, "viewer", ADMIN_PW, "readonly")
    return Web(county)


def test_login_cookie_flags_and_wrong_password(web: Web) -> None:
    page = web.client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    bad = web.client.post("/dashboard/login", data={"csrf": token, "username": "admin", "password": "nope-nope-nope"})
    assert bad.status_code == 401
    page = web.client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    ok = web.client.post("/dashboard/login", data={"csrf": token, "username": "admin", "password": ADMIN_PW})
    cookie = ok.headers["set-cookie"].lower()
    assert "fa_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie and "max-age" in cookie
    assert web.client.get("/dashboard/area/370303").status_code == 200


def test_csrf_is_required_on_every_form_post(web: Web) -> None:
    assert web.client.post("/dashboard/login", data={"username": "admin", "password": ADMIN_PW}).status_code == 403
    csrf = web.login("admin")
    day = date.today().isoformat()
    for path, data in (("/dashboard/logout", {}), ("/dashboard/roster/x/confirm", {}), ("/dashboard/roster/x/mapping", {"h0": "a"}),
                       ("/dashboard/divisions", {"code": "370303201", "name": "x"}),
                       ("/dashboard/devices/enroll", {"cadre": "x", "village": LAPTOP_VILLAGE}),
                       ("/dashboard/accounts", {"username": "evil", "role": "county", "password": "x" * 12}),
                       ("/dashboard/accounts/town/disable", {}),
                       ("/dashboard/accounts/town/password", {"password": "y" * 12}),
                       ("/dashboard/spotchecks/01900000-0000-7000-8000-0000000000ab",
                        {"outcome": "confirmed", "day": day})):
        assert web.client.post(path, data=data).status_code == 403, path
        assert web.client.post(path, data={**data, "csrf": "wrong" + csrf}).status_code == 403, path
    # The refused account changes did nothing.
    assert "evil" not in web.client.get("/dashboard/accounts").text
    web2 = Web(web.client.app.state.county)
    web2.login("town")
    # Still logged in: the refused logout did nothing.
    assert web.client.get("/dashboard/area/370303").status_code == 200
    r = web.client.post("/dashboard/devices/enroll", data={"csrf": csrf, "cadre": "张", "village": LAPTOP_VILLAGE})
    assert r.status_code == 200 and "<svg" in r.text and 'data-testid="code-text"' in r.text


def test_township_sees_only_its_villages(web: Web) -> None:
    web.login("town")
    own, other = ROSTER_VILLAGE, LAPTOP_VILLAGE
    assert web.client.get(f"/dashboard/area/{own}").status_code == 200
    assert web.client.get(f"/dashboard/area/{own[:9]}").status_code == 200
    for path in (f"/dashboard/area/{other}", f"/dashboard/area/{other[:9]}", f"/dashboard/area/{COUNTY}",
                 f"/dashboard/api/summary/{other}", f"/dashboard/api/village/{other}/households",
                 f"/dashboard/export.xlsx?village={other}", f"/dashboard/village/{other}/summary.pdf",
                 "/dashboard/roster", "/dashboard/access-log"):
        assert web.client.get(path).status_code == 403, path
    hid = web.client.app.state.county.engine.connect().execute(sa.text(
        "SELECT household_id FROM hh_state WHERE village_code = :v LIMIT 1"), {"v": other}).scalar()
    assert web.client.get(f"/dashboard/household/{hid}").status_code == 403
    summary = web.client.get(f"/dashboard/api/summary/{own[:9]}").json()
    assert summary["households"] == 3
    assert web.client.get("/dashboard/api/summary/370303999").status_code == 403
    assert web.client.get("/dashboard/api/village/370303201999/households").status_code == 404


def test_readonly_cannot_change_anything(web: Web) -> None:
    csrf = web.login("viewer")
    assert web.client.get("/dashboard/area/370303").status_code == 200
    assert web.client.post("/dashboard/spotchecks/abc", data={"csrf": csrf, "outcome": "confirmed"}).status_code == 403
    assert web.client.post("/dashboard/devices/enroll", data={"csrf": csrf, "cadre": "x"}).status_code == 403
    assert web.client.get("/dashboard/roster").status_code == 403


def test_not_logged_in(web: Web) -> None:
    r = web.client.get("/dashboard/area/370303")
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/login"
    assert web.client.get("/dashboard/api/summary/370303").status_code == 401


def test_views_and_exports_are_in_the_access_log(web: Web, county: Any) -> None:
    from openpyxl import load_workbook

    from sync.server.accounts import access_entries

    web.login("admin")
    assert web.client.get(f"/dashboard/area/{ROSTER_VILLAGE}").status_code == 200
    hid = county.engine.connect().execute(sa.text("SELECT household_id FROM hh_state WHERE roster_no='R002'")).scalar()
    assert web.client.get(f"/dashboard/household/{hid}").status_code == 200
    xlsx = web.client.get("/dashboard/export.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["说明", "户", "成员", "最新评定", "问题", "抽查结果"]
    assert wb["说明"]["B2"].value == "admin"
    entries = access_entries(county.engine)
    assert [e["action"] for e in entries[:3]] == ["export_xlsx", "view_household", "view_village"]
    assert entries[1]["households"] == 1 and entries[1]["sample"] == [hid]
    assert entries[2]["households"] == 3
    assert entries[0]["households"] == wb["户"].max_row - 1
    assert [e["id"] for e in access_entries(county.engine, household_id=hid)][:2] == [entries[0]["id"], entries[1]["id"]]
    page = web.client.get("/dashboard/access-log")
    assert page.status_code == 200 and "view_household" in page.text


def test_spot_check_sample_and_outcome(web: Web, county: Any, laptop: Any) -> None:
    from sync.server import spotcheck

    assert spotcheck.sample_size(0, 0.02) == 0 and spotcheck.sample_size(20, 0.02) == 1
    assert spotcheck.sample_size(500, 0.02) == 10
    day = laptop.conn.execute("SELECT substr(visited_at,1,10), count(*) FROM visit GROUP BY 1 ORDER BY 2 DESC").fetchone()[0]
    csrf = web.login("admin")
    page = web.client.get(f"/dashboard/spotchecks?day={day}")
    visit_id = re.search(r'data-visit="([^"]+)"', page.text).group(1)
    assert web.client.get(f"/dashboard/spotchecks?day={day}").text.count("data-visit=") == page.text.count("data-visit=")
    r = web.client.post(f"/dashboard/spotchecks/{visit_id}", data={"csrf": csrf, "outcome": "discrepancy", "note": " ",
                                                                  "day": day})
    assert r.status_code == 422  # a discrepancy needs a note: the page again, with what was typed and why
    assert 'data-testid="spot-error"' in r.text and "请填写不一致的情况" in r.text
    row = r.text[r.text.index(f'data-visit="{visit_id}"'):]
    assert re.search(r'<option value="discrepancy"\s+selected', row[:row.index("</tr>")])
    r = web.client.post(f"/dashboard/spotchecks/{visit_id}", data={"csrf": csrf, "outcome": "discrepancy",
                                                                  "note": "户主称未入户", "day": day})
    assert r.status_code == 303
    report = web.client.get("/dashboard/spotchecks/report")
    assert "户主称未入户" in report.text


def test_export_dates_filters_labels_and_inert_text(web: Web, county: Any) -> None:
    from openpyxl import load_workbook

    from sync.server.roster import import_roster

    evil = "=HYPERLINK(\"http://example.invalid\",\"x\")"
    rows = [["R900", ROSTER_VILLAGE, "", "", "1组", evil, "户主", make_id(91, "19700101"), "13800000091", "", ""],
            ["R900", ROSTER_VILLAGE, "", "", "1组", "+SUM(1)", "之子", make_id(92, "20000101"), "", "", ""]]
    header = ["户编号", "村代码", "村名", "乡镇", "组", "姓名", "与户主关系", "身份证号", "联系电话", "户类型", "监测对象类别"]
    text = "\n".join(",".join(f'"{str(c).replace(chr(34), chr(34) * 2)}"' for c in r) for r in [header, *rows])
    assert import_roster(county, text.encode("utf-8"), actor="t")["imported"]  # a CSV keeps the text as typed
    web.login("admin")
    wb = load_workbook(io.BytesIO(web.client.get("/dashboard/export.xlsx").content))
    for name in wb.sheetnames[1:]:
        assert wb[name].auto_filter.ref == wb[name].dimensions, name
    hh, members = wb["户"], wb["成员"]
    head = [c.value for c in members[1]]
    by_name = {r[head.index("姓名")].value: r for r in members.iter_rows(min_row=2)}
    for text in (evil, "+SUM(1)"):
        cell = by_name[text][head.index("姓名")]
        assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    birth = by_name[evil][head.index("出生日期")].value
    assert isinstance(birth, datetime) and birth.date() == date(1970, 1, 1)
    hcols = [c.value for c in hh[1]]
    assert {r[hcols.index("状态")].value for r in hh.iter_rows(min_row=2)} == {"正常"}
    with county.engine.connect() as conn:
        last = dict(conn.execute(sa.text("SELECT household_id, last_visit_at FROM hh_state WHERE last_visit_at IS NOT NULL")).all())
    for r in hh.iter_rows(min_row=2):
        stored = last.get(r[0].value)
        if stored:
            utc = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Shanghai"))
            assert r[hcols.index("最近走访")].value == utc.replace(tzinfo=None)


def test_spot_check_sample_takes_visits_synced_after_the_first_view(county: Any, laptop: Any) -> None:
    from sync.server import dash_tables as d
    from sync.server import spotcheck
    from sync.server.accounts import create_account
    from sync.server.roster import import_roster

    import_roster(county, roster_xlsx(good_roster_rows()), actor="setup")
    create_account(county.engine, COUNTY, "admin", ADMIN_PW, "county")
    create_account(county.engine, COUNTY, "town", ADMIN_PW, "township", ROSTER_VILLAGE[:9])
    web = Web(county)
    day = laptop.conn.execute("SELECT substr(visited_at,1,10), count(*) FROM visit GROUP BY 1 ORDER BY 2 DESC").fetchone()[0]
    web.login("admin")
    before = web.client.get(f"/dashboard/spotchecks?day={day}").text
    assert 'data-testid="spot-sample">0</b> / 0' in before  # viewed before the day's visits synced
    push_laptop(county, laptop)  # they sync now
    after = web.client.get(f"/dashboard/spotchecks?day={day}").text
    with county.engine.connect() as conn:
        visits = conn.execute(sa.select(sa.func.count()).select_from(d.visit_state)
                              .where(d.visit_state.c.visit_date == day)).scalar()
        sample = [r[0] for r in conn.execute(sa.select(d.spot_checks.c.visit_id).where(d.spot_checks.c.day == day))]
        ids = [r[0] for r in conn.execute(sa.select(d.visit_state.c.visit_id).where(d.visit_state.c.visit_date == day))]
    assert visits and sample and f'data-testid="spot-sample">{len(sample)}</b> / {visits}' in after
    # Reproducible and stable: drawing again changes nothing; the draw follows the visit's keyed score.
    with county._write() as conn:
        assert spotcheck.draw(conn, day, 0.02, "x") == len(sample)
        secret = spotcheck._secret(conn)
    expected = {v for v in ids if spotcheck.score(secret, v) < 0.02} or {min(ids, key=lambda v: spotcheck.score(secret, v))}
    assert set(sample) == expected
    # A township counts its own villages' visits (none here: the laptop's village is in another township).
    web2 = Web(county)
    web2.login("town")
    assert 'data-testid="spot-sample">0</b> / 0' in web2.client.get(f"/dashboard/spotchecks?day={day}").text


def test_area_page_numbers_match_the_laptop(web: Web, laptop: Any) -> None:
    exp = laptop_expected(laptop)
    web.login("admin")
    doc = web.client.get(f"/dashboard/api/summary/{LAPTOP_VILLAGE}").json()
    assert doc["households"] == exp["households"]
    assert doc["monitored"] == exp["monitored"]
    assert doc["open_problems"] == exp["open_problems"]
    assert doc["visited"] == exp["visited"] and doc["all_met"] == exp["all_met"]
    assert doc["indicators"]["food"]["met"] == exp["food_met"]
    county_doc = web.client.get(f"/dashboard/api/summary/{COUNTY}").json()
    assert county_doc["households"] == exp["households"] + 3


# ----- the key queries on both databases ----------------------------------------------------------
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_dashboard_queries_on_both_databases(backend: str, laptop: Any, tmp_path: Path, request: Any) -> None:
    from fieldapp.policy import load_policy
    from sync.server.county import County
    from sync.server.dashboard import queries
    from sync.server.dashboard.queries import Scope
    from sync.server.roster import import_roster

    db = None if backend == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    county = County(tmp_path / backend, db, COUNTY)
    try:
        push_laptop(county, laptop)
        import_roster(county, roster_xlsx(good_roster_rows()), actor="t")
        exp = laptop_expected(laptop)
        today = date.today()
        with county.engine.connect() as conn:
            total, units = queries.units(conn, Scope("county", COUNTY), load_policy("37"), today)
            by_age = queries.open_problems(conn, Scope("county", COUNTY), today)
            months = queries.problems_by_month(conn, Scope("township", LAPTOP_VILLAGE[:9]), today)
            _v, villages = queries.units(conn, Scope("township", ROSTER_VILLAGE[:9]), load_policy("37"), today)
        assert total.households == exp["households"] + 3
        assert set(units) == {LAPTOP_VILLAGE[:9], ROSTER_VILLAGE[:9]}
        assert units[LAPTOP_VILLAGE[:9]].open_problems == exp["open_problems"]
        assert sum(sum(b.values()) for b in by_age.values()) == exp["open_problems"]
        assert len(months) == 12
        assert set(villages) == {ROSTER_VILLAGE} and villages[ROSTER_VILLAGE].monitored == 2
        assert units[ROSTER_VILLAGE[:9]].overdue == 3  # roster households were never visited
    finally:
        county.close()


# ----- account management (county role) ------------------------------------------------------------
def test_county_admin_creates_a_township_account_that_sees_only_its_villages(web: Web, county: Any) -> None:
    from sync.server.accounts import access_entries

    csrf = web.login("admin")
    page = web.client.get("/dashboard/accounts")
    assert page.status_code == 200 and "账号管理" in page.text
    assert [u for u in re.findall(r'data-user="([^"]+)"', page.text)] == ["admin", "town", "viewer"]
    town = ROSTER_VILLAGE[:9]
    # Refusals: short password, township role without a township, a township of another county, an existing user.
    for data in ({"username": "liuhe", "role": "township", "township": town, "password": "short"},
                 {"username": "liuhe", "role": "township", "township": "", "password": "x" * 12},
                 {"username": "liuhe", "role": "township", "township": "110101001", "password": "x" * 12},
                 {"username": "town", "role": "readonly", "password": "x" * 12},
                 {"username": "a b", "role": "readonly", "password": "x" * 12}):
        r = web.client.post("/dashboard/accounts", data={"csrf": csrf, **data})
        assert r.status_code == 422 and 'data-testid="account-error"' in r.text, data
    # Create with a chosen password, and one with a generated password that is shown once.
    r = web.client.post("/dashboard/accounts", data={"csrf": csrf, "username": "liuhe", "role": "township",
                                                     "township": town, "password": "liuhe-secret-1"})
    assert r.status_code == 200 and 'data-testid="new-password">liuhe-secret-1<' in r.text
    assert "liuhe-secret-1" not in web.client.get("/dashboard/accounts").text
    r = web.client.post("/dashboard/accounts", data={"csrf": csrf, "username": "audit2", "role": "readonly",
                                                     "password": ""})
    generated = re.search(r'data-testid="new-password">([^<]+)<', r.text).group(1)
    assert len(generated) >= 10
    # The new township account logs in, lands on its township and sees only its villages.
    other = Web(county)
    other.login("liuhe", "liuhe-secret-1", new_password="liuhe-own-pass-1")
    assert other.client.get("/dashboard/").headers["location"] == f"/dashboard/area/{town}"
    assert other.client.get(f"/dashboard/api/summary/{town}").json()["households"] == 3
    assert other.client.get(f"/dashboard/area/{LAPTOP_VILLAGE}").status_code == 403
    assert other.client.get(f"/dashboard/api/village/{LAPTOP_VILLAGE}/households").status_code == 403
    assert other.client.get("/dashboard/accounts").status_code == 403
    Web(county).login("audit2", generated, new_password="audit2-own-pass-1")
    rows = web.client.get("/dashboard/accounts").text
    liuhe = re.search(r'<tr data-user="liuhe".*?</tr>', rows, re.S).group(0)
    assert town in liuhe and "乡镇账号" in liuhe and "正常" in liuhe
    # Last login, stored in UTC, shown in the county's time zone (Asia/Shanghai: UTC+8).
    with county.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT last_login FROM accounts WHERE username = 'liuhe'")).scalar()
    shown = (datetime.fromisoformat(stored.replace("Z", "+00:00")) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf"<td>{shown}</td>\s*<td data-testid", liuhe), (stored, liuhe)
    actions = [(e["username"], e["action"], e["detail"]) for e in access_entries(county.engine)
               if e["action"].startswith("account_")]
    assert actions == [("admin", "account_create", "audit2 readonly"),
                       ("admin", "account_create", f"liuhe township {town}")]


def test_disabled_account_cannot_log_in_and_password_reset(web: Web, county: Any) -> None:
    from sync.server.accounts import access_entries

    csrf = web.login("admin")
    town = Web(county)
    town.login("town")
    assert town.client.get(f"/dashboard/area/{ROSTER_VILLAGE}").status_code == 200
    r = web.client.post("/dashboard/accounts/town/disable", data={"csrf": csrf})
    assert r.status_code == 200 and 'data-testid="account-done"' in r.text
    assert re.search(r'<tr data-user="town".*?已停用', r.text, re.S)
    # Its open session ends at once and it cannot log in again.
    assert town.client.get(f"/dashboard/area/{ROSTER_VILLAGE}").headers["location"] == "/dashboard/login"
    page = town.client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert town.client.post("/dashboard/login", data={"csrf": token, "username": "town",
                                                      "password": ADMIN_PW}).status_code == 401
    # An admin cannot disable themself.
    assert web.client.post("/dashboard/accounts/admin/disable", data={"csrf": csrf}).status_code == 422
    assert web.client.post("/dashboard/accounts/nobody/disable", data={"csrf": csrf}).status_code == 422
    # Re-enabled: logs in again. Password reset: the old one stops working, the new one works.
    assert web.client.post("/dashboard/accounts/town/enable", data={"csrf": csrf}).status_code == 200
    town.login("town")
    assert web.client.post("/dashboard/accounts/town/password", data={"csrf": csrf, "password": "short"}).status_code == 422
    r = web.client.post("/dashboard/accounts/town/password", data={"csrf": csrf, "password": "brand-new-pass-7"})
    assert r.status_code == 200 and "brand-new-pass-7" in r.text
    assert town.client.get(f"/dashboard/area/{ROSTER_VILLAGE}").status_code == 303  # session ended
    page = town.client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert town.client.post("/dashboard/login", data={"csrf": token, "username": "town",
                                                      "password": ADMIN_PW}).status_code == 401
    town.login("town", "brand-new-pass-7", new_password="town-own-pass-77")
    assert [e["action"] for e in access_entries(county.engine) if e["action"].startswith("account_")] == [
        "account_password", "account_enable", "account_disable"]


def test_account_page_refused_to_township_and_readonly(web: Web) -> None:
    for user in ("town", "viewer"):
        csrf = web.login(user)
        assert web.client.get("/dashboard/accounts").status_code == 403, user
        assert "/dashboard/accounts" not in web.client.get("/dashboard/").text
        for path, data in (("/dashboard/accounts", {"username": "sneak", "role": "county", "password": "x" * 12}),
                           ("/dashboard/accounts/admin/disable", {}),
                           ("/dashboard/accounts/admin/password", {"password": "x" * 12})):
            assert web.client.post(path, data={"csrf": csrf, **data}).status_code == 403, (user, path)
    web.login("admin")
    page = web.client.get("/dashboard/accounts").text
    assert "sneak" not in page and re.search(r'<tr data-user="admin".*?正常', page, re.S)


def test_account_page_in_english(web: Web) -> None:
    web.login("admin")
    web.client.get("/dashboard/lang/en")
    page = web.client.get("/dashboard/accounts").text
    assert "Accounts" in page and "Township" in page and "Create account" in page and "账号管理" not in page


# ----- a spot-check discrepancy opens a ledger problem ---------------------------------------------
def test_spot_check_discrepancy_opens_one_problem_that_the_laptop_pulls(tmp_path: Path) -> None:
    from datetime import timedelta

    from fieldapp.merge import Op
    from fieldapp.policy import load_policy
    from fieldapp.services import Fieldapp
    from sync.device import apply_remote
    from sync.server import dash_tables as d
    from sync.server.accounts import create_account
    from sync.server.county import County

    store = seeded_laptop(tmp_path / "lap", households=12, seed=9)
    county = County(tmp_path / "county", None, COUNTY)
    try:
        push_laptop(county, store)
        exp = laptop_expected(store)
        create_account(county.engine, COUNTY, "admin", ADMIN_PW, "county")
        web = Web(county)
        csrf = web.login("admin")
        day = store.conn.execute("SELECT substr(visited_at,1,10), count(*) FROM visit GROUP BY 1 ORDER BY 2 DESC"
                                 ).fetchone()[0]
        page = web.client.get(f"/dashboard/spotchecks?day={day}")
        visit_id = re.search(r'data-visit="([^"]+)"', page.text).group(1)
        hid = store.conn.execute("SELECT household_id FROM visit WHERE id = ?", (visit_id,)).fetchone()[0]
        cursor = county.pull(store.device_id, 0, 100_000)["cursor"]
        note = "电话核实：户主称本月未入户"
        r = web.client.post(f"/dashboard/spotchecks/{visit_id}", data={"csrf": csrf, "outcome": "discrepancy",
                                                                      "note": note, "day": day})
        assert r.status_code == 303
        # Recording it again (another note, or another outcome and back) opens no second problem.
        for outcome, text in (("discrepancy", note + "（复核）"), ("confirmed", ""), ("discrepancy", note)):
            r = web.client.post(f"/dashboard/spotchecks/{visit_id}", data={"csrf": csrf, "outcome": outcome,
                                                                          "note": text, "day": day})
            assert r.status_code == 303
        deadline = (date.today() + timedelta(days=load_policy("37").rectification_deadline_days)).isoformat()
        with county.engine.connect() as conn:
            problems = [dict(p._mapping) for p in conn.execute(
                sa.select(d.problem_state).where(d.problem_state.c.source == "spot_check"))]
            ops = [dict(o._mapping) for o in conn.execute(sa.text(
                "SELECT device_id, device_seq, entity, field, author, value FROM ops WHERE device_id LIKE 'county:%'"))]
        assert len(problems) == 1 and len(ops) == 1
        p = problems[0]
        assert (p["household_id"], p["village_code"], p["indicator"], p["category"], p["reason"], p["status"],
                p["deadline"]) == (hid, LAPTOP_VILLAGE, "data_error", "data_error", note, "pending", deadline)
        assert ops[0]["device_id"] == f"county:{COUNTY}" and ops[0]["entity"] == "problem" and ops[0]["author"] == "admin"
        value = json.loads(ops[0]["value"])
        assert set(value) == {"household_id", "indicator", "category", "source", "reason", "reporter", "opened_at",
                              "deadline"}
        assert value["reporter"] == "admin" and value["source"] == "spot_check"
        # The dashboard counts it, and the household page and the report show it.
        doc = web.client.get(f"/dashboard/api/summary/{LAPTOP_VILLAGE}").json()
        assert doc["open_problems"] == exp["open_problems"] + 1
        assert sum(sum(b.values()) for b in doc["problems_by_age"].values()) == exp["open_problems"] + 1
        assert doc["problems_by_age"]["data_error"]["lt30"] == 1
        hh = web.client.get(f"/dashboard/household/{hid}").text
        assert re.search(r'data-source="spot_check"><td>数据错误</td><td>抽查</td><td>' + note, hh)
        assert 'data-testid="problem-opened"' in web.client.get("/dashboard/spotchecks/report").text
        # The household's laptop receives it on its next pull and stores it like one of its own.
        pulled = county.pull(store.device_id, cursor, 100_000)
        assert [(o["entity"], o["entity_id"]) for o in pulled["ops"]] == [("problem", p["problem_id"])]
        app = Fieldapp(store, load_policy("37"), actor="王建国")
        with store.tx():
            counts = apply_remote(app, [Op.from_json(o) for o in pulled["ops"]])
        assert counts["applied"] == 1
        row = store.conn.execute("SELECT household_id, indicator, category, source, reason, reporter, deadline, status"
                                 " FROM problem WHERE id = ?", (p["problem_id"],)).fetchone()
        assert tuple(row) == (hid, "data_error", "data_error", "spot_check", note, "admin", deadline, "pending")
        assert laptop_expected(store)["open_problems"] == doc["open_problems"]
    finally:
        county.close()
        store.close()


def test_spot_check_record_opens_a_problem_only_for_a_discrepancy(county: Any, laptop: Any) -> None:
    from sync.server import dash_tables as d
    from sync.server import spotcheck
    from sync.server.accounts import Account

    push_laptop(county, laptop)
    day = laptop.conn.execute("SELECT substr(visited_at,1,10), count(*) FROM visit GROUP BY 1 ORDER BY 2 DESC").fetchone()[0]
    admin = Account("admin", "county", None)
    outsider = Account("t", "township", ROSTER_VILLAGE[:9])
    with county._write() as conn:
        assert spotcheck.draw(conn, day, 1.0, "admin") >= 2
        first, second = [r.visit_id for r in spotcheck.checks(conn, admin, day=day)][:2]
        assert spotcheck.record(conn, admin, first, "not_reached", "", county=COUNTY, deadline_days=30) is None
        assert spotcheck.record(conn, admin, first, "confirmed", "", county=COUNTY, deadline_days=30) is None
        with pytest.raises(Exception, match="sample"):
            spotcheck.record(conn, outsider, second, "discrepancy", "x", county=COUNTY, deadline_days=30)
        pid = spotcheck.record(conn, admin, second, "discrepancy", "不一致", county=COUNTY, deadline_days=30)
        assert pid and spotcheck.record(conn, admin, second, "discrepancy", "again", county=COUNTY,
                                        deadline_days=30) is None
        stored = conn.execute(sa.select(d.spot_checks.c.problem_id).where(d.spot_checks.c.visit_id == second)).scalar()
        seqs = [s for (s,) in conn.execute(sa.text("SELECT device_seq FROM ops WHERE device_id = :d ORDER BY 1"),
                                           {"d": f"county:{COUNTY}"})]
    assert stored == pid and seqs == [1]


def test_every_url_in_the_templates_is_quoted() -> None:
    """Each value put into a link or form address goes through the ``seg`` filter (one quoted segment)
    or ``link()`` (a quoted query string)."""
    from sync.server.dashboard.site import link, url_part

    assert url_part("a/b?c&d#e f") == "a%2Fb%3Fc%26d%23e%20f"
    assert link("/x", {"q": "王 &=#", "empty": ""}, page=2) == "/x?q=%E7%8E%8B+%26%3D%23&page=2"
    folder = Path(__file__).resolve().parent.parent / "sync" / "server" / "dashboard" / "templates"
    numbers = {"p", "epage", "hpage", "0 if (sort == key and desc) else 1"}  # page numbers and 0/1
    for f in folder.glob("*.html"):
        for url in re.findall(r'(?<![\w-])(?:href|action)="([^"]*\{\{[^"]*)"', f.read_text("utf-8")):
            for expr in re.findall(r"\{\{\s*(.*?)\s*\}\}", url):
                ok = expr.endswith("|seg") or expr.startswith(("link(", "'")) or expr in numbers or expr == "base"
                assert ok, (f.name, expr)


def test_every_number_leads_to_exactly_that_many_households(web: Web, county: Any) -> None:
    """Each linked number of the county and township pages opens a list of exactly that many rows."""
    import html as html_mod

    web.login("admin")
    followed = 0
    for area in (COUNTY, LAPTOP_VILLAGE[:9], LAPTOP_VILLAGE):
        page = web.client.get(f"/dashboard/area/{area}").text
        links = re.findall(r'<a (?:data-testid="[^"]*" )?href="(/dashboard/(?:households|problems|conflicts)[^"]*)"[^>]*>'
                           r'(?:<span class="n"[^>]*>)?(\d+)<', page)
        assert len(links) >= 20, area
        for href, n in links:
            listed = web.client.get(html_mod.unescape(href))
            assert listed.status_code == 200, href
            total = int(re.search(r'data-testid="list-total">(\d+)<', listed.text).group(1))
            assert total == int(n), (href, n, total)
            followed += 1
    assert followed >= 60
    # Paged on the server: 50 rows a page, every household once over the pages.
    everyone = int(re.search(r'data-testid="n-households">(\d+)<', web.client.get(f"/dashboard/area/{COUNTY}").text).group(1))
    seen: list[str] = []
    for p in range(1, everyone // 50 + 2):
        seen += re.findall(r'<tr data-household="([^"]+)"', web.client.get(f"/dashboard/households?scope={COUNTY}&page={p}").text)
    assert len(seen) == len(set(seen)) == everyone
    # Sorted on the server: by members, most first.
    text = web.client.get(f"/dashboard/households?scope={COUNTY}&sort=members&desc=1").text
    members = [int(x) for x in re.findall(r'<tr data-household="[^"]+">(?:<td>[^<]*</td>){3}<td>.*?</td><td class="num">(\d+)</td>', text)]
    assert members and members == sorted(members, reverse=True)


def test_household_search_by_name_initials_id_phone_and_roster_no(web: Web) -> None:
    web.login("admin")

    def found(q: str) -> int:
        text = web.client.get(f"/dashboard/households?scope={COUNTY}&q={q}").text
        return int(re.search(r'data-testid="list-total">(\d+)<', text).group(1))

    assert found("李大山") == 1  # the head of R001
    assert found("王秀英") == 1  # a member: her household
    assert found("LDS") == 1  # pinyin initials of 李大山
    assert found(make_id(21, "19551111")[-8:]) == 1  # part of an ID number
    assert found("13800000031") == 1  # phone
    assert found("R00") == 3  # 户编号
    assert found("%") == 0  # a LIKE wildcard is only a character


def test_conflict_shows_values_and_a_county_account_resolves_it(county: Any, laptop: Any) -> None:
    import time

    from fieldapp.merge import Op
    from sync.server import dash_tables as d
    from sync.server.accounts import create_account

    push_laptop(county, laptop)
    create_account(county.engine, COUNTY, "admin", ADMIN_PW, "county")
    hid = laptop.conn.execute("SELECT id FROM household LIMIT 1").fetchone()[0]
    with county.engine.connect() as conn:
        live = [r.op_id for r in conn.execute(sa.text(
            "SELECT op_id FROM live_values WHERE entity_id = :h AND field = 'phone'"), {"h": hid})]
        seq = conn.execute(sa.text("SELECT max(device_seq) FROM ops WHERE device_id = :d"),
                           {"d": laptop.device_id}).scalar()
    ms = int(time.time() * 1000)
    ops = [Op(op_id=f"00000000-0000-7000-8000-00000000009{n}", device_id=laptop.device_id, device_seq=seq + n,
              hlc=f"{ms:013d}-00000{n}", entity="household", entity_id=hid, field="phone", value=v,
              supersedes=tuple(live), county=COUNTY, author=a)
           for n, v, a in ((1, "13911111111", "王书记"), (2, "13922222222", "赵干部"))]
    county.push(laptop.device_id, ops)
    web = Web(county)
    csrf = web.login("admin")
    page = web.client.get(f"/dashboard/conflicts?scope={COUNTY}").text
    assert 'data-testid="list-total">1<' in page
    assert all(x in page for x in ("13911111111", "王书记", "13922222222", "赵干部"))
    r = web.client.post("/dashboard/conflicts/resolve", data={"csrf": csrf, "scope": COUNTY, "entity_id": hid,
                                                              "field": "phone", "keep": ops[0].op_id})
    assert r.status_code == 303
    assert 'data-testid="list-total">0<' in web.client.get(f"/dashboard/conflicts?scope={COUNTY}").text
    with county.engine.connect() as conn:
        assert conn.execute(sa.select(d.hh_state.c.phone).where(d.hh_state.c.household_id == hid)).scalar() == "13911111111"
        op = conn.execute(sa.text("SELECT device_id, author, supersedes FROM ops ORDER BY seq DESC LIMIT 1")).first()
    assert op.device_id == f"county:{COUNTY}" and op.author == "admin"
    assert ops[0].op_id in op.supersedes and ops[1].op_id in op.supersedes
    # The laptop pulls the county's decision like any other op.
    assert any(o["op_id"] for o in county.pull(laptop.device_id, 0, 100000)["ops"] if o["device_id"] == f"county:{COUNTY}")
    # Resolving again is refused with a reason (nothing to resolve).
    again = web.client.post("/dashboard/conflicts/resolve", data={"csrf": csrf, "scope": COUNTY, "entity_id": hid,
                                                                  "field": "phone", "keep": ops[0].op_id})
    assert again.status_code in (404, 422)


def test_village_summary_pdf_is_one_a4_page_made_without_a_browser(web: Web, tmp_path: Path, monkeypatch: Any) -> None:
    import shutil
    import subprocess

    monkeypatch.setenv("PATH", "/nonexistent")  # no chromium (nor anything else) to launch
    web.login("admin")
    r = web.client.get(f"/dashboard/village/{LAPTOP_VILLAGE}/summary.pdf")
    monkeypatch.undo()
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(r.content)
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils missing")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\n", info) and "595.28 x 841.89" in info  # one A4 page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    households = int(re.search(r'data-testid="n-households">(\d+)<',
                               web.client.get(f"/dashboard/area/{LAPTOP_VILLAGE}").text).group(1))
    assert "村情汇总" in text and "王家庄村" in text and str(households) in text and "合计" in text


def test_new_and_reset_accounts_choose_their_own_password_first(web: Web, county: Any) -> None:
    csrf = web.login("admin")
    r = web.client.post("/dashboard/accounts", data={"csrf": csrf, "username": "newbie", "role": "township",
                                                     "township": "370303999", "password": "given-pass-123"})
    assert r.status_code == 422 and "不在本县区划表中" in r.text and "柳河乡 370303201" in r.text  # no such township
    r = web.client.post("/dashboard/accounts", data={"csrf": csrf, "username": "newbie", "role": "township",
                                                     "township": ROSTER_VILLAGE[:9], "password": "given-pass-123"})
    assert r.status_code == 200
    new = Web(county)
    page = new.client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    new.client.post("/dashboard/login", data={"csrf": token, "username": "newbie", "password": "given-pass-123"})
    for path in ("/dashboard/", f"/dashboard/area/{ROSTER_VILLAGE}", "/dashboard/exports"):
        assert new.client.get(path).headers.get("location") == "/dashboard/password", path
    assert new.client.get(f"/dashboard/api/summary/{ROSTER_VILLAGE[:9]}").status_code == 403
    form = new.client.get("/dashboard/password")
    assert 'data-testid="must-change"' in form.text
    own = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    wrong = new.client.post("/dashboard/password", data={"csrf": own, "current": "nope-nope-nope", "new": "mine-pass-1234",
                                                         "repeat": "mine-pass-1234"})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.text
    same = new.client.post("/dashboard/password", data={"csrf": own, "current": "given-pass-123", "new": "given-pass-123",
                                                        "repeat": "given-pass-123"})
    assert same.status_code == 422
    ok = new.client.post("/dashboard/password", data={"csrf": own, "current": "given-pass-123", "new": "mine-pass-1234",
                                                      "repeat": "mine-pass-1234"})
    assert ok.status_code == 303 and new.client.get(f"/dashboard/area/{ROSTER_VILLAGE}").status_code == 200
    # A reset by the admin makes it change again; the admin's own reset does not.
    web.client.post("/dashboard/accounts/newbie/password", data={"csrf": csrf, "password": "reset-pass-1234"})
    Web(county).login("newbie", "reset-pass-1234", new_password="mine-again-1234")


def test_revoking_a_device_asks_first_and_can_be_undone(web: Web, county: Any) -> None:
    csrf = web.login("admin")
    device = county.devices()[0]["device_id"]
    page = web.client.get("/dashboard/devices").text
    assert f'href="/dashboard/devices/{device}/revoke"' in page  # a link to the confirmation, not a one-click form
    confirm = web.client.get(f"/dashboard/devices/{device}/revoke")
    assert confirm.status_code == 200 and 'data-testid="revoke-confirm"' in confirm.text
    # A POST without the confirmation's answer only leads to the question.
    r = web.client.post(f"/dashboard/devices/{device}/revoke", data={"csrf": csrf})
    assert r.status_code == 303 and county.devices()[0]["status"] == "active"
    r = web.client.post(f"/dashboard/devices/{device}/revoke", data={"csrf": csrf, "confirm": "yes"})
    assert r.status_code == 303 and county.devices()[0]["status"] == "revoked"
    assert 'data-testid="enable"' in web.client.get("/dashboard/devices").text
    r = web.client.post(f"/dashboard/devices/{device}/enable", data={"csrf": csrf})
    assert r.status_code == 303 and county.devices()[0]["status"] == "active"
    actions = [e["action"] for e in access_entries_of(county)][:2]
    assert actions == ["device_enable", "device_revoke"]


def access_entries_of(county: Any) -> list[dict[str, Any]]:
    from sync.server.accounts import access_entries

    return access_entries(county.engine)


def test_export_runs_in_the_background_with_progress_and_a_download_for_its_owner(web: Web, county: Any) -> None:
    import time

    from openpyxl import load_workbook

    csrf = web.login("admin")
    r = web.client.post("/dashboard/exports/start", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/dashboard/exports/job/")
    job = r.headers["location"]
    deadline = time.time() + 60
    while 'data-testid="export-download"' not in (page := web.client.get(job).text):
        assert 'data-testid="export-progress"' in page and 'http-equiv="refresh"' in page
        assert time.time() < deadline
        time.sleep(0.2)
    data = web.client.get(job + "/download")
    assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
    assert load_workbook(io.BytesIO(data.content)).sheetnames[1] == "户"
    other = Web(county)
    other.login("viewer")
    assert other.client.get(job).status_code == 404 and other.client.get(job + "/download").status_code == 404
    # A village outside the account's area is refused before anything runs.
    town = Web(county)
    tcsrf = town.login("town")
    assert town.client.post("/dashboard/exports/start", data={"csrf": tcsrf, "village": LAPTOP_VILLAGE}).status_code == 403


def test_export_progress_counts_every_row() -> None:
    from sync.server.exports import Progress

    p = Progress(total=4, done=1)
    assert p.share == 0.25 and Progress().share == 0.0 and Progress(total=2, done=5).share == 1.0
