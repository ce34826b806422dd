"""Table tests of the verdict engine against "Verdict rules, exactly" (CLI.md).

Tests look at verdicts, parts, numbers and problem indicators, never at the
wording of reasons (CLI.md: tests must not depend on it).
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp import rules
from fieldapp.errors import InputRefused
from fieldapp.policy import Policy, load_policy, policy_from_dict
from fieldapp.resources import load_json
from fieldapp.rules import (
    INDICATORS,
    SCHOOLING,
    VERDICTS,
    assess,
    assess_clothing,
    assess_education,
    assess_food,
    assess_housing,
    assess_income,
    assess_many,
    assess_medical,
    assess_water,
    overall_verdict,
    suggest_monitoring,
)

POLICY = load_policy()

# Schooling codes that count as enrolled, copied from CLI.md (not from the policy).
ENROLLED = (
    "primary", "grade7", "grade8", "grade9", "high_school", "vocational", "college",
    "home_schooling", "special_school",
)  # fmt: skip

# The example input of CLI.md "Assessment input".
CLI_EXAMPLE: dict[str, Any] = {
    "policy": {"province": "37", "year": 2026},
    "household": {
        "is_tuopin": True,
        "members": [
            {
                "age": 12,
                "schooling": "grade7",
                "medical_insurance": "resident",
                "serious_illness_insurance": True,
                "health": ["healthy"],
                "labour": "none",
            }
        ],
    },
    "food": {"staple_ok": True, "protein_ok": True},
    "clothing": {"seasonal_ok": True, "bedding_ok": True},
    "housing": {"grade": "C", "renovation": "accepted", "safe_alternative": False},
    "water": {
        "zone": "scarce",
        "litres_per_person_day": 30,
        "piped_to_yard": False,
        "fetch_minutes": 15,
        "outage_days_12m": 20,
        "quality": "basic",
    },
    "income": {
        "net_income_yuan": 24000,
        "household_size": 4,
        "rigid_spending_yuan": 0,
        "last_year_net_income_yuan": 26000,
        "line_yuan": 7000,
    },
}

WATER_MET = {
    "zone": "rich",
    "litres_per_person_day": 80,
    "piped_to_yard": True,
    "fetch_minutes": 0,
    "outage_days_12m": 0,
    "quality": "meets",
}


def good_input(**changes: Any) -> dict[str, Any]:
    """An input where every indicator is met; ``changes`` replace fields by dotted path.

    A value of ``DROP`` deletes the field or block.
    """
    inp: dict[str, Any] = {
        "household": {
            "is_tuopin": False,
            "members": [
                {
                    "age": 40,
                    "schooling": "graduated",
                    "medical_insurance": "employee",
                    "labour": "ordinary",
                },
                {
                    "age": 10,
                    "schooling": "primary",
                    "medical_insurance": "resident",
                    "health": ["healthy"],
                },
            ],
        },
        "food": {"staple_ok": True, "protein_ok": True},
        "clothing": {"seasonal_ok": True, "bedding_ok": True},
        "housing": {"grade": "A", "renovation": "none", "safe_alternative": False},
        "water": dict(WATER_MET),
        "income": {
            "net_income_yuan": 40000,
            "household_size": 2,
            "rigid_spending_yuan": 0,
            "last_year_net_income_yuan": 38000,
            "line_yuan": 7000,
        },
    }
    for path, value in changes.items():
        target: Any = inp
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is DROP:
            del target[last]
        else:
            target[last] = value
    return inp


DROP = object()


def verdicts_of(result: dict[str, Any]) -> dict[str, str]:
    return {name: result["indicators"][name]["verdict"] for name in INDICATORS}


# --- food and clothing -----------------------------------------------------------

FLAG_TABLE = [
    (True, True, "met"),
    (True, False, "not_met"),
    (False, True, "not_met"),
    (False, False, "not_met"),
    (False, None, "not_met"),  # one false decides
    (True, None, "unknown"),
    (None, None, "unknown"),
]


@pytest.mark.parametrize(("staple", "protein", "verdict"), FLAG_TABLE)
def test_food(staple: bool | None, protein: bool | None, verdict: str) -> None:
    block = {k: v for k, v in (("staple_ok", staple), ("protein_ok", protein)) if v is not None}
    result = assess_food(block)
    assert result["verdict"] == verdict
    assert bool(result["reasons"]) == (verdict != "met")


@pytest.mark.parametrize(("seasonal", "bedding", "verdict"), FLAG_TABLE)
def test_clothing(seasonal: bool | None, bedding: bool | None, verdict: str) -> None:
    block = {k: v for k, v in (("seasonal_ok", seasonal), ("bedding_ok", bedding)) if v is not None}
    assert assess_clothing(block)["verdict"] == verdict


def test_missing_food_and_clothing_blocks_are_unknown() -> None:
    assert assess_food(None)["verdict"] == "unknown"
    assert assess_clothing(None)["verdict"] == "unknown"


# --- education -------------------------------------------------------------------


def education_expected(age: int, schooling: str) -> str:
    """CLI.md "education", written out independently of the engine."""
    if age < 6 or age > 15:
        return "not_applicable"
    if schooling == "exempt_disability":
        return "exempt"
    if schooling in ENROLLED:
        return "met"
    if schooling == "preschool" and age in (6, 7):  # delayed enrolment
        return "met"
    if schooling in ("graduated", "finished") and age >= 14:
        return "met"
    return "not_met"


# Every boundary age of every rule: the window (5/6, 15/16), delayed enrolment
# (7/8) and the youngest graduate (13/14); ``finished`` is the old ``graduated``.
EDUCATION_AGES = (5, 6, 7, 8, 13, 14, 15, 16)
EDUCATION_TABLE = [
    (age, code, education_expected(age, code))
    for age in EDUCATION_AGES
    for code in (*SCHOOLING, "finished")
]


def test_education_table_covers_every_outcome() -> None:
    assert {v for _, _, v in EDUCATION_TABLE} == {"met", "not_met", "exempt", "not_applicable"}
    assert len(EDUCATION_TABLE) == len(EDUCATION_AGES) * 15
    assert {"out_of_school", "graduated", "not_enrolled"} <= set(SCHOOLING)


@pytest.mark.parametrize(("age", "schooling", "verdict"), EDUCATION_TABLE)
def test_education_single_member(age: int, schooling: str, verdict: str) -> None:
    assert assess_education([{"age": age, "schooling": schooling}], POLICY)["verdict"] == verdict


@pytest.mark.parametrize(
    ("age", "verdict"),
    [
        (5, "not_applicable"),
        (6, "met"),
        (7, "met"),  # delayed enrolment: a 7-year-old still in kindergarten
        (8, "not_met"),
        (15, "not_met"),
        (16, "not_applicable"),
    ],
)
def test_preschool_counts_at_six_and_seven(age: int, verdict: str) -> None:
    assert assess_education([{"age": age, "schooling": "preschool"}], POLICY)["verdict"] == verdict


@pytest.mark.parametrize("code", ["graduated", "finished"])
@pytest.mark.parametrize(
    ("age", "verdict"),
    [(9, "not_met"), (13, "not_met"), (14, "met"), (15, "met"), (16, "not_applicable")],
)
def test_graduated_counts_from_fourteen(code: str, age: int, verdict: str) -> None:
    assert assess_education([{"age": age, "schooling": code}], POLICY)["verdict"] == verdict


@pytest.mark.parametrize("age", [6, 9, 13, 14, 15])
def test_out_of_school_is_never_met(age: int) -> None:
    members = [{"age": age, "schooling": "out_of_school"}]
    assert assess_education(members, POLICY)["verdict"] == "not_met"


def test_the_issue_dropouts_recorded_as_finished_are_not_met() -> None:
    """Issue 12: a 9- and a 13-year-old who dropped out, recorded as ``finished``."""
    members = [{"age": 9, "schooling": "finished"}, {"age": 13, "schooling": "finished"}]
    result = assess_education(members, POLICY)
    assert result["verdict"] == "not_met"
    assert len(result["reasons"]) == 2


@pytest.mark.parametrize(
    ("members", "verdict"),
    [
        ([{"age": 9, "schooling": "exempt_disability"}], "exempt"),
        (
            [
                {"age": 9, "schooling": "exempt_disability"},
                {"age": 12, "schooling": "exempt_disability"},
            ],
            "exempt",
        ),
        ([{"age": 9, "schooling": "exempt_disability"}, {"age": 12, "schooling": "grade7"}], "met"),
        (
            [
                {"age": 9, "schooling": "exempt_disability"},
                {"age": 12, "schooling": "not_enrolled"},
            ],
            "not_met",
        ),
        (
            [
                {"age": 9, "schooling": "exempt_disability"},
                {"age": 40, "schooling": "not_enrolled"},
            ],
            "exempt",
        ),
        ([{"age": 12, "schooling": "grade7"}, {"age": 14, "schooling": "not_enrolled"}], "not_met"),
        ([{"age": 40, "schooling": "finished"}, {"age": 70}], "not_applicable"),
        ([], "not_applicable"),
        ([{"age": 12}], "unknown"),  # counted member without schooling
        ([{"schooling": "primary"}], "unknown"),  # age not given
        ([{"age": 12}, {"age": 13, "schooling": "not_enrolled"}], "not_met"),  # a known gap decides
        ([{"age": 30}], "not_applicable"),  # adults need no schooling answer
    ],
)
def test_education_household(members: list[dict[str, Any]], verdict: str) -> None:
    assert assess_education(members, POLICY)["verdict"] == verdict


def test_education_without_member_list_is_unknown() -> None:
    assert assess_education(None, POLICY)["verdict"] == "unknown"


def test_education_window_comes_from_policy() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["education"]["age_max"] = 17
    data["education"]["preschool_met_ages"] = []
    data["education"]["graduated_met_min_age"] = 15
    wider = policy_from_dict(data)
    assert (
        assess_education([{"age": 17, "schooling": "not_enrolled"}], wider)["verdict"] == "not_met"
    )
    assert assess_education([{"age": 6, "schooling": "preschool"}], wider)["verdict"] == "not_met"
    assert assess_education([{"age": 14, "schooling": "graduated"}], wider)["verdict"] == "not_met"
    assert assess_education([{"age": 15, "schooling": "graduated"}], wider)["verdict"] == "met"


# --- medical ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("insurances", "verdict"),
    [
        (["resident"], "met"),
        (["employee"], "met"),
        (["resident", "employee"], "met"),
        (["none"], "not_met"),
        (["resident", "none"], "not_met"),
        (["resident", None], "unknown"),
        (["none", None], "not_met"),
        ([], "unknown"),
        (["elsewhere"], "met"),
        (["military"], "exempt"),
        (["detained"], "exempt"),
        (["military", "detained"], "exempt"),  # all exempt
        (["military", "resident"], "met"),
        (["detained", "elsewhere"], "met"),
        (["military", "none"], "not_met"),
        (["detained", None], "unknown"),
    ],
)
def test_medical(insurances: list[str | None], verdict: str) -> None:
    members = [
        {"age": 30} if ins is None else {"age": 30, "medical_insurance": ins} for ins in insurances
    ]
    assert assess_medical(members, POLICY)["verdict"] == verdict


NEWBORN = {"age": 0, "medical_insurance": "newborn"}


@pytest.mark.parametrize(
    ("members", "verdict"),
    [
        ([NEWBORN], "exempt"),
        ([{"age": 1, "medical_insurance": "newborn"}], "not_met"),  # past the window
        ([{"age": 5, "medical_insurance": "newborn"}], "not_met"),
        ([{"medical_insurance": "newborn"}], "unknown"),  # age decides, and it is missing
        ([{"age": 30, "medical_insurance": "resident"}, NEWBORN], "met"),
        ([{"age": 30, "medical_insurance": "military"}, NEWBORN], "exempt"),
    ],
)
def test_medical_newborn(members: list[dict[str, Any]], verdict: str) -> None:
    assert assess_medical(members, POLICY)["verdict"] == verdict


def test_medical_newborn_window_comes_from_policy() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["medical"]["newborn_exempt_max_age"] = 1
    data["medical"]["met_insurance"] = ["resident", "employee"]
    wider = policy_from_dict(data)
    assert assess_medical([{"age": 1, "medical_insurance": "newborn"}], wider)["verdict"] == "exempt"
    assert assess_medical([{"age": 9, "medical_insurance": "elsewhere"}], wider)["verdict"] == (
        "not_met"
    )


def test_exempt_members_suggest_no_monitoring() -> None:
    """Issue 12: members in the army or detention, or newborns, drove false suggestions."""
    inp = good_input(
        household__members__0__medical_insurance="military",
        household__members__1__medical_insurance="detained",
    )
    inp["household"]["members"].append({"age": 0, "medical_insurance": "newborn"})
    result = assess(inp)
    assert result["indicators"]["medical"]["verdict"] == "exempt"
    assert result["suggested_monitoring"] == "none"
    assert result["overall"] == "met"


def test_medical_without_member_list_is_unknown() -> None:
    assert assess_medical(None)["verdict"] == "unknown"


# --- housing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "renovation", "safe_alternative", "verdict"),
    [
        ("A", "none", False, "met"),
        ("B", "none", False, "met"),
        ("B", None, None, "met"),
        ("C", "accepted", False, "met"),
        ("D", "accepted", False, "met"),
        ("C", "in_progress", False, "not_met"),
        ("C", "none", False, "not_met"),
        ("D", "in_progress", False, "not_met"),
        ("D", "none", False, "not_met"),
        ("D", None, None, "not_met"),
        ("no_house", "none", False, "not_met"),
        ("no_house", "accepted", False, "not_met"),
        ("D", "none", True, "met"),
        ("no_house", None, True, "met"),
        (None, None, True, "met"),
        (None, "none", False, "unknown"),
    ],
)
def test_housing(
    grade: str | None, renovation: str | None, safe_alternative: bool | None, verdict: str
) -> None:
    block = {
        k: v
        for k, v in (
            ("grade", grade),
            ("renovation", renovation),
            ("safe_alternative", safe_alternative),
        )
        if v is not None
    }
    assert assess_housing(block)["verdict"] == verdict


def test_housing_missing_block_is_unknown() -> None:
    assert assess_housing(None)["verdict"] == "unknown"


# --- water -----------------------------------------------------------------------


def changed(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``changes`` applied; ``DROP`` removes a key."""
    block = dict(base)
    for key, value in changes.items():
        if value is DROP:
            block.pop(key, None)
        else:
            block[key] = value
    return block


