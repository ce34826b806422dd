"""Roster import: the county's household and member list from Excel (.xlsx,
one row per member, columns found by their header text), checked row by row
before anything is written, then written as ops of the county itself
(device id ``county:<code>``) into the op log that laptops pull, so imported
households reach the laptops of their villages like any other change.

Re-import updates, never duplicates: a household is matched on 户编号 (or, failing
that, on a member's ID number) and a member on the ID number; only fields that
changed produce ops, each superseding the values the county saw.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp import hlc as hlc_mod
from fieldapp.codes import code_list, label
from fieldapp.errors import InputRefused
from fieldapp.idnumber import check_id, normalize, to_halfwidth
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD, Op
from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.divisions import Divisions, ensure_loaded
from sync.server.ingest import chunks, ingest, upsert
from sync.server.rosterfile import read_sheets
from sync.server.state import refresh_for_ops

# Field key -> the header texts it goes by: our template's first, then the national monitoring
# system's export (全国防返贫监测信息系统) and common variants. Headers compare after
# normalising (half-width, no spaces, no "*" marks), so 乡（镇） = 乡(镇).
COLUMNS: list[tuple[str, tuple[str, ...]]] = [
    ("roster_no", ("户编号", "户码", "户ID")),
    ("village_code", ("村代码", "行政村代码", "村编码", "村级区划代码")),
    ("county_name", ("县", "县（市、区）", "县（区）", "县区", "县名称")),
    ("township_name", ("乡镇", "乡（镇）", "乡镇名称", "乡（镇、街道）", "乡镇（街道）")),
    ("village_name", ("村名", "村", "行政村", "村名称", "村（社区）")),
    ("group", ("组", "村民小组", "组别", "自然村（组）")),
    ("head_name", ("户主姓名",)),
    ("name", ("姓名", "成员姓名", "人员姓名")),
    ("relation", ("与户主关系",)),
    ("id_number", ("身份证号", "证件号码", "身份证号码", "公民身份号码", "证件号")),
    ("sex", ("性别",)),
    ("phone", ("联系电话", "电话", "手机号码", "联系方式")),
    ("address", ("家庭住址", "住址")),
    ("household_type", ("户类型", "脱贫属性", "户属性", "脱贫户属性")),
    ("monitoring_type", ("监测对象类别", "监测类型", "监测对象类型")),
    ("ethnicity", ("民族",)),
    ("political", ("政治面貌",)),
    ("education_attained", ("文化程度",)),
    ("schooling", ("在校生状况", "在校生情况")),
    ("health", ("健康状况",)),
    ("labour", ("劳动技能", "劳动能力")),
    ("work_location", ("务工状况", "务工区域")),
    ("medical_insurance", ("参加城乡居民基本医疗保险", "参加基本医疗保险", "医疗保险")),
    ("cadre", ("帮扶责任人",)),
]
FIELD_EN = {"roster_no": "Household no.", "village_code": "Village code", "county_name": "County",
            "township_name": "Township", "village_name": "Village", "group": "Group",
            "head_name": "Head of household", "name": "Name", "relation": "Relation to head",
            "id_number": "ID number", "sex": "Sex", "phone": "Phone", "address": "Address",
            "household_type": "Household type", "monitoring_type": "Monitoring type", "ethnicity": "Ethnicity",
            "political": "Political status", "education_attained": "Education", "schooling": "Schooling",
            "health": "Health", "labour": "Labour capacity", "work_location": "Work", "cadre": "Assigned cadre",
            "medical_insurance": "Basic medical insurance"}
FIELD_ZH = {key: variants[0] for key, variants in COLUMNS}
REQUIRED = ("roster_no", "name", "relation", "id_number")
CODED = {"relation": "relation", "household_type": "household_type", "monitoring_type": "monitoring_type",
         "ethnicity": "ethnicity", "political": "political", "education_attained": "education_attained",
         "schooling": "schooling", "labour": "labour", "work_location": "work_location",
         "medical_insurance": "medical_insurance"}
# Values as the national system and clerks write them -> our codes (besides each code's own labels).
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "relation": {"本人": "head", "户主本人": "head", "妻": "spouse", "妻子": "spouse", "丈夫": "spouse",
                 "夫": "spouse", "子": "son", "儿子": "son", "长子": "son", "次子": "son", "女": "daughter",
                 "女儿": "daughter", "长女": "daughter", "次女": "daughter", "儿媳": "daughter_in_law",
                 "女婿": "son_in_law", "孙子": "grandson", "孙女": "granddaughter", "父亲": "father",
                 "母亲": "mother", "兄弟姐妹": "sibling", "兄弟": "sibling", "姐妹": "sibling"},
    "household_type": {"脱贫户": "tuopin_general", "非贫困户": "ordinary", "一般户": "ordinary",
                       "分散供养特困户": "tuopin_tekun", "特困脱贫户": "tuopin_tekun"},
    "monitoring_type": {"否": "none", "无": "none", "非监测户": "none", "边缘易致贫户（监测户）": "marginal",
                        "突发严重困难户（监测户）": "sudden", "脱贫不稳定户（监测户）": "unstable"},
    "schooling": {"非在校生": "graduated", "不在校": "graduated", "已毕业": "graduated", "学龄前儿童": "preschool",
                  "学前教育": "preschool", "幼儿园": "preschool", "初一": "grade7", "初二": "grade8",
                  "初三": "grade9", "初中一年级": "grade7", "初中二年级": "grade8", "初中三年级": "grade9",
                  "失学辍学": "out_of_school", "辍学": "out_of_school", "未入学": "not_enrolled"},
    "health": {"慢性病": "chronic", "大病": "serious", "患大病": "serious", "重病": "serious", "残疾人": "disabled"},
    "labour": {"弱劳动力": "weak", "半劳动力": "weak", "无劳动能力": "none", "丧失劳动能力": "lost"},
    "medical_insurance": {"是": "resident", "已参加": "resident", "参加": "resident", "否": "none",
                          "未参加": "none"},
    "work_location": {"县内务工": "in_county", "省内县外务工": "in_province", "省外": "out_of_province"},
}
# Prefixes of the national system's per-grade values (小学三年级, 高中一年级...).
VALUE_PREFIXES: dict[str, tuple[tuple[str, str], ...]] = {
    "schooling": (("小学", "primary"), ("普通高中", "high_school"), ("高中", "high_school"),
                  ("中职", "vocational"), ("中专", "vocational"), ("技工", "vocational"), ("高职", "college"),
                  ("大专", "college"), ("本科", "college"), ("研究生", "college"), ("硕士", "college"),
                  ("博士", "college")),
}
# Values that mean "none given" in a column the national export always fills.
BLANK_VALUES = {"work_location": {"未务工", "无", "否", "不务工"}}
HOUSEHOLD_FIELDS = ("village_code", "group", "address", "phone", "household_type", "monitoring_type", "roster_no",
                    "cadre")
MEMBER_FIELDS = ("name", "relation", "ethnicity", "political", "education_attained", "schooling", "health",
                 "labour", "work_location", "medical_insurance")
# Columns that belong to the household: a member row of a CSV export leaves them blank.
HOUSEHOLD_KEYS = ("roster_no", "village_code", "county_name", "township_name", "village_name", "group",
                  "head_name", "address", "household_type", "monitoring_type")
MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 20
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")


def norm_header(text: Any) -> str:
    """A header cell as compared: half-width, without spaces, line breaks or required-marks."""
    out = to_halfwidth(str(text or "")).replace("*", "").replace("＊", "")
    return "".join(out.split())


SYNONYMS = {norm_header(v): key for key, variants in COLUMNS for v in variants}


def _norm_value(text: str) -> str:
    return "".join(to_halfwidth(text).split())


def code_of(list_name: str, text: str) -> str | None:
    """The code of a value written as its code, its label or a known synonym."""
    value = _norm_value(text)
    for c in code_list(list_name):
        if value in (c.code, _norm_value(c.zh), c.en):
            return c.code
    found = VALUE_SYNONYMS.get(list_name, {}).get(value)
    if found:
        return found
    return next((code for prefix, code in VALUE_PREFIXES.get(list_name, ()) if value.startswith(prefix)), None)


def accepted(list_name: str) -> str:
    """The labels a column accepts, for the message next to a refused value."""
    return "、".join(c.zh for c in code_list(list_name))


def accepted_en(list_name: str) -> str:
    return ", ".join(c.en for c in code_list(list_name))


@dataclass
class RowError:
    """One problem with one spreadsheet row (``row`` is the Excel row number, ``sheet`` its sheet)."""

    row: int
    column: str
    value: str
    code: str
    en: str
    zh: str
    severity: str = "error"
    sheet: str = ""

    @property
    def header(self) -> str:
        """The column's header text (Chinese), as in the template."""
        return FIELD_ZH.get(self.column, self.column)

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "value": self.value, "code": self.code, "reason": self.en, "reason_zh": self.zh,
                "severity": self.severity}


