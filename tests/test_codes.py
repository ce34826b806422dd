"""Code lists: completeness against DOMAIN.md / CLI.md, labels, lookups."""

from __future__ import annotations

import re

import pytest

from fieldapp.codes import coarse_relation, code_list, get_code, is_code, label, list_names

CJK = re.compile(r"[\u4e00-\u9fff]")

REQUIRED_LISTS = [
    "relation",
    "sex",
    "ethnicity",
    "political",
    "education_attained",
    "schooling",
    "out_of_school_reason",
    "health",
    "disability_type",
    "disability_grade",
    "labour",
    "work_location",
    "medical_insurance",
    "household_type",
    "monitoring_type",
    "elimination_mode",
    "housing_grade",
    "renovation",
    "housing_alternative",
    "water_zone",
    "water_source",
    "water_quality",
    "quality_evidence",
    "risk",
    "disaster_sub",
    "measure",
    "visit_type",
    "problem_status",
    "problem_category",
    "problem_source",
    "indicator",
    "verdict",
]

# CLI.md "Enumerations", in order where the order matters to people.
CLI_ENUMS = {
    "schooling": [
        "preschool",
        "primary",
        "grade7",
        "grade8",
        "grade9",
        "high_school",
        "vocational",
        "college",
        "home_schooling",
        "special_school",
        "exempt_disability",
        "not_enrolled",
        "out_of_school",
        "graduated",
    ],
    "medical_insurance": [
        "resident", "employee", "elsewhere", "none", "military", "detained", "newborn",
    ],  # fmt: skip
    "health": ["healthy", "chronic", "serious", "disabled"],
    "labour": ["skilled", "ordinary", "weak", "lost", "none"],
    "housing_grade": ["A", "B", "C", "D", "no_house"],
    "renovation": ["none", "in_progress", "accepted"],
    "water_zone": ["rich", "scarce"],
    "water_quality": ["meets", "basic", "fails", "untested"],
    "monitoring_type": ["none", "unstable", "marginal", "sudden"],
    "verdict": ["met", "basic", "not_met", "exempt", "not_applicable", "unknown"],
    "household_type": ["tuopin_general", "tuopin_dibao", "tuopin_tekun", "ordinary"],
    "visit_type": ["home", "phone", "wechat", "screening", "lookback"],
    "problem_status": ["pending", "in_progress", "awaiting_check", "closed"],
    "indicator": ["food", "clothing", "education", "medical", "housing", "water", "income"],
}

# DOMAIN.md §1.3: the national relation labels, exactly as written.
DOMAIN_RELATION_LABELS = [
    "户主",
    "配偶",
    "之子",
    "之女",
    "之儿媳",
    "之女婿",
    "之孙子",
    "之孙女",
    "之外孙子",
    "之外孙女",
    "之父",
    "之母",
    "之岳父",
    "之岳母",
    "之公公",
    "之婆婆",
    "之祖父",
    "之祖母",
    "之外祖父",
    "之外祖母",
    "之兄弟姐妹",
    "之曾孙子",
    "之曾孙女",
    "之侄儿",
    "之侄女",
    "之兄弟媳妇",
    "之叔伯",
    "其他",
]


@pytest.mark.parametrize("name", REQUIRED_LISTS)
def test_list_exists_with_bilingual_unique_codes(name: str) -> None:
    entries = code_list(name)
    assert entries, name
    codes = [c.code for c in entries]
    assert len(codes) == len(set(codes)), f"duplicate code in {name}"
    zh_labels = [c.zh for c in entries]
    assert len(zh_labels) == len(set(zh_labels)), f"duplicate Chinese label in {name}"
    for c in entries:
        assert c.code and c.zh.strip() and c.en.strip(), (name, c)
        assert CJK.search(c.zh), (name, c)
        assert not CJK.search(c.en), (name, c)


def test_every_list_name_is_listed() -> None:
    assert set(REQUIRED_LISTS) <= set(list_names())


@pytest.mark.parametrize(("name", "expected"), sorted(CLI_ENUMS.items()))
def test_cli_enumerations_exact(name: str, expected: list[str]) -> None:
    assert [c.code for c in code_list(name)] == expected


def test_risk_and_measure_codes() -> None:
    assert [c.code for c in code_list("risk")] == [
        "R_ILL",
        "R_DIS",
        "R_EDU",
        "R_DISASTER",
        "R_ACCIDENT",
        "R_INDUSTRY",
        "R_JOB",
        "R_LABOUR",
        "R_HOUSING",
        "R_WATER",
        "R_OTHER",
    ]
    measures = {c.code: c for c in code_list("measure")}
    assert len(measures) == 14
    developmental = {code for code, c in measures.items() if c.extra.get("developmental")}
    assert developmental == {"M_INDUSTRY", "M_EMPLOYMENT", "M_FINANCE", "M_PUBLIC_JOB"}
    for risk in code_list("risk"):
        for needed in risk.extra["requires_measure"]:
            assert needed in measures, (risk.code, needed)
    housing = get_code("risk", "R_HOUSING")
    assert housing is not None
    assert set(housing.extra["requires_measure"]) == {"M_HOUSING", "M_RELOCATION"}


def test_verdict_labels() -> None:
    zh = {c.code: c.zh for c in code_list("verdict")}
    assert zh == {
        "met": "达标",
        "basic": "基本达标",
        "not_met": "未达标",
        "exempt": "豁免",
        "not_applicable": "不适用",
        "unknown": "未知",
    }