def water(**changes: Any) -> dict[str, Any]:
    return changed(WATER_MET, changes)


@pytest.mark.parametrize(
    ("zone", "litres", "part"),
    [
        ("rich", 0, "not_met"),
        ("rich", 19, "not_met"),
        ("rich", 20, "not_met"),
        ("rich", 34, "not_met"),
        ("rich", 34.9, "not_met"),
        ("rich", 35, "basic"),
        ("rich", 39, "basic"),
        ("rich", 40, "basic"),
        ("rich", 59, "basic"),
        ("rich", 59.9, "basic"),
        ("rich", 60, "met"),
        ("scarce", 0, "not_met"),
        ("scarce", 19, "not_met"),
        ("scarce", 19.9, "not_met"),
        ("scarce", 20, "basic"),
        ("scarce", 34, "basic"),
        ("scarce", 35, "basic"),
        ("scarce", 39, "basic"),
        ("scarce", 40, "met"),
        ("scarce", 59, "met"),
        ("scarce", 60, "met"),
    ],
)
def test_water_quantity(zone: str, litres: float, part: str) -> None:
    result = assess_water(water(zone=zone, litres_per_person_day=litres), POLICY)
    assert result["parts"]["quantity"] == part
    assert result["verdict"] == part  # the other parts are met


