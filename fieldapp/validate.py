"""Validation of visit answers and household records.

Two entry points:

- :func:`validate_answers` checks a visit's answers against its form (types,
  code lists, ranges, required fields when finalising, constraints) plus the
  visit-level rules of DOMAIN.md §1.4, §8 and §9.1.
- :func:`validate_household` checks a household and its members (DOMAIN.md
  §1.2, §1.4 and §2).

Both return every finding as a :class:`Message`; ``error`` blocks submission,
``warning`` is a flag the surveyor should look at. Field names are answer paths:
``housing.grade``, ``members.<member id>.labour``, ``risks.0.code``,
``household.phone``.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, TypeGuard

from fieldapp.codes import canonical, get_code, is_code, label
from fieldapp.errors import ValidationFailed
from fieldapp.forms import Field, Form, Section, evaluate, get_path, is_answered, set_path
from fieldapp.policy import Policy, load_policy

__all__ = [
    "Message",
    "Severity",
    "has_errors",
    "cadre_load_warnings",
    "raise_for_errors",
    "validate_answers",
    "validate_household",
]

Severity = Literal["error", "warning"]

# The working-age range (§1.4 rule 6), the labour share of 缺劳动力 (§9.1), the
# implausible wage (§8), the age from which a grade-9 graduate is possible and
# the newborn insurance window all come from the policy file (policy.labour,
# policy.education, policy.medical).
# DOMAIN §1.2 (S-4): the contact phone is an 11-digit mobile number.
_MOBILE = re.compile(r"1\d{10}", re.ASCII)
# DOMAIN §1.1 (S-13): 12-digit statistical division code of the village.
_VILLAGE_CODE = re.compile(r"\d{12}", re.ASCII)

_NO_WORK_CAPACITY = frozenset({"none", "lost"})
_WEAK_OR_NONE = frozenset({"none", "weak"})
_NO_WORK_DATA_ALLOWED = frozenset({"none", "lost", "weak"})


@dataclass(frozen=True)
class Message:
    """One validation finding.

    Attributes:
        field: answer path of the field concerned (``members.<id>.labour``).
        severity: ``"error"`` blocks submission; ``"warning"`` is a flag.
        code: stable code of the rule (``required``, ``duplicate_id``...).
        zh: the message in Chinese.
        en: the message in English.
    """

    field: str
    severity: Severity
    code: str
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (``zh*`` gives Chinese, anything else English)."""
        return self.zh if lang.lower().startswith("zh") else self.en


def has_errors(messages: Iterable[Message]) -> bool:
    """Whether any message is an error."""
    return any(m.severity == "error" for m in messages)


def raise_for_errors(messages: Sequence[Message]) -> None:
    """Raise :class:`fieldapp.errors.ValidationFailed` listing the errors, if there are any."""
    errors: list[object] = [m for m in messages if m.severity == "error"]
    if errors:
        raise ValidationFailed(errors)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _error(field: str, code: str, zh: str, en: str) -> Message:
    return Message(field, "error", code, zh, _cap(en))


def _warning(field: str, code: str, zh: str, en: str) -> Message:
    return Message(field, "warning", code, zh, _cap(en))


# --- small helpers -----------------------------------------------------------------------------


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 16:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _is_active(member: Mapping[str, Any]) -> bool:
    return member.get("status") in (None, "", "active")


def _age(birth: date, on: date) -> int:
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class _Who:
    """How a message names a member: ``张三：`` / ``Zhang San: ``."""

    zh: str
    en: str

    @staticmethod
    def of(member: Mapping[str, Any] | None, index: int | None = None) -> _Who:
        name = str(member.get("name") or "").strip() if member else ""
        if name:
            return _Who(f"{name}：", f"{name}: ")
        if index is not None:
            return _Who(f"第{index + 1}位成员：", f"member {index + 1}: ")
        return _Who("", "")


_NOBODY = _Who("", "")

_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "bool": ("是或否", "yes or no"),
    "choice": ("代码表中的一项", "one code of its list"),
    "multi_choice": ("代码表中的若干项", "a list of codes"),
    "int": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "text": ("文字", "text"),
    "date": ("日期（年-月-日）", "a date (YYYY-MM-DD)"),
    "datetime": ("日期时间", "a date and time"),
}


def _type_ok(ftype: str, value: Any) -> bool:
    if ftype == "bool":
        return isinstance(value, bool)
    if ftype == "int":
        return _is_number(value) and float(value).is_integer()
    if ftype == "number":
        return _is_number(value)
    if ftype in ("text", "choice"):
        return isinstance(value, str)
    if ftype == "multi_choice":
        return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
    if ftype == "date":
        return _parse_date(value) is not None
    if ftype == "datetime":
        return _parse_datetime(value) is not None
    return False


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _typed_problem(ftype: str, value: Any) -> tuple[str, str] | None:
    """Why text kept as typed in a number or date field is not one (zh, en); None if no better reason."""
    if not isinstance(value, str):
        return None
    shown = value if len(value) <= 20 else value[:20] + "…"
    if ftype in ("int", "number"):
        kind_zh, kind_en = ("整数", "a whole number") if ftype == "int" else ("数字", "a number")
        return f"填的是“{shown}”，应为{kind_zh}", f"“{shown}” is not {kind_en}"
    if ftype == "date":
        m = _ISO_DAY.match(value)
        if m is None:
            return f"填的是“{shown}”，应为年-月-日（如2026-05-01）", f"“{shown}” is not a date (YYYY-MM-DD, e.g. 2026-05-01)"
        year, month, day = (int(g) for g in m.groups())
        if not 1 <= month <= 12:
            return f"没有{month}月（“{shown}”）", f"there is no month {month} (“{shown}”)"
        last = calendar.monthrange(year, month)[1] if year >= 1 else 31
        if not 1 <= day <= last:
            return (f"{year}年{month}月只有{last}天，没有{day}日",
                    f"{_MONTHS_EN[month - 1]} {year} has {last} days, there is no day {day}")
    return None