@dataclass
class RosterRow:
    row: int
    values: dict[str, str]
    member: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    sheet: str = ""
    numeric: set[str] = field(default_factory=set)


@dataclass
class HouseholdChange:
    """What an import does to one household: new, or the fields that change (old -> new)."""

    roster_no: str
    head: str
    village_code: str
    new: bool
    changes: list[tuple[str, str, str, Any, Any]] = field(default_factory=list)  # (who, member name, field, old, new)


@dataclass
class Roster:
    """A parsed roster and everything wrong with it."""

    rows: list[RosterRow]
    errors: list[RowError]
    columns: list[str]
    plan: dict[str, int] = field(default_factory=dict)
    headers: list[tuple[str, str | None]] = field(default_factory=list)  # (header text, field key or None)
    missing: list[str] = field(default_factory=list)
    sheets: list[tuple[str, int | None]] = field(default_factory=list)  # (sheet, header row or None: skipped)
    households: list[HouseholdChange] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors if e.severity == "error"})

    def to_json(self) -> dict[str, Any]:
        return {"rows": len(self.rows), "error_rows": self.error_rows, "columns": self.columns,
                "errors": [e.to_json() for e in self.errors], "plan": self.plan, "missing": self.missing,
                "headers": [{"header": h, "field": k} for h, k in self.headers],
                "sheets": [{"sheet": s, "header_row": r} for s, r in self.sheets]}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    return str(value).strip()