@pytest.mark.parametrize(
    ("piped", "minutes", "part"),
    [
        (False, 0, "met"),
        (False, 10, "met"),
        (False, 10.5, "basic"),
        (False, 11, "basic"),
        (False, 20, "basic"),
        (False, 20.5, "not_met"),
        (False, 21, "not_met"),
        (True, 21, "met"),  # piped to yard beats any fetch time
        (True, 90, "met"),
        (True, DROP, "met"),
        (DROP, 10, "met"),  # piped not answered reads as not piped
        (DROP, 11, "basic"),
        (False, DROP, "unknown"),
        (DROP, DROP, "unknown"),
    ],
)
def test_water_convenience(piped: Any, minutes: Any, part: str) -> None:
    result = assess_water(water(piped_to_yard=piped, fetch_minutes=minutes), POLICY)
    assert result["parts"]["convenience"] == part
    assert result["verdict"] == part


@pytest.mark.parametrize(
    ("minutes", "distance", "climb", "part"),
    [
        # distance and climb alone (no time known)
        (DROP, 400, 40, "met"),
        (DROP, 401, 40, "basic"),
        (DROP, 400, 41, "basic"),
        (DROP, 800, 80, "basic"),
        (DROP, 800.5, 80, "not_met"),
        (DROP, 801, 80, "not_met"),
        (DROP, 800, 81, "not_met"),
        (DROP, 0, 0, "met"),
        (DROP, 100, 200, "not_met"),  # short but steep
        # a distance counts only together with its climb, and a climb only with its distance
        (DROP, 300, DROP, "unknown"),
        (DROP, DROP, 10, "unknown"),
        (25, 300, DROP, "not_met"),
        # time and path: either one reaching a grade gives it
        (25, 600, 50, "basic"),  # issue 12: a 25-minute mountain trip, 600 m and 50 m up
        (25, 900, 50, "not_met"),
        (15, 900, 90, "basic"),
        (15, 300, 30, "met"),
        (10, 900, 90, "met"),
        (21, 400, 40, "met"),
    ],
)
def test_water_convenience_distance_and_climb(
    minutes: Any, distance: Any, climb: Any, part: str
) -> None:
    block = water(
        piped_to_yard=False, fetch_minutes=minutes, fetch_distance_m=distance, fetch_climb_m=climb
    )
    result = assess_water(block, POLICY)
    assert result["parts"]["convenience"] == part
    assert result["verdict"] == part