# --- field checks ------------------------------------------------------------------------------


def _check_field(
    field: Field,
    value: Any,
    name: str,
    context: Mapping[str, Any],
    item: Mapping[str, Any] | None,
    final: bool,
    today: date,
    who: _Who,
) -> list[Message]:
    zh_label, en_label = field.text("zh"), field.text("en")
    if not is_answered(value):
        if final and field.is_required(context, item):
            return [
                _error(
                    name,
                    "required",
                    f"{who.zh}请填写“{zh_label}”",
                    f"{who.en}“{en_label}” is required",
                )
            ]
        return []
    if not _type_ok(field.type, value):
        typed = _typed_problem(field.type, value)
        if typed is not None:
            return [_error(name, "type", f"{who.zh}“{zh_label}”{typed[0]}", f"{who.en}“{en_label}”: {typed[1]}")]
        type_zh, type_en = _TYPE_NAMES.get(field.type, (field.type, field.type))
        return [
            _error(
                name,
                "type",
                f"{who.zh}“{zh_label}”的填写格式不对，应为{type_zh}",
                f"{who.en}“{en_label}” has the wrong form: expected {type_en}",
            )
        ]
    out: list[Message] = []
    if field.type in ("choice", "multi_choice") and field.list_name:
        bad = [v for v in _items(value) if not is_code(field.list_name, v)]
        for v in bad:
            out.append(
                _error(
                    name,
                    "not_in_list",
                    f"{who.zh}“{zh_label}”的值“{v}”不在代码表中",
                    f"{who.en}“{en_label}”: “{v}” is not a valid choice",
                )
            )
        if bad:
            return out
    if field.type in ("int", "number"):
        unit_zh, unit_en = field.unit_text("zh"), field.unit_text("en")
        unit_en = f" {unit_en}" if unit_en else ""
        if field.min is not None and value < field.min:
            out.append(
                _error(
                    name,
                    "below_min",
                    f"{who.zh}“{zh_label}”不能小于{_num(field.min)}{unit_zh}",
                    f"{who.en}“{en_label}” must be at least {_num(field.min)}{unit_en}",
                )
            )
        if field.max is not None and value > field.max:
            out.append(
                _error(
                    name,
                    "above_max",
                    f"{who.zh}“{zh_label}”不能大于{_num(field.max)}{unit_zh}",
                    f"{who.en}“{en_label}” must be at most {_num(field.max)}{unit_en}",
                )
            )
        if out:
            return out
    if field.type == "date" and field.not_future:
        day = _parse_date(value)
        if day is not None and day > today:
            out.append(
                _error(
                    name,
                    "future_date",
                    f"{who.zh}“{zh_label}”不能晚于今天",
                    f"{who.en}“{en_label}” cannot be in the future",
                )
            )
    if field.constraint is not None and not evaluate(field.constraint, context, item):
        msg = field.constraint_message or {}
        zh = msg.get("zh") or f"“{zh_label}”的填写不符合要求"
        en = msg.get("en") or f"“{en_label}” does not meet its condition"
        severity: Severity = "warning" if field.constraint_severity == "warning" else "error"
        out.append(Message(name, severity, "constraint", f"{who.zh}{zh}", _cap(f"{who.en}{en}")))
    return out


def _check_plain_sections(
    form: Form, answers: Mapping[str, Any], final: bool, today: date
) -> tuple[list[Message], Mapping[str, Any]]:
    """Check the non-repeated sections; return the messages and the answers with unasked ones removed."""
    out: list[Message] = []
    working: Mapping[str, Any] = answers
    for section in form.sections:
        if section.is_repeat:
            continue
        for field in section.fields:
            value = get_path(answers, field.code)
            if not evaluate(field.relevant, working):
                if value is not None:
                    working = set_path(working, field.code, None)
                continue
            out.extend(_check_field(field, value, field.code, working, None, final, today, _NOBODY))
    return out, working


def _check_item(
    section: Section,
    item: Mapping[str, Any],
    prefix: str,
    context: Mapping[str, Any],
    final: bool,
    today: date,
    who: _Who,
) -> list[Message]:
    out: list[Message] = []
    working: Mapping[str, Any] = item
    for field in section.fields:
        value = item.get(field.code)
        if not evaluate(field.relevant, context, working):
            if value is not None:
                working = {**working, field.code: None}
            continue
        name = f"{prefix}.{field.code}"
        out.extend(_check_field(field, value, name, context, working, final, today, who))
    return out