def template_xlsx() -> bytes:
    """An empty roster workbook with every column header and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    keys = [k for k, _v in COLUMNS if k not in ("county_name", "head_name", "sex")]
    ws.append([FIELD_ZH[k] for k in keys])
    for i, key in enumerate(keys, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if key in REQUIRED or key == "village_code":
            cell.fill = PatternFill("solid", fgColor="FFE699")
        ws.column_dimensions[cell.column_letter].width = 20 if key in ("village_code", "id_number") else 14
        ws.cell(row=2, column=i).number_format = "@"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明 / notes"])
    notes.append(["户编号", "每户一个编号；同户成员填同一编号（必填）"])
    notes.append(["村代码 / 乡镇 + 村名", "12位统计用区划代码，或乡镇和村的名称（按本县区划表对应代码）"])
    notes.append(["与户主关系", "户主、配偶、之子、之女……（代码表）"])
    notes.append(["身份证号", "18位公民身份号码；请把该列设为文本格式，以免丢失末位"])
    notes.append(["联系电话", "11位手机号码"])
    notes.append(["户类型 / 监测对象类别", f"{accepted('household_type')} / {accepted('monitoring_type')}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class Parsed:
    """The rows of every roster sheet of a file, with the header mapping that found them."""

    columns: list[str]
    rows: list[tuple[str, int, dict[str, str], set[str]]]  # (sheet, excel row, {key: text}, keys held as numbers)
    headers: list[tuple[str, str | None]]
    sheets: list[tuple[str, int | None]]
    missing: list[str]


def _key_of(header: str, mapping: dict[str, str]) -> str | None:
    if header in mapping:
        return mapping[header] or None
    return SYNONYMS.get(header)


def parse(data: bytes, mapping: dict[str, str] | None = None) -> Parsed:
    """Find each sheet's header row (under any title rows), map its headers to fields and read the rows.

    ``mapping`` (normalised header -> field key, "" to ignore a column) overrides the synonym table.

    Raises:
        InputRefused: a file that is not a workbook or CSV, or no sheet with a roster header.
    """
    mapping = mapping or {}
    sheets = read_sheets(data)
    is_csv = len(sheets) == 1 and sheets[0].name == "CSV"
    headers: dict[str, str | None] = {}
    out: list[tuple[str, int, dict[str, str], set[str]]] = []
    found: list[tuple[str, int | None]] = []
    columns: dict[str, None] = {}
    for sheet in sheets:
        best, best_score = -1, 0
        for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            score = len({_key_of(norm_header(c), mapping) for c in row} - {None})
            if score > best_score:
                best, best_score = i, score
        if best_score < 3:
            found.append((sheet.name, None))
            continue
        found.append((sheet.name, best + 1))
        keys: dict[int, str] = {}
        for i, c in enumerate(sheet.rows[best]):
            h = norm_header(c)
            if not h:
                continue
            key = _key_of(h, mapping)
            headers.setdefault(h, key)
            if key is not None and key not in keys.values():
                keys[i] = key
        columns.update(dict.fromkeys(keys.values()))
        previous: dict[str, str] | None = None
        for number, r in enumerate(sheet.rows[best + 1:], start=best + 2):
            vals = {key: _cell(r[i]) if i < len(r) else "" for i, key in keys.items()}
            if not any(vals.values()):
                continue
            numeric = {key for i, key in keys.items() if i < len(r) and isinstance(r[i], (int, float))
                       and not isinstance(r[i], bool)}
            if is_csv and previous and not vals.get("roster_no") and code_of("relation", vals.get("relation", "")) != "head":
                # A member row of an export whose household cells were merged: they came out blank.
                for key in HOUSEHOLD_KEYS:
                    if key in vals and not vals[key]:
                        vals[key] = previous.get(key, "")
            previous = vals
            out.append((sheet.name, number, vals, numeric))
            if len(out) > MAX_ROWS:
                raise InputRefused(f"more than {MAX_ROWS} rows; split the file", f"超过{MAX_ROWS}行，请拆分文件")
    if all(r is None for _s, r in found):
        raise InputRefused("no sheet has a roster header row (户编号, 身份证号...)", "没有找到花名册表头（户编号、身份证号……）")
    have = set(columns)
    missing = [FIELD_ZH[k] for k in REQUIRED if k not in have]
    if "village_code" not in have and "village_name" not in have:
        missing.append(f"{FIELD_ZH['village_code']} / {FIELD_ZH['village_name']}")
    return Parsed(list(columns), out, list(headers.items()), found, missing)


def parse_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(column keys found, [(excel row number, {key: text})]); kept for callers that read one sheet.

    Raises:
        InputRefused: unreadable file, no roster header, or a required column missing.
    """
    parsed = parse(data)
    _refuse_missing(parsed)
    return parsed.columns, [(n, v) for _s, n, v, _num in parsed.rows]


