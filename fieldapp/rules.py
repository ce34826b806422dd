"""The verdict engine: assessment input -> verdict per indicator (两不愁三保障, water, income).

Small pure functions, one per indicator, following "Verdict rules, exactly" in
CLI.md and DOMAIN.md §3-§8. Every threshold comes from :class:`Policy`; the
only literals here are the enumerations of the input contract.

Missing answers never guess: a missing block gives ``unknown`` for its
indicator, and a missing field inside a block gives ``unknown`` unless the
answers present already decide the verdict (e.g. one food flag is false).
Two fields are exception flags and read as "no" when absent:
``housing.safe_alternative`` and ``water.piped_to_yard``; a missing
``housing.renovation`` reads as ``none``. Malformed answers (unknown codes,
negative amounts, a household of 0, text where a number belongs) raise
:class:`InputRefused` naming the field.

Reasons are short bilingual strings in one format: ``中文 (English)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, TypedDict

from fieldapp.errors import InputRefused
from fieldapp.policy import Policy, check_year, load_policy, normalize_province

INDICATORS: tuple[str, ...] = (
    "food",
    "clothing",
    "education",
    "medical",
    "housing",
    "water",
    "income",
)
VERDICTS: tuple[str, ...] = ("met", "basic", "not_met", "exempt", "not_applicable", "unknown")
MONITORING_TYPES: tuple[str, ...] = ("none", "unstable", "marginal", "sudden")
WATER_PARTS: tuple[str, ...] = ("quantity", "convenience", "reliability", "quality")

# Enumerations of the assessment input (CLI.md "Assessment input").
SCHOOLING: tuple[str, ...] = (
    "preschool", "primary", "grade7", "grade8", "grade9", "high_school", "vocational", "college",
    "home_schooling", "special_school", "exempt_disability", "not_enrolled", "out_of_school",
    "graduated",
)  # fmt: skip
# Old names still accepted on input and in stored answers, and what they mean now:
# ``finished`` (已毕业或不在校) mixed graduates with dropouts; it reads as ``graduated``.
SCHOOLING_ALIASES: Mapping[str, str] = {"finished": "graduated"}
GRADUATED = "graduated"
PRESCHOOL = "preschool"
MEDICAL_INSURANCE: tuple[str, ...] = (
    "resident", "employee", "elsewhere", "none", "military", "detained", "newborn",
)  # fmt: skip
NEWBORN = "newborn"
HEALTH: tuple[str, ...] = ("healthy", "chronic", "serious", "disabled")
LABOUR: tuple[str, ...] = ("skilled", "ordinary", "weak", "lost", "none")
HOUSING_GRADES: tuple[str, ...] = ("A", "B", "C", "D", "no_house")
RENOVATION: tuple[str, ...] = ("none", "in_progress", "accepted")
WATER_ZONES: tuple[str, ...] = ("rich", "scarce")
WATER_QUALITY: tuple[str, ...] = ("meets", "basic", "fails", "untested")

INCOME_COMPONENTS: tuple[str, ...] = (
    "wage_yuan",
    "production_yuan",
    "property_yuan",
    "transfer_yuan",
)
INCOME_COSTS = "production_cost_yuan"

# Sanity bounds of the input, not policy: a person's age in full years, and
# outage days in any 12 months (a leap year has 366 days).
_MAX_AGE = 150
_MAX_OUTAGE_DAYS = 366

MET, BASIC, NOT_MET, EXEMPT, NOT_APPLICABLE, UNKNOWN = VERDICTS


class IndicatorResult(TypedDict):
    """Verdict of one indicator: ``{"verdict", "reasons"}``."""

    verdict: str
    reasons: list[str]


class WaterResult(TypedDict):
    """Water verdict with the verdict of each T/CHES 18-2018 part."""

    verdict: str
    parts: dict[str, str]
    reasons: list[str]


class IncomeResult(TypedDict):
    """Income verdict with the per-capita income and the line it was held against."""

    verdict: str
    per_capita_yuan: int | float | None
    line_yuan: int | float | None
    reasons: list[str]


def reason(zh: str, en: str) -> str:
    """Format a reason for people in the one format used everywhere: ``中文 (English)``."""
    return f"{zh} ({en})"


_NOT_SURVEYED = reason("未调查", "not surveyed")


# --- reading and checking answers -------------------------------------------


def _refuse(field: str, en: str, zh: str) -> InputRefused:
    return InputRefused(f"{field}: {en}", f"{field}：{zh}")


def _block(parent: Mapping[str, Any], key: str, path: str = "") -> Mapping[str, Any] | None:
    """Return a sub-object, ``None`` when absent or null; refuse anything else."""
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise _refuse(path + key, "must be a JSON object", "必须是 JSON 对象")
    return value


def _flag(block: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = block.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _refuse(
        f"{path}.{key}", f"{value!r} is not true or false", f"{value!r} 不是 true 或 false"
    )


def _number(
    block: Mapping[str, Any],
    key: str,
    path: str,
    *,
    minimum: float | None = 0,
    maximum: float | None = None,
    above_minimum: bool = False,
) -> float | None:
    """Return a finite number (int or float) or ``None``; refuse text, booleans and out-of-range values."""
    value = block.get(key)
    if value is None:
        return None
    field = f"{path}.{key}"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _refuse(field, f"{value!r} is not a number", f"{value!r} 不是数字")
    if minimum is not None and (value <= minimum if above_minimum else value < minimum):
        relation = ">" if above_minimum else ">="
        raise _refuse(
            field, f"{value!r} must be {relation} {minimum}", f"{value!r} 必须 {relation} {minimum}"
        )
    if maximum is not None and value > maximum:
        raise _refuse(field, f"{value!r} must be <= {maximum}", f"{value!r} 必须 <= {maximum}")
    return value


def _whole(
    block: Mapping[str, Any], key: str, path: str, *, minimum: int, maximum: int | None = None
) -> int | None:
    """Return a whole number (``4`` or ``4.0``) or ``None``; refuse fractions and out-of-range values."""
    value = _number(block, key, path, minimum=minimum, maximum=maximum)
    if value is None:
        return None
    if value != int(value):
        raise _refuse(f"{path}.{key}", f"{value!r} is not a whole number", f"{value!r} 不是整数")
    return int(value)


def canonical_schooling(value: object) -> object:
    """The current code for a schooling answer: old names (``finished``) map to their new code."""
    if isinstance(value, str):
        return SCHOOLING_ALIASES.get(value, value)
    return value


def _choice(
    block: Mapping[str, Any],
    key: str,
    path: str,
    allowed: tuple[str, ...],
    aliases: Mapping[str, str] | None = None,
) -> str | None:
    value = block.get(key)
    if value is None:
        return None
    if aliases and isinstance(value, str):
        value = aliases.get(value, value)
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(allowed)
        raise _refuse(
            f"{path}.{key}",
            f"{value!r} is not one of {options}",
            f"{value!r} 不在可选值内：{options}",
        )
    return value


def _members(household: Mapping[str, Any] | None) -> list[Mapping[str, Any]] | None:
    """Return ``household.members`` as a list of objects, ``None`` when not given."""
    if household is None:
        return None
    members = household.get("members")
    if members is None:
        return None
    return _member_list(members)


def _member_list(members: object) -> list[Mapping[str, Any]]:
    if not isinstance(members, list | tuple):
        raise _refuse("household.members", "must be a list of members", "必须是成员列表")
    for index, member in enumerate(members):
        if not isinstance(member, Mapping):
            raise _refuse(
                f"household.members[{index}]", "must be a JSON object", "必须是 JSON 对象"
            )
    return list(members)


def _member_path(index: int) -> str:
    return f"household.members[{index}]"


def _who(index: int) -> tuple[str, str]:
    """Member label for reasons: 1-based, as people count."""
    return f"第{index + 1}名成员", f"member #{index + 1}"


def check_member(member: Mapping[str, Any], index: int) -> None:
    """Check every enumerated field of one member, refusing the first bad one.

    Args:
        member: One entry of ``household.members``.
        index: Its position, used in the field name of the error.

    Raises:
        InputRefused: A field holds a value outside its enumeration or range.
    """
    path = _member_path(index)
    _whole(member, "age", path, minimum=0, maximum=_MAX_AGE)
    _choice(member, "schooling", path, SCHOOLING, SCHOOLING_ALIASES)
    _choice(member, "medical_insurance", path, MEDICAL_INSURANCE)
    _choice(member, "labour", path, LABOUR)
    _flag(member, "serious_illness_insurance", path)
    health = member.get("health")
    if health is not None:
        if not isinstance(health, list | tuple):
            raise _refuse(f"{path}.health", "must be a list", "必须是列表")
        for position, value in enumerate(health):
            _choice({"v": value}, "v", f"{path}.health[{position}]", HEALTH)


# --- food and clothing (两不愁, DOMAIN.md §3) ---------------------------------


def _all_flags(
    block: Mapping[str, Any] | None, name: str, flags: Sequence[tuple[str, str, str]]
) -> IndicatorResult:
    """Verdict from yes/no items that must all be true: any false -> not_met, all true -> met."""
    if block is None:
        return {"verdict": UNKNOWN, "reasons": [_NOT_SURVEYED]}
    failed: list[str] = []
    missing: list[str] = []
    for key, zh, en in flags:
        value = _flag(block, key, name)
        if value is False:
            failed.append(reason(zh, en))
        elif value is None:
            missing.append(reason(f"未回答 {name}.{key}", f"{name}.{key} not answered"))
    if failed:
        return {"verdict": NOT_MET, "reasons": failed}
    if missing:
        return {"verdict": UNKNOWN, "reasons": missing}
    return {"verdict": MET, "reasons": []}


def assess_food(block: Mapping[str, Any] | None) -> IndicatorResult:
    """Assess 不愁吃: staple food and protein both assured.

    Args:
        block: The ``food`` block (``staple_ok``, ``protein_ok``), or ``None``.

    Returns:
        ``met`` when both are true, ``not_met`` when either is false, else ``unknown``.
    """
    return _all_flags(
        block,
        "food",
        (
            ("staple_ok", "主食无保障", "staple food not assured"),
            ("protein_ok", "肉蛋奶豆摄入不足", "not eating meat, eggs, milk or soy regularly"),
        ),
    )


def assess_clothing(block: Mapping[str, Any] | None) -> IndicatorResult:
    """Assess 不愁穿: seasonal clothes and winter bedding both assured.

    Args:
        block: The ``clothing`` block (``seasonal_ok``, ``bedding_ok``), or ``None``.

    Returns:
        ``met`` when both are true, ``not_met`` when either is false, else ``unknown``.
    """
    return _all_flags(
        block,
        "clothing",
        (
            ("seasonal_ok", "缺少换季衣物", "lacks seasonal clothes"),
            ("bedding_ok", "缺少御寒被褥", "lacks winter bedding"),
        ),
    )


# --- compulsory education (DOMAIN.md §4) -------------------------------------


def assess_education(
    members: Sequence[Mapping[str, Any]] | None, policy: Policy
) -> IndicatorResult:
    """Assess 义务教育有保障 over the members of compulsory-school age.

    A counted member is met when enrolled (``policy.education.met_schooling``),
    in ``preschool`` at the ages of delayed enrolment (6 or 7), or
    ``graduated`` (old name ``finished``) from age 14; exempt when assessed
    unable to study; otherwise (never enrolled, out of school, preschool from
    8, graduated under 14) not met.

    Args:
        members: ``household.members`` (``age``, ``schooling``), or ``None``.
        policy: Gives the age window, the schooling codes that count, the
            ages at which preschool counts and the age from which a graduate counts.

    Returns:
        ``not_applicable`` when no member is in the age window; ``not_met`` when
        any counted member is out of school; ``unknown`` when a member's age or
        a counted member's schooling is missing; ``exempt`` when every counted
        member is assessed unable to study; else ``met``.
    """
    if members is None:
        return {"verdict": UNKNOWN, "reasons": [reason("未填写家庭成员", "no member list")]}
    window = policy.education
    out_of_school: list[str] = []
    unanswered: list[str] = []
    exempt: list[str] = []
    counted = 0
    for index, member in enumerate(_member_list(members)):
        path = _member_path(index)
        age = _whole(member, "age", path, minimum=0, maximum=_MAX_AGE)
        schooling = _choice(member, "schooling", path, SCHOOLING, SCHOOLING_ALIASES)
        zh, en = _who(index)
        if age is None:
            unanswered.append(reason(f"{zh}未填年龄", f"{en}: age not given"))
            continue
        # Compulsory education covers ages 6-15 full years inclusive (configurable window).
        if not window.age_min <= age <= window.age_max:
            continue
        counted += 1
        if schooling is None:
            unanswered.append(
                reason(f"{zh}（{age}岁）未填在校情况", f"{en}, age {age}: schooling not given")
            )
        elif schooling in window.exempt_schooling:
            exempt.append(
                reason(
                    f"{zh}（{age}岁）经评估无法就学", f"{en}, age {age}: assessed unable to study"
                )
            )
        elif (
            schooling in window.met_schooling
            or (schooling == PRESCHOOL and age in window.preschool_met_ages)
            or (schooling == GRADUATED and age >= window.graduated_met_min_age)
        ):
            continue
        elif schooling == GRADUATED:
            out_of_school.append(
                reason(
                    f"{zh}（{age}岁）登记为初中毕业，但不满{window.graduated_met_min_age}岁",
                    f"{en}, age {age}: recorded as graduated from grade 9, "
                    f"but under {window.graduated_met_min_age}",
                )
            )
        else:
            out_of_school.append(
                reason(
                    f"{zh}（{age}岁）失学辍学：{schooling}",
                    f"{en}, age {age}, out of school: {schooling}",
                )
            )
    if out_of_school:
        return {"verdict": NOT_MET, "reasons": out_of_school}
    if unanswered:
        return {"verdict": UNKNOWN, "reasons": unanswered}
    if counted == 0:
        span = f"{window.age_min}-{window.age_max}"
        return {
            "verdict": NOT_APPLICABLE,
            "reasons": [reason(f"无{span}周岁成员", f"no member aged {span}")],
        }
    if len(exempt) == counted:
        return {"verdict": EXEMPT, "reasons": exempt}
    return {"verdict": MET, "reasons": exempt}


# --- basic medical care (DOMAIN.md §5) ---------------------------------------


def medical_member_verdict(insurance: str | None, age: int | None, policy: Policy) -> str:
    """Verdict of one member's basic medical insurance (CLI.md "medical").

    ``resident``, ``employee`` or ``elsewhere`` is met; ``military`` and
    ``detained`` are exempt; ``newborn`` is exempt up to the policy's age (0)
    and not met after it; ``none`` is not met; a missing answer, or a newborn
    of unknown age, is unknown.
    """
    rules = policy.medical
    if insurance is None:
        return UNKNOWN
    if insurance in rules.met_insurance:
        return MET
    if insurance in rules.exempt_insurance:
        return EXEMPT
    if insurance == NEWBORN:
        if age is None:
            return UNKNOWN
        return EXEMPT if age <= rules.newborn_exempt_max_age else NOT_MET
    return NOT_MET


_MEDICAL_EXEMPT_LABEL = {
    "military": ("服兵役", "serving in the army"),
    "detained": ("在押或服刑", "in detention"),
    NEWBORN: ("新生儿在参保窗口期内", "newborn within the enrolment window"),
}


def assess_medical(
    members: Sequence[Mapping[str, Any]] | None, policy: Policy | None = None
) -> IndicatorResult:
    """Assess 基本医疗有保障 over every member's basic medical insurance.

    Args:
        members: ``household.members`` (``medical_insurance``, ``age``), or ``None``.
        policy: Gives the codes that meet or exempt; ``None`` loads the default.

    Returns:
        ``unknown`` without members; ``not_met`` when any member is not met;
        ``unknown`` when a member's answer is missing; ``exempt`` when every
        member is exempt; else ``met``.
    """
    policy = policy or load_policy()
    if members is None:
        return {"verdict": UNKNOWN, "reasons": [reason("未填写家庭成员", "no member list")]}
    listed = _member_list(members)
    if not listed:
        return {"verdict": UNKNOWN, "reasons": [reason("家庭成员为空", "no members")]}
    uninsured: list[str] = []
    unanswered: list[str] = []
    exempt: list[str] = []
    for index, member in enumerate(listed):
        path = _member_path(index)
        insurance = _choice(member, "medical_insurance", path, MEDICAL_INSURANCE)
        age = _whole(member, "age", path, minimum=0, maximum=_MAX_AGE)
        verdict = medical_member_verdict(insurance, age, policy)
        zh, en = _who(index)
        if verdict == NOT_MET and insurance == NEWBORN:
            uninsured.append(
                reason(
                    f"{zh}（{age}岁）已过新生儿参保期，未参加基本医疗保险",
                    f"{en}, age {age}: past the newborn window, no basic medical insurance",
                )
            )
        elif verdict == NOT_MET:
            uninsured.append(
                reason(f"{zh}未参加基本医疗保险", f"{en} has no basic medical insurance")
            )
        elif verdict == UNKNOWN:
            what = ("未填年龄", "age not given") if insurance == NEWBORN else None
            zh_what, en_what = what or ("未填医保情况", "medical insurance not given")
            unanswered.append(reason(f"{zh}{zh_what}", f"{en}: {en_what}"))
        elif verdict == EXEMPT and insurance is not None:
            why_zh, why_en = _MEDICAL_EXEMPT_LABEL.get(insurance, (insurance, insurance))
            exempt.append(reason(f"{zh}{why_zh}，不计入", f"{en} exempt: {why_en}"))
    if uninsured:
        return {"verdict": NOT_MET, "reasons": uninsured}
    if unanswered:
        return {"verdict": UNKNOWN, "reasons": unanswered}
    if len(exempt) == len(listed):
        return {"verdict": EXEMPT, "reasons": exempt}
    return {"verdict": MET, "reasons": exempt}


# --- housing safety (DOMAIN.md §6) -------------------------------------------


_RENOVATION_LABEL = {
    "none": ("未改造", "not renovated"),
    "in_progress": ("改造中", "renovation in progress"),
    "accepted": ("改造已验收", "renovation accepted"),
}


def assess_housing(block: Mapping[str, Any] | None) -> IndicatorResult:
    """Assess 住房安全有保障 from the appraisal grade (农村危险房屋鉴定技术导则).

    Args:
        block: The ``housing`` block (``grade``, ``renovation``,
            ``safe_alternative``), or ``None``.

    Returns:
        ``met`` for safe alternative housing, grade A or B, or grade C/D with
        the renovation accepted; ``not_met`` for C/D not accepted or no house;
        ``unknown`` when there is no grade.
    """
    if block is None:
        return {"verdict": UNKNOWN, "reasons": [_NOT_SURVEYED]}
    grade = _choice(block, "grade", "housing", HOUSING_GRADES)
    renovation = _choice(block, "renovation", "housing", RENOVATION) or "none"
    safe_alternative = _flag(block, "safe_alternative", "housing") is True
    if safe_alternative:
        return {
            "verdict": MET,
            "reasons": [reason("居住在安全的替代住房", "lives in safe alternative housing")],
        }
    if grade is None:
        return {"verdict": UNKNOWN, "reasons": [reason("未鉴定住房等级", "house not appraised")]}
    if grade in ("A", "B"):
        return {"verdict": MET, "reasons": []}
    if grade == "no_house":
        return {"verdict": NOT_MET, "reasons": [reason("无房", "no house")]}
    zh, en = _RENOVATION_LABEL[renovation]
    text = reason(f"住房等级{grade}，{zh}", f"grade {grade}, {en}")
    return {"verdict": MET if renovation == "accepted" else NOT_MET, "reasons": [text]}


# --- drinking water (T/CHES 18-2018, DOMAIN.md §7) ----------------------------


def _grade(value: Fraction | float, met: Fraction | float, basic: Fraction | float) -> str:
    """Grade a 'higher is better' measure against its met and basic minimums."""
    if value >= met:
        return MET
    if value >= basic:
        return BASIC
    return NOT_MET


def _exact(value: float) -> Fraction:
    """Exact decimal value of a JSON number, so boundaries compare without float error."""
    return Fraction(str(value))


def water_quantity(zone: str | None, litres: float | None, policy: Policy) -> str:
    """Grade water quantity in litres per person per day for the zone.

    T/CHES 18-2018: water-rich >= 60 met, >= 35 basic; water-scarce >= 40 met,
    >= 20 basic (numbers from the policy).
    """
    if zone is None or litres is None:
        return UNKNOWN
    water = policy.water
    if zone not in water.quantity_met:
        raise InputRefused(
            f"water.zone: policy {policy.version} has no thresholds for zone {zone!r}",
            f"water.zone：政策参数 {policy.version} 没有 {zone!r} 区的水量标准",
        )
    return _grade(litres, water.quantity_met[zone], water.quantity_basic[zone])


def water_convenience(
    piped_to_yard: bool | None,
    fetch_minutes: float | None,
    policy: Policy,
    distance_m: float | None = None,
    climb_m: float | None = None,
) -> str:
    """Grade convenience: piped to house or yard, else the manual fetch.

    T/CHES 18-2018: a round trip <= 20 min, or <= 800 m horizontal together with
    <= 80 m climb, is basic; <= 10 min, or <= 400 m with <= 40 m (2004 system),
    is met. A distance counts only together with its climb; with neither a
    time nor a distance and climb the part is unknown.
    """
    if piped_to_yard:
        return MET
    water = policy.water
    path = (distance_m, climb_m) if distance_m is not None and climb_m is not None else None
    if fetch_minutes is None and path is None:
        return UNKNOWN

    def within(minutes: float, metres: float, climb: float) -> bool:
        by_time = fetch_minutes is not None and fetch_minutes <= minutes
        by_path = path is not None and path[0] <= metres and path[1] <= climb
        return by_time or by_path

    if within(water.fetch_met_minutes, water.distance_met_m, water.climb_met_m):
        return MET
    if within(water.fetch_basic_minutes, water.distance_basic_m, water.climb_basic_m):
        return BASIC
    return NOT_MET


def water_reliability(outage_days: float | None, policy: Policy) -> str:
    """Grade supply reliability as 1 - outage days / days per year.

    T/CHES 18-2018: >= 90% (no more than 36 outage days) is basic; >= 95% is met.
    """
    if outage_days is None:
        return UNKNOWN
    water = policy.water
    ratio = 1 - _exact(outage_days) / water.days_per_year
    return _grade(ratio, _exact(water.reliability_met), _exact(water.reliability_basic))


_QUALITY_VERDICT = {"meets": MET, "basic": BASIC, "fails": NOT_MET, "untested": UNKNOWN}

_PART_LABEL = {
    "quantity": ("水量", "quantity"),
    "convenience": ("用水方便程度", "convenience"),
    "reliability": ("供水保证率", "reliability"),
    "quality": ("水质", "quality"),
}


def _water_whole(parts: Mapping[str, str]) -> str:
    values = list(parts.values())
    if NOT_MET in values:
        return NOT_MET
    if UNKNOWN in values:
        return UNKNOWN
    if all(value == MET for value in values):
        return MET
    return BASIC


def assess_water(block: Mapping[str, Any] | None, policy: Policy) -> WaterResult:
    """Assess 饮水安全 on the four T/CHES 18-2018 parts.

    Args:
        block: The ``water`` block (``zone``, ``litres_per_person_day``,
            ``piped_to_yard``, ``fetch_minutes``, ``fetch_distance_m``,
            ``fetch_climb_m``, ``outage_days_12m``, ``quality``), or ``None``.
        policy: Gives the quantity, fetch and reliability thresholds.

    Returns:
        Each part ``met``/``basic``/``not_met``/``unknown``; the whole is
        ``not_met`` if any part is, else ``unknown`` if any part is, ``met``
        if all parts are, else ``basic`` (基本安全, counts as assured).
    """
    if block is None:
        return {
            "verdict": UNKNOWN,
            "parts": dict.fromkeys(WATER_PARTS, UNKNOWN),
            "reasons": [_NOT_SURVEYED],
        }
    zone = _choice(block, "zone", "water", WATER_ZONES)
    litres = _number(block, "litres_per_person_day", "water")
    piped = _flag(block, "piped_to_yard", "water")
    minutes = _number(block, "fetch_minutes", "water")
    distance = _number(block, "fetch_distance_m", "water")
    climb = _number(block, "fetch_climb_m", "water")
    outage = _number(block, "outage_days_12m", "water", maximum=_MAX_OUTAGE_DAYS)
    quality = _choice(block, "quality", "water", WATER_QUALITY)
    parts = {
        "quantity": water_quantity(zone, litres, policy),
        "convenience": water_convenience(piped, minutes, policy, distance, climb),
        "reliability": water_reliability(outage, policy),
        "quality": UNKNOWN if quality is None else _QUALITY_VERDICT[quality],
    }
    measured = {
        "quantity": (f"{litres}升/人·日", f"{litres} L/person/day"),
        "convenience": (
            f"取水往返{minutes}分钟，距离{distance}米，高差{climb}米",
            f"{minutes} min round trip, {distance} m away, {climb} m climb",
        ),
        "reliability": (f"停水{outage}天/年", f"{outage} outage days in 12 months"),
        "quality": (f"水质{quality}", f"quality {quality}"),
    }
    reasons: list[str] = []
    for part in WATER_PARTS:
        part_zh, part_en = _PART_LABEL[part]
        if parts[part] == NOT_MET:
            zh, en = measured[part]
            reasons.append(reason(f"{part_zh}不达标：{zh}", f"{part_en} fails: {en}"))
        elif parts[part] == UNKNOWN:
            untested = part == "quality" and quality == "untested"
            state_zh, state_en = ("未检测", "untested") if untested else ("未填写", "not given")
            reasons.append(reason(f"{part_zh}{state_zh}", f"{part_en} {state_en}"))
    return {"verdict": _water_whole(parts), "parts": parts, "reasons": reasons}


# --- income (DOMAIN.md §8) ---------------------------------------------------


def net_income(block: Mapping[str, Any]) -> float | None:
    """Household net income in yuan: ``net_income_yuan``, or computed from its components.

    家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 - 生产经营性支出. Components
    that are absent count as 0; with no component and no net the result is ``None``.

    Raises:
        InputRefused: A component is negative or not a number.
    """
    components = [_number(block, key, "income") for key in (*INCOME_COMPONENTS, INCOME_COSTS)]
    # A net income may be negative (production losses), components may not.
    given = _number(block, "net_income_yuan", "income", minimum=None)
    if given is not None:
        return given
    if all(value is None for value in components):
        return None
    *earned, cost = (value or 0 for value in components)
    return sum(earned) - cost


def _plain(value: Fraction | float) -> int | float:
    """A yuan amount for JSON: whole numbers as int, others rounded to fen."""
    rounded = round(Fraction(value), 2) if isinstance(value, Fraction) else round(value, 2)
    if rounded == int(rounded):
        return int(rounded)
    return float(rounded)


def assess_income(
    block: Mapping[str, Any] | None,
    policy: Policy,
    province: str | None = None,
    year: int | None = None,
) -> IncomeResult:
    """Assess per-capita net income (人均纯收入) against the monitoring line.

    Args:
        block: The ``income`` block, or ``None``.
        policy: Gives the line for the province and year.
        province: Province code for the line; ``None`` uses ``policy.province``.
        year: Year for the line; ``None`` uses ``policy.year``.

    Returns:
        ``not_met`` when net income / household size is below the line
        (``income.line_yuan`` overrides the policy line), ``met`` at or above
        it, ``unknown`` when income or household size is missing.

    Raises:
        InputRefused: A value is malformed, the household size is below 1, or
            the policy has no line for the year and none is given.
    """
    if block is None:
        try:
            line: int | float | None = policy.income_line(province, year)
        except InputRefused:
            line = None
        return {
            "verdict": UNKNOWN,
            "per_capita_yuan": None,
            "line_yuan": line,
            "reasons": [_NOT_SURVEYED],
        }
    size = _whole(block, "household_size", "income", minimum=1)
    net = net_income(block)
    _number(block, "rigid_spending_yuan", "income")
    _number(block, "claims_yuan", "income")
    _number(block, "last_year_net_income_yuan", "income", minimum=None)
    override = _number(block, "line_yuan", "income", above_minimum=True)
    line = override if override is not None else policy.income_line(province, year)
    line_out = _plain(line)
    if net is None or size is None:
        missing = "net_income_yuan" if net is None else "household_size"
        return {
            "verdict": UNKNOWN,
            "per_capita_yuan": None,
            "line_yuan": line_out,
            "reasons": [reason(f"未填写 income.{missing}", f"income.{missing} not given")],
        }
    per_capita = _exact(net) / size
    shown = _plain(per_capita)
    if per_capita < _exact(line):
        text = reason(
            f"人均纯收入{shown}元，低于监测线{line_out}元",
            f"per-capita net income {shown} yuan is below the line of {line_out} yuan",
        )
        return {
            "verdict": NOT_MET,
            "per_capita_yuan": shown,
            "line_yuan": line_out,
            "reasons": [text],
        }
    return {"verdict": MET, "per_capita_yuan": shown, "line_yuan": line_out, "reasons": []}


# --- monitoring suggestion and overall ---------------------------------------


def income_dropped(net: float | None, last_year_net: float | None, percent: float) -> bool:
    """Whether net income fell by more than ``percent`` of last year's net income."""
    if net is None or last_year_net is None or last_year_net <= 0:
        return False
    return (_exact(last_year_net) - _exact(net)) * 100 > _exact(percent) * _exact(last_year_net)


