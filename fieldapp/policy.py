"""Policy parameters: every number a province or year may change.

The numbers live in ``resources/policy/default.json``; this module only reads,
checks and types them. Pure: no Qt, no HTTP, no database.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from fieldapp.errors import InputRefused
from fieldapp.monitoring import LifecyclePolicy, parse_lifecycle_policy
from fieldapp.resources import load_json

#: Name of the fallback table in ``income_line_yuan_per_person_year``.
DEFAULT_TABLE = "default"

_POLICY_ERROR = "policy_invalid"


@dataclass(frozen=True)
class WaterPolicy:
    """Drinking-water thresholds (T/CHES 18-2018).

    Attributes:
        quantity_met: Litres per person per day that meet, by zone.
        quantity_basic: Litres per person per day that basically meet, by zone.
        fetch_met_minutes: Longest manual fetch round trip that meets.
        fetch_basic_minutes: Longest manual fetch round trip that basically meets.
        distance_met_m: Longest horizontal distance to the source that meets
            (together with ``climb_met_m``).
        distance_basic_m: Longest horizontal distance that basically meets.
        climb_met_m: Largest height difference to the source that meets.
        climb_basic_m: Largest height difference that basically meets.
        reliability_met: Lowest supply ratio (1 - outage days / year) that meets.
        reliability_basic: Lowest supply ratio that basically meets.
        days_per_year: Days the reliability ratio is computed over.
    """

    quantity_met: Mapping[str, float]
    quantity_basic: Mapping[str, float]
    fetch_met_minutes: float
    fetch_basic_minutes: float
    distance_met_m: float
    distance_basic_m: float
    climb_met_m: float
    climb_basic_m: float
    reliability_met: float
    reliability_basic: float
    days_per_year: int


@dataclass(frozen=True)
class EducationPolicy:
    """Compulsory-education window and the schooling codes that count.

    Attributes:
        age_min: Youngest counted age in full years (inclusive).
        age_max: Oldest counted age in full years (inclusive).
        met_schooling: Schooling codes that count as enrolled.
        preschool_met_ages: Ages at which ``preschool`` counts as enrolled.
        graduated_met_min_age: Youngest age at which ``graduated`` (completed
            grade 9) counts as met; younger is impossible, so not met.
        exempt_schooling: Schooling codes that make a member exempt.
    """

    age_min: int
    age_max: int
    met_schooling: frozenset[str]
    preschool_met_ages: frozenset[int]
    graduated_met_min_age: int
    exempt_schooling: frozenset[str]


@dataclass(frozen=True)
class MedicalPolicy:
    """Basic medical insurance codes that count (基本医疗有保障).

    Attributes:
        met_insurance: Insurance codes that meet.
        exempt_insurance: Codes that exempt a member (army, detention).
        newborn_exempt_max_age: Oldest age in full years at which ``newborn``
            exempts; from the next year on a newborn without insurance is not met.
    """

    met_insurance: frozenset[str]
    exempt_insurance: frozenset[str]
    newborn_exempt_max_age: int


@dataclass(frozen=True)
class LabourPolicy:
    """Numbers of the labour and income data-quality rules (DOMAIN.md §1.4, §8, §9.1).

    Attributes:
        working_age_min: Youngest working age in full years (inclusive).
        working_age_max: Oldest working age in full years (inclusive).
        lack_of_labour_max_capable_share: Share of skilled + ordinary labour
            above which the risk 缺劳动力 does not hold.
        wage_plausible_from_yuan: Wage income above 0 and below this is flagged.
    """

    working_age_min: int
    working_age_max: int
    lack_of_labour_max_capable_share: float
    wage_plausible_from_yuan: float


@dataclass(frozen=True)
class Policy:
    """One edition of the policy parameters, read from ``resources/policy``.

    Attributes:
        version: Version of the parameter file (recorded with verdicts).
        edition: Human-readable edition name.
        province: Province (2-digit code) this policy was loaded for, if any.
        year: Year this policy was loaded for, if any.
        income_lines: Monitoring line in yuan per person per year, keyed by
            province code (or ``"default"``) and then by year.
        water: Drinking-water thresholds.
        education: Compulsory-education window and schooling codes.
        medical: Medical-insurance codes that meet or exempt.
        labour: Working-age range, labour share and wage plausibility.
        visit_days_by_monitoring_type: Visit interval per monitoring type.
        visit_days_by_household_type: Visit interval per household type.
        visit_days_by_role: Home-visit interval per role of the laptop's user.
        cadre_max_households: Households per cadre before a warning.
        national_hotline: The national hotline printed on every card (12317).
        spot_check_rate: Share of visits sampled for a phone spot-check.
        rectification_deadline_days: Default deadline for a ledger problem.
        min_observation_months: Months of stable income before elimination.
        income_drop_shock_percent: Income drop (percent of last year's net
            income) above which a shock is signalled.
        lifecycle: The monitoring lifecycle's steps, deadlines and periods.
    """

    version: str
    edition: str
    province: str | None
    year: int | None
    income_lines: Mapping[str, Mapping[int, int]]
    water: WaterPolicy
    education: EducationPolicy
    medical: MedicalPolicy
    labour: LabourPolicy
    visit_days_by_monitoring_type: Mapping[str, int]
    visit_days_by_household_type: Mapping[str, int]
    visit_days_by_role: Mapping[str, int]
    cadre_max_households: int
    national_hotline: str
    spot_check_rate: float
    rectification_deadline_days: int
    min_observation_months: int
    income_drop_shock_percent: float
    lifecycle: LifecyclePolicy

    def income_line(self, province: str | None = None, year: int | None = None) -> int:
        """Return the monitoring income line in yuan per person per year.

        The province's latest year not after ``year`` is used; without one the
        default table is searched the same way.

        Args:
            province: Province code (2 digits, or a longer area code whose first
                two digits are the province). ``None`` uses ``self.province``.
            year: Assessment year. ``None`` uses ``self.year``, and without that
                the latest year in the table.

        Returns:
            The line in whole yuan.

        Raises:
            InputRefused: The province code is malformed or no line exists for
                a year this early.
        """
        code = (
            normalize_province(province, "policy.province")
            if province is not None
            else self.province
        )
        wanted = check_year(year, "policy.year") if year is not None else self.year
        tables = [self.income_lines.get(code)] if code is not None else []
        tables.append(self.income_lines.get(DEFAULT_TABLE))
        for table in tables:
            if not table:
                continue
            years = [y for y in table if wanted is None or y <= wanted]
            if years:
                return table[max(years)]
        raise InputRefused(
            f"policy.year: no monitoring income line for {wanted}; give income.line_yuan",
            f"policy.year：{wanted}年没有监测收入线，请填写 income.line_yuan",
        )

    def visit_interval_days(
        self,
        monitoring_type: str,
        household_type: str | None = None,
        role: str | None = None,
    ) -> int:
        """Return how often a household is visited: the shortest interval that applies.

        Args:
            monitoring_type: ``none``, ``unstable``, ``marginal`` or ``sudden``.
            household_type: ``tuopin_general``... or ``ordinary``; a type
                without an entry adds no interval.
            role: Role of the laptop's user (``first_secretary``, ``cadre``...);
                a role without an entry adds no interval.

        Returns:
            The interval in days.

        Raises:
            InputRefused: The monitoring type has no configured interval.
        """
        try:
            days = self.visit_days_by_monitoring_type[monitoring_type]
        except KeyError:
            known = ", ".join(sorted(self.visit_days_by_monitoring_type))
            raise InputRefused(
                f"monitoring type {monitoring_type!r} has no visit interval (known: {known})",
                f"监测类型 {monitoring_type!r} 没有走访周期（可选：{known}）",
            ) from None
        for table, key in (
            (self.visit_days_by_household_type, household_type),
            (self.visit_days_by_role, role),
        ):
            if key is not None and key in table:
                days = min(days, table[key])
        return days

    def visit_interval_days_for_role(self, role: str) -> int:
        """Return the home-visit interval of a role, e.g. ``cadre``.

        Raises:
            InputRefused: The role has no configured interval.
        """
        try:
            return self.visit_days_by_role[role]
        except KeyError:
            known = ", ".join(sorted(self.visit_days_by_role))
            raise InputRefused(
                f"role {role!r} has no visit interval (known: {known})",
                f"角色 {role!r} 没有走访周期（可选：{known}）",
            ) from None


def normalize_province(value: object, field: str = "province") -> str:
    """Return the 2-digit province code of a province or area code.

    Args:
        value: ``"37"``, an area code such as ``"370303102201"``, or an int.
        field: Field name used in the error message.

    Raises:
        InputRefused: The value is not a code of at least two digits.
    """
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or len(text) < 2 or not text.isascii() or not text.isdigit():
        raise InputRefused(
            f"{field}: {value!r} is not a province code (2 digits, e.g. '37')",
            f"{field}：{value!r} 不是省份代码（两位数字，如 '37'）",
        )
    return text[:2]


def check_year(value: object, field: str = "year") -> int:
    """Return ``value`` as a year, refusing anything that is not a plausible year.

    Raises:
        InputRefused: The value is not an integer between 1900 and 2999.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2999:
        raise InputRefused(
            f"{field}: {value!r} is not a year (e.g. 2026)",
            f"{field}：{value!r} 不是年份（如 2026）",
        )
    return value