def _check_member_section(
    section: Section,
    answers: Mapping[str, Any],
    context: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    final: bool,
    today: date,
) -> list[Message]:
    out: list[Message] = []
    raw = answers.get(section.code)
    if raw is not None and not isinstance(raw, Mapping):
        return [
            _error(
                section.code,
                "type",
                f"“{section.text('zh')}”的答案格式不对，应按成员编号分别填写",
                f"“{section.text('en')}” must hold one entry per member id",
            )
        ]
    given: Mapping[str, Any] = raw or {}
    records = {str(m.get("id")): (i, m) for i, m in enumerate(members) if m.get("id") is not None}
    ids = [mid for mid, (_, m) in records.items() if _is_active(m)]
    ids += [str(k) for k in given if str(k) not in ids]
    for mid in ids:
        index, record = records.get(mid, (None, None))
        prefix = f"{section.code}.{mid}"
        if record is None and records:
            out.append(
                _error(
                    prefix,
                    "unknown_member",
                    f"成员编号{mid}不是本户的成员",
                    f"member id {mid} is not a member of this household",
                )
            )
            continue
        item = given.get(mid)
        if item is None:
            item = {}
        if not isinstance(item, Mapping):
            out.append(
                _error(prefix, "type", "成员答案格式不对", "a member's answers must be an object")
            )
            continue
        who = _Who.of(record, index)
        out.extend(_check_item(section, item, prefix, context, final, today, who))
    return out


def _check_list_section(
    section: Section,
    answers: Mapping[str, Any],
    context: Mapping[str, Any],
    final: bool,
    today: date,
) -> list[Message]:
    raw = answers.get(section.code)
    if raw is None:
        return []
    if not isinstance(raw, list):
        return [
            _error(
                section.code,
                "type",
                f"“{section.text('zh')}”的答案格式不对，应为列表",
                f"“{section.text('en')}” must be a list",
            )
        ]
    out: list[Message] = []
    limit = section.max_items
    if limit is not None and len(raw) > limit:
        out.append(
            _error(
                section.code,
                "too_many",
                f"“{section.text('zh')}”最多填写{limit}项，现有{len(raw)}项",
                f"“{section.text('en')}” allows at most {limit} entries; there are {len(raw)}",
            )
        )
    for i, item in enumerate(raw):
        prefix = f"{section.code}.{i}"
        if not isinstance(item, Mapping):
            out.append(_error(prefix, "type", "该项答案格式不对", "this entry must be an object"))
            continue
        who = _Who(f"第{i + 1}项：", f"entry {i + 1}: ")
        out.extend(_check_item(section, item, prefix, context, final, today, who))
    return out


# --- member rules (DOMAIN §1.4) ----------------------------------------------------------------


def _in_school(schooling: Any) -> bool:
    entry = get_code("schooling", schooling)
    return bool(entry is not None and entry.extra.get("in_school"))


def _insurances(member: Mapping[str, Any]) -> set[str]:
    found = {str(v) for v in _items(member.get("medical_insurance"))}
    if member.get("resident_insurance") is True:
        found.add("resident")
    if member.get("employee_insurance") is True:
        found.add("employee")
    return found


def _labour(member: Mapping[str, Any]) -> str:
    value = member.get("labour")
    return value if isinstance(value, str) else ""


def _months(member: Mapping[str, Any]) -> float:
    months = member.get("work_months")
    return float(months) if _is_number(months) else 0.0


def _has_work_data(member: Mapping[str, Any]) -> bool:
    return is_answered(member.get("work_location")) or _months(member) > 0


def _rule_education(m: Mapping[str, Any], prefix: str, who: _Who) -> list[Message]:
    # Rule 2 [S-4]: exactly one of 文化程度 and 在校生状况.
    attained = is_answered(m.get("education_attained"))
    in_school = _in_school(m.get("schooling"))
    if attained and in_school:
        return [
            _warning(
                f"{prefix}.education_attained",
                "education_schooling",
                f"{who.zh}在校生只填“在校生状况”，不填“文化程度”",
                f"{who.en}a pupil has a current schooling, so “education attained” should be empty",
            )
        ]
    if not attained and not in_school:
        return [
            _warning(
                f"{prefix}.education_attained",
                "education_schooling",
                f"{who.zh}不在校的成员应填写“文化程度”",
                f"{who.en}a member not in school needs “education attained”",
            )
        ]
    return []


def _rule_work(m: Mapping[str, Any], prefix: str, who: _Who) -> list[Message]:
    # Rule 3 [S-4]: 务工所在地 and 务工时间 > 0 together or not at all.
    location = is_answered(m.get("work_location"))
    months = _months(m) > 0
    if location and not months:
        return [
            _warning(
                f"{prefix}.work_months",
                "work_location_months",
                f"{who.zh}填了务工所在地，但务工时间为0或未填",
                f"{who.en}a place of work is given but no months worked",
            )
        ]
    if months and not location:
        return [
            _warning(
                f"{prefix}.work_location",
                "work_location_months",
                f"{who.zh}填了务工时间，但未填务工所在地",
                f"{who.en}months worked are given but no place of work",
            )
        ]
    return []


def _rule_insurance(
    m: Mapping[str, Any], prefix: str, who: _Who, policy: Policy
) -> list[Message]:
    # Rule 4 [S-4][S-3]: not both schemes; neither means medical security is not met,
    # unless insured in another place or exempt (army, detention, newborn).
    found = _insurances(m)
    if {"resident", "employee"} <= found:
        return [
            _error(
                f"{prefix}.medical_insurance",
                "insurance_both",
                f"{who.zh}不能同时参加城乡居民医保和职工医保",
                f"{who.en}cannot be in both residents' and employees' medical insurance",
            )
        ]
    medical = policy.medical
    if not found & (medical.met_insurance | medical.exempt_insurance | {"newborn"}):
        return [
            _warning(
                f"{prefix}.medical_insurance",
                "insurance_none",
                f"{who.zh}未参加基本医疗保险（城乡居民医保或职工医保），基本医疗未达标",
                f"{who.en}has no basic medical insurance (residents' or employees'); "
                "basic medical care is not met",
            )
        ]
    return []


