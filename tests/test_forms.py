"""The visit form definition and the form engine (conditions, paths, relevance)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldapp.codes import code_list, list_names
from fieldapp.errors import NotFound
from fieldapp.forms import (
    FIELD_TYPES,
    Form,
    available_versions,
    evaluate,
    form_from_dict,
    get_path,
    load_form,
    set_path,
)
from fieldapp.resources import load_json

OPERATORS = {"eq", "ne", "in", "not_in", "contains", "truthy", "answered", "gt", "gte", "lt", "lte"}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(load_json("forms", "visit-v1.json"))
    return data


@pytest.fixture(scope="module")
def form() -> Form:
    return load_form()


def _labels_ok(labels: Any) -> bool:
    return (
        isinstance(labels, dict)
        and isinstance(labels.get("zh"), str)
        and labels["zh"].strip() != ""
        and isinstance(labels.get("en"), str)
        and labels["en"].strip() != ""
    )


def _condition_fields(cond: Any) -> Iterator[str]:
    """Every ``field`` a condition refers to; fails on unknown operators."""
    if cond is None:
        return
    assert isinstance(cond, dict), cond
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        assert set(cond) == {key} and isinstance(cond[key], list) and cond[key], cond
        for sub in cond[key]:
            yield from _condition_fields(sub)
    elif "not" in cond:
        assert set(cond) == {"not"}, cond
        yield from _condition_fields(cond["not"])
    else:
        assert "field" in cond, cond
        ops = set(cond) - {"field"}
        assert ops and ops <= OPERATORS, cond
        yield cond["field"]


# --- the file is well-formed -------------------------------------------------------------------


def test_header(raw: dict[str, Any]) -> None:
    assert raw["form_id"] == "visit"
    assert raw["version"] == 1
    assert _labels_ok(raw["title"])


def test_sections_in_order(raw: dict[str, Any]) -> None:
    codes = [s["code"] for s in raw["sections"]]
    assert codes == [
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


def test_every_label_is_bilingual(raw: dict[str, Any]) -> None:
    for s in raw["sections"]:
        assert _labels_ok(s["title"]), s["code"]
        if s.get("help") is not None:
            assert _labels_ok(s["help"]), s["code"]
        for f in s["fields"]:
            assert _labels_ok(f["label"]), f["code"]
            for key in ("help", "unit", "constraint_message"):
                if f.get(key) is not None:
                    assert _labels_ok(f[key]), (f["code"], key)


def test_every_field_has_the_documented_keys(raw: dict[str, Any]) -> None:
    keys = {"code", "label", "type", "list", "required", "min", "max", "unit", "help"}
    keys |= {"relevant", "constraint", "constraint_message"}
    for s in raw["sections"]:
        assert {"code", "title", "help", "repeat", "fields"} <= set(s)
        for f in s["fields"]:
            assert keys <= set(f), f["code"]
            assert f["type"] in FIELD_TYPES, f["code"]
            assert isinstance(f["required"], bool), f["code"]


def test_choice_fields_name_existing_lists(raw: dict[str, Any]) -> None:
    names = set(list_names())
    for s in raw["sections"]:
        for f in s["fields"]:
            if f["type"] in ("choice", "multi_choice"):
                assert f["list"] in names, f["code"]
            else:
                assert f["list"] is None, f["code"]


def test_field_codes_are_unique_and_dotted(form: Form) -> None:
    keys = [f.key for f in form.all_fields()]
    assert len(keys) == len(set(keys))
    for section in form.sections:
        codes = [f.code for f in section.fields]
        assert len(codes) == len(set(codes)), section.code
        for f in section.fields:
            if section.is_repeat:
                assert "." not in f.code, f.code
            else:
                assert f.code.startswith(section.code + "."), f.code


def test_numbers_have_sane_ranges(form: Form) -> None:
    for f in form.all_fields():
        if f.type not in ("int", "number"):
            assert f.min is None and f.max is None, f.code
        elif f.min is not None and f.max is not None:
            assert f.min < f.max, f.code


def test_conditions_refer_to_existing_fields(form: Form) -> None:
    top = {f.code for s in form.sections if not s.is_repeat for f in s.fields}
    for section in form.sections:
        own = {f.code for f in section.fields}
        for f in section.fields:
            for cond in (f.relevant, f.constraint, f.required_if):
                for ref in _condition_fields(cond):
                    if section.is_repeat and "." not in ref:
                        assert ref in own, (f.key, ref)
                    else:
                        assert ref in top, (f.key, ref)
                    assert ref != f.code or cond is not f.relevant, f"{f.key} depends on itself"
                # Conditions must evaluate on empty answers without raising.
                evaluate(cond, {}, {} if section.is_repeat else None)


def test_relevance_only_refers_to_earlier_fields(form: Form) -> None:
    """Relevance chains are resolved in form order, so a field may only depend on earlier ones."""
    seen: set[str] = set()
    for section in form.sections:
        local: set[str] = set()
        for f in section.fields:
            for ref in _condition_fields(f.relevant):
                assert ref in seen or ref in local, (f.key, ref)
            local.add(f.code)
        seen |= {f.code for f in section.fields if not section.is_repeat}


def test_constraints_have_messages(form: Form) -> None:
    for f in form.all_fields():
        if f.constraint is not None:
            assert f.constraint_message is not None, f.key
            assert f.constraint_severity in ("error", "warning"), f.key


# --- the form matches the CLI assessment input --------------------------------------------------

CLI_PATHS = {
    "food.staple_ok": "bool",
    "food.protein_ok": "bool",
    "clothing.seasonal_ok": "bool",
    "clothing.bedding_ok": "bool",
    "housing.grade": "choice",
    "housing.renovation": "choice",
    "housing.safe_alternative": "bool",
    "water.zone": "choice",
    "water.litres_per_person_day": "number",
    "water.piped_to_yard": "bool",
    "water.fetch_minutes": "int",
    "water.outage_days_12m": "int",
    "water.quality": "choice",
    "income.net_income_yuan": "number",
    "income.household_size": "int",
    "income.rigid_spending_yuan": "number",
    "income.last_year_net_income_yuan": "number",
}

CLI_MEMBER_FIELDS = {
    "schooling": ("choice", "schooling"),
    "medical_insurance": ("choice", "medical_insurance"),
    "serious_illness_insurance": ("bool", None),
    "health": ("multi_choice", "health"),
    "labour": ("choice", "labour"),
}


@pytest.mark.parametrize(("path", "ftype"), sorted(CLI_PATHS.items()))
def test_field_codes_equal_assessment_paths(form: Form, path: str, ftype: str) -> None:
    assert form.field(path).type == ftype


@pytest.mark.parametrize(("code", "spec"), sorted(CLI_MEMBER_FIELDS.items()))
def test_member_fields_equal_assessment_member_keys(
    form: Form, code: str, spec: tuple[str, str | None]
) -> None:
    field = form.field(f"members.{code}")
    assert (field.type, field.list_name) == spec


def test_visit_and_other_sections(form: Form) -> None:
    for code in (
        "visit.type",
        "visit.people_met",
        "visit.policies_explained",
        "visit.next_visit_due",
        "visit.household_confirmed",
        "housing.alternative_type",
        "housing.appraisal_date",
        "housing.appraiser",
        "water.source_type",
        "water.quality_evidence",
        "income.wage_yuan",
        "income.production_yuan",
        "income.property_yuan",
        "income.transfer_yuan",
        "income.production_cost_yuan",
        "notes.text",
        "members.out_of_school_reason",
        "members.family_doctor",
        "members.work_location",
        "members.work_months",
        "risks.code",
        "risks.sub",
        "risks.note",
        "measures.category",
        "measures.description",
        "measures.date",
    ):
        assert form.field(code)
    assert form.field("visit.household_confirmed").required
    assert form.field("risks.code").list_name == "risk"
    assert form.field("measures.category").list_name == "measure"


def test_sections_repeat(form: Form) -> None:
    assert form.section("members").per_member
    assert form.section("risks").max_items == 5
    assert form.section("measures").is_repeat and not form.section("measures").per_member
    assert not form.section("housing").is_repeat
    assert form.section("housing").max_items is None


def test_ranges(form: Form) -> None:
    outage = form.field("water.outage_days_12m")
    assert (outage.min, outage.max) == (0, 365)
    months = form.field("members.work_months")
    assert (months.min, months.max) == (0, 12)
    assert form.field("income.household_size").min == 1


def test_field_lookup(form: Form) -> None:
    assert form.field("members.0190a8b2-aaaa.schooling").code == "schooling"
    assert form.field("risks.3.code").key == "risks.code"
    assert form.field("housing.grade").text("zh").startswith("住房安全等级")
    assert form.field("housing.grade").text("en").startswith("Housing")
    with pytest.raises(KeyError):
        form.field("housing.colour")
    with pytest.raises(KeyError):
        form.field("schooling")  # a member field needs its section
    with pytest.raises(KeyError):
        form.field("housing.x.grade")  # only repeated sections have item paths


# --- loading -----------------------------------------------------------------------------------


def test_load_latest_and_explicit_version() -> None:
    assert 1 in available_versions("visit")
    latest = load_form()
    assert latest.version == max(available_versions("visit"))
    assert load_form("visit", 1).version == 1
    assert load_form("visit", 1) is load_form("visit", 1)


def test_load_missing_form_or_version() -> None:
    with pytest.raises(NotFound):
        load_form("visit", 999)
    with pytest.raises(NotFound):
        load_form("no-such-form")
    assert available_versions("no-such-form") == []


def test_form_from_dict_rejects_unknown_type() -> None:
    bad = {
        "form_id": "x",
        "version": 1,
        "title": {"zh": "表", "en": "Form"},
        "sections": [
            {
                "code": "a",
                "title": {"zh": "甲", "en": "A"},
                "fields": [{"code": "a.b", "label": {"zh": "乙", "en": "B"}, "type": "colour"}],
            }
        ],
    }
    with pytest.raises(ValueError):
        form_from_dict(bad)


# --- relevance ---------------------------------------------------------------------------------


def _relevant(form: Form, answers: dict[str, Any]) -> set[str]:
    return {f.code for f in form.relevant_fields(answers)}


@pytest.mark.parametrize(("grade", "asked"), [("A", False), ("B", False), ("C", True), ("D", True)])
def test_renovation_relevant_for_c_and_d(form: Form, grade: str, asked: bool) -> None:
    assert ("housing.renovation" in _relevant(form, {"housing": {"grade": grade}})) is asked


def test_appraisal_not_asked_without_house(form: Form) -> None:
    asked = _relevant(form, {"housing": {"grade": "no_house"}})
    assert "housing.appraisal_date" not in asked
    assert "housing.appraiser" not in asked
    assert "housing.appraisal_date" in _relevant(form, {"housing": {"grade": "A"}})


def test_fetch_minutes_only_without_piped_water(form: Form) -> None:
    assert "water.fetch_minutes" in _relevant(form, {"water": {"piped_to_yard": False}})
    assert "water.fetch_minutes" not in _relevant(form, {"water": {"piped_to_yard": True}})
    assert "water.fetch_minutes" not in _relevant(form, {})


def test_alternative_type_only_with_safe_alternative(form: Form) -> None:
    assert "housing.alternative_type" in _relevant(form, {"housing": {"safe_alternative": True}})
    assert "housing.alternative_type" not in _relevant(
        form, {"housing": {"safe_alternative": False}}
    )


def test_member_relevance(form: Form) -> None:
    def asked(member: dict[str, Any]) -> set[str]:
        return {f.code for f in form.relevant_fields({}, member)}

    assert "out_of_school_reason" in asked({"schooling": "not_enrolled"})
    assert "out_of_school_reason" not in asked({"schooling": "grade7"})
    assert "family_doctor" in asked({"health": ["disabled", "chronic"]})
    assert "family_doctor" not in asked({"health": ["healthy"]})
    assert "serious_illness_insurance" in asked({"medical_insurance": "resident"})
    assert "serious_illness_insurance" not in asked({"medical_insurance": "employee"})
    assert "labour" in asked({})
    # Member relevance never leaks into the plain sections and vice versa.
    assert "housing.grade" not in asked({})
    assert "schooling" not in _relevant(form, {})


def test_risk_item_relevance(form: Form) -> None:
    def asked(item: dict[str, Any]) -> set[str]:
        return {f.code for f in form.relevant_fields({}, item, section="risks")}

    assert "sub" in asked({"code": "R_DISASTER"})
    assert "sub" not in asked({"code": "R_ILL"})


CHAIN = form_from_dict(
    {
        "form_id": "chain",
        "version": 1,
        "title": {"zh": "链", "en": "Chain"},
        "sections": [
            {
                "code": "s",
                "title": {"zh": "节", "en": "S"},
                "fields": [
                    {"code": "s.a", "label": {"zh": "甲", "en": "A"}, "type": "bool"},
                    {
                        "code": "s.b",
                        "label": {"zh": "乙", "en": "B"},
                        "type": "bool",
                        "relevant": {"field": "s.a", "truthy": True},
                    },
                    {
                        "code": "s.c",
                        "label": {"zh": "丙", "en": "C"},
                        "type": "text",
                        "relevant": {"field": "s.b", "eq": True},
                    },
                ],
            }
        ],
    }
)


def test_relevance_chain_ignores_stale_answers() -> None:
    # b was answered while a was true; after a turned false, c must not be asked either.
    answers = {"s": {"a": False, "b": True, "c": "x"}}
    assert _relevant(CHAIN, answers) == {"s.a"}
    assert _relevant(CHAIN, {"s": {"a": True, "b": True}}) == {"s.a", "s.b", "s.c"}
    assert CHAIN.prune_irrelevant(answers) == {"s": {"a": False}}


def test_prune_irrelevant(form: Form) -> None:
    answers = {
        "housing": {"grade": "A", "renovation": "accepted", "safe_alternative": False},
        "members": {"m1": {"schooling": "grade7", "out_of_school_reason": "weariness"}},
        "risks": [{"code": "R_ILL", "sub": "flood"}],
        "extra": 1,
    }
    before = copy.deepcopy(answers)
    pruned = form.prune_irrelevant(answers)
    assert answers == before  # the input is not changed
    assert pruned["housing"] == {"grade": "A", "safe_alternative": False}
    assert pruned["members"] == {"m1": {"schooling": "grade7"}}
    assert pruned["risks"] == [{"code": "R_ILL"}]
    assert pruned["extra"] == 1
    kept = form.prune_irrelevant({"housing": {"grade": "C", "renovation": "accepted"}})
    assert kept["housing"]["renovation"] == "accepted"


# --- conditions --------------------------------------------------------------------------------

ANSWERS: dict[str, Any] = {
    "housing": {"grade": "C", "safe_alternative": False, "size": 3},
    "member_health": ["chronic", "disabled"],
    "empty": "",
    "none": None,
    "one": 1,
}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        (None, True),
        ({"field": "housing.grade", "eq": "C"}, True),
        ({"field": "housing.grade", "eq": "D"}, False),
        ({"field": "housing.grade", "ne": "D"}, True),
        ({"field": "housing.grade", "in": ["C", "D"]}, True),
        ({"field": "housing.grade", "in": ["A", "B"]}, False),
        ({"field": "housing.missing", "in": ["A", "B"]}, False),
        ({"field": "housing.grade", "not_in": ["A", "B"]}, True),
        ({"field": "member_health", "contains": "chronic"}, True),
        ({"field": "member_health", "contains": "healthy"}, False),
        ({"field": "housing.grade", "contains": "C"}, True),
        ({"field": "housing.missing", "contains": "C"}, False),
        ({"field": "housing.safe_alternative", "truthy": True}, False),
        ({"field": "housing.safe_alternative", "truthy": False}, True),
        ({"field": "housing.safe_alternative", "eq": False}, True),
        ({"field": "housing.missing", "eq": False}, False),
        ({"field": "housing.size", "eq": 3.0}, True),
        ({"field": "housing.size", "eq": True}, False),
        ({"field": "one", "eq": True}, False),  # a yes/no answer never equals a number
        ({"field": "housing.safe_alternative", "eq": 0}, False),
        ({"field": "one", "eq": 1.0}, True),
        ({"field": "housing.missing", "in": [None]}, False),  # unanswered is in no list
        ({"field": "housing.size", "gt": 2}, True),
        ({"field": "housing.size", "gte": 3}, True),
        ({"field": "housing.size", "lt": 3}, False),
        ({"field": "housing.size", "lte": 3}, True),
        ({"field": "housing.missing", "lt": 3}, False),
        ({"field": "housing.grade", "gt": 3}, False),
        ({"field": "housing.grade", "answered": True}, True),
        ({"field": "empty", "answered": True}, False),
        ({"field": "none", "answered": False}, True),
        ({"field": "housing.grade", "in": ["C"], "ne": "D"}, True),
        (
            {"all": [{"field": "housing.grade", "eq": "C"}, {"field": "housing.size", "gt": 5}]},
            False,
        ),
        (
            {"any": [{"field": "housing.grade", "eq": "A"}, {"field": "housing.size", "gt": 2}]},
            True,
        ),
        ({"not": {"field": "housing.grade", "eq": "C"}}, False),
        ({"not": {"not": {"field": "housing.grade", "eq": "C"}}}, True),
    ],
)
def test_evaluate(cond: dict[str, Any] | None, expected: bool) -> None:
    assert evaluate(cond, ANSWERS) is expected


def test_evaluate_member_scope() -> None:
    member = {"schooling": "not_enrolled", "housing": "mine"}
    answers = {"housing": {"grade": "C"}}
    assert evaluate({"field": "schooling", "eq": "not_enrolled"}, answers, member)
    assert not evaluate({"field": "schooling", "eq": "not_enrolled"}, answers)
    # Dotted paths still mean the visit's answers inside a member.
    assert evaluate({"field": "housing.grade", "eq": "C"}, answers, member)


@pytest.mark.parametrize(
    "cond",
    [
        {"field": "a"},
        {"field": "a", "like": "x"},
        {"whatever": 1},
        ["field", "a"],
    ],
)
def test_evaluate_rejects_malformed(cond: Any) -> None:
    with pytest.raises(ValueError):
        evaluate(cond, {})


# --- paths -------------------------------------------------------------------------------------


def test_get_path() -> None:
    answers = {"housing": {"grade": "C"}, "risks": [{"code": "R_ILL"}], "members": {"m.1": {}}}
    assert get_path(answers, "housing.grade") == "C"
    assert get_path(answers, "risks.0.code") == "R_ILL"
    assert get_path(answers, "risks.1.code") is None
    assert get_path(answers, "risks.x") is None
    assert get_path(answers, "housing.grade.x") is None
    assert get_path(answers, "water.zone", "rich") == "rich"
    assert get_path({"a": {"b": None}}, "a.b", 5) == 5
    assert get_path({"a": {"b": False}}, "a.b", 5) is False


def test_set_path_returns_new_dict() -> None:
    answers = {"housing": {"grade": "C"}, "risks": [{"code": "R_ILL"}]}
    before = copy.deepcopy(answers)
    updated = set_path(answers, "housing.renovation", "accepted")
    assert answers == before
    assert updated == {
        "housing": {"grade": "C", "renovation": "accepted"},
        "risks": before["risks"],
    }
    created = set_path({}, "water.quality", "meets")
    assert created == {"water": {"quality": "meets"}}
    listed = set_path(answers, "risks.0.code", "R_DIS")
    assert listed["risks"] == [{"code": "R_DIS"}] and answers == before
    appended = set_path(answers, "risks.1", {"code": "R_EDU"})
    assert [r["code"] for r in appended["risks"]] == ["R_ILL", "R_EDU"]
    with pytest.raises(IndexError):
        set_path(answers, "risks.5", {"code": "R_EDU"})
    member = set_path({}, "members.m1.labour", "weak")
    assert member == {"members": {"m1": {"labour": "weak"}}}


_segment = st.text(alphabet="abcdefgh_", min_size=1, max_size=4)
_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))


@given(
    base=st.dictionaries(_segment, st.dictionaries(_segment, _json_leaf, max_size=3), max_size=3),
    path=st.lists(_segment, min_size=1, max_size=4),
    value=st.one_of(st.booleans(), st.integers(), st.text(min_size=1, max_size=5)),
)
def test_set_then_get_roundtrip(base: dict[str, Any], path: list[str], value: Any) -> None:
    before = copy.deepcopy(base)
    dotted = ".".join(path)
    updated = set_path(base, dotted, value)
    assert get_path(updated, dotted) == value
    assert base == before
    # Everything outside the path is unchanged.
    for key in base:
        if key != path[0]:
            assert updated[key] == base[key]


def test_lists_in_codes_are_used_by_the_form(form: Form) -> None:
    used = {f.list_name for f in form.all_fields() if f.list_name}
    for name in used:
        assert code_list(name)