class Shock(TypedDict):
    """Whether the income block shows a shock (突发严重困难), and why."""

    detected: bool
    reasons: list[str]


def detect_shock(
    block: Mapping[str, Any] | None,
    policy: Policy,
    province: str | None = None,
    year: int | None = None,
) -> Shock:
    """Check the income block for a shock (CLI.md "shock"), the 突发严重困难户 signal.

    A shock is any of: the reference income per capita, (net income - rigid
    spending + insurance claims) / household size, below the line; rigid
    spending greater than last year's net income; net income fallen by more
    than the policy's ``income_drop_percent`` of last year's. Pure: the
    monitoring lifecycle uses it for the elimination conditions too.

    Args:
        block: The ``income`` block, or ``None`` (no shock).
        policy: Gives the line and the drop percentage.
        province: Province code for the line; ``None`` uses ``policy.province``.
        year: Year for the line; ``None`` uses ``policy.year``.

    Raises:
        InputRefused: A value is malformed.
    """
    if block is None:
        return {"detected": False, "reasons": []}
    net = net_income(block)
    size = _whole(block, "household_size", "income", minimum=1)
    rigid = _number(block, "rigid_spending_yuan", "income")
    claims = _number(block, "claims_yuan", "income")
    last_year = _number(block, "last_year_net_income_yuan", "income", minimum=None)
    reasons: list[str] = []
    if net is not None and size is not None:
        override = _number(block, "line_yuan", "income", above_minimum=True)
        line = override if override is not None else policy.income_line(province, year)
        reference = (_exact(net) - _exact(rigid or 0) + _exact(claims or 0)) / size
        if reference < _exact(line):
            shown, line_out = _plain(reference), _plain(line)
            reasons.append(
                reason(
                    f"扣除刚性支出后人均收入参考值{shown}元，低于监测线{line_out}元",
                    f"reference income per capita after rigid spending is {shown} yuan, "
                    f"below the line of {line_out} yuan",
                )
            )
    if rigid is not None and last_year is not None and rigid > last_year:
        reasons.append(
            reason(
                f"刚性支出{_plain(rigid)}元超过上年纯收入{_plain(last_year)}元",
                f"rigid spending of {_plain(rigid)} yuan exceeds last year's net income "
                f"of {_plain(last_year)} yuan",
            )
        )
    percent = policy.income_drop_shock_percent
    if income_dropped(net, last_year, percent):
        reasons.append(
            reason(
                f"纯收入比上年下降超过{_plain(percent)}%",
                f"net income fell by more than {_plain(percent)}% from last year",
            )
        )
    return {"detected": bool(reasons), "reasons": reasons}