def test_piped_to_yard_beats_any_distance() -> None:
    block = water(piped_to_yard=True, fetch_distance_m=5000, fetch_climb_m=500)
    assert assess_water(block, POLICY)["parts"]["convenience"] == "met"


def test_water_distance_thresholds_come_from_policy() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["water"]["fetch_distance_m"] = {"met": 1000, "basic": 1000}
    data["water"]["fetch_climb_m"] = {"met": 100, "basic": 100}
    loose = policy_from_dict(data)
    block = water(piped_to_yard=False, fetch_minutes=DROP, fetch_distance_m=1000, fetch_climb_m=100)
    assert assess_water(block, loose)["parts"]["convenience"] == "met"
    assert assess_water(block, POLICY)["parts"]["convenience"] == "not_met"


@pytest.mark.parametrize(
    ("outage", "part"),
    [
        (0, "met"),
        (18, "met"),
        (18.25, "met"),  # exactly 95 %
        (18.26, "basic"),  # just under 95 % of 365 days
        (19, "basic"),
        (36, "basic"),
        (36.5, "basic"),  # exactly 90 %
        (36.51, "not_met"),
        (37, "not_met"),
        (365, "not_met"),
        (DROP, "unknown"),
    ],
)
def test_water_reliability(outage: Any, part: str) -> None:
    result = assess_water(water(outage_days_12m=outage), POLICY)
    assert result["parts"]["reliability"] == part
    assert result["verdict"] == part


@pytest.mark.parametrize(
    ("quality", "part"),
    [
        ("meets", "met"),
        ("basic", "basic"),
        ("fails", "not_met"),
        ("untested", "unknown"),
        (DROP, "unknown"),
    ],
)
def test_water_quality(quality: Any, part: str) -> None:
    result = assess_water(water(quality=quality), POLICY)
    assert result["parts"]["quality"] == part
    assert result["verdict"] == part


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({}, "met"),
        ({"quality": "basic"}, "basic"),
        ({"quality": "basic", "outage_days_12m": 30, "litres_per_person_day": 40}, "basic"),
        ({"quality": "untested", "outage_days_12m": 30}, "unknown"),  # unknown beats basic
        ({"quality": "untested", "outage_days_12m": 40}, "not_met"),  # not_met beats unknown
        ({"zone": DROP}, "unknown"),
        ({"litres_per_person_day": DROP}, "unknown"),
        (
            {
                "quality": "fails",
                "litres_per_person_day": 10,
                "piped_to_yard": False,
                "fetch_minutes": 60,
            },
            "not_met",
        ),
    ],
)
def test_water_whole(changes: dict[str, Any], verdict: str) -> None:
    result = assess_water(water(**changes), POLICY)
    assert result["verdict"] == verdict
    assert set(result["parts"]) == {"quantity", "convenience", "reliability", "quality"}


def test_water_missing_block() -> None:
    result = assess_water(None, POLICY)
    assert result["verdict"] == "unknown"
    assert set(result["parts"].values()) == {"unknown"}


def test_water_thresholds_come_from_policy() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["water"]["quantity_litres_per_person_day"]["rich"] = {"met": 100, "basic": 70}
    data["water"]["fetch_round_trip_minutes"] = {"met": 5, "basic": 8}
    data["water"]["reliability_ratio"] = {"met": 0.99, "basic": 0.98}
    strict = policy_from_dict(data)
    result = assess_water(
        water(litres_per_person_day=80, piped_to_yard=False, fetch_minutes=6, outage_days_12m=5),
        strict,
    )
    assert result["parts"] == {
        "quantity": "basic",
        "convenience": "basic",
        "reliability": "basic",
        "quality": "met",
    }


LEVEL = {"not_met": 0, "basic": 1, "met": 2}


def quantity(zone: str, litres: float) -> str:
    return assess_water(water(zone=zone, litres_per_person_day=litres), POLICY)["parts"]["quantity"]


