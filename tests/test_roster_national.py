"""Roster import of household lists as counties really have them (the national
system's layout, see tests/rosters.py) in .xlsx, .xls and .csv, against a real
county store: what imports, what is refused and why, the remembered column
mapping, the division list, and that a re-import leaves alone what the file does
not carry."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from rosters import (
    COUNTY,
    national_csv,
    national_households,
    national_id,
    national_xls,
    national_xlsx,
)

from sync.server import dash_tables as d

VILLAGE, VILLAGE2 = "370303201202", "370303201204"  # 柳河乡 刘家湾村, 陈家岭村 in resources/divisions/370303.json


def files() -> dict[str, bytes]:
    s1, s2, _e = national_households()
    return {"xlsx": national_xlsx([("花名册", s1), ("第二页", s2)]), "xls": national_xls([("花名册", s1), ("第二页", s2)]),
            "csv": national_csv(s1 + s2)}


def _errors(res: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for e in res["errors"]:
        if e["severity"] == "error":
            out.setdefault(e["code"], set()).add(e["value"])
    return out


@pytest.mark.parametrize("kind", ["xlsx", "xls", "csv"])
def test_national_layout_imports_good_households_and_refuses_the_rest_with_reasons(county: Any, kind: str) -> None:
    from sync.server.roster import import_roster

    _s1, _s2, expect = national_households()
    data = files()[kind]
    res = import_roster(county, data, actor="t")
    assert res["imported"] is False and county.stats()["ops"] == 0
    sheets = {s["sheet"]: s["header_row"] for s in res["sheets"]}
    assert sheets["说明"] is None if kind != "csv" else True  # the notes sheet is skipped
    if kind != "csv":
        assert sheets["花名册"] == 3 and sheets["第二页"] == 3
    errors = _errors(res)
    # The ID Excel stored as a number is refused although its cut-off digits still pass the check.
    assert "id_as_number" in errors, errors
    by_code = {e["code"]: e for e in res["errors"] if e["severity"] == "error"}
    assert "文本" in by_code["id_as_number"]["reason_zh"] and "15" in by_code["id_as_number"]["reason_zh"]
    # An unknown village name names the candidates of its township.
    assert "不存在村" in errors["unknown_village"]
    # A refused code value lists the accepted ones.
    assert "外星病" in errors["bad_code"] and "长期慢性病" in by_code["bad_code"]["reason_zh"]
    # Nothing else: merged cells filled, names resolved, lower-case x, full-width digits, national values.
    # The rest of a refused row's household is refused with it (no household without its head).
    assert set(errors) == {"id_as_number", "unknown_village", "bad_code", "household_refused"}, errors
    assert errors["household_refused"] == {"N002"}
    assert res["error_rows"] == 4
    assert any(e["code"] == "level_by_age" for e in res["errors"])  # 在校生 without a level: a warning

    done = import_roster(county, data, actor="t", skip_errors=True)
    assert done["imported"] and done["plan"]["households_new"] == 2 and done["plan"]["members_new"] == 5
    with county.engine.connect() as conn:
        hh = {r.roster_no: r for r in conn.execute(sa.select(d.hh_state))}
        members = {r.id_number: r for r in conn.execute(sa.select(d.member_state))}
    assert set(hh) == expect["good_households"]
    assert hh["N001"].village_code == VILLAGE and hh["N101"].village_code == VILLAGE2
    assert hh["N001"].household_type == "tuopin_dibao" and hh["N001"].monitoring_type == "unstable"
    assert hh["N001"].members == 4 and hh["N001"].phone == "13800000101"
    assert expect["lower_x"] in members  # stored upper-case
    assert expect["numeric_real"] not in members
    assert '"schooling": "preschool"' in members[[i for i in members if i[6:14] == "20200101"][0]].data


def test_reimport_without_a_column_changes_nothing_it_does_not_carry(county: Any) -> None:
    from sync.server.roster import import_roster

    s1, s2, _e = national_households()
    good = [s1[0], s2[0]]
    assert import_roster(county, national_xlsx([("花名册", good)]), actor="t")["imported"]
    # The same households without the 户类型 column, and one changed phone.
    good[0].phone = "13900000999"
    res = import_roster(county, national_xlsx([("花名册", good)], drop="户类型"), actor="t")
    assert res["imported"] and res["plan"]["households_updated"] == 1 and res["plan"]["ops"] == 1
    with county.engine.connect() as conn:
        hh = {r.roster_no: r for r in conn.execute(sa.select(d.hh_state))}
    assert hh["N001"].household_type == "tuopin_dibao" and hh["N101"].household_type == "tuopin_tekun"
    assert hh["N001"].phone == "13900000999"


def test_preview_lists_old_and_new_values_per_household(county: Any) -> None:
    from sync.server.roster import import_roster, read_roster

    s1, _s2, _e = national_households()
    import_roster(county, national_xlsx([("花名册", [s1[0]])]), actor="t")
    s1[0].monitoring_type = "边缘易致贫户"
    s1[0].members[1].labour = "普通劳动力"
    with county.engine.connect() as conn:
        roster = read_roster(conn, COUNTY, national_xlsx([("花名册", [s1[0]])]))
    assert len(roster.households) == 1
    change = roster.households[0]
    assert change.roster_no == "N001" and not change.new
    assert ("household", "", "monitoring_type", "unstable", "marginal") in change.changes
    assert ("member", "李春梅", "labour", "weak", "ordinary") in change.changes
    assert len(change.changes) == 2


def test_mapping_is_corrected_and_remembered(county: Any) -> None:
    from openpyxl import Workbook

    from sync.server import roster_uploads
    from sync.server.roster import read_roster

    wb = Workbook()
    ws = wb.active
    ws.append(["家庭编号", "村代码", "名字", "关系", "身份号"])  # headers no synonym knows
    ws.append(["M1", VILLAGE, "张三", "户主", national_id(COUNTY, "19800101", 1)])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with county._write() as conn:
        token = roster_uploads.save(conn, "admin", "x.xlsx", data)
    with county.engine.connect() as conn:
        up = roster_uploads.get(conn, token, "admin")
        assert up is not None and roster_uploads.get(conn, token, "other") is None
        with pytest.raises(Exception, match="表头|header"):
            read_roster(conn, COUNTY, up.data, up.mapping)  # one recognised column is no header row
    with county._write() as conn:
        roster_uploads.set_mapping(conn, token, {"家庭编号": "roster_no", "名字": "name", "关系": "relation",
                                                 "身份号": "id_number"})
    with county.engine.connect() as conn:
        up = roster_uploads.get(conn, token, "admin")
        assert up is not None
        roster = read_roster(conn, COUNTY, up.data, up.mapping)
    assert not roster.missing and roster.error_rows == 0 and roster.plan["households_new"] == 1
    # The next upload starts from the corrected mapping.
    with county._write() as conn:
        token2 = roster_uploads.save(conn, "admin", "y.xlsx", data)
    with county.engine.connect() as conn:
        up2 = roster_uploads.get(conn, token2, "admin")
    assert up2 is not None and up2.mapping["身份号"] == "id_number"


def test_division_names_ambiguous_and_editable(county: Any) -> None:
    from fieldapp.errors import InputRefused
    from sync.server import divisions

    with county._write() as conn:
        divisions.ensure_loaded(conn, COUNTY)
        div = divisions.Divisions.of(conn, COUNTY)
        assert div.county_name == "淄川区"
        assert div.village("柳河", "刘家湾").code == VILLAGE  # suffixes optional
        divisions.save(conn, COUNTY, {"370303102299": "刘家湾村"})  # the same name in 石桥镇
        div = divisions.Divisions.of(conn, COUNTY)
        amb = div.village("", "刘家湾村")
        assert amb.code is None and "370303102299" in amb.zh and VILLAGE in amb.zh
        assert div.village("柳河乡", "刘家湾村").code == VILLAGE
        unknown = div.village("柳河乡", "刘家弯村")
        assert unknown.code is None and VILLAGE in unknown.zh  # the close name is offered
        with pytest.raises(InputRefused):
            divisions.save(conn, COUNTY, {"410522100200": "外县村"})
        names = {r.village_code: r.name for r in conn.execute(sa.select(d.villages))}
    assert names["370303102299"] == "刘家湾村"
    table = [["代码", "名称"], ["370303201", "柳河镇"], ["", "说明"]]
    assert divisions.parse_upload(COUNTY, table) == {"370303201": "柳河镇"}


def test_refusals_workbook_has_row_numbers_and_is_inert(county: Any) -> None:
    from openpyxl import load_workbook

    from sync.server.roster import read_roster, refusals_xlsx

    s1, s2, _e = national_households()
    s1[3].members[0].health = "=1+1"  # a CSV keeps it as text; the refusals workbook must not make it a formula
    with county.engine.connect() as conn:
        roster = read_roster(conn, COUNTY, national_csv(s1 + s2))
    ws = load_workbook(io.BytesIO(refusals_xlsx(roster)))["拒收行"]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0][:3]] == ["工作表", "行号", "列"]
    assert {r[1].value for r in rows[1:] if r[4].value == "错误"} == {e.row for e in roster.errors if e.severity == "error"}
    formula = [r[3] for r in rows[1:] if r[3].value == "=1+1"]
    assert formula and all(c.data_type == "s" and c.quotePrefix for c in formula)
    assert ws.auto_filter.ref == ws.dimensions