def _refuse_missing(parsed: Parsed) -> None:
    if parsed.missing:
        raise InputRefused(f"the roster lacks the column(s): {', '.join(parsed.missing)}",
                           f"花名册缺少列：{'、'.join(parsed.missing)}")


def known_villages(conn: Connection) -> set[str]:
    """Village codes the county knows: the division list, households, device and enrollment assignments."""
    out = {v for (v,) in conn.execute(sa.select(d.villages.c.village_code))}
    out |= {c for (c,) in conn.execute(sa.select(d.divisions.c.code)) if len(c) == 12}
    out |= {v for (v,) in conn.execute(sa.select(d.hh_state.c.village_code).distinct())}
    for table in (t.devices, t.enroll_codes):
        for (vs,) in conn.execute(sa.select(table.c.villages)):
            out.update(json.loads(vs))
    return out


def _age(birth: str | None, today: date) -> int | None:
    if not birth:
        return None
    b = date.fromisoformat(birth)
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def _schooling_by_age(age: int | None) -> str:
    """The level a bare 在校生 (student, no level given) is taken as, from the usual age of each level."""
    if age is None or age < 6:
        return "preschool"
    if age < 12:
        return "primary"
    return {12: "grade7", 13: "grade8", 14: "grade9"}.get(age, "high_school" if age < 18 else "college")