def _rule_serious_illness(m: Mapping[str, Any], prefix: str, who: _Who) -> list[Message]:
    # Rule 5 [S-4]: a 脱贫户 member in residents' insurance should also have 大病保险.
    if "resident" in _insurances(m) and m.get("serious_illness_insurance") is not True:
        return [
            _warning(
                f"{prefix}.serious_illness_insurance",
                "serious_illness_insurance",
                f"{who.zh}脱贫户成员参加城乡居民医保，应同时参加大病保险",
                f"{who.en}a member of a lifted-out household in residents' insurance "
                "should also have serious-illness insurance",
            )
        ]
    return []


def _rule_idle_labour(
    m: Mapping[str, Any], prefix: str, who: _Who, age: int | None, policy: Policy
) -> list[Message]:
    # Rule 6 [S-3]: healthy, of working age (16-59), not in school, yet marked no or weak labour.
    labour = policy.labour
    if age is None or not labour.working_age_min <= age <= labour.working_age_max:
        return []
    health = {str(v) for v in _items(m.get("health"))}
    if health != {"healthy"} or _in_school(m.get("schooling")):
        return []
    marked = _labour(m)
    if marked not in _WEAK_OR_NONE:
        return []
    labour_zh = label("labour", marked, "zh")
    labour_en = label("labour", marked, "en").lower()
    return [
        _warning(
            f"{prefix}.labour",
            "labour_healthy_adult",
            f"{who.zh}{age}周岁、身体健康且不在校，劳动技能却为“{labour_zh}”，请核实",
            f"{who.en}aged {age}, healthy and not in school, yet marked “{labour_en}”; please check",
        )
    ]


def _rule_labour_work(m: Mapping[str, Any], prefix: str, who: _Who) -> list[Message]:
    # Rule 7 [S-3]: no, lost or weak labour together with migrant-work data.
    labour = _labour(m)
    if labour not in _NO_WORK_DATA_ALLOWED or not _has_work_data(m):
        return []
    labour_zh = label("labour", labour, "zh")
    labour_en = label("labour", labour, "en").lower()
    return [
        _warning(
            f"{prefix}.labour",
            "labour_with_work",
            f"{who.zh}劳动技能为“{labour_zh}”，却填写了务工信息，请核实",
            f"{who.en}marked “{labour_en}” but has work data; please check",
        )
    ]


def _rule_age_grade(m: Mapping[str, Any], prefix: str, who: _Who, age: int | None) -> list[Message]:
    # Rule 9 [D]: age-to-grade plausibility; the ranges are in codes.json.
    entry = get_code("schooling", m.get("schooling"))
    if age is None or entry is None:
        return []
    low, high = entry.extra.get("age_min"), entry.extra.get("age_max")
    if (low is None or age >= low) and (high is None or age <= high):
        return []
    return [
        _warning(
            f"{prefix}.schooling",
            "age_grade",
            f"{who.zh}{age}周岁，在校生状况为“{entry.zh}”，年龄与年级不相符，请核实",
            f"{who.en}aged {age} with schooling “{entry.en}”; age and grade do not fit, please check",
        )
    ]


def _rule_impossible_answers(
    m: Mapping[str, Any], prefix: str, who: _Who, age: int | None, policy: Policy
) -> list[Message]:
    # CLI.md verdict rules: nobody completes grade 9 before 14, and the newborn
    # exemption ends at age 1; such answers are wrong, not a verdict to record.
    if age is None:
        return []
    out: list[Message] = []
    first = policy.education.graduated_met_min_age
    if canonical("schooling", m.get("schooling")) == "graduated" and age < first:
        out.append(
            _error(
                f"{prefix}.schooling",
                "graduated_too_young",
                f"{who.zh}{age}周岁，不可能已初中毕业（{first}周岁起）；"
                "未读完九年级离校的请选“失学辍学”",
                f"{who.en}aged {age}, cannot have completed grade 9 (possible from {first}); "
                "if the child left school before, choose “dropped out”",
            )
        )
    last = policy.medical.newborn_exempt_max_age
    if "newborn" in _insurances(m) and age > last:
        out.append(
            _error(
                f"{prefix}.medical_insurance",
                "newborn_too_old",
                f"{who.zh}{age}周岁，已过新生儿参保窗口期（未满{last + 1}周岁），"
                "请填写实际参保情况",
                f"{who.en}aged {age}, is past the newborn window (under {last + 1}); "
                "give the actual insurance",
            )
        )
    return out


def _member_rules(
    m: Mapping[str, Any],
    prefix: str,
    who: _Who,
    age: int | None,
    policy: Policy,
    *,
    tuopin: bool,
    records: bool,
) -> list[Message]:
    out: list[Message] = []
    if records:
        # Rules 2 and 4 concern the registration record, not a single visit.
        out += _rule_education(m, prefix, who)
        out += _rule_insurance(m, prefix, who, policy)
    out += _rule_impossible_answers(m, prefix, who, age, policy)
    out += _rule_work(m, prefix, who)
    if tuopin:
        out += _rule_serious_illness(m, prefix, who)
    out += _rule_idle_labour(m, prefix, who, age, policy)
    out += _rule_labour_work(m, prefix, who)
    out += _rule_age_grade(m, prefix, who, age)
    return out