def load_policy(province: str | None = None, year: int | None = None) -> Policy:
    """Load ``resources/policy/default.json`` for a province and year.

    Args:
        province: Province code; its ``province_overrides`` are applied and it
            becomes the default for :meth:`Policy.income_line`.
        year: Year that becomes the default for :meth:`Policy.income_line`.

    Raises:
        InputRefused: The province or year is malformed, or the file is invalid.
    """
    code = normalize_province(province, "policy.province") if province is not None else None
    wanted = check_year(year, "policy.year") if year is not None else None
    return _load_policy_cached(code, wanted)


@lru_cache(maxsize=64)
def _load_policy_cached(province: str | None, year: int | None) -> Policy:
    return policy_from_dict(load_json("policy", "default.json"), province, year)


def policy_from_dict(
    data: Mapping[str, Any], province: str | None = None, year: int | None = None
) -> Policy:
    """Build a :class:`Policy` from the parsed JSON of a policy file.

    Args:
        data: Parsed policy file (not modified).
        province: Province code whose ``province_overrides`` are applied.
        year: Default year for :meth:`Policy.income_line`.

    Raises:
        InputRefused: A section is missing or holds a value of the wrong kind.
    """
    if not isinstance(data, Mapping):
        raise _bad("policy file", "must be a JSON object")
    code = normalize_province(province, "policy.province") if province is not None else None
    wanted = check_year(year, "policy.year") if year is not None else None
    merged: dict[str, Any] = copy.deepcopy(dict(data))
    overrides = _section(merged, "province_overrides", required=False)
    if code is not None and code in overrides:
        override = overrides[code]
        if not isinstance(override, Mapping):
            raise _bad(f"province_overrides.{code}", "must be an object")
        merged = _deep_merge(merged, override)

    water = _section(merged, "water")
    quantity = _section(water, "quantity_litres_per_person_day", "water.")
    fetch = _section(water, "fetch_round_trip_minutes", "water.")
    distance = _section(water, "fetch_distance_m", "water.")
    climb = _section(water, "fetch_climb_m", "water.")
    reliability = _section(water, "reliability_ratio", "water.")
    quantity_met: dict[str, float] = {}
    quantity_basic: dict[str, float] = {}
    for zone, limits in _entries(quantity):
        where = f"water.quantity_litres_per_person_day.{zone}"
        if not isinstance(limits, Mapping):
            raise _bad(where, "must be an object with 'met' and 'basic'")
        quantity_met[zone] = _number(limits, "met", where)
        quantity_basic[zone] = _number(limits, "basic", where)
        if quantity_basic[zone] > quantity_met[zone]:
            raise _bad(where, "'basic' must not exceed 'met'")
    water_policy = WaterPolicy(
        quantity_met=MappingProxyType(quantity_met),
        quantity_basic=MappingProxyType(quantity_basic),
        fetch_met_minutes=_number(fetch, "met", "water.fetch_round_trip_minutes"),
        fetch_basic_minutes=_number(fetch, "basic", "water.fetch_round_trip_minutes"),
        distance_met_m=_number(distance, "met", "water.fetch_distance_m"),
        distance_basic_m=_number(distance, "basic", "water.fetch_distance_m"),
        climb_met_m=_number(climb, "met", "water.fetch_climb_m"),
        climb_basic_m=_number(climb, "basic", "water.fetch_climb_m"),
        reliability_met=_ratio(reliability, "met", "water.reliability_ratio"),
        reliability_basic=_ratio(reliability, "basic", "water.reliability_ratio"),
        days_per_year=_integer(water, "days_per_year", "water", minimum=1),
    )
    for where, met, basic in (
        ("fetch_round_trip_minutes", water_policy.fetch_met_minutes, water_policy.fetch_basic_minutes),
        ("fetch_distance_m", water_policy.distance_met_m, water_policy.distance_basic_m),
        ("fetch_climb_m", water_policy.climb_met_m, water_policy.climb_basic_m),
    ):
        if basic < met:
            raise _bad(f"water.{where}", "'basic' must not be below 'met'")
    if water_policy.reliability_basic > water_policy.reliability_met:
        raise _bad("water.reliability_ratio", "'basic' must not exceed 'met'")

    education = _section(merged, "education")
    education_policy = EducationPolicy(
        age_min=_integer(education, "age_min", "education"),
        age_max=_integer(education, "age_max", "education"),
        met_schooling=frozenset(_strings(education, "met_schooling", "education")),
        preschool_met_ages=frozenset(_integers(education, "preschool_met_ages", "education")),
        graduated_met_min_age=_integer(education, "graduated_met_min_age", "education"),
        exempt_schooling=frozenset(_strings(education, "exempt_schooling", "education")),
    )
    if education_policy.age_min > education_policy.age_max:
        raise _bad("education.age_min", "must not exceed age_max")

    medical = _section(merged, "medical")
    medical_policy = MedicalPolicy(
        met_insurance=frozenset(_strings(medical, "met_insurance", "medical")),
        exempt_insurance=frozenset(_strings(medical, "exempt_insurance", "medical")),
        newborn_exempt_max_age=_integer(medical, "newborn_exempt_max_age", "medical"),
    )
    labour = _section(merged, "labour")
    labour_policy = LabourPolicy(
        working_age_min=_integer(labour, "working_age_min", "labour"),
        working_age_max=_integer(labour, "working_age_max", "labour"),
        lack_of_labour_max_capable_share=_ratio(
            labour, "lack_of_labour_max_capable_share", "labour"
        ),
        wage_plausible_from_yuan=_number(labour, "wage_plausible_from_yuan", "labour"),
    )
    if labour_policy.working_age_min > labour_policy.working_age_max:
        raise _bad("labour.working_age_min", "must not exceed working_age_max")

    visits = _section(merged, "visit_interval_days")
    shock = _section(merged, "shock")
    version = merged.get("version")
    edition = merged.get("edition")
    if not isinstance(version, str) or not isinstance(edition, str):
        raise _bad("version/edition", "must be strings")

    observation = _integer(_section(merged, "elimination"), "min_observation_months", "elimination")
    return Policy(
        version=version,
        edition=edition,
        province=code,
        year=wanted,
        income_lines=_income_lines(_section(merged, "income_line_yuan_per_person_year")),
        water=water_policy,
        education=education_policy,
        medical=medical_policy,
        labour=labour_policy,
        visit_days_by_monitoring_type=_day_table(visits, "by_monitoring_type"),
        visit_days_by_household_type=_day_table(visits, "by_household_type"),
        visit_days_by_role=_day_table(visits, "by_role"),
        cadre_max_households=_integer(
            _section(merged, "cadre"), "max_households", "cadre", minimum=1
        ),
        national_hotline=_text(_section(merged, "contact"), "national_hotline", "contact"),
        spot_check_rate=_ratio(_section(merged, "spot_check"), "rate", "spot_check"),
        rectification_deadline_days=_integer(
            _section(merged, "problems"), "rectification_deadline_days", "problems", minimum=1
        ),
        min_observation_months=observation,
        income_drop_shock_percent=_number(shock, "income_drop_percent", "shock"),
        lifecycle=parse_lifecycle_policy(_section(merged, "monitoring"), observation),
    )