def check_rows(conn: Connection, county: str, found: list[tuple[int, dict[str, str]]] | Parsed,
               columns: list[str] | None = None) -> Roster:
    """Check every row (ID number, village, duplicates, code lists, one head per household)."""
    if isinstance(found, Parsed):
        parsed = found
    else:
        parsed = Parsed(columns or [], [("", n, v, set()) for n, v in found], [], [], [])
    errors: list[RowError] = []
    ensure_loaded(conn, county)
    known = known_villages(conn)
    div = Divisions.of(conn, county)
    named = {v["village_code"] for _s, _n, v, _num in parsed.rows if v.get("village_name") and v.get("village_code")}
    rows: list[RosterRow] = []
    seen_ids: dict[str, RosterRow] = {}
    by_hh: dict[str, list[RosterRow]] = {}
    today = date.today()
    by_code = "village_code" in parsed.columns

    def err(r: RosterRow, column: str, code: str, en: str, zh: str, severity: str = "error") -> None:
        errors.append(RowError(r.row, column, r.values.get(column, ""), code, en, zh, severity, r.sheet))
        if severity == "error":
            r.ok = False

    def where(r: RosterRow) -> str:
        return f"{r.sheet}!{r.row}" if r.sheet and r.sheet != "CSV" else str(r.row)

    for sheet, number, vals, numeric in parsed.rows:
        r = RosterRow(number, vals, sheet=sheet, numeric=numeric)
        rows.append(r)
        for key in REQUIRED:
            if not vals.get(key):
                err(r, key, "missing", f"{FIELD_EN[key]} is empty", f"{FIELD_ZH[key]}为空")
        cname = vals.get("county_name", "")
        if cname and div.county_name and _bare_name(cname) != _bare_name(div.county_name):
            err(r, "county_name", "other_county", f"'{cname}' is not this county ({div.county_name} {county})",
                f"“{cname}”不是本县（{div.county_name} {county}）")
        code = vals.get("village_code", "")
        if by_code and code:
            if not (len(code) == 12 and code.isdigit() and code.startswith(county)):
                err(r, "village_code", "bad_village", f"'{code}' is not a 12-digit village code of county {county}",
                    f"“{code}”不是本县（{county}）的12位村代码")
            elif known and code not in known and code not in named:
                err(r, "village_code", "unknown_village", f"village code {code} is not known to the county",
                    f"村代码 {code} 不在本县村列表中")
        elif vals.get("village_name"):
            res = div.village(vals.get("township_name", ""), vals["village_name"])
            if res.code is None:
                err(r, "village_name", "unknown_village", res.en, res.zh)
            else:
                vals["village_code"] = res.code
        else:
            err(r, "village_code", "missing", "the village (code or name) is empty", "村（代码或名称）为空")
        raw = vals.get("id_number", "")
        digits = normalize(raw)
        if raw and ("id_number" in numeric or _SCIENTIFIC.fullmatch(digits)
                    or (len(digits) == 18 and digits.isdigit() and digits.endswith("000"))):
            err(r, "id_number", "id_as_number",
                "the ID number is stored as a number, so Excel kept only its first 15 digits and the rest may be "
                "wrong even if the check digit passes; format the column as text (Format Cells > Text), type or "
                "export the numbers again, and upload the file again",
                "身份证号以数字格式保存，Excel 只保留前15位，后几位可能已经改变（即使校验位恰好通过）；"
                "请把该列设置为“文本”格式（设置单元格格式 → 文本），重新录入或从系统重新导出后再上传")
        elif raw:
            chk = check_id(raw)
            if not chk.valid or chk.kind != "id18":
                err(r, "id_number", "bad_id", f"'{raw}' is not a valid 18-digit ID number ({chk.error})",
                    f"“{raw}”不是有效的18位身份证号")
            else:
                r.member.update(id_number=chk.id, sex=chk.sex,
                                birth_date=chk.birth_date.isoformat() if chk.birth_date else None)
                if chk.id in seen_ids:
                    err(r, "id_number", "duplicate_id", f"ID number also on row {where(seen_ids[chk.id])}",
                        f"身份证号与第{where(seen_ids[chk.id])}行重复")
                else:
                    seen_ids[chk.id] = r
        phone = normalize(vals.get("phone", ""))
        if phone and not (len(phone) == 11 and phone.isdigit()):
            err(r, "phone", "bad_phone", f"phone '{phone}' does not have 11 digits", f"联系电话“{phone}”不是11位",
                "warning")
        elif phone:
            vals["phone"] = phone
        for key, list_name in CODED.items():
            text = vals.get(key, "")
            if not text or _norm_value(text) in BLANK_VALUES.get(key, ()):
                continue
            c = code_of(list_name, text)
            if c is None and key == "schooling" and _norm_value(text) in ("在校生", "在校"):
                c = _schooling_by_age(_age(r.member.get("birth_date"), today))
                err(r, key, "level_by_age", f"'{text}' gives no level; taken as {label(list_name, c, 'en')} "
                    "from the age, correct it on the laptop if wrong",
                    f"“{text}”未写明学段，按年龄记为“{label(list_name, c, 'zh')}”，如有误请在走访端更正", "warning")
            if c is None:
                err(r, key, "bad_code", f"'{text}' is not in the {FIELD_EN[key]} code list; accepted: "
                    f"{accepted_en(list_name)}", f"“{text}”不在{FIELD_ZH[key]}代码表中；可填：{accepted(list_name)}")
            else:
                r.member[key] = c
        if vals.get("health"):
            parts = [p.strip() for p in re.split(r"[,，、;；/]", vals["health"]) if p.strip()]
            codes = [code_of("health", p) for p in parts]
            if None in codes:
                err(r, "health", "bad_code", f"'{vals['health']}' is not in the health code list; accepted: "
                    f"{accepted_en('health')}", f"“{vals['health']}”不在健康状况代码表中；可填：{accepted('health')}")
            else:
                r.member["health"] = list(dict.fromkeys(c for c in codes if c))
        if vals.get("roster_no"):
            by_hh.setdefault(vals["roster_no"], []).append(r)
    # ID numbers that already belong to another household of the county.
    existing: dict[str, str | None] = {}
    m, h = d.member_state.c, d.hh_state.c
    for batch in chunks(list(seen_ids)):
        q = (sa.select(m.id_number, h.roster_no).select_from(d.member_state.join(
             d.hh_state, m.household_id == h.household_id)).where(m.id_number.in_(batch), m.status == "active"))
        existing.update({i: rn for i, rn in conn.execute(q)})
    for r in rows:
        idn = r.member.get("id_number")
        if idn in existing and existing[idn] not in (None, r.values.get("roster_no")):
            err(r, "id_number", "duplicate_id", f"ID number already belongs to household {existing[idn]}",
                f"身份证号已属于户 {existing[idn]}")
    for no, members in by_hh.items():
        heads = [r for r in members if r.member.get("relation") == "head"]
        if len(heads) != 1:
            for r in members:
                err(r, "relation", "head_count", f"household {no} has {len(heads)} heads; it needs exactly one",
                    f"户 {no} 有{len(heads)}个户主，应当恰好一个")
        if len({r.values.get("village_code") for r in members}) > 1:
            for r in members:
                err(r, "village_code", "mixed_village", f"the members of household {no} have different villages",
                    f"户 {no} 的成员所在村不一致")
    # A household goes in whole or not at all: its other rows are refused with it.
    for no, members in by_hh.items():
        bad = [r for r in members if not r.ok]
        for r in members:
            if bad and r.ok:
                err(r, "roster_no", "household_refused", f"row {where(bad[0])} of household {no} was refused",
                    f"同户（{no}）第{where(bad[0])}行被拒收，本行一并拒收")
    order = {name: i for i, (name, _r) in enumerate(parsed.sheets)}
    errors.sort(key=lambda e: (order.get(e.sheet, 0), e.row, e.column))
    return Roster(rows, errors, parsed.columns, headers=parsed.headers, missing=parsed.missing, sheets=parsed.sheets)


