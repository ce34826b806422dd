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
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp import hlc as hlc_mod
from fieldapp.codes import code_list
from fieldapp.errors import InputRefused
from fieldapp.idnumber import check_id
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD, Op
from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.ingest import chunks, ingest, upsert
from sync.server.state import refresh_for_ops

# Header text (and accepted variants) -> key. The first seven are required.
COLUMNS: list[tuple[str, tuple[str, ...], bool]] = [
    ("roster_no", ("户编号",), True),
    ("village_code", ("村代码", "行政村代码", "村编码"), True),
    ("group", ("组", "村民小组", "组别"), True),
    ("name", ("姓名",), True),
    ("relation", ("与户主关系",), True),
    ("id_number", ("身份证号", "证件号码", "身份证号码", "公民身份号码"), True),
    ("phone", ("联系电话", "电话", "手机号码"), True),
    ("village_name", ("村名", "行政村"), False),
    ("township_name", ("乡镇", "乡（镇）", "乡镇名称"), False),
    ("address", ("家庭住址", "住址"), False),
    ("household_type", ("户类型", "脱贫属性"), False),
    ("monitoring_type", ("监测对象类别", "监测类型"), False),
    ("ethnicity", ("民族",), False),
    ("political", ("政治面貌",), False),
    ("education_attained", ("文化程度",), False),
    ("schooling", ("在校生状况",), False),
    ("health", ("健康状况",), False),
    ("labour", ("劳动技能",), False),
    ("cadre", ("帮扶责任人",), False),
]
HEADERS = {variant: key for key, variants, _req in COLUMNS for variant in variants}
REQUIRED = [(key, variants[0]) for key, variants, req in COLUMNS if req]
CODED = {"relation": "relation", "household_type": "household_type", "monitoring_type": "monitoring_type",
         "ethnicity": "ethnicity", "political": "political", "education_attained": "education_attained",
         "schooling": "schooling", "labour": "labour"}
HOUSEHOLD_FIELDS = ("village_code", "group", "address", "phone", "household_type", "monitoring_type", "roster_no",
                    "cadre")
MEMBER_FIELDS = ("name", "relation", "ethnicity", "political", "education_attained", "schooling", "health",
                 "labour")
MAX_ROWS = 200_000


def _code_of(list_name: str, text: str) -> str | None:
    for c in code_list(list_name):
        if text in (c.code, c.zh, c.en):
            return c.code
    return None


@dataclass
class RowError:
    """One problem with one spreadsheet row (``row`` is the Excel row number)."""

    row: int
    column: str
    value: str
    code: str
    en: str
    zh: str
    severity: str = "error"

    @property
    def header(self) -> str:
        """The column's header text (Chinese), as in the template."""
        return next((variants[0] for key, variants, _req in COLUMNS if key == self.column), self.column)

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "header": self.header, "value": self.value, "code": self.code,
                "reason": self.en, "reason_zh": self.zh, "severity": self.severity}


@dataclass
class RosterRow:
    row: int
    values: dict[str, str]
    member: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