def _is_tuopin(household: Mapping[str, Any] | None) -> bool:
    if not household:
        return False
    if household.get("is_tuopin") is True:
        return True
    entry = get_code("household_type", household.get("household_type"))
    return bool(entry is not None and entry.extra.get("tuopin"))


# --- ID numbers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Identity:
    person_id: str | None  # first 18 characters, for duplicate checks
    valid: bool
    birth_date: date | None
    sex: str | None
    error_zh: str | None = None
    error_en: str | None = None
    warnings: tuple[tuple[str, str], ...] = ()  # (中文, English) of region-code warnings


def _normalise_id(raw: str) -> str:
    from fieldapp import idnumber

    return str(idnumber.normalize(raw))


def _person_key(raw: str) -> str:
    number = _normalise_id(raw)
    if len(number) == 15 and number.isdigit():
        from fieldapp import idnumber

        number = str(idnumber.upgrade_15(number))
    return number[:18]


def _identity(raw: Any, today: date) -> _Identity | None:
    if not is_answered(raw):
        return None
    from fieldapp.idnumber import check_id

    result = check_id(str(raw), today)
    if result.valid:
        birth = result.birth_date if isinstance(result.birth_date, date) else None
        return _Identity(
            str(result.id)[:18], True, birth, result.sex, warnings=tuple(result.warning_texts())
        )
    describe = getattr(result, "message", None)
    if callable(describe):
        zh, en = str(describe("zh")), str(describe("en"))
    else:
        zh = f"证件号码无效（{result.error}）"
        en = f"invalid ID number ({result.error})"
    return _Identity(_person_key(str(raw)) or None, False, None, None, zh, en)


def _given_birth(member: Mapping[str, Any]) -> date | None:
    return _parse_date(member.get("birth_date"))


def _member_age(member: Mapping[str, Any], identity: _Identity | None, today: date) -> int | None:
    birth = _given_birth(member) or (identity.birth_date if identity else None)
    return _age(birth, today) if birth else None


def _member_sex(member: Mapping[str, Any], identity: _Identity | None) -> str | None:
    given = member.get("sex") if member.get("sex") in ("male", "female") else None
    if given and is_answered(member.get("override_reason")):
        return str(given)
    if identity is not None and identity.sex:
        return str(identity.sex)
    return str(given) if given else None


# --- public API --------------------------------------------------------------------------------


def validate_answers(
    form: Form,
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    final: bool,
    *,
    household: Mapping[str, Any] | None = None,
    existing_measures: Collection[str] = (),
    today: date | None = None,
    policy: Policy | None = None,
) -> list[Message]:
    """Check a visit's answers.

    Args:
        form: the form the visit is filled with.
        answers: the stored answers (see :mod:`fieldapp.forms`).
        members: the household's member records (``id``, ``name``, ``birth_date``,
            ``id_number``, ``status``...); active members must all be answered
            when ``final``.
        final: the visit is being finalised; only then are missing required
            answers errors.
        household: the household record, if known (enables the 脱贫户 rule 5).
        existing_measures: measure codes already running for the household;
            they satisfy the risk-measure rules together with this visit's.
        today: the visit date (default: today); dates may not lie after it.
        policy: the policy numbers (working age, labour share...); default file if ``None``.

    Returns:
        Every finding, errors and warnings, in form order.
    """
    today = today or date.today()
    policy = policy or load_policy()
    out, context = _check_plain_sections(form, answers, final, today)
    for section in form.sections:
        if section.per_member:
            out += _check_member_section(section, answers, context, members, final, today)
        elif section.is_repeat:
            out += _check_list_section(section, answers, context, final, today)

    merged = _merged_members(answers, members)
    tuopin = _is_tuopin(household)
    for index, (mid, record, combined) in enumerate(merged):
        given_age = combined.get("age")
        age = (
            int(given_age)
            if _is_number(given_age) and float(given_age).is_integer()
            else _member_age(record, _identity(record.get("id_number"), today), today)
        )
        out += _member_rules(
            combined,
            f"members.{mid}",
            _Who.of(record, index),
            age,
            policy,
            tuopin=tuopin,
            records=False,
        )

    out += _income_rules(answers, members, policy)
    out += _risk_rules(answers, [m for _, _, m in merged], existing_measures, policy)
    return out