def suggest_monitoring(verdicts: Mapping[str, str], *, is_tuopin: bool, shock: bool) -> str:
    """Suggest a monitoring type (the county decides; CLI.md "suggested_monitoring").

    Args:
        verdicts: Verdict per indicator name.
        is_tuopin: The household was lifted out of poverty (脱贫户).
        shock: :func:`detect_shock` found a shock.

    Returns:
        Income ``not_met`` -> ``unstable`` for a 脱贫户, else ``marginal``;
        else a shock -> ``sudden``; else any other indicator ``not_met`` ->
        ``unstable``/``marginal``; else ``none``.
    """
    at_risk = "unstable" if is_tuopin else "marginal"
    if verdicts.get("income") == NOT_MET:
        return at_risk
    if shock:
        return "sudden"
    if any(verdict == NOT_MET for name, verdict in verdicts.items() if name != "income"):
        return at_risk
    return "none"


def overall_verdict(verdicts: Mapping[str, str]) -> str:
    """``not_met`` if any indicator is, else ``unknown`` if any is, else ``met``.

    ``basic``, ``exempt`` and ``not_applicable`` count as assured.
    """
    values = set(verdicts.values())
    if NOT_MET in values:
        return NOT_MET
    if UNKNOWN in values:
        return UNKNOWN
    return MET


