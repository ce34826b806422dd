"""Policy file and lookups: the shipped defaults, income-line fallback, overrides, refusals."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from fieldapp.errors import InputRefused
from fieldapp.policy import Policy, load_policy, normalize_province, policy_from_dict
from fieldapp.resources import load_json
from fieldapp.rules import MONITORING_TYPES, SCHOOLING, WATER_ZONES


def shipped() -> dict[str, Any]:
    """A private, mutable copy of resources/policy/default.json."""
    return copy.deepcopy(load_json("policy", "default.json"))


def with_lines(lines: dict[str, dict[str, int]], **kwargs: Any) -> Policy:
    data = shipped()
    data["income_line_yuan_per_person_year"] = lines
    return policy_from_dict(data, **kwargs)


LINES = {
    "default": {"2021": 6000, "2026": 7000},
    "37": {"2022": 6500, "2024": 7500},
}


# --- the shipped defaults are the contract's defaults (CLI.md, DOMAIN.md) ----


def test_file_has_version_edition_and_comment() -> None:
    data = shipped()
    assert isinstance(data["version"], str) and data["version"]
    assert isinstance(data["edition"], str) and data["edition"]
    assert "T/CHES 18-2018" in data["_comment"]
    policy = load_policy()
    assert policy.version == data["version"]
    assert policy.edition == data["edition"]


def test_default_water_thresholds_are_t_ches_18_2018() -> None:
    water = load_policy().water
    assert dict(water.quantity_met) == {"rich": 60, "scarce": 40}
    assert dict(water.quantity_basic) == {"rich": 35, "scarce": 20}
    assert (water.fetch_met_minutes, water.fetch_basic_minutes) == (10, 20)
    assert (water.reliability_met, water.reliability_basic) == (0.95, 0.90)
    assert water.days_per_year == 365
    assert set(water.quantity_met) == set(WATER_ZONES)


def test_default_education_window() -> None:
    education = load_policy().education
    assert (education.age_min, education.age_max) == (6, 15)
    assert education.met_schooling == {
        "primary", "grade7", "grade8", "grade9", "high_school", "vocational", "college",
        "home_schooling", "special_school",
    }  # fmt: skip
    assert education.preschool_met_ages == {6, 7}
    assert education.graduated_met_min_age == 14
    assert education.exempt_schooling == {"exempt_disability"}
    used = education.met_schooling | education.exempt_schooling | {"preschool", "graduated"}
    assert used <= set(SCHOOLING)


def test_default_medical_and_labour_numbers() -> None:
    policy = load_policy()
    assert policy.medical.met_insurance == {"resident", "employee", "elsewhere"}
    assert policy.medical.exempt_insurance == {"military", "detained"}
    assert policy.medical.newborn_exempt_max_age == 0
    labour = policy.labour
    assert (labour.working_age_min, labour.working_age_max) == (16, 59)
    assert labour.lack_of_labour_max_capable_share == 0.25
    assert labour.wage_plausible_from_yuan == 100


def test_default_water_distance_and_climb() -> None:
    water = load_policy().water
    assert (water.distance_met_m, water.distance_basic_m) == (400, 800)
    assert (water.climb_met_m, water.climb_basic_m) == (40, 80)


def test_default_operational_numbers() -> None:
    policy = load_policy()
    assert policy.cadre_max_households == 5
    assert policy.spot_check_rate == 0.02
    assert policy.rectification_deadline_days == 30
    assert policy.min_observation_months == 6
    assert policy.income_drop_shock_percent == 30


def test_default_income_lines() -> None:
    lines = load_policy().income_lines
    default = lines["default"]
    assert default[2020] == 6000  # 1.5 x the national standard of about 4,000 at 2020 prices
    assert default[2021] == 6000
    assert default[2026] == 7000
    years = sorted(default)
    assert all(default[a] <= default[b] for a, b in zip(years, years[1:], strict=False))
    assert default[years[-1]] > default[2021]
    for province in ("37", "34", "41", "22"):
        assert province in lines and lines[province], province
        assert all(value > 0 for value in lines[province].values())


# --- visit frequency ----------------------------------------------------------


@pytest.mark.parametrize(
    ("monitoring_type", "days"),
    [("unstable", 30), ("marginal", 30), ("sudden", 30), ("none", 365)],
)
def test_visit_interval_by_monitoring_type(monitoring_type: str, days: int) -> None:
    assert load_policy().visit_interval_days(monitoring_type) == days


def test_every_monitoring_type_has_an_interval() -> None:
    policy = load_policy()
    assert set(policy.visit_days_by_monitoring_type) == set(MONITORING_TYPES)


def test_visit_interval_by_role() -> None:
    assert load_policy().visit_interval_days_for_role("cadre") == 14


@pytest.mark.parametrize(
    ("monitoring_type", "household_type", "role", "days"),
    [
        ("none", "ordinary", None, 365),
        ("none", "tuopin_general", None, 90),  # 脱贫户 not monitored: quarterly, not yearly
        ("none", "tuopin_dibao", None, 90),
        ("none", "tuopin_tekun", "first_secretary", 90),
        ("unstable", "tuopin_general", None, 30),  # monitored: monthly (逐月摸排)
        ("marginal", "ordinary", None, 30),
        ("sudden", "ordinary", "first_secretary", 30),
        ("none", "ordinary", "cadre", 14),  # the cadre's home visit every two weeks
        ("unstable", "tuopin_general", "cadre", 14),
        ("none", "ordinary", "township", 30),
        ("none", "ordinary", "first_helper", 60),
        ("none", "unlisted_type", "unlisted_role", 365),  # unlisted: no extra interval
    ],
)
def test_visit_interval_shortest_that_applies(
    monitoring_type: str, household_type: str, role: str | None, days: int
) -> None:
    assert load_policy().visit_interval_days(monitoring_type, household_type, role) == days


@pytest.mark.parametrize("bad", ["weekly", "", "NONE"])
def test_unknown_monitoring_type_is_refused(bad: str) -> None:
    with pytest.raises(InputRefused, match="monitoring type"):
        load_policy().visit_interval_days(bad)


def test_unknown_role_is_refused() -> None:
    with pytest.raises(InputRefused, match="role"):
        load_policy().visit_interval_days_for_role("mayor")


# --- income line lookup and fallback -----------------------------------------


@pytest.mark.parametrize(
    ("province", "year", "line"),
    [
        ("37", 2022, 6500),  # the province's own year
        ("37", 2023, 6500),  # latest province year <= 2023
        ("37", 2024, 7500),
        ("37", 2030, 7500),  # after the table: keep the latest
        ("37", 2021, 6000),  # province has nothing that early: default table
        ("99", 2021, 6000),  # province without a table: default table
        ("99", 2025, 6000),  # default's latest year <= 2025
        ("99", 2026, 7000),
        (None, 2026, 7000),
        (None, 2040, 7000),
        ("370303102201", 2023, 6500),  # a village code names its province
        ("370303", 2024, 7500),
    ],
)
def test_income_line_lookup(province: str | None, year: int, line: int) -> None:
    assert with_lines(LINES).income_line(province, year) == line


def test_income_line_uses_the_loaded_province_and_year() -> None:
    policy = with_lines(LINES, province="37", year=2023)
    assert policy.income_line() == 6500
    assert policy.income_line(year=2024) == 7500
    assert policy.income_line("99") == 6000


def test_income_line_without_year_is_the_latest() -> None:
    assert with_lines(LINES).income_line() == 7000
    assert with_lines(LINES).income_line("37") == 7500


@pytest.mark.parametrize("province", ["37", "99", None])
def test_income_line_before_any_table_is_refused(province: str | None) -> None:
    with pytest.raises(InputRefused, match="policy.year"):
        with_lines(LINES).income_line(province, 2020)


def test_load_policy_reads_the_file_for_province_and_year() -> None:
    data = shipped()["income_line_yuan_per_person_year"]
    policy = load_policy("37", 2026)
    assert (policy.province, policy.year) == ("37", 2026)
    assert policy.income_line() == data["37"]["2026"]
    assert load_policy("34", 2022).income_line() == data["34"]["2022"]
    assert load_policy(None, 2021).income_line() == data["default"]["2021"]


def test_load_policy_is_cached_and_frozen() -> None:
    policy = load_policy("41", 2025)
    assert load_policy("41", 2025) is policy
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.year = 2020  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.income_lines["default"][2021] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("province", "year"),
    [("abc", 2026), ("3", 2026), ("", None), ("37", 1800), ("37", "2026"), ("37", True)],
)
def test_load_policy_refuses_bad_arguments(province: Any, year: Any) -> None:
    with pytest.raises(InputRefused):
        load_policy(province, year)


@pytest.mark.parametrize(("value", "code"), [("37", "37"), (37, "37"), ("220581102202", "22")])
def test_normalize_province(value: Any, code: str) -> None:
    assert normalize_province(value) == code


# --- province overrides --------------------------------------------------------


def test_province_override_applies_only_to_that_province() -> None:
    data = shipped()
    data["province_overrides"] = {
        "34": {
            "visit_interval_days": {"by_role": {"cadre": 7}},
            "cadre": {"max_households": 8},
        }
    }
    anhui = policy_from_dict(data, province="34")
    other = policy_from_dict(data, province="37")
    assert anhui.visit_interval_days_for_role("cadre") == 7
    assert anhui.visit_interval_days_for_role("township") == 30  # untouched sibling kept
    assert anhui.cadre_max_households == 8
    assert other.visit_interval_days_for_role("cadre") == 14
    assert other.cadre_max_households == 5


# --- an invalid policy file is refused clearly ---------------------------------


def _drop(path: str) -> Any:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        del data[last]

    return edit


def _set(path: str, value: Any) -> Any:
    def edit(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            data = data[key]
        data[last] = value

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        _drop("water"),
        _drop("education.age_min"),
        _drop("version"),
        _set("water.quantity_litres_per_person_day.rich.basic", 70),  # basic above met
        _set("water.fetch_round_trip_minutes.met", -1),
        _set("water.reliability_ratio.met", 95),  # a percentage, not a ratio
        _set("water.reliability_ratio.basic", 0.99),  # basic above met
        _set("education.age_min", 16),
        _set("education.met_schooling", "primary"),
        _set("cadre.max_households", 0),
        _set("spot_check.rate", "2%"),
        _set("shock.income_drop_percent", "30%"),
        _set("water.fetch_distance_m.basic", 300),  # basic below met
        _set("water.fetch_climb_m", None),
        _set("education.graduated_met_min_age", -1),
        _set("medical.newborn_exempt_max_age", "0"),
        _set("medical.exempt_insurance", "military"),
        _set("labour.working_age_min", 60),  # above working_age_max
        _set("labour.lack_of_labour_max_capable_share", 25),
        _drop("labour"),
        _set("visit_interval_days.by_household_type.ordinary", 0),
        _set("income_line_yuan_per_person_year.default", {}),
        _set("income_line_yuan_per_person_year.370", {"2021": 6000}),
        _set("income_line_yuan_per_person_year.37", {"21": 6000}),
        _set("income_line_yuan_per_person_year.37", {"2021": -5}),
        _set("visit_interval_days.by_monitoring_type.none", 0),
    ],
)
def test_invalid_policy_file_is_refused(edit: Any) -> None:
    data = shipped()
    edit(data)
    with pytest.raises(InputRefused) as caught:
        policy_from_dict(data)
    assert caught.value.code == "policy_invalid"