def _bare_name(name: str) -> str:
    return "".join(to_halfwidth(name).split()).removesuffix("县").removesuffix("区").removesuffix("市")


def read_roster(conn: Connection, county: str, data: bytes, mapping: dict[str, str] | None = None) -> Roster:
    """Parse and check a roster file, and plan what importing it would change (writes nothing).

    A required column the mapping does not find leaves the roster without rows and lists it in ``missing``.
    """
    parsed = parse(data, mapping)
    if parsed.missing:
        return Roster([], [], parsed.columns, headers=parsed.headers, missing=parsed.missing, sheets=parsed.sheets)
    roster = check_rows(conn, county, parsed)
    _ops, plan = plan_ops(conn, county, roster, skip_errors=True, dry_run=True)
    roster.plan = plan
    return roster


class CountyWriter:
    """Makes ops of the county device: next seq, a clock after every op it wrote before."""

    def __init__(self, conn: Connection, county: str, author: str) -> None:
        self.device = f"county:{county}"
        self.county = county
        self.author = author
        o = t.ops.c
        row = conn.execute(sa.select(sa.func.max(o.device_seq), sa.func.max(o.hlc)).where(o.device_id == self.device)).first()
        self.seq = int(row[0] or 0) if row else 0
        self.clock = hlc_mod.Clock(last=(row[1] if row and row[1] else hlc_mod.encode(0, 0)))
        self.ops: list[Op] = []

    def op(self, entity: str, entity_id: str, field_name: str, value: Any, supersedes: Iterable[str] = ()) -> None:
        self.seq += 1
        self.ops.append(Op(op_id=uuid7(), device_id=self.device, device_seq=self.seq, hlc=self.clock.tick(),
                           entity=entity, entity_id=entity_id, field=field_name, value=value,
                           supersedes=tuple(supersedes), county=self.county, schema_version=1, author=self.author))