def test_disability_codes() -> None:
    assert [c.code for c in code_list("disability_type")] == [str(i) for i in range(1, 8)]
    grades = code_list("disability_grade")
    assert [c.code for c in grades] == ["1", "2", "3", "4"]
    assert [c.code for c in grades if c.extra.get("severe")] == ["1", "2"]


def test_problem_lists() -> None:
    assert {c.code for c in code_list("problem_category")} == {
        "food",
        "clothing",
        "education",
        "medical",
        "housing",
        "water",
        "income",
        "measures",
        "data_error",
    }
    assert {c.code for c in code_list("problem_source")} == {
        "visit",
        "screening",
        "lookback",
        "spot_check",
        "department_alert",
        "hotline_12317",
    }


def test_political_and_education() -> None:
    assert [c.zh for c in code_list("political")] == [
        "中共党员",
        "中共预备党员",
        "共青团员",
        "群众",
    ]
    assert [c.zh for c in code_list("education_attained")] == [
        "文盲或半文盲",
        "小学",
        "初中",
        "高中",
        "大专",
        "本科及以上",
    ]


def test_relation_has_every_national_label_and_cli_code() -> None:
    labels = {c.zh for c in code_list("relation")}
    missing = [lab for lab in DOMAIN_RELATION_LABELS if lab not in labels]
    assert not missing
    codes = {c.code for c in code_list("relation")}
    cli = {"head", "spouse", "child", "grandchild", "parent", "grandparent", "sibling", "other"}
    assert cli <= codes
    assert {
        "son",
        "daughter",
        "daughter_in_law",
        "son_in_law",
        "grandson",
        "granddaughter",
    } <= codes


def test_every_relation_maps_to_a_known_coarse_code() -> None:
    coarse = {c.code for c in code_list("relation_coarse")}
    assert coarse == {"01", "10", "20", "30", "40", "50", "60", "70", "99"}
    for c in code_list("relation"):
        assert coarse_relation(c.code) in coarse, c.code


@pytest.mark.parametrize(
    ("code", "coarse"),
    [
        ("head", "01"),
        ("spouse", "10"),
        ("son", "20"),
        ("daughter", "30"),
        ("son_in_law", "20"),
        ("daughter_in_law", "30"),
        ("grandson", "40"),
        ("daughters_daughter", "40"),
        ("great_grandson", "40"),
        ("father", "50"),
        ("husbands_mother", "50"),
        ("maternal_grandmother", "60"),
        ("sibling", "70"),
        ("sibling_in_law", "70"),
        ("nephew", "99"),
        ("uncle", "99"),
        ("other", "99"),
        ("child", "20"),
        ("grandchild", "40"),
        ("parent", "50"),
        ("grandparent", "60"),
    ],
)
def test_coarse_relation(code: str, coarse: str) -> None:
    assert coarse_relation(code) == coarse


def test_coarse_relation_by_label_and_sex() -> None:
    assert coarse_relation("之儿媳") == "30"
    assert coarse_relation("户主") == "01"
    assert coarse_relation("child", sex="female") == "30"
    assert coarse_relation("child", sex="male") == "20"
    # The sex only refines the generic code; a son stays 20.
    assert coarse_relation("son", sex="female") == "20"
    with pytest.raises(KeyError):
        coarse_relation("cousin")


def test_label_and_is_code() -> None:
    assert label("housing_grade", "C") == "C级（局部危房）"
    assert label("housing_grade", "C", "en") == "Grade C (partly dangerous)"
    assert label("labour", "weak", "zh_CN") == "弱劳动力或半劳动力"
    assert label("labour", "weak", "en_GB") == "Weak or half labour"
    assert label("labour", "retired") == "retired"  # unknown codes show as they are
    assert is_code("risk", "R_ILL")
    assert not is_code("risk", "R_FLU")
    assert not is_code("risk", None)
    assert not is_code("health", ["healthy"])
    with pytest.raises(KeyError):
        code_list("no_such_list")
    with pytest.raises(KeyError):
        is_code("no_such_list", "x")


def test_code_list_returns_a_copy() -> None:
    first = code_list("sex")
    first.clear()
    assert [c.code for c in code_list("sex")] == ["male", "female"]


def test_schooling_extras() -> None:
    in_school = {c.code for c in code_list("schooling") if c.extra.get("in_school")}
    assert {"primary", "grade7", "grade9", "college", "home_schooling"} <= in_school
    assert not in_school & {"finished", "not_enrolled", "exempt_disability"}
    for c in code_list("schooling"):
        low, high = c.extra.get("age_min"), c.extra.get("age_max")
        if low is not None and high is not None:
            assert low <= high, c.code
    primary = get_code("schooling", "primary")
    assert primary is not None and primary.extra["age_max"] < 16  # 小学 at 16 is implausible
    grade7 = get_code("schooling", "grade7")
    assert grade7 is not None and grade7.extra["age_min"] >= 10  # 七年级 under 10 is implausible


def test_tuopin_flags() -> None:
    tuopin = {c.code for c in code_list("household_type") if c.extra.get("tuopin")}
    assert tuopin == {"tuopin_general", "tuopin_dibao", "tuopin_tekun"}