def _context(inp: Mapping[str, Any]) -> tuple[str | None, int | None]:
    block = _block(inp, "policy")
    if block is None:
        return None, None
    province = block.get("province")
    year = block.get("year")
    return (
        normalize_province(province, "policy.province") if province is not None else None,
        check_year(year, "policy.year") if year is not None else None,
    )


def assess(inp: Mapping[str, Any], policy: Policy | None = None) -> dict[str, Any]:
    """Run the verdict engine on one assessment input (CLI.md "Assessment input").

    Args:
        inp: The assessment input; every block is optional.
        policy: Policy tables to use; ``None`` loads the default file for the
            input's ``policy.province`` and ``policy.year``. The income line
            is looked up for the input's province and year either way.

    Returns:
        The CLI.md "Verdict": ``indicators`` (in :data:`INDICATORS` order),
        ``overall``, ``suggested_monitoring``, ``problems``, and the extra
        key ``shock`` (:func:`detect_shock`).

    Raises:
        InputRefused: The input is malformed; the message names the field.
    """
    if not isinstance(inp, Mapping):
        raise InputRefused("assessment input must be a JSON object", "评估输入必须是 JSON 对象")
    province, year = _context(inp)
    if policy is None:
        policy = load_policy(province, year)
    household = _block(inp, "household")
    members = _members(household)
    for index, member in enumerate(members or []):
        check_member(member, index)
    is_tuopin = household is not None and _flag(household, "is_tuopin", "household") is True
    income_block = _block(inp, "income")

    indicators: dict[str, Any] = {
        "food": assess_food(_block(inp, "food")),
        "clothing": assess_clothing(_block(inp, "clothing")),
        "education": assess_education(members, policy),
        "medical": assess_medical(members, policy),
        "housing": assess_housing(_block(inp, "housing")),
        "water": assess_water(_block(inp, "water"), policy),
        "income": assess_income(income_block, policy, province, year),
    }
    verdicts = {name: str(indicators[name]["verdict"]) for name in INDICATORS}
    shock = detect_shock(income_block, policy, province, year)
    suggested = suggest_monitoring(verdicts, is_tuopin=is_tuopin, shock=shock["detected"])
    problems = [
        {"indicator": name, "reason": "; ".join(indicators[name]["reasons"])}
        for name in INDICATORS
        if verdicts[name] == NOT_MET
    ]
    return {
        "indicators": indicators,
        "overall": overall_verdict(verdicts),
        "suggested_monitoring": suggested,
        "shock": shock,
        "problems": problems,
    }


def assess_many(
    inputs: Sequence[Mapping[str, Any]], policy: Policy | None = None
) -> list[dict[str, Any]]:
    """Assess several inputs, returning their verdicts in the same order.

    Raises:
        InputRefused: An input is malformed; the message says which one.
    """
    if not isinstance(inputs, list | tuple):
        raise InputRefused("assessment inputs must be a JSON array", "评估输入必须是 JSON 数组")
    verdicts: list[dict[str, Any]] = []
    for index, inp in enumerate(inputs):
        try:
            verdicts.append(assess(inp, policy))
        except InputRefused as error:
            raise InputRefused(
                f"input #{index + 1}: {error.en}", f"第{index + 1}项：{error.zh}"
            ) from error
    return verdicts