def _merged_members(
    answers: Mapping[str, Any], members: Sequence[Mapping[str, Any]]
) -> list[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """Active members as (id, record, record overlaid with this visit's answers)."""
    given = answers.get("members")
    given = given if isinstance(given, Mapping) else {}
    out: list[tuple[str, Mapping[str, Any], Mapping[str, Any]]] = []
    for member in members:
        if not _is_active(member) or member.get("id") is None:
            continue
        mid = str(member["id"])
        item = given.get(mid)
        combined = {**member, **item} if isinstance(item, Mapping) else dict(member)
        out.append((mid, member, combined))
    return out


def _income_rules(
    answers: Mapping[str, Any], members: Sequence[Mapping[str, Any]], policy: Policy
) -> list[Message]:
    out: list[Message] = []
    wage = get_path(answers, "income.wage_yuan")
    if _is_number(wage) and 0 < wage < policy.labour.wage_plausible_from_yuan:
        out.append(
            _warning(
                "income.wage_yuan",
                "wage_implausible",
                f"工资性收入只有{_num(wage)}元，请核实是否漏填或单位有误（应为元/年）",
                f"wage income of {_num(wage)} yuan is implausibly low; "
                "check the amount and the unit (yuan per year)",
            )
        )
    size = get_path(answers, "income.household_size")
    active = [m for m in members if _is_active(m)]
    if active and _is_number(size) and int(size) != len(active):
        out.append(
            _warning(
                "income.household_size",
                "household_size",
                f"家庭人口数填{_num(size)}人，但在户成员有{len(active)}人",
                f"household size is {_num(size)} but the household has {len(active)} current members",
            )
        )
    return out


def _risk_rules(
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    existing_measures: Collection[str],
    policy: Policy,
) -> list[Message]:
    risks = answers.get("risks")
    if not isinstance(risks, list):
        return []
    measures_raw = answers.get("measures")
    measures = set(existing_measures)
    if isinstance(measures_raw, list):
        measures |= {str(m.get("category")) for m in measures_raw if isinstance(m, Mapping)}
    out: list[Message] = []
    seen: set[str] = set()
    for i, item in enumerate(risks):
        if not isinstance(item, Mapping):
            continue
        entry = get_code("risk", item.get("code"))
        if entry is None:
            continue
        name = f"risks.{i}.code"
        if entry.code in seen:
            out.append(
                _warning(
                    name,
                    "duplicate_risk",
                    f"风险“{entry.zh}”重复填写",
                    f"the risk “{entry.en}” is listed twice",
                )
            )
            continue
        seen.add(entry.code)
        needed = [str(c) for c in entry.extra.get("requires_measure") or []]
        if needed and not measures & set(needed):
            names_zh = "、".join(label("measure", c, "zh") for c in needed)
            names_en = ", ".join(label("measure", c, "en") for c in needed)
            out.append(
                _warning(
                    name,
                    "risk_without_measure",
                    f"风险“{entry.zh}”须有相应帮扶措施（{names_zh}之一）",
                    f"the risk “{entry.en}” needs a matching measure (one of: {names_en})",
                )
            )
        out += _risk_specific(entry.code, entry.zh, entry.en, name, answers, members, policy)
    return out


def _risk_specific(
    code: str,
    zh: str,
    en: str,
    name: str,
    answers: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    policy: Policy,
) -> list[Message]:
    # DOMAIN §9.1 [S-3].
    if code == "R_ILL":
        spending = get_path(answers, "income.rigid_spending_yuan")
        if _is_number(spending) and spending <= 0:
            return [
                _warning(
                    name,
                    "risk_ill_without_spending",
                    f"风险“{zh}”要求合规自付支出大于0",
                    f"the risk “{en}” needs eligible out-of-pocket spending above 0",
                )
            ]
    if code == "R_JOB" and members:
        if all(_labour(m) in _NO_WORK_CAPACITY for m in members):
            return [
                _warning(
                    name,
                    "risk_job_invalid",
                    f"风险“{zh}”不成立：全家都无劳动力或丧失劳动力",
                    f"the risk “{en}” does not apply: no member has labour capacity",
                )
            ]
        if not any(_has_work_data(m) for m in members):
            return [
                _warning(
                    name,
                    "risk_job_invalid",
                    f"风险“{zh}”不成立：没有成员有务工记录",
                    f"the risk “{en}” does not apply: no member has work records",
                )
            ]
    if code == "R_LABOUR" and members:
        capable = sum(
            1
            for m in members
            if (entry := get_code("labour", m.get("labour"))) is not None
            and entry.extra.get("capable")
        )
        share = policy.labour.lack_of_labour_max_capable_share
        if capable > share * len(members):
            percent = _num(round(share * 100, 2))
            return [
                _warning(
                    name,
                    "risk_labour_invalid",
                    f"风险“{zh}”不成立：技能和普通劳动力占家庭人口超过{percent}%",
                    f"the risk “{en}” does not apply: skilled and ordinary labour "
                    f"exceed {percent}% of the members",
                )
            ]
    return []


def validate_household(
    household: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    other_id_numbers: Collection[str] = frozenset(),
    today: date | None = None,
    policy: Policy | None = None,
) -> list[Message]:
    """Check a household record and its members (DOMAIN §1.2, §1.4, §2).

    Args:
        household: ``village_code``, ``group``, ``address``, ``phone``,
            ``household_type``, ``monitoring_type``, ``flags``...
        members: member records (``id``, ``name``, ``id_number``, ``relation``,
            ``sex``, ``birth_date``, ``education_attained``, ``schooling``,
            ``health``, ``labour``, ``medical_insurance``,
            ``serious_illness_insurance``, ``work_location``, ``work_months``,
            ``status``, ``override_reason``).
        other_id_numbers: ID numbers of members of other households in the
            dataset; any match (first 18 characters) is an error.
        today: reference date for ages and ID birth dates (default: today).
        policy: the policy numbers (working age...); default file if ``None``.

    Returns:
        Every finding, household first, then members in order.
    """
    today = today or date.today()
    policy = policy or load_policy()
    out = _household_fields(household)
    identities: list[_Identity | None] = []
    for index, member in enumerate(members):
        identity = _identity(member.get("id_number"), today)
        identities.append(identity)
        out += _member_record(member, index, identity)

    active = [(i, m) for i, m in enumerate(members) if _is_active(m)]
    out += _rule_relations(active, identities)
    out += _rule_duplicates(active, identities, other_id_numbers)
    tuopin = _is_tuopin(household)
    for index, member in active:
        identity = identities[index]
        out += _member_rules(
            member,
            _member_prefix(member, index),
            _Who.of(member, index),
            _member_age(member, identity, today),
            policy,
            tuopin=tuopin,
            records=True,
        )
    return out


def _member_prefix(member: Mapping[str, Any], index: int) -> str:
    return f"members.{member.get('id') if member.get('id') is not None else index}"


def _household_fields(household: Mapping[str, Any]) -> list[Message]:
    out: list[Message] = []
    village = household.get("village_code")
    if not is_answered(village):
        out.append(
            _error(
                "household.village_code",
                "village_code",
                "请填写12位村级区划代码",
                "the 12-digit village code is required",
            )
        )
    elif not _VILLAGE_CODE.fullmatch(str(village).strip()):
        out.append(
            _error(
                "household.village_code",
                "village_code",
                f"村级区划代码“{village}”应为12位数字",
                f"the village code “{village}” must be 12 digits",
            )
        )
    phone = household.get("phone")
    if is_answered(phone):
        digits = re.sub(r"[\s\-]", "", str(phone))
        if not _MOBILE.fullmatch(digits):
            out.append(
                _warning(
                    "household.phone",
                    "phone",
                    f"联系电话“{phone}”不是11位手机号码，请核实",
                    f"the phone number “{phone}” is not an 11-digit mobile number; please check",
                )
            )
    for key, list_name, zh, en in (
        ("household_type", "household_type", "户类型", "household type"),
        ("monitoring_type", "monitoring_type", "监测对象类别", "monitoring type"),
    ):
        value = household.get(key)
        if is_answered(value) and not is_code(list_name, value):
            out.append(
                _error(
                    f"household.{key}",
                    "not_in_list",
                    f"{zh}“{value}”不在代码表中",
                    f"the {en} “{value}” is not a valid code",
                )
            )
    return out


_MEMBER_CODE_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("relation", "relation", "与户主关系", "relation to the head"),
    ("sex", "sex", "性别", "sex"),
    ("ethnicity", "ethnicity", "民族", "ethnicity"),
    ("political", "political", "政治面貌", "political status"),
    ("education_attained", "education_attained", "文化程度", "education attained"),
    ("schooling", "schooling", "在校生状况", "current schooling"),
    ("out_of_school_reason", "out_of_school_reason", "失学或辍学原因", "reason out of school"),
    ("health", "health", "健康状况", "health"),
    ("disability_type", "disability_type", "残疾类别", "disability type"),
    ("disability_grade", "disability_grade", "残疾等级", "disability grade"),
    ("labour", "labour", "劳动技能", "labour capacity"),
    ("medical_insurance", "medical_insurance", "基本医疗保险", "medical insurance"),
    ("work_location", "work_location", "务工所在地", "place of work"),
)


