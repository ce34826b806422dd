"""Household lists laid out the way the national monitoring information system
(全国防返贫监测信息系统) exports them: a title row above the header, the household's
columns merged over its members' rows, township and village names instead of
codes, the system's code values, ID numbers stored as numbers, a lower-case x,
full-width digits, a second sheet of households and a sheet of notes. Written as
.xlsx (openpyxl), .xls (xlwt) and .csv (as Excel saves one: merged cells blank,
numbers in scientific notation)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from fieldapp.idnumber import check_char, check_id

COUNTY = "370303"
HEADER = ["序号", "县", "乡（镇）", "村", "户编号", "户主姓名", "家庭人口数", "姓名", "证件号码", "与户主关系", "性别",
          "在校生状况", "健康状况", "劳动技能", "务工状况", "参加城乡居民基本医疗保险", "户类型", "监测对象类别",
          "风险类型", "联系电话"]
# Columns of the household: merged over its members' rows.
HOUSEHOLD_COLS = {"县", "乡（镇）", "村", "户编号", "户主姓名", "家庭人口数", "户类型", "监测对象类别", "风险类型", "联系电话"}
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def national_id(area: str, born: str, seq: int, *, sex_odd: bool = True, check: str | None = None) -> str:
    """A valid 18-digit ID; ``check`` picks a sequence whose check character is that one (e.g. "X")."""
    for s in range(seq, seq + 1000):
        body = f"{area}{born}{s % 100:02d}{1 if sex_odd else 2}"
        if check is None or check_char(body) == check:
            return body + check_char(body)
    raise AssertionError("no sequence gives that check character")


def rounding_passes(area: str, born: str, seq: int) -> tuple[str, float]:
    """An ID whose 15-significant-digit float (what Excel keeps) still passes the check digit, and that float."""
    for s in range(seq, seq + 5000):
        real = national_id(area, f"{born[:6]}{10 + s // 100 % 18:02d}", s)
        wrong = real[:15] + "000"  # Excel keeps 15 significant digits
        if wrong != real and check_id(wrong).valid:
            return real, float(wrong)
    raise AssertionError("no ID found")


@dataclass
class Member:
    name: str
    id_number: Any  # text, or a float when the sheet stores it as a number
    relation: str
    sex: str
    schooling: str = "非在校生"
    health: str = "健康"
    labour: str = "普通劳动力"
    work: str = "未务工"
    insured: str = "是"


@dataclass
class Household:
    township: str
    village: str
    roster_no: str
    household_type: str
    monitoring_type: str
    phone: str
    members: list[Member] = field(default_factory=list)
    risk: str = "因病"


def national_households() -> tuple[list[Household], list[Household], dict[str, Any]]:
    """(households of sheet 1, households of sheet 2, what the test expects)."""
    t1, v1 = "柳河乡", "刘家湾村"
    numeric_real, numeric_kept = rounding_passes(COUNTY, "19760301", 7)
    lower_x = national_id(COUNTY, "19800505", 40, check="X")
    sheet1 = [
        Household(t1, v1, "N001", "低保脱贫户", "脱贫不稳定户", "13800000101", [
            Member("王大福", lower_x.lower(), "户主", "男", health="长期慢性病"),
            Member("李春梅", national_id(COUNTY, "19820707", 2, sex_odd=False).translate(FULLWIDTH), "配偶", "女",
                   labour="弱劳动力或半劳动力"),
            Member("王小宝", national_id(COUNTY, "20200101", 3), "之子", "男", schooling="学龄前儿童",
                   labour="无劳动力"),
            Member("王小花", national_id(COUNTY, "20150909", 4, sex_odd=False), "之女", "女", schooling="在校生",
                   labour="无劳动力"),
        ]),
        Household(t1, "刘家湾", "N002", "一般农户", "边缘易致贫户", "13800000102", [
            Member("赵铁柱", numeric_kept, "户主", "男", work="省外务工"),
            Member("钱秀兰", national_id(COUNTY, "19790202", 12, sex_odd=False), "配偶", "女", health="残疾",
                   labour="丧失劳动力"),
        ]),
        Household(t1, "不存在村", "N003", "一般脱贫户", "非监测对象", "13800000103", [
            Member("孙有才", national_id(COUNTY, "19650303", 21), "户主", "男"),
        ]),
        Household(t1, v1, "N004", "一般脱贫户", "非监测对象", "13800000104", [
            Member("周红", national_id(COUNTY, "19700404", 31, sex_odd=False), "户主", "女", health="外星病"),
        ]),
    ]
    sheet2 = [
        Household("柳河乡", "陈家岭村", "N101", "特困供养脱贫户", "突发严重困难户", "13800000201", [
            Member("吴老汉", national_id(COUNTY, "19450808", 51), "户主", "男", labour="丧失劳动力", insured="否"),
        ]),
    ]
    expect = {"numeric_real": numeric_real, "lower_x": lower_x, "error_roster_nos": {"N002", "N003", "N004"},
              "good_households": {"N001", "N101"}, "good_members": 5}
    return sheet1, sheet2, expect


def _rows(households: list[Household]) -> list[tuple[list[Any], int]]:
    """Table rows, each with how many rows its household spans (on its first row; 0 on the others)."""
    out: list[tuple[list[Any], int]] = []
    n = 0
    for hh in households:
        for i, m in enumerate(hh.members):
            n += 1
            out.append(([n, "淄川区", hh.township, hh.village, hh.roster_no, hh.members[0].name, len(hh.members),
                         m.name, m.id_number, m.relation, m.sex, m.schooling, m.health, m.labour, m.work, m.insured,
                         hh.household_type, hh.monitoring_type, hh.risk, hh.phone], len(hh.members) if i == 0 else 0))
    return out


NOTES = [["填报说明"], ["本表由全国防返贫监测信息系统导出"]]


def national_xlsx(sheets: list[tuple[str, list[Household]]], *, drop: str | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    wb.remove(first)
    header = [h for h in HEADER if h != drop]
    for title, households in sheets:
        ws = wb.create_sheet(title)
        ws.append(["淄川区防止返贫监测对象花名册"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["导出时间：2026-11-28"])
        ws.append(header)
        r = 4
        for row, span in _rows(households):
            cells = [v for h, v in zip(HEADER, row, strict=True) if h != drop]
            # Merged cells keep their value in the first cell only.
            ws.append([v if span or h not in HOUSEHOLD_COLS else None for h, v in zip(header, cells, strict=True)])
            if span > 1:
                for c, h in enumerate(header, start=1):
                    if h in HOUSEHOLD_COLS:
                        ws.merge_cells(start_row=r, start_column=c, end_row=r + span - 1, end_column=c)
            r += 1
    notes = wb.create_sheet("说明")
    for n in NOTES:
        notes.append(n)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def national_xls(sheets: list[tuple[str, list[Household]]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for title, households in sheets:
        ws = wb.add_sheet(title)
        ws.write_merge(0, 0, 0, len(HEADER) - 1, "淄川区防止返贫监测对象花名册")
        ws.write(1, 0, "导出时间：2026-11-28")
        for c, h in enumerate(HEADER):
            ws.write(2, c, h)
        r = 3
        for row, span in _rows(households):
            for c, (h, v) in enumerate(zip(HEADER, row, strict=True)):
                if h in HOUSEHOLD_COLS:
                    if span > 1:
                        ws.write_merge(r, r + span - 1, c, c, v)
                    elif span == 1:
                        ws.write(r, c, v)
                else:
                    ws.write(r, c, v)
            r += 1
    notes = wb.add_sheet("说明")
    for i, n in enumerate(NOTES):
        notes.write(i, 0, n[0])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def national_csv(households: list[Household], encoding: str = "gb18030") -> bytes:
    """As Excel saves the first sheet: merged cells blank below their first row, numbers as it shows them."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["淄川区防止返贫监测对象花名册"])
    w.writerow(HEADER)
    for row, span in _rows(households):
        cells = []
        for h, v in zip(HEADER, row, strict=True):
            if h in HOUSEHOLD_COLS and not span:
                v = ""
            if isinstance(v, float):
                v = f"{v:.5E}".replace("E+", "E+")  # 3.70303E+17, as Excel's General format writes it
            cells.append(v)
        w.writerow(cells)
    return out.getvalue().encode(encoding)