@settings(max_examples=300)
@given(
    zone=st.sampled_from(["rich", "scarce"]),
    a=st.floats(min_value=0, max_value=500, allow_nan=False),
    b=st.floats(min_value=0, max_value=500, allow_nan=False),
)
def test_water_quantity_is_monotone_in_litres(zone: str, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert LEVEL[quantity(zone, low)] <= LEVEL[quantity(zone, high)]
    # The rich zone asks for more water, so the same amount never grades better there.
    assert LEVEL[quantity("rich", low)] <= LEVEL[quantity("scarce", low)]


@settings(max_examples=200)
@given(a=st.integers(min_value=0, max_value=366), b=st.integers(min_value=0, max_value=366))
def test_water_reliability_is_monotone_in_outage_days(a: int, b: int) -> None:
    few, many = sorted((a, b))
    better = assess_water(water(outage_days_12m=few), POLICY)["parts"]["reliability"]
    worse = assess_water(water(outage_days_12m=many), POLICY)["parts"]["reliability"]
    assert LEVEL[worse] <= LEVEL[better]


# --- income ----------------------------------------------------------------------

LINE_37_2026 = POLICY.income_line("37", 2026)


@pytest.mark.parametrize(
    ("net", "size", "line", "verdict", "per_capita"),
    [
        (7000, 1, 7000, "met", 7000),  # at the line is not below it
        (6999, 1, 7000, "not_met", 6999),
        (7001, 1, 7000, "met", 7001),
        (28000, 4, 7000, "met", 7000),  # per capita divides by household size
        (27996, 4, 7000, "not_met", 6999),  # one yuan per person below
        (28004, 4, 7000, "met", 7001),
        (27999, 4, 7000, "not_met", 6999.75),
        (24000, 4, 7000, "not_met", 6000),
        (24000, 4, 5970, "met", 6000),
        (10000, 3, 3333, "met", 3333.33),
        (10000, 3, 3334, "not_met", 3333.33),
        (-500, 1, 7000, "not_met", -500),  # losses make a negative net income
        (0, 2, 7000, "not_met", 0),
    ],
)
def test_income_against_given_line(
    net: float, size: int, line: int, verdict: str, per_capita: float
) -> None:
    block = {"net_income_yuan": net, "household_size": size, "line_yuan": line}
    result = assess_income(block, POLICY)
    assert result["verdict"] == verdict
    assert result["per_capita_yuan"] == per_capita
    assert result["line_yuan"] == line


@pytest.mark.parametrize(("delta", "verdict"), [(-1, "not_met"), (0, "met"), (1, "met")])
def test_income_against_policy_line(delta: int, verdict: str) -> None:
    block = {"net_income_yuan": 3 * (LINE_37_2026 + delta), "household_size": 3}
    result = assess_income(block, POLICY, "37", 2026)
    assert result["verdict"] == verdict
    assert result["line_yuan"] == LINE_37_2026


def test_line_override_beats_policy() -> None:
    block = {"net_income_yuan": 6500, "household_size": 1, "line_yuan": 6000}
    assert LINE_37_2026 > 6500  # the policy line alone would fail this household
    assert assess_income(block, POLICY, "37", 2026)["verdict"] == "met"
    del block["line_yuan"]
    assert assess_income(block, POLICY, "37", 2026)["verdict"] == "not_met"


@pytest.mark.parametrize("province", ["37", "34", "99", None])
def test_2020_line_is_6000(province: str | None) -> None:
    """Issue 12: a 2020 assessment was refused; its line is 1.5 x about 4,000 yuan."""
    policy = {"year": 2020} if province is None else {"province": province, "year": 2020}
    inp = good_input(income__line_yuan=DROP, income__net_income_yuan=12000, policy=policy)
    result = assess(inp)["indicators"]["income"]
    assert result["line_yuan"] == 6000
    assert result["verdict"] == "met"
    inp["income"]["net_income_yuan"] = 11998
    assert assess(inp)["indicators"]["income"]["verdict"] == "not_met"


def test_policy_line_follows_province_and_year() -> None:
    lines = POLICY.income_lines
    inp = good_input(income__line_yuan=DROP, policy={"province": "37", "year": 2022})
    assert assess(inp)["indicators"]["income"]["line_yuan"] == lines["37"][2022]
    inp["policy"] = {"province": "99", "year": 2026}
    assert assess(inp)["indicators"]["income"]["line_yuan"] == lines["default"][2026]


@pytest.mark.parametrize(
    ("block", "net"),
    [
        ({"wage_yuan": 20000, "production_yuan": 5000, "property_yuan": 1000, "transfer_yuan": 3000,
          "production_cost_yuan": 2000}, 27000),
        ({"wage_yuan": 12000}, 12000),
        ({"production_yuan": 1000, "production_cost_yuan": 3000}, -2000),
        ({"net_income_yuan": 5000, "wage_yuan": 99999}, 5000),  # a given net wins
    ],
)  # fmt: skip
def test_income_from_components(block: dict[str, Any], net: float) -> None:
    result = assess_income({**block, "household_size": 1, "line_yuan": 1}, POLICY)
    assert result["per_capita_yuan"] == net


@pytest.mark.parametrize(
    "block",
    [{"household_size": 2, "line_yuan": 7000}, {"net_income_yuan": 9000, "line_yuan": 7000}],
)
def test_income_missing_figures_are_unknown(block: dict[str, Any]) -> None:
    result = assess_income(block, POLICY)
    assert result["verdict"] == "unknown"
    assert result["per_capita_yuan"] is None
    assert result["line_yuan"] == 7000


def test_income_missing_block_is_unknown_with_policy_line() -> None:
    result = assess_income(None, POLICY, "37", 2026)
    assert result == {
        **result,
        "verdict": "unknown",
        "per_capita_yuan": None,
        "line_yuan": LINE_37_2026,
    }


# --- suggested monitoring --------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "suggested"),
    [
        ({}, "none"),
        ({"income__net_income_yuan": 10000}, "marginal"),
        ({"income__net_income_yuan": 10000, "household__is_tuopin": True}, "unstable"),
        # income below the line wins over rigid spending
        ({"income__net_income_yuan": 10000, "income__rigid_spending_yuan": 50000}, "marginal"),
        # rigid spending above last year's net income (net 80000 keeps the reference high)
        ({"income__net_income_yuan": 80000, "income__rigid_spending_yuan": 38001}, "sudden"),
        ({"income__net_income_yuan": 80000, "income__rigid_spending_yuan": 38000}, "none"),
        (
            {
                "income__rigid_spending_yuan": 50000,
                "household__is_tuopin": True,
                "housing__grade": "D",
            },
            "sudden",
        ),
        ({"housing__grade": "D"}, "marginal"),
        ({"housing__grade": "D", "household__is_tuopin": True}, "unstable"),
        ({"food__protein_ok": False, "household__is_tuopin": True}, "unstable"),
        ({"water__quality": "fails"}, "marginal"),
        ({"household__members__1__schooling": "not_enrolled"}, "marginal"),
        ({"household__members__0__medical_insurance": "none"}, "marginal"),
        ({"water__quality": "untested"}, "none"),  # unknown is not a gap
        ({"income": DROP}, "none"),
        ({"income__net_income_yuan": DROP, "income__rigid_spending_yuan": 50000}, "sudden"),
        # the reference income (40000 - 50000) / 2 is below the line
        ({"income__last_year_net_income_yuan": DROP, "income__rigid_spending_yuan": 50000}, "sudden"),
        ({"income__last_year_net_income_yuan": DROP, "income__rigid_spending_yuan": 26000}, "none"),
        ({"household__is_tuopin": DROP, "housing__grade": "D"}, "marginal"),
    ],
)
def test_suggested_monitoring(changes: dict[str, Any], suggested: str) -> None:
    assert assess(good_input(**changes))["suggested_monitoring"] == suggested