def _member_record(
    member: Mapping[str, Any], index: int, identity: _Identity | None
) -> list[Message]:
    prefix = _member_prefix(member, index)
    who = _Who.of(member, index)
    out: list[Message] = []
    if not is_answered(member.get("relation")):
        out.append(
            _error(
                f"{prefix}.relation",
                "required",
                f"{who.zh}请填写“与户主关系”",
                f"{who.en}the relation to the head is required",
            )
        )
    for key, list_name, zh, en in _MEMBER_CODE_FIELDS:
        for value in _items(member.get(key)):
            if is_answered(value) and not is_code(list_name, value):
                out.append(
                    _error(
                        f"{prefix}.{key}",
                        "not_in_list",
                        f"{who.zh}{zh}“{value}”不在代码表中",
                        f"{who.en}the {en} “{value}” is not a valid code",
                    )
                )
    months = member.get("work_months")
    if months is not None and not (_is_number(months) and 0 <= months <= 12):
        out.append(
            _error(
                f"{prefix}.work_months",
                "range",
                f"{who.zh}务工时间应为0到12个月",
                f"{who.en}months worked must be between 0 and 12",
            )
        )
    birth_raw = member.get("birth_date")
    if is_answered(birth_raw) and _given_birth(member) is None:
        out.append(
            _error(
                f"{prefix}.birth_date",
                "type",
                f"{who.zh}出生日期“{birth_raw}”格式不对，应为年-月-日",
                f"{who.en}the birth date “{birth_raw}” is not a date (YYYY-MM-DD)",
            )
        )
    out += _identity_checks(member, prefix, who, identity)
    return out


