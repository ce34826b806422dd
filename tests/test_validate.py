"""Validation of visit answers and household records (DOMAIN.md §1.2, §1.4, §2, §8, §9.1)."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.errors import ValidationFailed
from fieldapp.forms import Form, load_form, set_path
from fieldapp.validate import (
    Message,
    has_errors,
    raise_for_errors,
    validate_answers,
    validate_household,
)

TODAY = date(2026, 3, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(birth: str, seq: str = "123", region: str = "370101") -> str:
    """An 18-digit citizen ID with a correct ISO 7064 check character (odd seq = male)."""
    body = region + birth + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def born(age: int) -> str:
    """A birth date (YYYYMMDD) giving exactly ``age`` full years on TODAY."""
    return f"{TODAY.year - age - 1}0615"


def iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


HEAD_ID = make_id("19750615", "131")
SPOUSE_ID = make_id("19780310", "242")
SON_ID = make_id("20130901", "351")


def test_id_helper_matches_gb11643_examples() -> None:
    assert make_id("19491231", "002", "110105") == "11010519491231002X"
    assert make_id("19010203", "997", "370101") == "370101190102039973"


@pytest.fixture()
def form() -> Form:
    return load_form("visit", 1)


def members() -> list[dict[str, Any]]:
    return [
        {
            "id": "m1",
            "name": "张建国",
            "id_number": HEAD_ID,
            "relation": "head",
            "sex": "male",
            "birth_date": "1975-06-15",
            "education_attained": "junior_high",
            "schooling": "finished",
            "health": ["healthy"],
            "labour": "ordinary",
            "medical_insurance": "resident",
            "serious_illness_insurance": True,
            "work_location": "out_of_province",
            "work_months": 10,
            "status": "active",
        },
        {
            "id": "m2",
            "name": "李秀英",
            "id_number": SPOUSE_ID,
            "relation": "spouse",
            "sex": "female",
            "birth_date": "1978-03-10",
            "education_attained": "primary",
            "health": ["chronic"],
            "labour": "weak",
            "medical_insurance": "resident",
            "serious_illness_insurance": True,
        },
        {
            "id": "m3",
            "name": "张小明",
            "id_number": SON_ID,
            "relation": "son",
            "schooling": "grade7",
            "health": ["healthy"],
            "labour": "none",
            "medical_insurance": "resident",
            "serious_illness_insurance": True,
        },
    ]


def household() -> dict[str, Any]:
    return {
        "village_code": "370303102201",
        "group": "3组",
        "address": "张家庄3组12号",
        "phone": "13800138000",
        "household_type": "tuopin_general",
        "monitoring_type": "none",
    }


def answers() -> dict[str, Any]:
    return {
        "visit": {
            "type": "home",
            "people_met": "户主张建国、配偶李秀英",
            "policies_explained": True,
            "next_visit_due": "2026-04-01",
            "household_confirmed": True,
        },
        "food": {"staple_ok": True, "protein_ok": True},
        "clothing": {"seasonal_ok": True, "bedding_ok": True},
        "members": {
            "m1": {
                "schooling": "finished",
                "medical_insurance": "resident",
                "serious_illness_insurance": True,
                "health": ["healthy"],
                "labour": "ordinary",
                "work_location": "out_of_province",
                "work_months": 10,
            },
            "m2": {
                "schooling": "finished",
                "medical_insurance": "resident",
                "serious_illness_insurance": True,
                "health": ["chronic"],
                "family_doctor": True,
                "labour": "weak",
            },
            "m3": {
                "schooling": "grade7",
                "medical_insurance": "resident",
                "serious_illness_insurance": True,
                "health": ["healthy"],
                "labour": "none",
            },
        },
        "housing": {
            "grade": "B",
            "safe_alternative": False,
            "appraisal_date": "2025-10-01",
            "appraiser": "县住建局王工",
        },
        "water": {
            "zone": "rich",
            "source_type": "centralised",
            "litres_per_person_day": 80,
            "piped_to_yard": True,
            "outage_days_12m": 5,
            "quality": "meets",
            "quality_evidence": "lab_report",
        },
        "income": {
            "wage_yuan": 30000,
            "production_yuan": 5000,
            "property_yuan": 0,
            "transfer_yuan": 2000,
            "production_cost_yuan": 1000,
            "household_size": 3,
            "rigid_spending_yuan": 500,
            "last_year_net_income_yuan": 35000,
        },
        "risks": [{"code": "R_ILL"}],
        "measures": [{"category": "M_HEALTH", "description": "医疗救助", "date": "2026-02-01"}],
        "notes": {"text": ""},
    }


def check(
    form: Form,
    ans: dict[str, Any],
    final: bool = True,
    mem: list[dict[str, Any]] | None = None,
    **kwargs: Any,
) -> list[Message]:
    return validate_answers(
        form, ans, members() if mem is None else mem, final, today=TODAY, **kwargs
    )


def hh(
    mem: list[dict[str, Any]], house: dict[str, Any] | None = None, **kwargs: Any
) -> list[Message]:
    return validate_household(household() if house is None else house, mem, today=TODAY, **kwargs)


def found(messages: list[Message]) -> set[tuple[str, str, str]]:
    return {(m.field, m.code, m.severity) for m in messages}


def codes(messages: list[Message]) -> set[str]:
    return {m.code for m in messages}


def with_member(index: int, **changes: Any) -> list[dict[str, Any]]:
    mem = members()
    for key, value in changes.items():
        if value is None:
            mem[index].pop(key, None)
        else:
            mem[index][key] = value
    return mem


# --- baselines ---------------------------------------------------------------------------------


def test_complete_visit_is_clean(form: Form) -> None:
    assert check(form, answers()) == []
    assert check(form, answers(), household=household()) == []


def test_complete_household_is_clean() -> None:
    assert hh(members()) == []


# --- Message -----------------------------------------------------------------------------------


def test_message_text_and_helpers() -> None:
    m = Message("housing.grade", "error", "required", "请填写", "required")
    assert m.text() == "请填写"
    assert m.text("zh_CN") == "请填写"
    assert m.text("en") == "required"
    assert has_errors([m])
    warning = Message("x", "warning", "w", "注意", "note")
    assert not has_errors([warning])
    raise_for_errors([warning])
    with pytest.raises(ValidationFailed) as caught:
        raise_for_errors([warning, m])
    assert caught.value.messages == [m]


# --- form-driven checks ------------------------------------------------------------------------


def test_required_only_when_final(form: Form) -> None:
    ans = answers()
    del ans["food"]["staple_ok"]
    assert check(form, ans, final=False) == []
    assert ("food.staple_ok", "required", "error") in found(check(form, ans, final=True))


def test_draft_with_nothing_is_clean(form: Form) -> None:
    assert check(form, {}, final=False) == []
    final = check(form, {}, final=True)
    assert {"visit.type", "food.staple_ok", "members.m1.labour", "members.m3.health"} <= {
        m.field for m in final
    }
    assert all(m.code == "required" for m in final if m.field != "income.household_size")


def test_required_only_when_relevant(form: Form) -> None:
    ans = answers()
    assert "housing.renovation" not in {m.field for m in check(form, ans)}
    ans["housing"]["grade"] = "D"
    assert ("housing.renovation", "required", "error") in found(check(form, ans))
    ans["housing"]["renovation"] = "in_progress"
    assert check(form, ans) == []


def test_fetch_minutes_required_without_piped_water(form: Form) -> None:
    ans = answers()
    ans["water"]["piped_to_yard"] = False
    assert ("water.fetch_minutes", "required", "error") in found(check(form, ans))
    ans["water"]["fetch_minutes"] = 15
    assert check(form, ans) == []


def test_stale_irrelevant_answer_is_ignored(form: Form) -> None:
    ans = answers()
    ans["housing"]["renovation"] = "bogus"  # grade B: not asked, so not checked
    assert check(form, ans) == []


def test_member_required_and_relevance(form: Form) -> None:
    ans = answers()
    ans["members"]["m3"]["schooling"] = "not_enrolled"
    assert ("members.m3.out_of_school_reason", "required", "error") in found(check(form, ans))
    ans["members"]["m3"]["out_of_school_reason"] = "weariness"
    assert check(form, ans) == []
    del ans["members"]["m2"]["family_doctor"]
    assert ("members.m2.family_doctor", "required", "error") in found(check(form, ans))


def test_missing_member_answers_are_required_when_final(form: Form) -> None:
    ans = answers()
    del ans["members"]["m3"]
    assert check(form, ans, final=False) == []
    fields = {m.field for m in check(form, ans)}
    assert {"members.m3.schooling", "members.m3.labour", "members.m3.health"} <= fields


def test_inactive_member_need_not_be_answered(form: Form) -> None:
    ans = answers()
    del ans["members"]["m3"]
    ans["income"]["household_size"] = 2
    mem = with_member(2, status="moved_out")
    assert check(form, ans, mem=mem) == []


def test_unknown_member_is_an_error(form: Form) -> None:
    ans = answers()
    ans["members"]["stranger"] = {"labour": "none"}
    assert ("members.stranger", "unknown_member", "error") in found(check(form, ans))


def test_required_if(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_OTHER"}]
    assert ("risks.0.note", "required", "error") in found(check(form, ans))
    assert check(form, ans, final=False) == []
    ans["risks"][0]["note"] = "家中主要劳动力外出失联"
    assert check(form, ans) == []


def test_disaster_sub_required(form: Form) -> None:
    ans = answers()
    ans["risks"].append({"code": "R_DISASTER"})
    assert ("risks.1.sub", "required", "error") in found(check(form, ans))
    ans["risks"][1]["sub"] = "flood"
    assert check(form, ans) == []
    ans["risks"][1]["sub"] = "tsunami"
    assert ("risks.1.sub", "not_in_list", "error") in found(check(form, ans))


def test_income_components_not_required_with_net_income(form: Form) -> None:
    ans = answers()
    for key in ("wage_yuan", "production_yuan", "property_yuan", "transfer_yuan"):
        del ans["income"][key]
    del ans["income"]["production_cost_yuan"]
    assert ("income.wage_yuan", "required", "error") in found(check(form, ans))
    ans["income"]["net_income_yuan"] = 36000
    assert check(form, ans) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("water.litres_per_person_day", "many"),
        ("water.litres_per_person_day", True),
        ("water.litres_per_person_day", float("nan")),
        ("water.piped_to_yard", "yes"),
        ("water.piped_to_yard", 1),
        ("water.outage_days_12m", 2.5),
        ("housing.appraisal_date", "2025/10/01"),
        ("housing.appraisal_date", "2025-02-30"),
        ("housing.appraiser", 42),
        ("housing.grade", ["B"]),
        ("members.m1.health", "healthy"),
    ],
)
def test_type_errors(form: Form, path: str, value: Any) -> None:
    ans = set_path(answers(), path, value)
    assert (path, "type", "error") in found(check(form, ans, final=False))


def test_integral_float_counts_as_int(form: Form) -> None:
    ans = set_path(answers(), "water.outage_days_12m", 5.0)
    assert check(form, ans) == []


@pytest.mark.parametrize(
    ("path", "value", "code"),
    [
        ("water.outage_days_12m", 366, "above_max"),
        ("water.outage_days_12m", -1, "below_min"),
        ("water.litres_per_person_day", -5, "below_min"),
        ("members.m1.work_months", 13, "above_max"),
        ("income.household_size", 0, "below_min"),
        ("income.wage_yuan", -100, "below_min"),
    ],
)
def test_range_errors(form: Form, path: str, value: Any, code: str) -> None:
    ans = set_path(answers(), path, value)
    assert (path, code, "error") in found(check(form, ans, final=False))


@pytest.mark.parametrize(
    ("path", "value"), [("water.outage_days_12m", 365), ("water.outage_days_12m", 0)]
)
def test_range_bounds_are_inclusive(form: Form, path: str, value: Any) -> None:
    ans = set_path(answers(), path, value)
    assert not [m for m in check(form, ans) if m.field == path]


def test_negative_net_income_is_allowed(form: Form) -> None:
    ans = set_path(answers(), "income.net_income_yuan", -2000)
    assert check(form, ans) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("housing.grade", "E"),
        ("visit.type", "letter"),
        ("water.quality", "good"),
        ("members.m1.health", ["healthy", "flu"]),
        ("members.m1.labour", "retired"),
        ("risks.0.code", "R_FLU"),
        ("measures.0.category", "M_MAGIC"),
    ],
)
def test_code_list_errors(form: Form, path: str, value: Any) -> None:
    ans = set_path(answers(), path, value)
    assert (path, "not_in_list", "error") in found(check(form, ans, final=False))


def test_constraint_error(form: Form) -> None:
    ans = set_path(answers(), "members.m1.health", ["healthy", "chronic"])
    hits = [m for m in check(form, ans) if m.code == "constraint"]
    assert [(m.field, m.severity) for m in hits] == [("members.m1.health", "error")]
    assert "张建国" in hits[0].zh and "健康" in hits[0].zh


def test_constraint_warning(form: Form) -> None:
    ans = set_path(answers(), "water.quality_evidence", "none")
    assert found(check(form, ans)) == {("water.quality_evidence", "constraint", "warning")}
    ans = set_path(ans, "water.quality", "fails")
    assert check(form, ans) == []


def test_appraisal_date_not_in_future(form: Form) -> None:
    ans = set_path(answers(), "housing.appraisal_date", "2026-03-02")
    assert found(check(form, ans)) == {("housing.appraisal_date", "future_date", "error")}
    ans = set_path(answers(), "housing.appraisal_date", "2026-03-01")
    assert check(form, ans) == []


def test_at_most_five_risks(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": c} for c in ("R_ILL", "R_DIS", "R_ACCIDENT", "R_DISASTER", "R_OTHER")]
    ans["risks"][3]["sub"] = "flood"
    ans["risks"][4]["note"] = "说明"
    ans["measures"].append({"category": "M_SOCIAL_PROTECTION"})
    assert check(form, ans) == []
    ans["risks"].append({"code": "R_EDU"})
    assert ("risks", "too_many", "error") in found(check(form, ans))


def test_list_section_shapes(form: Form) -> None:
    ans = answers()
    ans["risks"] = {"code": "R_ILL"}
    assert ("risks", "type", "error") in found(check(form, ans))
    ans["risks"] = ["R_ILL"]
    assert ("risks.0", "type", "error") in found(check(form, ans))
    ans = answers()
    ans["members"] = ["m1"]
    assert ("members", "type", "error") in found(check(form, ans))


# --- visit-level domain rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wage", "flagged"), [(50, True), (99.5, True), (0, False), (100, False), (8000, False)]
)
def test_wage_plausibility(form: Form, wage: float, flagged: bool) -> None:
    ans = set_path(answers(), "income.wage_yuan", wage)
    hit = ("income.wage_yuan", "wage_implausible", "warning") in found(check(form, ans))
    assert hit is flagged


def test_household_size_matches_members(form: Form) -> None:
    ans = set_path(answers(), "income.household_size", 4)
    assert found(check(form, ans)) == {("income.household_size", "household_size", "warning")}


def test_risk_without_measure(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_HOUSING"}]
    assert found(check(form, ans)) == {("risks.0.code", "risk_without_measure", "warning")}
    ans["measures"].append({"category": "M_RELOCATION"})
    assert check(form, ans) == []
    ans["measures"] = [{"category": "M_HOUSING"}]
    assert check(form, ans) == []


def test_existing_measures_satisfy_risks(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_WATER"}]
    assert codes(check(form, ans)) == {"risk_without_measure"}
    assert check(form, ans, existing_measures={"M_WATER"}) == []


def test_risk_ill_needs_spending(form: Form) -> None:
    ans = set_path(answers(), "income.rigid_spending_yuan", 0)
    assert found(check(form, ans)) == {("risks.0.code", "risk_ill_without_spending", "warning")}


def test_duplicate_risk(form: Form) -> None:
    ans = answers()
    ans["risks"].append({"code": "R_ILL"})
    assert found(check(form, ans)) == {("risks.1.code", "duplicate_risk", "warning")}


def test_risk_labour_share(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_LABOUR"}]
    ans["measures"] = []
    # One ordinary labourer of three members is 33% > 25%.
    assert ("risks.0.code", "risk_labour_invalid", "warning") in found(check(form, ans))
    ans["members"]["m1"].update(labour="weak", health=["serious"])
    del ans["members"]["m1"]["work_location"]
    del ans["members"]["m1"]["work_months"]
    mem = with_member(0, labour="weak", work_location=None, work_months=None)
    assert check(form, ans, mem=mem) == []


def test_risk_job_needs_labour_and_work(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_JOB"}]
    ans["measures"] = []
    assert check(form, ans) == []
    for mid in ("m1", "m2", "m3"):
        ans["members"][mid]["labour"] = "none"
        ans["members"][mid].pop("work_location", None)
        ans["members"][mid].pop("work_months", None)
    mem = with_member(0, work_location=None, work_months=None)
    assert ("risks.0.code", "risk_job_invalid", "warning") in found(check(form, ans, mem=mem))


def test_member_rules_apply_to_visit_answers(form: Form) -> None:
    ans = answers()
    ans["members"]["m2"]["work_location"] = "in_township"
    ans["members"]["m2"]["work_months"] = 3
    assert found(check(form, ans)) == {("members.m2.labour", "labour_with_work", "warning")}
    ans = answers()
    ans["members"]["m3"]["schooling"] = "primary"
    assert check(form, ans) == []
    mem = with_member(2, id_number=make_id(born(17), "351"))
    assert ("members.m3.schooling", "age_grade", "warning") in found(check(form, ans, mem=mem))


def test_serious_illness_rule_needs_a_tuopin_household(form: Form) -> None:
    ans = set_path(answers(), "members.m1.serious_illness_insurance", False)
    assert check(form, ans) == []
    flagged = check(form, ans, household=household())
    assert found(flagged) == {
        ("members.m1.serious_illness_insurance", "serious_illness_insurance", "warning")
    }


# --- household record: DOMAIN §1.1, §1.2 ------------------------------------------------------


@pytest.mark.parametrize("code", ["37030310220", "3703031022011", "37030310220A", "", None])
def test_village_code_must_have_12_digits(code: str | None) -> None:
    house = household()
    house["village_code"] = code
    assert ("household.village_code", "village_code", "error") in found(hh(members(), house))


@pytest.mark.parametrize(
    ("phone", "flagged"),
    [
        ("13800138000", False),
        ("138 0013 8000", False),
        ("138-0013-8000", False),
        (None, False),
        ("", False),
        ("1380013800", True),
        ("138001380000", True),
        ("0537-2345678", True),
        ("1380013800x", True),
    ],
)
def test_phone_must_be_11_digit_mobile(phone: str | None, flagged: bool) -> None:
    house = household()
    house["phone"] = phone
    hit = ("household.phone", "phone", "warning") in found(hh(members(), house))
    assert hit is flagged


def test_household_codes() -> None:
    house = household()
    house["household_type"] = "rich"
    house["monitoring_type"] = "maybe"
    got = found(hh(members(), house))
    assert ("household.household_type", "not_in_list", "error") in got
    assert ("household.monitoring_type", "not_in_list", "error") in got


def test_member_codes() -> None:
    mem = with_member(1, relation="cousin", labour="retired", health=["healthy", "flu"])
    got = found(hh(mem))
    assert ("members.m2.relation", "not_in_list", "error") in got
    assert ("members.m2.labour", "not_in_list", "error") in got
    assert ("members.m2.health", "not_in_list", "error") in got
    assert ("members.m2.relation", "required", "error") in found(hh(with_member(1, relation=None)))
    assert ("members.m1.work_months", "range", "error") in found(hh(with_member(0, work_months=14)))


def test_detailed_and_generic_relations_are_accepted() -> None:
    assert hh(with_member(2, relation="child")) == []
    assert hh(with_member(2, relation="grandson")) == []


# --- §1.4 rule 1: one head, at most one spouse, spouse sex ---------------------------------------


def test_rule1_no_head() -> None:
    got = found(hh(with_member(0, relation="son")))
    assert ("members", "no_head", "error") in got


def test_rule1_two_heads() -> None:
    got = found(hh(with_member(2, relation="head")))
    assert ("members.m3.relation", "multiple_heads", "error") in got


def test_rule1_inactive_head_does_not_count() -> None:
    mem = members()
    mem.append(
        {
            "id": "m4",
            "name": "张老汉",
            "id_number": make_id("19400101", "111"),
            "relation": "head",
            "status": "deceased",
        }
    )
    assert hh(mem) == []


def test_rule1_two_spouses() -> None:
    got = found(hh(with_member(2, relation="spouse")))
    assert ("members.m3.relation", "multiple_spouses", "error") in got


def test_rule1_spouse_same_sex_from_id() -> None:
    # The sex comes from the ID number; the typed sex field is not needed.
    mem = with_member(1, id_number=make_id("19780310", "251"), sex=None)
    assert found(hh(mem)) == {("members.m2.relation", "spouse_same_sex", "warning")}
    assert hh(with_member(1, sex=None)) == []


# --- rule 2: exactly one of education attained / schooling -------------------------------------


def test_rule2_both() -> None:
    got = found(hh(with_member(2, education_attained="primary")))
    assert got == {("members.m3.education_attained", "education_schooling", "warning")}


def test_rule2_neither() -> None:
    got = found(hh(with_member(1, education_attained=None)))
    assert got == {("members.m2.education_attained", "education_schooling", "warning")}


# --- rule 3: work location and months together -------------------------------------------------


def test_rule3_location_without_months() -> None:
    got = found(hh(with_member(0, work_months=0)))
    assert got == {("members.m1.work_months", "work_location_months", "warning")}


def test_rule3_months_without_location() -> None:
    got = found(hh(with_member(0, work_location=None)))
    assert got == {("members.m1.work_location", "work_location_months", "warning")}


def test_rule3_neither_is_fine() -> None:
    assert hh(with_member(0, work_location=None, work_months=None)) == []


# --- rule 4: exactly one basic medical insurance -----------------------------------------------


def test_rule4_both_is_an_error() -> None:
    got = found(hh(with_member(0, medical_insurance=["resident", "employee"])))
    assert ("members.m1.medical_insurance", "insurance_both", "error") in got
    got = found(
        hh(with_member(0, medical_insurance=None, resident_insurance=True, employee_insurance=True))
    )
    assert ("members.m1.medical_insurance", "insurance_both", "error") in got


@pytest.mark.parametrize("value", ["none", None, []])
def test_rule4_neither_is_a_warning(value: Any) -> None:
    mem = with_member(0, medical_insurance=value, serious_illness_insurance=None)
    if value is not None:
        mem[0]["medical_insurance"] = value
    assert found(hh(mem)) == {("members.m1.medical_insurance", "insurance_none", "warning")}


def test_rule4_employee_only_is_fine() -> None:
    assert hh(with_member(0, medical_insurance="employee", serious_illness_insurance=None)) == []


# --- rule 5: 脱贫户 in residents' insurance without serious-illness insurance ---------------------


def test_rule5_tuopin_without_serious_illness_insurance() -> None:
    mem = with_member(1, serious_illness_insurance=False)
    got = found(hh(mem))
    assert got == {("members.m2.serious_illness_insurance", "serious_illness_insurance", "warning")}
    assert found(hh(with_member(1, serious_illness_insurance=None))) == got


def test_rule5_only_for_tuopin_households() -> None:
    house = household()
    house["household_type"] = "ordinary"
    assert hh(with_member(1, serious_illness_insurance=False), house) == []


# --- rule 6: healthy working-age adult marked no or weak labour ----------------------------------


def adult(age: int, **changes: Any) -> list[dict[str, Any]]:
    base: dict[str, Any] = {
        "id_number": make_id(born(age), "351"),
        "relation": "son",
        "schooling": None,
        "education_attained": "junior_high",
        "health": ["healthy"],
        "labour": "none",
    }
    base.update(changes)
    return with_member(2, **base)


@pytest.mark.parametrize("labour", ["none", "weak"])
def test_rule6_flagged(labour: str) -> None:
    got = found(hh(adult(30, labour=labour)))
    assert got == {("members.m3.labour", "labour_healthy_adult", "warning")}


@pytest.mark.parametrize(
    "changes",
    [
        {"age": 15},
        {"age": 60},
        {"age": 30, "labour": "ordinary"},
        {"age": 30, "labour": "lost"},
        {"age": 30, "health": ["healthy", "disabled"]},
        {"age": 30, "health": ["chronic"]},
        {"age": 19, "schooling": "college", "education_attained": None},
    ],
)
def test_rule6_not_flagged(changes: dict[str, Any]) -> None:
    age = changes.pop("age")
    assert "labour_healthy_adult" not in codes(hh(adult(age, **changes)))


def test_rule6_boundaries() -> None:
    assert "labour_healthy_adult" in codes(hh(adult(16)))
    assert "labour_healthy_adult" in codes(hh(adult(59)))


# --- rule 7: no/lost/weak labour with work data ------------------------------------------------


@pytest.mark.parametrize("labour", ["none", "lost", "weak"])
def test_rule7_flagged(labour: str) -> None:
    mem = with_member(0, labour=labour, health=["disabled"])
    assert found(hh(mem)) == {("members.m1.labour", "labour_with_work", "warning")}


def test_rule7_months_alone_count_as_work_data() -> None:
    mem = with_member(1, work_months=4)
    got = found(hh(mem))
    assert ("members.m2.labour", "labour_with_work", "warning") in got


def test_rule7_capable_labour_with_work_is_fine() -> None:
    assert hh(with_member(0, labour="skilled")) == []


# --- rule 8: duplicate ID numbers --------------------------------------------------------------


def test_rule8_duplicate_within_household() -> None:
    mem = with_member(2, id_number=HEAD_ID, birth_date=None)
    got = found(hh(mem))
    assert ("members.m3.id_number", "duplicate_id", "error") in got
    assert ("members.m1.id_number", "duplicate_id", "error") not in got


def test_rule8_duplicate_against_dataset() -> None:
    assert ("members.m2.id_number", "duplicate_id", "error") in found(
        hh(members(), other_id_numbers={SPOUSE_ID})
    )
    assert hh(members(), other_id_numbers={make_id("19800101", "111")}) == []


def test_rule8_compares_normalised_first_18_characters() -> None:
    female = make_id("19491231", "002", "110105")  # ends in X
    mem = with_member(1, id_number=female, birth_date=None)
    for other in (female.lower(), " " + female + " ", female[:17] + "Ｘ", female + "42"):
        got = found(hh(mem, other_id_numbers={other}))
        assert ("members.m2.id_number", "duplicate_id", "error") in got, other


def test_rule8_disability_certificate_duplicates_its_id() -> None:
    cert = HEAD_ID + "41"  # physical disability, grade 1
    mem = with_member(2, id_number=cert, birth_date=None, sex=None)
    assert ("members.m3.id_number", "duplicate_id", "error") in found(hh(mem))


def test_rule8_legacy_15_digit_number() -> None:
    id15 = "370101" + "750615" + "131"
    assert make_id("19750615", "131") == HEAD_ID
    assert ("members.m1.id_number", "duplicate_id", "error") in found(
        hh(members(), other_id_numbers={id15})
    )


# --- rule 9: age-to-grade plausibility ---------------------------------------------------------


@pytest.mark.parametrize(
    ("schooling", "age", "flagged"),
    [
        ("primary", 16, True),
        ("primary", 15, False),
        ("primary", 8, False),
        ("grade7", 9, True),
        ("grade7", 10, False),
        ("grade7", 13, False),
        ("grade9", 30, True),
        ("preschool", 12, True),
        ("finished", 80, False),
    ],
)
def test_rule9_age_grade(schooling: str, age: int, flagged: bool) -> None:
    mem = with_member(2, id_number=make_id(born(age), "351"), schooling=schooling)
    if schooling == "finished":
        mem[2]["education_attained"] = "primary"
    hit = ("members.m3.schooling", "age_grade", "warning") in found(hh(mem))
    assert hit is flagged


# --- ID numbers (DOMAIN §2) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002",  # 17 characters
        "110105194913310020",  # month 13
        "370101203001011234",  # born in the future
        HEAD_ID + "81",  # disability type 8 does not exist
        HEAD_ID + "4",  # 19 characters
    ],
)
def test_invalid_id_number_is_an_error(number: str) -> None:
    mem = with_member(0, id_number=number, birth_date=None, sex=None)
    got = [m for m in hh(mem) if m.field == "members.m1.id_number"]
    assert [(m.code, m.severity) for m in got] == [("id_invalid", "error")]
    assert "张建国" in got[0].zh and CJK.search(got[0].zh)


@pytest.mark.parametrize("suffix", ["41", "7412"])
def test_disability_certificate_numbers_are_accepted(suffix: str) -> None:
    assert hh(with_member(0, id_number=HEAD_ID + suffix)) == []


def test_gb_examples_are_accepted() -> None:
    mem = with_member(1, id_number="11010519491231002X", birth_date="1949-12-31")
    assert hh(mem) == []
    mem = with_member(0, id_number="370101190102039973", birth_date="1901-02-03")
    assert hh(mem) == []


def test_missing_id_number_is_a_warning() -> None:
    assert found(hh(with_member(2, id_number=None))) == {
        ("members.m3.id_number", "id_missing", "warning")
    }


def test_sex_disagreeing_with_id() -> None:
    mem = with_member(0, sex="female")
    assert found(hh(mem)) == {("members.m1.sex", "sex_mismatch", "error")}
    mem[0]["override_reason"] = "户籍登记性别有误，已申请更正"
    # With a reason the typed sex stands, so the head and spouse now share a sex.
    assert found(hh(mem)) == {("members.m2.relation", "spouse_same_sex", "warning")}
    mem[1]["sex"] = "male"
    mem[1]["override_reason"] = "同上"
    assert hh(mem) == []


def test_birth_date_disagreeing_with_id() -> None:
    mem = with_member(0, birth_date="1975-06-16")
    assert found(hh(mem)) == {("members.m1.birth_date", "birth_date_mismatch", "error")}
    mem[0]["override_reason"] = "身份证登记日期为农历"
    assert hh(mem) == []


def test_unparseable_birth_date() -> None:
    got = found(hh(with_member(0, birth_date="15/06/1975")))
    assert ("members.m1.birth_date", "type", "error") in got


def test_age_uses_given_birth_date_with_override() -> None:
    # The typed birth date (with a reason) wins over the ID for the age rules.
    mem = adult(30)
    mem[2]["birth_date"] = iso(born(70))
    mem[2]["override_reason"] = "证件出生日期有误"
    assert "labour_healthy_adult" not in codes(hh(mem))


# --- message quality ---------------------------------------------------------------------------


def _everything_wrong() -> tuple[list[Message], list[Message]]:
    form = load_form()
    ans = answers()
    ans["water"]["outage_days_12m"] = 400
    ans["housing"]["grade"] = "Z"
    ans["income"]["wage_yuan"] = 20
    ans["members"]["m1"]["health"] = ["healthy", "serious"]
    ans["risks"] = [{"code": "R_HOUSING"}, {"code": "R_OTHER"}, {"code": "R_LABOUR"}]
    visit = check(form, ans)
    mem = members()
    mem[0]["relation"] = "spouse"
    mem[1]["id_number"] = "110105194912310021"
    mem[2].update(education_attained="primary", work_location="abroad", labour="lost")
    house = household() | {"village_code": "12", "phone": "123"}
    return visit, hh(mem, house, other_id_numbers={SON_ID})


def test_every_message_has_natural_chinese_and_english() -> None:
    visit, house = _everything_wrong()
    assert len(visit) >= 6 and len(house) >= 6
    for m in visit + house:
        assert m.severity in ("error", "warning")
        assert CJK.search(m.zh), m
        assert re.search("[A-Za-z]{3}", m.en), m
        # English text may quote a member's name but is otherwise not Chinese.
        assert not CJK.search(re.sub(r"张建国|李秀英|张小明", "", m.en)), m
        assert m.zh != m.en


# --- robustness --------------------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
_section_keys = st.sampled_from(
    [
        "visit",
        "food",
        "clothing",
        "members",
        "housing",
        "water",
        "income",
        "risks",
        "measures",
        "notes",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    base=st.dictionaries(_section_keys, _json, max_size=6),
    final=st.booleans(),
)
def test_validate_answers_never_crashes(base: dict[str, Any], final: bool) -> None:
    form = load_form()
    before = copy.deepcopy(base)
    out = validate_answers(form, base, members(), final, today=TODAY)
    assert all(isinstance(m, Message) for m in out)
    assert repr(base) == repr(before)  # the input is not changed


_member_keys = st.sampled_from(
    [
        "relation",
        "sex",
        "birth_date",
        "id_number",
        "schooling",
        "education_attained",
        "health",
        "labour",
        "medical_insurance",
        "work_location",
        "work_months",
        "status",
        "serious_illness_insurance",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    changes=st.lists(st.tuples(st.integers(0, 2), _member_keys, _json), max_size=5),
    house=st.dictionaries(
        st.sampled_from(["village_code", "phone", "household_type", "monitoring_type"]),
        _json,
        max_size=4,
    ),
)
def test_validate_household_never_crashes(
    changes: list[tuple[int, str, Any]], house: dict[str, Any]
) -> None:
    mem = members()
    for index, key, value in changes:
        mem[index][key] = value
    out = validate_household(house, mem, today=TODAY)
    assert all(isinstance(m, Message) for m in out)


# --- issue 12: impossible answers, exemptions, region codes, numbers from the policy -----------


@pytest.fixture()
def form2() -> Form:
    return load_form("visit", 2)


def test_latest_form_has_the_new_fields(form2: Form) -> None:
    assert load_form("visit").version == 2
    assert load_form("visit", 1).version == 1  # visits filled with v1 still load
    for code in ("water.fetch_distance_m", "water.fetch_climb_m", "income.claims_yuan"):
        form2.field(code)
    assert form2.field("water.fetch_distance_m").unit_text("zh") == "米"


def test_old_visit_with_finished_is_still_valid(form: Form, form2: Form) -> None:
    assert check(form, answers()) == []  # the stored answers say "finished"
    assert check(form2, answers()) == []


@pytest.mark.parametrize("code", ["graduated", "finished"])
@pytest.mark.parametrize(("age", "flagged"), [(9, True), (13, True), (14, False), (40, False)])
def test_graduated_under_fourteen_is_flagged_next_to_the_field(
    form2: Form, code: str, age: int, flagged: bool
) -> None:
    ans = answers()
    ans["members"]["m3"]["schooling"] = code
    mem = with_member(2, id_number=make_id(born(age), "351"))
    got = check(form2, ans, mem=mem)
    hit = [m for m in got if m.code == "graduated_too_young"]
    assert bool(hit) is flagged
    for m in hit:
        assert (m.field, m.severity) == ("members.m3.schooling", "error")
        assert "14" in m.zh and "14" in m.en and not CJK.search(m.en.replace("张小明", ""))


def test_out_of_school_needs_a_reason(form2: Form) -> None:
    ans = answers()
    ans["members"]["m3"]["schooling"] = "out_of_school"
    got = found(check(form2, ans))
    assert ("members.m3.out_of_school_reason", "required", "error") in got
    ans["members"]["m3"]["out_of_school_reason"] = "weariness"
    assert "required" not in codes(check(form2, ans))


@pytest.mark.parametrize(("age", "flagged"), [(0, False), (1, True), (3, True)])
def test_newborn_insurance_from_age_one_is_flagged(form2: Form, age: int, flagged: bool) -> None:
    ans = answers()
    ans["members"]["m3"].update(medical_insurance="newborn", schooling="preschool")
    del ans["members"]["m3"]["serious_illness_insurance"]
    mem = with_member(2, id_number=make_id(f"{TODAY.year - age - 1}0615", "351"))
    got = [m for m in check(form2, ans, mem=mem) if m.code == "newborn_too_old"]
    assert bool(got) is flagged
    for m in got:
        assert (m.field, m.severity) == ("members.m3.medical_insurance", "error")
        assert CJK.search(m.zh) and not CJK.search(m.en.replace("张小明", ""))


def test_age_given_in_the_answers_is_used(form2: Form) -> None:
    ans = answers()
    ans["members"]["m3"].update(schooling="graduated", age=12)
    assert "graduated_too_young" in codes(check(form2, ans))
    ans["members"]["m3"]["age"] = 15
    assert "graduated_too_young" not in codes(check(form2, ans))


def test_insured_elsewhere_needs_the_place(form2: Form) -> None:
    ans = answers()
    ans["members"]["m1"].update(medical_insurance="elsewhere")
    del ans["members"]["m1"]["serious_illness_insurance"]
    assert ("members.m1.insurance_place", "required", "error") in found(check(form2, ans))
    ans["members"]["m1"]["insurance_place"] = "浙江省宁波市"
    assert check(form2, ans) == []


@pytest.mark.parametrize("insurance", ["elsewhere", "military", "detained"])
def test_rule4_exemptions_are_not_uninsured(insurance: str) -> None:
    mem = with_member(0, medical_insurance=insurance, serious_illness_insurance=None)
    assert "insurance_none" not in codes(hh(mem))


def test_rule4_newborn_record() -> None:
    baby = with_member(2, id_number=make_id(f"{TODAY.year}0101", "351"), medical_insurance="newborn")
    assert not {"insurance_none", "newborn_too_old"} & codes(hh(baby))
    toddler = with_member(2, id_number=make_id(born(2), "351"), medical_insurance="newborn")
    got = found(hh(toddler))
    assert ("members.m3.medical_insurance", "newborn_too_old", "error") in got


@pytest.mark.parametrize(
    ("region", "flagged"), [("370101", False), ("000101", True), ("990101", True), ("378101", True)]
)
def test_impossible_region_code_is_a_warning(region: str, flagged: bool) -> None:
    mem = with_member(2, id_number=make_id("20130901", "351", region))
    got = [m for m in hh(mem) if m.code == "id_region"]
    assert bool(got) is flagged
    for m in got:
        assert (m.field, m.severity) == ("members.m3.id_number", "warning")
        assert CJK.search(m.zh) and not CJK.search(m.en.replace("张小明", ""))


def _policy(**labour: Any) -> Any:
    from fieldapp.policy import policy_from_dict
    from fieldapp.resources import load_json

    data = copy.deepcopy(load_json("policy", "default.json"))
    data["labour"].update(labour)
    return policy_from_dict(data)


def test_working_age_comes_from_the_policy() -> None:
    narrow = _policy(working_age_min=18, working_age_max=55)
    assert "labour_healthy_adult" in codes(hh(adult(16)))
    assert "labour_healthy_adult" not in codes(hh(adult(16), policy=narrow))
    assert "labour_healthy_adult" not in codes(hh(adult(57), policy=narrow))
    assert "labour_healthy_adult" in codes(hh(adult(18), policy=narrow))


def test_labour_share_and_wage_come_from_the_policy(form: Form) -> None:
    ans = answers()
    ans["risks"] = [{"code": "R_LABOUR"}]
    ans["measures"] = []
    # One ordinary labourer of three members is 33%: over 25%, not over 40%.
    assert "risk_labour_invalid" in codes(check(form, ans))
    lenient = _policy(lack_of_labour_max_capable_share=0.4)
    assert "risk_labour_invalid" not in codes(check(form, ans, policy=lenient))
    ans["income"]["wage_yuan"] = 150
    assert "wage_implausible" not in codes(check(form, ans))
    assert "wage_implausible" in codes(check(form, ans, policy=_policy(wage_plausible_from_yuan=200)))