# Every boundary of CLI.md "shock": line 7000, household of 2, last year 38000.
# Reference income per capita = (net - rigid + claims) / size; the drop is
# more than 30 % of last year's net income (38000 * 0.7 = 26600).
SHOCK_TABLE = [
    # reference income per capita against the line
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 26000}, False),  # 7000: at the line
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 26001}, True),
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 25999}, False),
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 30000, "claims_yuan": 3999}, True),
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 30000, "claims_yuan": 4000}, False),
    ({"net_income_yuan": 40000, "rigid_spending_yuan": 0, "claims_yuan": 0}, False),
    # rigid spending against last year's net income (38000)
    ({"net_income_yuan": 80000, "rigid_spending_yuan": 38000}, False),
    ({"net_income_yuan": 80000, "rigid_spending_yuan": 38001}, True),
    ({"rigid_spending_yuan": 38001, "net_income_yuan": DROP}, True),
    ({"rigid_spending_yuan": 50000, "last_year_net_income_yuan": DROP}, True),  # reference low
    # the income drop against last year's
    ({"net_income_yuan": 26600}, False),  # exactly 30 % is not more than 30 %
    ({"net_income_yuan": 26599}, True),
    ({"net_income_yuan": 25333}, True),  # issue 12: fell by a third
    ({"net_income_yuan": 30000, "last_year_net_income_yuan": DROP}, False),
    ({"net_income_yuan": 30000, "last_year_net_income_yuan": 0}, False),
]


def _shock_block(changes: dict[str, Any]) -> dict[str, Any]:
    base = {
        "net_income_yuan": 40000,
        "household_size": 2,
        "last_year_net_income_yuan": 38000,
        "line_yuan": 7000,
    }
    return changed(base, changes)


@pytest.mark.parametrize(("changes", "shock"), SHOCK_TABLE)
def test_shock(changes: dict[str, Any], shock: bool) -> None:
    result = rules.detect_shock(_shock_block(changes), POLICY)
    assert result["detected"] is shock
    assert bool(result["reasons"]) is shock


def test_no_income_block_is_no_shock() -> None:
    assert rules.detect_shock(None, POLICY) == {"detected": False, "reasons": []}


def test_income_drop_percent_comes_from_policy() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["shock"]["income_drop_percent"] = 50
    lenient = policy_from_dict(data)
    block = _shock_block({"net_income_yuan": 25333})  # a third less
    assert rules.detect_shock(block, POLICY)["detected"]
    assert not rules.detect_shock(block, lenient)["detected"]


@pytest.mark.parametrize(
    ("changes", "shock", "suggested"),
    [
        # issue 12: income minus rigid spending below the line
        ({"income__rigid_spending_yuan": 30000}, True, "sudden"),
        ({"income__rigid_spending_yuan": 30000, "income__claims_yuan": 20000}, False, "none"),
        # issue 12: income fell by a third, still above the line
        ({"income__net_income_yuan": 25333}, True, "sudden"),
        ({"income__net_income_yuan": 26600}, False, "none"),
        ({"income__net_income_yuan": 25333, "household__is_tuopin": True}, True, "sudden"),
        # income not met wins over a shock (a 74 % drop)
        ({"income__net_income_yuan": 10000}, True, "marginal"),
    ],
)
def test_shock_suggests_sudden(changes: dict[str, Any], shock: bool, suggested: str) -> None:
    result = assess(good_input(**changes))
    assert result["suggested_monitoring"] == suggested
    assert result["shock"]["detected"] is shock


@pytest.mark.parametrize(
    ("verdicts", "is_tuopin", "shock", "suggested"),
    [
        ({"income": "not_met"}, True, False, "unstable"),
        ({"income": "not_met"}, False, True, "marginal"),
        ({"income": "met"}, True, True, "sudden"),
        ({"income": "unknown"}, False, True, "sudden"),
        ({"income": "met", "food": "not_met"}, True, False, "unstable"),
        ({"income": "met", "food": "not_met"}, True, True, "sudden"),
        ({"income": "met", "water": "not_met"}, False, False, "marginal"),
        ({"income": "met", "water": "basic", "education": "exempt"}, True, False, "none"),
        ({"income": "unknown", "housing": "unknown"}, True, False, "none"),
    ],
)
def test_suggest_monitoring_directly(
    verdicts: dict[str, str], is_tuopin: bool, shock: bool, suggested: str
) -> None:
    assert suggest_monitoring(verdicts, is_tuopin=is_tuopin, shock=shock) == suggested