def _identity_checks(
    member: Mapping[str, Any], prefix: str, who: _Who, identity: _Identity | None
) -> list[Message]:
    if identity is None:
        return [
            _warning(
                f"{prefix}.id_number",
                "id_missing",
                f"{who.zh}未填写证件号码",
                f"{who.en}no ID number",
            )
        ]
    if not identity.valid:
        return [
            _error(
                f"{prefix}.id_number",
                "id_invalid",
                f"{who.zh}{identity.error_zh}",
                f"{who.en}{identity.error_en}",
            )
        ]
    out: list[Message] = [
        _warning(f"{prefix}.id_number", "id_region", f"{who.zh}{zh}", f"{who.en}{en}")
        for zh, en in identity.warnings
    ]
    if is_answered(member.get("override_reason")):
        return out
    sex = member.get("sex")
    if sex in ("male", "female") and identity.sex and sex != identity.sex:
        out.append(
            _error(
                f"{prefix}.sex",
                "sex_mismatch",
                f"{who.zh}性别填为“{label('sex', str(sex))}”，但身份证号码显示为"
                f"“{label('sex', identity.sex)}”；请更正，或填写更正理由",
                f"{who.en}sex is given as {sex} but the ID number says {identity.sex}; "
                "correct it or give an override reason",
            )
        )
    given = _given_birth(member)
    if given is not None and identity.birth_date and given != identity.birth_date:
        out.append(
            _error(
                f"{prefix}.birth_date",
                "birth_date_mismatch",
                f"{who.zh}出生日期填为{given.isoformat()}，但身份证号码显示为"
                f"{identity.birth_date.isoformat()}；请更正，或填写更正理由",
                f"{who.en}the birth date is given as {given.isoformat()} but the ID number "
                f"says {identity.birth_date.isoformat()}; correct it or give an override reason",
            )
        )
    return out


def _rule_relations(
    active: Sequence[tuple[int, Mapping[str, Any]]], identities: Sequence[_Identity | None]
) -> list[Message]:
    # Rule 1 [S-4]: exactly one head, at most one spouse; spouse of the same sex is flagged.
    heads = [(i, m) for i, m in active if m.get("relation") == "head"]
    spouses = [(i, m) for i, m in active if m.get("relation") == "spouse"]
    out: list[Message] = []
    if not heads:
        out.append(
            _error(
                "members",
                "no_head",
                "本户没有户主，每户须有且只有一名户主",
                "the household has no head; exactly one member must be the head",
            )
        )
    for i, m in heads[1:]:
        who = _Who.of(m, i)
        out.append(
            _error(
                f"{_member_prefix(m, i)}.relation",
                "multiple_heads",
                f"{who.zh}本户有{len(heads)}名户主，每户只能有一名户主",
                f"{who.en}the household has {len(heads)} heads; only one is allowed",
            )
        )
    for i, m in spouses[1:]:
        who = _Who.of(m, i)
        out.append(
            _error(
                f"{_member_prefix(m, i)}.relation",
                "multiple_spouses",
                f"{who.zh}本户有{len(spouses)}名配偶，最多只能有一名",
                f"{who.en}the household has {len(spouses)} spouses; at most one is allowed",
            )
        )
    if len(heads) == 1 and len(spouses) == 1:
        (hi, head), (si, spouse) = heads[0], spouses[0]
        head_sex = _member_sex(head, identities[hi])
        spouse_sex = _member_sex(spouse, identities[si])
        if head_sex and head_sex == spouse_sex:
            who = _Who.of(spouse, si)
            out.append(
                _warning(
                    f"{_member_prefix(spouse, si)}.relation",
                    "spouse_same_sex",
                    f"{who.zh}配偶与户主性别相同，请核实与户主关系或证件号码",
                    f"{who.en}the spouse has the same sex as the head; "
                    "check the relation or the ID numbers",
                )
            )
    return out


def _rule_duplicates(
    active: Sequence[tuple[int, Mapping[str, Any]]],
    identities: Sequence[_Identity | None],
    other_id_numbers: Collection[str],
) -> list[Message]:
    # Rule 8 [S-4]: duplicate ID numbers (first 18 characters) across the dataset are an ERROR.
    others = {_person_key(str(n)) for n in other_id_numbers if is_answered(n)}
    seen: dict[str, int] = {}
    out: list[Message] = []
    for i, member in active:
        identity = identities[i]
        key = identity.person_id if identity else None
        if not key:
            continue
        who = _Who.of(member, i)
        name = f"{_member_prefix(member, i)}.id_number"
        if key in seen:
            first = str(_active_member(active, seen[key]).get("name") or "").strip()
            first_zh = f"成员{first}" if first else f"第{seen[key] + 1}位成员"
            first_en = f"member {first}" if first else f"member {seen[key] + 1}"
            out.append(
                _error(
                    name,
                    "duplicate_id",
                    f"{who.zh}证件号码与本户{first_zh}重复",
                    f"{who.en}the ID number duplicates that of {first_en} in this household",
                )
            )
        elif key in others:
            out.append(
                _error(
                    name,
                    "duplicate_id",
                    f"{who.zh}证件号码已登记在其他户中，同一人不能重复登记",
                    f"{who.en}the ID number is already registered in another household",
                )
            )
        else:
            seen[key] = i
    return out


def _active_member(
    active: Sequence[tuple[int, Mapping[str, Any]]], index: int
) -> Mapping[str, Any]:
    """The member at ``index`` among ``(index, member)`` pairs (empty when absent)."""
    return next((m for i, m in active if i == index), {})


def cadre_load_warnings(name: str, households: int, policy: Policy) -> list[Message]:
    """Warn when one cadre assists more households than the policy's cap (a warning, never a block).

    Args:
        name: the cadre's name.
        households: active households assigned to the cadre, this one included.
        policy: gives ``cadre_max_households`` (the Zibo seed: 5).
    """
    cap = policy.cadre_max_households
    if households <= cap:
        return []
    return [
        _warning(
            "household.cadre",
            "cadre_over_cap",
            f"帮扶干部{name}已联系{households}户，超过每人最多{cap}户的规定，请核实或调整",
            f"the cadre {name} now assists {households} households, more than the cap of {cap}; "
            "check or reassign",
        )
    ]