# --- reading helpers -------------------------------------------------------


def _bad(where: str, problem: str) -> InputRefused:
    return InputRefused(
        f"policy file: {where} {problem}",
        f"政策参数文件：{where} {problem}",
        code=_POLICY_ERROR,
    )


def _entries(section: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Items of a section without the ``_comment``-style keys."""
    return [(k, v) for k, v in section.items() if not k.startswith("_")]


def _section(
    parent: Mapping[str, Any], key: str, prefix: str = "", *, required: bool = True
) -> Mapping[str, Any]:
    value = parent.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise _bad(prefix + key, "is missing or not an object")
    return value


def _deep_merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = _deep_merge(old, value)
        else:
            merged[key] = value
    return merged


def _number(section: Mapping[str, Any], key: str, where: str) -> float:
    value = section.get(key)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise _bad(f"{where}.{key}", "must be a non-negative number")
    return value


def _ratio(section: Mapping[str, Any], key: str, where: str) -> float:
    value = _number(section, key, where)
    if value > 1:
        raise _bad(f"{where}.{key}", "must be a ratio between 0 and 1")
    return value


def _integer(section: Mapping[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = section.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _bad(f"{where}.{key}", f"must be an integer >= {minimum}")
    return value


def _text(section: Mapping[str, Any], key: str, where: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{where}.{key}", "must be a non-empty string")
    return value.strip()


def _strings(section: Mapping[str, Any], key: str, where: str) -> list[str]:
    value = section.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{where}.{key}", "must be a list of strings")
    return value


def _integers(section: Mapping[str, Any], key: str, where: str) -> list[int]:
    value = section.get(key)
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise _bad(f"{where}.{key}", "must be a list of integers")
    return value


def _day_table(section: Mapping[str, Any], key: str) -> Mapping[str, int]:
    table = _section(section, key, "visit_interval_days.")
    where = f"visit_interval_days.{key}"
    return MappingProxyType(
        {name: _integer(table, name, where, minimum=1) for name, _ in _entries(table)}
    )


def _income_lines(section: Mapping[str, Any]) -> Mapping[str, Mapping[int, int]]:
    where = "income_line_yuan_per_person_year"
    lines: dict[str, Mapping[int, int]] = {}
    for code, table in _entries(section):
        if code != DEFAULT_TABLE and (len(code) != 2 or not code.isdigit()):
            raise _bad(f"{where}.{code}", "is not a 2-digit province code or 'default'")
        if not isinstance(table, Mapping):
            raise _bad(f"{where}.{code}", "must map years to yuan")
        years: dict[int, int] = {}
        for year_text, _ in _entries(table):
            if not (len(year_text) == 4 and year_text.isdigit()):
                raise _bad(f"{where}.{code}.{year_text}", "is not a year")
            years[int(year_text)] = _integer(table, year_text, f"{where}.{code}", minimum=1)
        lines[code] = MappingProxyType(years)
    if not lines.get(DEFAULT_TABLE):
        raise _bad(f"{where}.{DEFAULT_TABLE}", "is missing or empty")
    return MappingProxyType(lines)