@dataclass
class Roster:
    """A parsed roster and everything wrong with it."""

    rows: list[RosterRow]
    errors: list[RowError]
    columns: list[str]
    plan: dict[str, int] = field(default_factory=dict)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors if e.severity == "error"})

    def to_json(self) -> dict[str, Any]:
        return {"rows": len(self.rows), "error_rows": self.error_rows, "columns": self.columns,
                "errors": [e.to_json() for e in self.errors], "plan": self.plan}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def template_xlsx() -> bytes:
    """An empty roster workbook with every column header and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "花名册"
    ws.append([variants[0] for _key, variants, _req in COLUMNS])
    for i, (_key, _variants, req) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if req:
            cell.fill = PatternFill("solid", fgColor="FFE699")
        ws.column_dimensions[cell.column_letter].width = 20 if i in (2, 6) else 14
        ws.cell(row=2, column=i).number_format = "@"
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明 / notes"])
    notes.append(["户编号", "每户一个编号；同户成员填同一编号（必填）"])
    notes.append(["村代码", "12位统计用区划代码（必填）"])
    notes.append(["与户主关系", "户主、配偶、之子、之女……（代码表）"])
    notes.append(["身份证号", "18位公民身份号码；请把该列设为文本格式，以免丢失末位"])
    notes.append(["联系电话", "11位手机号码"])
    notes.append(["户类型 / 监测对象类别", "一般脱贫户、低保脱贫户、特困供养脱贫户、一般农户 / 非监测对象、脱贫不稳定户、边缘易致贫户、突发严重困难户"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(column keys found, [(excel row number, {key: text})]) of the first sheet with a roster header.

    Raises:
        InputRefused: not an .xlsx file, or no sheet has the required headers.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise InputRefused("this is not an Excel .xlsx file", "这不是 Excel .xlsx 文件") from None
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            for number, row in enumerate(rows, start=1):
                if number > 10:
                    break
                texts = [_cell(v) for v in row]
                if "户编号" not in texts and not any(h in texts for h in ("身份证号", "证件号码", "身份证号码")):
                    continue
                keys = {i: HEADERS[txt] for i, txt in enumerate(texts) if txt in HEADERS}
                missing = [zh for key, zh in REQUIRED if key not in keys.values()]
                if missing:
                    raise InputRefused(f"the roster lacks the column(s): {', '.join(missing)}",
                                       f"花名册缺少列：{'、'.join(missing)}")
                out: list[tuple[int, dict[str, str]]] = []
                for n2, r in enumerate(rows, start=number + 1):
                    vals = {key: _cell(r[i]) if i < len(r) else "" for i, key in keys.items()}
                    if any(vals.values()):
                        out.append((n2, vals))
                    if len(out) > MAX_ROWS:
                        raise InputRefused(f"more than {MAX_ROWS} rows; split the file", f"超过{MAX_ROWS}行，请拆分文件")
                return list(dict.fromkeys(keys.values())), out
    finally:
        wb.close()
    raise InputRefused("no sheet has a roster header row (户编号, 身份证号...)", "没有找到花名册表头（户编号、身份证号……）")


def known_villages(conn: Connection) -> set[str]:
    """Village codes the county knows: named villages, households, device and enrollment assignments."""
    out = {v for (v,) in conn.execute(sa.select(d.villages.c.village_code))}
    out |= {v for (v,) in conn.execute(sa.select(d.hh_state.c.village_code).distinct())}
    for table in (t.devices, t.enroll_codes):
        for (vs,) in conn.execute(sa.select(table.c.villages)):
            out.update(json.loads(vs))
    return out


def check_rows(conn: Connection, county: str, found: list[tuple[int, dict[str, str]]], columns: list[str]) -> Roster:
    """Check every row (ID number, village code, duplicates, code lists, one head per household)."""
    errors: list[RowError] = []
    known = known_villages(conn)
    named = {v["village_code"] for _n, v in found if v.get("village_name")}
    rows: list[RosterRow] = []
    seen_ids: dict[str, int] = {}
    by_hh: dict[str, list[RosterRow]] = {}

    def err(r: RosterRow, column: str, code: str, en: str, zh: str, severity: str = "error") -> None:
        errors.append(RowError(r.row, column, r.values.get(column, ""), code, en, zh, severity))
        if severity == "error":
            r.ok = False

    for number, vals in found:
        r = RosterRow(number, vals)
        rows.append(r)
        for key, zh in REQUIRED:
            if key not in ("phone", "group") and not vals.get(key):
                err(r, key, "missing", f"{zh} is empty", f"{zh}为空")
        code = vals.get("village_code", "")
        if code and not (len(code) == 12 and code.isdigit() and code.startswith(county)):
            err(r, "village_code", "bad_village", f"'{code}' is not a 12-digit village code of county {county}",
                f"“{code}”不是本县（{county}）的12位村代码")
        elif code and known and code not in known and code not in named:
            err(r, "village_code", "unknown_village", f"village code {code} is not known to the county",
                f"村代码 {code} 不在本县村列表中")
        raw = vals.get("id_number", "")
        if raw:
            chk = check_id(raw)
            if not chk.valid or chk.kind != "id18":
                err(r, "id_number", "bad_id", f"'{raw}' is not a valid 18-digit ID number ({chk.error})",
                    f"“{raw}”不是有效的18位身份证号")
            else:
                r.member.update(id_number=chk.id, sex=chk.sex,
                                birth_date=chk.birth_date.isoformat() if chk.birth_date else None)
                if chk.id in seen_ids:
                    err(r, "id_number", "duplicate_id", f"ID number also on row {seen_ids[chk.id]}",
                        f"身份证号与第{seen_ids[chk.id]}行重复")
                else:
                    seen_ids[chk.id] = number
        phone = vals.get("phone", "")
        if phone and not (len(phone) == 11 and phone.isdigit()):
            err(r, "phone", "bad_phone", f"phone '{phone}' does not have 11 digits", f"联系电话“{phone}”不是11位",
                "warning")
        for key, list_name in CODED.items():
            text = vals.get(key, "")
            if text:
                c = _code_of(list_name, text)
                if c is None:
                    err(r, key, "bad_code", f"'{text}' is not in the {list_name} code list",
                        f"“{text}”不在代码表中")
                else:
                    r.member[key] = c
        if vals.get("health"):
            parts = [p.strip() for p in vals["health"].replace("，", ",").replace("、", ",").split(",") if p.strip()]
            codes = [_code_of("health", p) for p in parts]
            if None in codes:
                err(r, "health", "bad_code", f"'{vals['health']}' is not in the health code list", "健康状况不在代码表中")
            else:
                r.member["health"] = codes
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
                err(r, "village_code", "mixed_village", f"the members of household {no} have different village codes",
                    f"户 {no} 的成员村代码不一致")
    errors.sort(key=lambda e: (e.row, e.column))
    return Roster(rows, errors, columns)


def read_roster(conn: Connection, county: str, data: bytes) -> Roster:
    """Parse and check a roster workbook, and plan what importing it would change (writes nothing)."""
    columns, found = parse_xlsx(data)
    roster = check_rows(conn, county, found, columns)
    ops, plan = plan_ops(conn, county, roster, skip_errors=True, dry_run=True)
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
    """The ops that bring the county's records to the roster, and counts of what they do."""
    w = CountyWriter(conn, county, author or "county")
    plan = {"households_new": 0, "households_updated": 0, "members_new": 0, "members_updated": 0,
            "rows_skipped": 0, "ops": 0}
    good = [r for r in roster.rows if r.ok]
    plan["rows_skipped"] = len(roster.rows) - len(good)
    if roster.error_rows and not skip_errors:
        return [], plan
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
            changed = False
            for f in HOUSEHOLD_FIELDS:
                if want[f] and str(want[f]) != str(have[f] or ""):
                    w.op("household", hid, f, want[f], live.get((hid, f), []))
                    changed = True
            plan["households_updated"] += int(changed)
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
                continue
            data = json.loads(old.data or "{}")
            have_m = {"name": old.name, "relation": old.relation, **data}
            changed = False
            for f, value in mv.items():
                if value not in (None, "", []) and have_m.get(f) != value:
                    w.op("member", old.member_id, f, value, live.get((old.member_id, f), []))
                    changed = True
            plan["members_updated"] += int(changed)
    plan["ops"] = len(w.ops)
    return ([] if dry_run else w.ops), plan


def import_roster(county: Any, data: bytes, *, actor: str, skip_errors: bool = False) -> dict[str, Any]:
    """Check and import a roster in one transaction; nothing is written when a row has an error
    (unless ``skip_errors``, which imports the good rows and leaves the rest out).

    Returns:
        {"imported": bool, "rows", "error_rows", "errors": [...], "plan": {...}}.
    """
    columns, found = parse_xlsx(data)
    with county._write() as conn:
        roster = check_rows(conn, county.county, found, columns)
        ops, plan = plan_ops(conn, county.county, roster, skip_errors=skip_errors, author=actor)
        roster.plan = plan
        if roster.error_rows and not skip_errors:
            return {**roster.to_json(), "imported": False}
        if ops:
            ingest(conn, ops)
            refresh_for_ops(conn, ops)
        names = {}
        for r in roster.rows:
            if r.ok and r.values.get("village_name"):
                names[r.values["village_code"]] = {"village_code": r.values["village_code"],
                                                   "name": r.values["village_name"],
                                                   "township_name": r.values.get("township_name", "")}
        upsert(conn, d.villages, list(names.values()), ["village_code"])
    return {**roster.to_json(), "imported": True}
