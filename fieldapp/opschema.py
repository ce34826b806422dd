"""One definition of a well-formed op, used by the laptop and the county server.

An op is checked before it is stored or applied anywhere (DESIGN §4): its ids
are canonical UUID text, its entity and field come from the schema (never a
free-form JSON path), every value has the type its field projects to, texts
have no NUL or control characters and stay within their length, and the whole
op stays within a size. A failing op gets a :class:`OpProblem` with a stable
code and a reason in both languages; it is then set aside (laptop) or held in
quarantine (county), never projected or sent on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fieldapp.merge import FACT_FIELD, Op

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
COUNTY_DEVICE_RE = re.compile(r"^county:[0-9]{6}$")
COUNTY_RE = re.compile(r"^([0-9]{6})?$")  # empty on a laptop not yet enrolled
VILLAGE_RE = re.compile(r"^[0-9]{12}$")
HLC_RE = re.compile(r"^[0-9]{13}-[0-9]{6}$")
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
B64_RE = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
# C0 controls except tab, newline and carriage return; DEL; lone surrogates (not encodable as UTF-8).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

MAX_TEXT = 4000  # characters of one text value
MAX_VALUE = 256 * 1024  # characters of one op's value as JSON text
MAX_ATTACHMENT = 16 * 1024 * 1024  # base64 characters of one attachment
MAX_AUTHOR = 200
MAX_SUPERSEDES = 1000

ENTITIES = ("household", "member", "visit", "problem", "measure", "attachment", "monitor_step", "campaign")
REGISTER_ENTITIES = ("household", "member", "problem", "measure")


@dataclass(frozen=True)
class OpProblem:
    """Why an op is not well-formed: a stable code and a reason in English and Chinese."""

    code: str
    en: str
    zh: str


class _Bad(Exception):
    def __init__(self, problem: OpProblem) -> None:
        super().__init__(problem.en)
        self.problem = problem


def _bad(code: str, en: str, zh: str) -> _Bad:
    return _Bad(OpProblem(code, en, zh))


# ----- value kinds ----------------------------------------------------------------------------
Check = Callable[[str, Any], None]


def _text(name: str, v: Any) -> None:
    if v.__class__ is not str:
        raise _bad("bad_value", f"{name} must be text", f"{name} 必须是文字")
    if len(v) > MAX_TEXT:
        raise _bad("too_long", f"{name} is longer than {MAX_TEXT} characters", f"{name} 超过 {MAX_TEXT} 个字符")


def _text_or_null(name: str, v: Any) -> None:
    if v is not None:
        _text(name, v)


def _integer(name: str, v: Any) -> None:
    if v is not None and (v.__class__ is not int or not -(2**53) <= v <= 2**53):
        raise _bad("bad_value", f"{name} must be a whole number", f"{name} 必须是整数")


def _uuid(name: str, v: Any) -> None:
    if v.__class__ is not str or not UUID_RE.match(v):
        raise _bad("bad_id", f"{name} is not an id (canonical UUID text)", f"{name} 不是有效编号（UUID）")


def _uuid_or_null(name: str, v: Any) -> None:
    if v is not None:
        _uuid(name, v)


def _village(name: str, v: Any) -> None:
    if v.__class__ is not str or not VILLAGE_RE.match(v):
        raise _bad("bad_value", f"{name} must be a 12-digit village code", f"{name} 必须是12位村代码")


def _scalar(name: str, v: Any) -> None:
    if v is not None and v.__class__ not in (str, int, float, bool):
        raise _bad("bad_value", f"{name} must be a single value, not a list or object", f"{name} 必须是单个值")
    if v.__class__ is str:
        _text(name, v)


def _object_or_null(name: str, v: Any) -> None:
    if v is not None and not isinstance(v, dict):
        raise _bad("bad_value", f"{name} must be an object", f"{name} 必须是对象")


def _problem_status(name: str, v: Any) -> None:
    if isinstance(v, dict):
        for k in ("status", "note", "at"):
            if k in v:
                _text_or_null(f"{name}.{k}", v[k])
        _text(f"{name}.status", v.get("status"))
        return
    _text(name, v)


def _sha256(name: str, v: Any) -> None:
    if v.__class__ is not str or not SHA256_RE.match(v):
        raise _bad("bad_value", f"{name} must be a SHA-256 hex digest", f"{name} 必须是 SHA-256 摘要")


def _base64(name: str, v: Any) -> None:
    if v.__class__ is not str or len(v) % 4 or not B64_RE.match(v):
        raise _bad("bad_value", f"{name} must be base64 text", f"{name} 必须是 base64 文本")
    if len(v) > MAX_ATTACHMENT:
        raise _bad("too_large", "the attachment is too large", "附件过大")


def _any(_name: str, _v: Any) -> None:
    """Any JSON value (its texts are still checked by :func:`_walk`)."""


# Register fields a laptop or the county may change, and the kind of their values. The fields
# that the stores project onto columns are scalars of a fixed type; the rest are JSON values.
REGISTER_FIELDS: dict[str, dict[str, Check]] = {
    "household": {
        "village_code": _village, "group": _text, "address": _text, "phone": _text, "household_type": _text,
        "monitoring_type": _text, "status": _text, "card_serial": _integer, "card_printed_at": _text_or_null,
        "flags": _any, "cadre": _any, "secretary": _any, "natural_village": _any, "risks": _any,
        "identified_month": _any, "elimination": _any, "notes": _any, "village_name": _text,
        "township_name": _text, "roster_no": _text,
    },
    "member": {
        "name": _text, "id_number": _text, "relation": _text, "sex": _text_or_null, "birth_date": _text_or_null,
        "status": _text, "education_attained": _any, "schooling": _any, "health": _any, "disability": _any,
        "labour": _any, "medical_insurance": _any, "serious_illness_insurance": _any, "work_location": _any,
        "work_months": _any, "phone": _scalar, "ethnicity": _any, "political": _any, "override_reason": _any,
        "out_of_school_reason": _any,
    },
    "problem": {"status": _problem_status, "deadline": _text_or_null, "responsible": _any, "action": _any,
                "evidence": _any},
    "measure": {"category": _text, "description": _text, "start_date": _text_or_null, "end_date": _text_or_null,
                "status": _text, "member_id": _uuid_or_null},
}

# Insert-only facts: the keys every store reads (required ones first), with their kinds.
# Other keys are allowed (extra data kept with the record) if their names are plain names.
FACT_KEYS: dict[str, tuple[tuple[str, ...], dict[str, Check]]] = {
    "household": (("village_code",), {
        "village_code": _village, "group": _text, "address": _text, "phone": _text, "household_type": _text,
        "monitoring_type": _text, "status": _text, "card_serial": _integer, "created_at": _text_or_null,
        "roster_no": _text}),
    "member": (("household_id",), {
        "household_id": _uuid, "name": _text, "id_number": _text, "relation": _text, "sex": _text_or_null,
        "birth_date": _text_or_null, "status": _text, "position": _integer, "phone": _scalar}),
    "visit": (("household_id", "visited_at"), {
        "household_id": _uuid, "visited_at": _text, "form_id": _text, "form_version": _integer,
        "started_at": _text_or_null, "ended_at": _text_or_null, "visitor": _text, "card_scan": _text_or_null,
        "answers": _object_or_null, "verdict": _object_or_null}),
    "problem": (("household_id",), {
        "household_id": _uuid, "visit_id": _uuid_or_null, "indicator": _text, "category": _text, "source": _text,
        "reason": _text, "reporter": _text, "opened_at": _text, "deadline": _text_or_null}),
    "measure": (("household_id",), {
        "household_id": _uuid, "member_id": _uuid_or_null, "category": _text, "description": _text,
        "start_date": _text_or_null, "end_date": _text_or_null, "status": _text}),
    "attachment": (("household_id", "sha256", "data"), {
        "household_id": _uuid, "visit_id": _uuid_or_null, "kind": _text, "mime": _text, "sha256": _sha256,
        "data": _base64, "created_at": _text_or_null}),
    "monitor_step": (("household_id", "step", "at"), {
        "household_id": _uuid, "step": _text, "at": _text, "actor": _text, "role": _text, "note": _text,
        "recorded_at": _text_or_null, "type": _text_or_null, "mode": _text_or_null}),
    # A campaign (回头看) belongs to no household: only the county makes them.
    "campaign": (("name",), {"name": _text, "deadline": _text_or_null, "created_at": _text_or_null}),
}


# The JSON text every store keeps of an op's value (as sync.server.ingest writes it); NaN and
# infinities are not JSON. Checking that text once is much cheaper than walking the value.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
# In that text, a control character is either escaped (\b, \f, \u0000-\u001f except \t \n \r) or
# raw (DEL, a lone surrogate); an escape counts only if its backslash is not itself escaped.
_BAD_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:[bf]|u00(?:0[0-8bBeEfF]|1[0-9a-fA-F]))")
_BAD_RAW = re.compile(r"[\x7f\ud800-\udfff]")


def value_json(op: Op) -> str:
    """The canonical JSON text of ``op.value``, checked: no control characters, within size.

    Memoised on the op (ops are immutable), so the store that keeps the text encodes it once.
    """
    cached = op.__dict__.get("_value_json")
    if cached is not None:
        return str(cached)
    try:
        text = _ENCODER.encode(op.value)
    except (ValueError, TypeError, RecursionError):
        raise _bad("bad_value", "the value is not JSON (or nested too deeply)", "数据不是有效的 JSON") from None
    limit = MAX_ATTACHMENT + MAX_VALUE if op.entity == "attachment" else MAX_VALUE
    if len(text) > limit:
        raise _bad("too_large", f"the {op.entity} change is too large", f"{op.entity} 修改过大")
    if ("\\" in text and _BAD_ESCAPE.search(text)) or _BAD_RAW.search(text):
        raise _bad("control_chars", "a text holds NUL or control characters", "文字中含有空字符或控制字符")
    op.__dict__["_value_json"] = text  # frozen dataclass: bypass __setattr__ for the memo
    return text


def _check_fact(op: Op) -> None:
    value = op.value
    if not isinstance(value, dict):
        raise _bad("bad_value", f"a {op.entity} record must be an object", f"{op.entity} 记录必须是对象")
    required, kinds = FACT_KEYS[op.entity]
    for key in required:
        if key not in value:
            raise _bad("bad_value", f"a {op.entity} record needs {key}", f"{op.entity} 记录缺少 {key}")
    for key, v in value.items():
        if key.__class__ is not str or not NAME_RE.match(key):
            raise _bad("bad_field", f"'{str(key)[:40]}' is not a field name", f"“{str(key)[:40]}”不是字段名")
        check = kinds.get(key)
        if check is not None:
            check(key, v)
    value_json(op)


def _check_register(op: Op) -> None:
    fields = REGISTER_FIELDS.get(op.entity)
    if fields is None:
        raise _bad("bad_field", f"{op.entity} has no fields that can change", f"{op.entity} 没有可修改的字段")
    check = fields.get(op.field)
    if check is None:
        raise _bad("bad_field", f"'{op.field[:64]}' is not a field of {op.entity}",
                   f"“{op.field[:64]}”不是{op.entity}的字段")
    check(op.field, op.value)
    value_json(op)


def _check_op(op: Op) -> None:
    _uuid("op_id", op.op_id)
    if op.device_id.__class__ is not str or not (UUID_RE.match(op.device_id) or COUNTY_DEVICE_RE.match(op.device_id)):
        raise _bad("bad_id", "device_id is not a device id", "device_id 不是有效的设备编号")
    if op.device_seq.__class__ is not int or not 1 <= op.device_seq <= 2**53:
        raise _bad("bad_value", "device_seq must be a positive whole number", "device_seq 必须是正整数")
    if op.hlc.__class__ is not str or not HLC_RE.match(op.hlc):
        raise _bad("bad_clock", "the op's clock is malformed", "数据时钟格式错误")
    if op.county.__class__ is not str or not COUNTY_RE.match(op.county):
        raise _bad("bad_county", "the op's county is not a 6-digit code", "数据的县代码不是6位数字")
    if op.entity not in ENTITIES:
        raise _bad("bad_entity", f"'{str(op.entity)[:40]}' is not a kind of record", f"“{str(op.entity)[:40]}”不是记录类型")
    _uuid("entity_id", op.entity_id)
    if op.author.__class__ is not str or len(op.author) > MAX_AUTHOR or CONTROL_RE.search(op.author):
        raise _bad("bad_value", "the author is not a plain name", "作者姓名无效")
    if len(op.supersedes) > MAX_SUPERSEDES:
        raise _bad("too_large", "the op supersedes too many others", "数据替代的条目过多")
    for s in op.supersedes:
        _uuid("supersedes", s)
    if op.schema_version.__class__ is not int or not 1 <= op.schema_version <= 10_000:
        raise _bad("bad_value", "schema_version is out of range", "schema_version 超出范围")
    if op.field == FACT_FIELD:
        if op.supersedes:
            raise _bad("bad_value", "a record (insert-only fact) supersedes nothing", "新建记录不能替代其他数据")
        _check_fact(op)
    else:
        _check_register(op)


def op_problem(op: Op) -> OpProblem | None:
    """Why ``op`` is not well-formed, or None when it is."""
    try:
        _check_op(op)
    except _Bad as exc:
        return exc.problem
    return None


def household_of(op: Op, facts: Mapping[str, str | None]) -> str | None:
    """The household an op belongs to: its own id, its record's ``household_id``, or (for an
    edit) the household of the record it edits, looked up in ``facts`` (entity id -> household)."""
    if op.entity == "household":
        return op.entity_id
    if op.field == FACT_FIELD:
        hid = op.value.get("household_id") if isinstance(op.value, dict) else None
        return hid if isinstance(hid, str) else None
    return facts.get(op.entity_id)