def _live_ids(conn: Connection, entity_ids: Iterable[str]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    lv = t.live_values.c
    for batch in chunks(entity_ids):
        for i, f, op_id in conn.execute(sa.select(lv.entity_id, lv.field, lv.op_id).where(lv.entity_id.in_(batch))):
            out.setdefault((i, f), []).append(op_id)
    return out


def plan_ops(conn: Connection, county: str, roster: Roster, *, skip_errors: bool, dry_run: bool = False,
             author: str = "") -> tuple[list[Op], dict[str, int]]:
    """The ops that bring the county's records to the roster, and counts of what they do.

    Only fields the file carries are compared and written: a file without a 户类型 column leaves every
    household's type as it is. ``roster.households`` receives, per household, what changes (old -> new).
    """
    w = CountyWriter(conn, county, author or "county")
    plan = {"households_new": 0, "households_updated": 0, "members_new": 0, "members_updated": 0,
            "rows_skipped": 0, "ops": 0}
    roster.households = []
    good = [r for r in roster.rows if r.ok]
    plan["rows_skipped"] = len(roster.rows) - len(good)
    if roster.error_rows and not skip_errors:
        return [], plan
    carried = set(roster.columns) | ({"village_code"} if "village_name" in roster.columns else set())
    groups: dict[str, list[RosterRow]] = {}
    for r in good:
        groups.setdefault(r.values["roster_no"], []).append(r)
    h, m = d.hh_state.c, d.member_state.c
    by_no: dict[str, Any] = {}
    for batch in chunks(list(groups)):
        by_no.update({row.roster_no: row for row in conn.execute(sa.select(d.hh_state).where(h.roster_no.in_(batch)))})
    ids = [r.member["id_number"] for r in good]
    members: dict[str, Any] = {}
    for batch in chunks(ids):
        members.update({row.id_number: row for row in conn.execute(
            sa.select(d.member_state).where(m.id_number.in_(batch), m.status == "active"))})
    hh_rows: dict[str, Any] = {}
    for batch in chunks({row.household_id for row in members.values()}):
        hh_rows.update({row.household_id: row for row in conn.execute(sa.select(d.hh_state).where(h.household_id.in_(batch)))})
    live = _live_ids(conn, [*(r.household_id for r in by_no.values()), *hh_rows, *(r.member_id for r in members.values())])
    for no, rows in groups.items():
        rows.sort(key=lambda r: (r.member.get("relation") != "head", r.row))
        head = rows[0]
        hh = by_no.get(no) or next((hh_rows.get(members[r.member["id_number"]].household_id) for r in rows
                                    if r.member["id_number"] in members), None)
        want = {"village_code": head.values["village_code"], "group": head.values.get("group", ""),
                "address": head.values.get("address", ""), "phone": head.values.get("phone", ""),
                "household_type": head.member.get("household_type", "ordinary"),
                "monitoring_type": head.member.get("monitoring_type", "none"), "roster_no": no,
                "cadre": head.values.get("cadre", "")}
        change = HouseholdChange(no, head.values.get("name", ""), want["village_code"], hh is None)
        if hh is None:
            hid = uuid7()
            w.op("household", hid, FACT_FIELD, {**want, "status": "active", "created_at": utc_now(), "source": "roster"})
            plan["households_new"] += 1
            position = 0
        else:
            hid = hh.household_id
            have = {"village_code": hh.village_code, "group": hh.grp, "address": hh.address, "phone": hh.phone,
                    "household_type": hh.household_type, "monitoring_type": hh.monitoring_type,
                    "roster_no": hh.roster_no or "", "cadre": hh.cadre}
            for f in HOUSEHOLD_FIELDS:
                if f in carried and want[f] and str(want[f]) != str(have[f] or ""):
                    w.op("household", hid, f, want[f], live.get((hid, f), []))
                    change.changes.append(("household", "", f, have[f], want[f]))
            plan["households_updated"] += int(bool(change.changes))
            position = int(hh.members)
        for r in rows:
            mv = {"name": r.values["name"], "relation": r.member.get("relation", "other"),
                  **{k: r.member[k] for k in MEMBER_FIELDS if k in r.member and k not in ("name", "relation")}}
            old = members.get(r.member["id_number"])
            if old is None or old.household_id != hid:
                w.op("member", uuid7(), FACT_FIELD, {**mv, "household_id": hid, "id_number": r.member["id_number"],
                                                     "sex": r.member.get("sex"), "birth_date": r.member.get("birth_date"),
                                                     "phone": r.values.get("phone", ""), "status": "active",
                                                     "position": position})
                position += 1
                plan["members_new"] += 1
                if hh is not None:
                    change.changes.append(("member_new", mv["name"], "name", None, mv["name"]))
                continue
            data = json.loads(old.data or "{}")
            have_m = {"name": old.name, "relation": old.relation, **data}
            before = len(change.changes)
            for f, value in mv.items():
                if value not in (None, "", []) and have_m.get(f) != value:
                    w.op("member", old.member_id, f, value, live.get((old.member_id, f), []))
                    change.changes.append(("member", old.name, f, have_m.get(f), value))
            plan["members_updated"] += int(len(change.changes) > before)
        if change.new or change.changes:
            roster.households.append(change)
    plan["ops"] = len(w.ops)
    return ([] if dry_run else w.ops), plan


def value_text(field_key: str, value: Any, lang: str) -> str:
    """A planned old or new value as the clerk reads it (code lists translated)."""
    if value in (None, "", []):
        return "—"
    list_name = CODED.get(field_key) or ("health" if field_key == "health" else None)
    if list_name is None:
        return str(value)
    values = value if isinstance(value, list) else [value]
    return "、".join(label(list_name, str(v), lang) for v in values)


def import_roster(county: Any, data: bytes, *, actor: str, skip_errors: bool = False,
                  mapping: dict[str, str] | None = None) -> dict[str, Any]:
    """Check and import a roster in one transaction; nothing is written when a row has an error
    (unless ``skip_errors``, which imports the good rows and leaves the rest out).

    Returns:
        {"imported": bool, "rows", "error_rows", "errors": [...], "plan": {...}}.

    Raises:
        InputRefused: an unreadable file, or a required column the mapping does not find.
    """
    parsed = parse(data, mapping)
    _refuse_missing(parsed)
    with county._write() as conn:
        roster = check_rows(conn, county.county, parsed)
        ops, plan = plan_ops(conn, county.county, roster, skip_errors=skip_errors, author=actor)
        roster.plan = plan
        if roster.error_rows and not skip_errors:
            return {**roster.to_json(), "imported": False}
        if ops:
            ingest(conn, ops)
            refresh_for_ops(conn, ops)
        names = {}
        for r in roster.rows:
            if r.ok and r.values.get("village_name") and "village_code" in roster.columns:
                names[r.values["village_code"]] = {"village_code": r.values["village_code"],
                                                   "name": r.values["village_name"],
                                                   "township_name": r.values.get("township_name", "")}
        upsert(conn, d.villages, list(names.values()), ["village_code"])
    return {**roster.to_json(), "imported": True}


def refusals_xlsx(roster: Roster) -> bytes:
    """The refused rows and warnings as a workbook (sheet, row number, column, value, reason) to fix the file by."""
    from sync.server.exports import workbook_bytes

    rows = [[e.sheet, e.row, e.header, e.value, "错误" if e.severity == "error" else "提示", e.zh, e.en]
            for e in roster.errors]
    return workbook_bytes([("拒收行", ["工作表", "行号", "列", "值", "级别", "原因", "Reason"], rows)])