# --- overall and problems --------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "overall"),
    [
        (["met"] * 7, "met"),
        (["met", "basic", "exempt", "not_applicable", "met", "met", "met"], "met"),
        (["met", "unknown", "met", "met", "met", "met", "met"], "unknown"),
        (["met", "unknown", "not_met", "met", "met", "met", "met"], "not_met"),
        (["not_met", "basic", "exempt", "not_applicable", "met", "met", "met"], "not_met"),
        (["unknown"] * 7, "unknown"),
        (["basic", "exempt", "not_applicable", "unknown", "met", "met", "met"], "unknown"),
    ],
)
def test_overall_verdict(values: list[str], overall: str) -> None:
    assert overall_verdict(dict(zip(INDICATORS, values, strict=True))) == overall


@pytest.mark.parametrize(
    ("changes", "overall", "problems"),
    [
        ({}, "met", []),
        ({"water__quality": "basic", "household__members__1__schooling": "exempt_disability"}, "met", []),
        ({"household__members": [{"age": 40, "medical_insurance": "resident"}]}, "met", []),
        ({"food": DROP}, "unknown", []),
        ({"water__quality": "untested", "housing__grade": "C"}, "not_met", ["housing"]),
        ({"clothing__bedding_ok": False, "income__net_income_yuan": 100}, "not_met", ["clothing", "income"]),
        (
            {"food__staple_ok": False, "housing__grade": "no_house", "water__quality": "fails",
             "household__members__1__schooling": "not_enrolled",
             "household__members__0__medical_insurance": "none"},
            "not_met",
            ["food", "education", "medical", "housing", "water"],
        ),
    ],
)  # fmt: skip
def test_overall_and_problems(changes: dict[str, Any], overall: str, problems: list[str]) -> None:
    result = assess(good_input(**changes))
    assert result["overall"] == overall
    assert [p["indicator"] for p in result["problems"]] == problems
    assert all(p["reason"] for p in result["problems"])


def test_empty_input_is_all_unknown() -> None:
    result = assess({})
    assert set(verdicts_of(result).values()) == {"unknown"}
    assert result["overall"] == "unknown"
    assert result["suggested_monitoring"] == "none"
    assert result["problems"] == []


@pytest.mark.parametrize("block", ["food", "clothing", "housing", "water", "income"])
def test_each_missing_block_is_unknown(block: str) -> None:
    result = assess(good_input(**{block: DROP}))
    verdicts = verdicts_of(result)
    assert verdicts[block] == "unknown"
    assert {v for k, v in verdicts.items() if k != block} == {"met"}
    assert result["overall"] == "unknown"


def test_missing_household_makes_education_and_medical_unknown() -> None:
    verdicts = verdicts_of(assess(good_input(household=DROP)))
    assert (verdicts["education"], verdicts["medical"]) == ("unknown", "unknown")
    assert verdicts["food"] == "met"


# --- the contract's examples and shape --------------------------------------------


def test_cli_example_input() -> None:
    result = assess(copy.deepcopy(CLI_EXAMPLE))
    assert verdicts_of(result) == {
        "food": "met",
        "clothing": "met",
        "education": "met",
        "medical": "met",
        "housing": "met",
        "water": "basic",
        "income": "not_met",
    }
    assert result["indicators"]["water"]["parts"] == dict.fromkeys(
        ("quantity", "convenience", "reliability", "quality"), "basic"
    )
    assert result["indicators"]["income"]["per_capita_yuan"] == 6000
    assert result["indicators"]["income"]["line_yuan"] == 7000
    assert result["overall"] == "not_met"
    assert result["suggested_monitoring"] == "unstable"
    assert [p["indicator"] for p in result["problems"]] == ["income"]


def test_cli_example_without_line_uses_shandong_2026() -> None:
    inp = copy.deepcopy(CLI_EXAMPLE)
    del inp["income"]["line_yuan"]
    assert assess(inp)["indicators"]["income"]["line_yuan"] == POLICY.income_lines["37"][2026]


def test_contract_check_input() -> None:
    inp = good_input(
        household__is_tuopin=True,
        housing={"grade": "D", "renovation": "none", "safe_alternative": False},
        income__household_size=1,
    )
    result = assess(inp)
    assert result["indicators"]["housing"]["verdict"] == "not_met"
    assert result["indicators"]["water"]["verdict"] == "met"
    assert "parts" in result["indicators"]["water"]
    assert result["overall"] == "not_met"
    assert result["suggested_monitoring"] == "unstable"
    assert result["problems"] == [
        {"indicator": "housing", "reason": result["problems"][0]["reason"]}
    ]


def test_verdict_shape_is_exactly_the_contract() -> None:
    result = assess(copy.deepcopy(CLI_EXAMPLE))
    # The contract's keys, plus the one extra key ``shock`` (extra keys are allowed).
    assert list(result) == ["indicators", "overall", "suggested_monitoring", "shock", "problems"]
    assert set(result["shock"]) == {"detected", "reasons"}
    assert list(result["indicators"]) == list(INDICATORS)
    for name, indicator in result["indicators"].items():
        expected = {"verdict", "reasons"}
        if name == "water":
            expected |= {"parts"}
        if name == "income":
            expected |= {"per_capita_yuan", "line_yuan"}
        assert set(indicator) == expected, name
        assert indicator["verdict"] in VERDICTS
        assert all(isinstance(r, str) and r for r in indicator["reasons"])
    for problem in result["problems"]:
        assert set(problem) == {"indicator", "reason"}
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_constants() -> None:
    assert INDICATORS == ("food", "clothing", "education", "medical", "housing", "water", "income")
    assert set(VERDICTS) == {"met", "basic", "not_met", "exempt", "not_applicable", "unknown"}


def test_assess_does_not_modify_its_input() -> None:
    inp = copy.deepcopy(CLI_EXAMPLE)
    assess(inp)
    assert inp == CLI_EXAMPLE


def test_assess_many_keeps_order() -> None:
    inputs = [good_input(), good_input(housing__grade="D"), {}]
    assert [r["overall"] for r in assess_many(inputs, POLICY)] == ["met", "not_met", "unknown"]
    assert assess_many([], POLICY) == []


def test_assess_many_names_the_bad_input() -> None:
    with pytest.raises(InputRefused, match=r"#2.*housing\.grade"):
        assess_many([good_input(), good_input(housing__grade="E")], POLICY)


def test_explicit_policy_is_used() -> None:
    data = copy.deepcopy(load_json("policy", "default.json"))
    data["water"]["quantity_litres_per_person_day"]["rich"] = {"met": 100, "basic": 90}
    policy: Policy = policy_from_dict(data)
    assert assess(good_input(), policy)["indicators"]["water"]["verdict"] == "not_met"


# --- refused input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"housing__grade": "E"}, "housing.grade"),
        ({"housing__grade": "a"}, "housing.grade"),
        ({"housing__renovation": "done"}, "housing.renovation"),
        ({"housing__safe_alternative": "no"}, "housing.safe_alternative"),
        ({"water__litres_per_person_day": -1}, "water.litres_per_person_day"),
        ({"water__litres_per_person_day": "30"}, "water.litres_per_person_day"),
        ({"water__litres_per_person_day": True}, "water.litres_per_person_day"),
        ({"water__litres_per_person_day": float("nan")}, "water.litres_per_person_day"),
        ({"water__zone": "desert"}, "water.zone"),
        ({"water__quality": "good"}, "water.quality"),
        ({"water__fetch_minutes": -5}, "water.fetch_minutes"),
        ({"water__outage_days_12m": 400}, "water.outage_days_12m"),
        ({"water__piped_to_yard": 1}, "water.piped_to_yard"),
        ({"income__household_size": 0}, "income.household_size"),
        ({"income__household_size": -2}, "income.household_size"),
        ({"income__household_size": 2.5}, "income.household_size"),
        ({"income__household_size": "4"}, "income.household_size"),
        ({"income__net_income_yuan": "abc"}, "income.net_income_yuan"),
        ({"income__net_income_yuan": [1]}, "income.net_income_yuan"),
        ({"income__wage_yuan": -1}, "income.wage_yuan"),
        ({"income__production_cost_yuan": "x"}, "income.production_cost_yuan"),
        ({"income__line_yuan": 0}, "income.line_yuan"),
        ({"income__rigid_spending_yuan": -10}, "income.rigid_spending_yuan"),
        ({"income__last_year_net_income_yuan": "n/a"}, "income.last_year_net_income_yuan"),
        ({"food__staple_ok": "yes"}, "food.staple_ok"),
        ({"clothing__bedding_ok": 0}, "clothing.bedding_ok"),
        ({"food": 5}, "food"),
        ({"water": []}, "water"),
        ({"household__is_tuopin": "yes"}, "household.is_tuopin"),
        ({"household__members": {"age": 1}}, "household.members"),
        ({"household__members": ["x"]}, "household.members[0]"),
        ({"household__members__1__schooling": "grade10"}, "household.members[1].schooling"),
        ({"household__members__1__age": -1}, "household.members[1].age"),
        ({"household__members__1__age": "12"}, "household.members[1].age"),
        ({"household__members__1__age": 12.5}, "household.members[1].age"),
        (
            {"household__members__0__medical_insurance": "commercial"},
            "household.members[0].medical_insurance",
        ),
        ({"household__members__1__health": ["sick"]}, "household.members[1].health[0]"),
        ({"household__members__1__health": "healthy"}, "household.members[1].health"),
        ({"household__members__0__labour": "lazy"}, "household.members[0].labour"),
        (
            {"household__members__0__serious_illness_insurance": "y"},
            "household.members[0].serious_illness_insurance",
        ),
        ({"policy": {"province": "shandong"}}, "policy.province"),
        ({"policy": {"year": "2026"}}, "policy.year"),
        ({"policy": {"year": 2019}, "income__line_yuan": DROP}, "policy.year"),
        ({"policy": "37"}, "policy"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InputRefused) as caught:
        assess(good_input(**changes))
    assert field in caught.value.en
    assert field in caught.value.zh


@pytest.mark.parametrize("bad", [[], "x", 5, None])
def test_non_object_input_is_refused(bad: Any) -> None:
    with pytest.raises(InputRefused):
        assess(bad)


def test_non_array_inputs_are_refused() -> None:
    with pytest.raises(InputRefused):
        assess_many({"food": {}}, POLICY)  # type: ignore[arg-type]


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    "food__staple_ok", "clothing__seasonal_ok", "housing__grade", "housing__renovation",
    "water__zone", "water__litres_per_person_day", "water__fetch_minutes", "water__outage_days_12m",
    "water__quality", "water__piped_to_yard", "income__net_income_yuan", "income__household_size",
    "income__line_yuan", "income__wage_yuan", "household__is_tuopin", "household__members__0__age",
    "household__members__1__schooling", "household__members__0__medical_insurance",
    "household__members__1__health", "household__members", "food", "policy",
]  # fmt: skip


@settings(max_examples=400)
@given(field=st.sampled_from(FIELDS), value=JSON_VALUES)
def test_any_value_gives_a_verdict_or_a_refusal(field: str, value: Any) -> None:
    try:
        result = assess(good_input(**{field: value}))
    except InputRefused as error:
        assert error.en and error.zh
    else:
        assert set(verdicts_of(result).values()) <= set(VERDICTS)


# --- no policy numbers in the rules -------------------------------------------------


def test_rules_hold_no_policy_numbers() -> None:
    """Thresholds, ages and lines must come from the policy, not literals in rules.py."""
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    numbers = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    }
    # 0/1 arithmetic, 2 decimals of fen, 100 for percent; 150 and 366 are input sanity bounds.
    assert numbers <= {0, 1, 2, 100, 150, 366}
