"""The synthetic demo village generator."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from fieldapp import codes
from fieldapp.demo_data import (
    INDICATORS,
    PROBLEM_TARGET_STATUSES,
    DemoHousehold,
    generate_households,
    village_count,
)
from fieldapp.idnumber import age_on, check_id
from fieldapp.resources import load_json

TODAY = date(2026, 3, 1)

# Every verdict each indicator can take (CLI.md "Verdict rules, exactly").
ALL_VERDICTS = {
    "food": {"met", "not_met", "unknown"},
    "clothing": {"met", "not_met", "unknown"},
    "education": {"met", "not_met", "exempt", "not_applicable", "unknown"},
    "medical": {"met", "not_met", "unknown"},
    "housing": {"met", "not_met", "unknown"},
    "water": {"met", "basic", "not_met", "unknown"},
    "income": {"met", "not_met", "unknown"},
}


@pytest.fixture(scope="module")
def village() -> list[DemoHousehold]:
    """Two villages of 300 households each."""
    return list(generate_households(600, seed=7, today=TODAY))


@pytest.fixture(scope="module")
def big() -> list[DemoHousehold]:
    return list(generate_households(5000, seed=11, today=TODAY))


def _as_data(households: list[DemoHousehold]) -> list[tuple[Any, ...]]:
    return [(h.household, h.visits, h.problem_plan, h.scenario) for h in households]


def test_deterministic_for_a_seed() -> None:
    first = _as_data(list(generate_households(200, seed=5, today=TODAY)))
    again = _as_data(list(generate_households(200, seed=5, today=TODAY)))
    other = _as_data(list(generate_households(200, seed=6, today=TODAY)))
    assert first == again
    assert first != other


def test_count_and_empty() -> None:
    assert list(generate_households(0, today=TODAY)) == []
    assert len(list(generate_households(37, today=TODAY))) == 37
    assert village_count(600) == 2
    assert village_count(10) == 1


def test_every_id_is_valid_and_matches_the_member(big: list[DemoHousehold]) -> None:
    county_codes = {c["code"] for c in load_json("demo", "regions.json")["counties"]}
    for h in big:
        county = h.household["village_code"][:6]
        assert county in county_codes
        for m in h.household["members"]:
            c = check_id(m["id_number"], TODAY)
            assert c.valid, (m, c.error)
            assert c.kind == "id18"
            assert c.sex == m["sex"]
            assert c.birth_date is not None and c.birth_date.isoformat() == m["birth_date"]
            assert c.region_code == county
            if "disability" in m:
                cert = check_id(m["disability"]["certificate_number"], TODAY)
                assert cert.valid and cert.kind == "disability20"


def test_no_duplicate_id_numbers(big: list[DemoHousehold]) -> None:
    ids = [m["id_number"] for h in big for m in h.household["members"]]
    assert len(ids) == len(set(ids))
    assert len(ids) > 10_000


def test_family_structure(big: list[DemoHousehold]) -> None:
    sizes: Counter[int] = Counter()
    for h in big:
        members = h.household["members"]
        sizes[len(members)] += 1
        assert 1 <= len(members) <= 6
        relations = [m["relation"] for m in members]
        assert relations.count("head") == 1
        assert relations[0] == "head"
        assert relations.count("spouse") <= 1
        head = members[0]
        for m in members:
            if m["relation"] == "spouse":
                assert m["sex"] != head["sex"]
            if m["relation"] in ("son", "daughter", "grandson", "granddaughter"):
                assert m["birth_date"] > head["birth_date"]
    # Believable: singles, couples and larger families all occur.
    assert all(sizes[k] > 0 for k in range(1, 7))


def test_member_fields_are_consistent(big: list[DemoHousehold]) -> None:
    for h in big[:2000]:
        for m in h.household["members"]:
            assert ("schooling" in m) != ("education_attained" in m), m
            age = age_on(date.fromisoformat(m["birth_date"]), TODAY)
            if "schooling" in m:
                assert codes.is_code("schooling", m["schooling"])
                assert age <= 22
            else:
                assert codes.is_code("education_attained", m["education_attained"])
                assert age >= 15
            if 6 <= age <= 15:
                assert "schooling" in m or age == 15
            assert codes.is_code("relation", m["relation"])
            assert codes.is_code("ethnicity", m["ethnicity"])
            assert codes.is_code("labour", m["labour"])
            assert codes.is_code("medical_insurance", m["medical_insurance"])
            assert m["health"] and all(codes.is_code("health", x) for x in m["health"])
            assert isinstance(m["serious_illness_insurance"], bool)
            # DOMAIN §1.4 rule 3 and 7: work data only with labour capacity.
            if "work_location" in m:
                assert codes.is_code("work_location", m["work_location"])
                assert m["work_months"] > 0
                assert m["labour"] in ("skilled", "ordinary")
            # DOMAIN §1.4 rule 6.
            if 16 <= age <= 59 and m["health"] == ["healthy"] and "schooling" not in m:
                assert m["labour"] not in ("none", "weak")
        assert "phone" in h.household["members"][0]


def test_household_fields(big: list[DemoHousehold]) -> None:
    mobile = re.compile(r"1[3-9]\d{9}")
    for h in big[:2000]:
        hh = h.household
        assert re.fullmatch(r"\d{12}", hh["village_code"])
        assert 100 <= int(hh["village_code"][6:9]) <= 399
        assert re.fullmatch(r"\d+组", hh["group"])
        assert hh["group"] in hh["address"]
        assert mobile.fullmatch(hh["phone"])
        assert hh["phone"] == hh["members"][0]["phone"]
        assert codes.is_code("household_type", hh["household_type"])
        assert codes.is_code("monitoring_type", hh["monitoring_type"])
        assert set(hh["flags"]) == {
            "dibao", "tekun", "near_dibao", "disabled_member", "military", "no_labour",
        }  # fmt: skip
        assert all(isinstance(v, bool) for v in hh["flags"].values())
        assert set(hh["cadre"]) >= {"name", "phone", "unit"}
        assert mobile.fullmatch(hh["cadre"]["phone"])
        if hh["household_type"] == "tuopin_dibao":
            assert hh["flags"]["dibao"]
        assert hh["flags"]["disabled_member"] == any(
            "disabled" in m["health"] for m in hh["members"]
        )


def test_visits_shape(village: list[DemoHousehold]) -> None:
    counts = Counter(len(h.visits) for h in village)
    assert set(counts) == {0, 1, 2, 3}
    start = datetime.combine(TODAY - timedelta(days=366), datetime.min.time())
    for h in village:
        times = [datetime.fromisoformat(v["visited_at"]) for v in h.visits]
        assert times == sorted(times)
        for when, v in zip(times, h.visits, strict=True):
            assert when.tzinfo is not None
            assert start <= when.replace(tzinfo=None) < datetime.combine(TODAY, datetime.min.time())
            members = v["answers"].get("household", {}).get("members")
            if members is None:
                continue
            assert len(members) == len(h.household["members"])
            for answer, m in zip(members, h.household["members"], strict=True):
                assert answer["age"] == age_on(date.fromisoformat(m["birth_date"]), when.date())
                assert codes.is_code("schooling", answer["schooling"])


def test_every_verdict_in_every_village(village: list[DemoHousehold]) -> None:
    from fieldapp.rules import assess

    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for h in village:
        for v in h.visits:
            verdict = assess(v["answers"])
            got = {k: verdict["indicators"][k]["verdict"] for k in INDICATORS}
            assert got == v["expected"], (h.scenario, v["answers"])
            for k, value in got.items():
                seen[h.household["village_code"]][k].add(value)
    assert len(seen) == 2
    for code, by_indicator in seen.items():
        for indicator, wanted in ALL_VERDICTS.items():
            assert by_indicator[indicator] == wanted, (code, indicator)


def test_most_households_are_fine(big: list[DemoHousehold]) -> None:
    visited = [h for h in big if h.visits]
    with_gap = [h for h in visited if "not_met" in h.visits[-1]["expected"].values()]
    share = len(with_gap) / len(visited)
    assert 0.08 <= share <= 0.22, share
    # Gaps are spread over several indicators, not one.
    by_indicator = Counter(
        k for h in with_gap for k, v in h.visits[-1]["expected"].items() if v == "not_met"
    )
    assert len(by_indicator) == len(INDICATORS)
    assert max(by_indicator.values()) < 0.6 * sum(by_indicator.values())


def test_problem_plan(village: list[DemoHousehold]) -> None:
    statuses: dict[str, Counter[str]] = defaultdict(Counter)
    for h in village:
        if not h.visits:
            assert h.problem_plan == []
            continue
        unmet = [k for k in INDICATORS if h.visits[-1]["expected"][k] == "not_met"]
        planned = dict(h.problem_plan)
        assert len(planned) == len(h.problem_plan)
        assert set(planned) <= set(unmet)
        assert set(planned.values()) <= set(PROBLEM_TARGET_STATUSES)
        code = h.household["village_code"]
        for k in unmet:
            statuses[code][planned.get(k, "pending")] += 1
    for code, counter in statuses.items():
        assert set(counter) == {"pending", *PROBLEM_TARGET_STATUSES}, code


def test_monitoring_types_occur(big: list[DemoHousehold]) -> None:
    types = Counter(h.household["monitoring_type"] for h in big)
    assert set(types) == {"none", "unstable", "marginal", "sudden"}
    assert types["none"] > 0.7 * len(big)
    kinds = Counter(h.household["household_type"] for h in big)
    assert set(kinds) == {"ordinary", "tuopin_general", "tuopin_dibao", "tuopin_tekun"}


def test_names_are_random_combinations(big: list[DemoHousehold]) -> None:
    names = load_json("demo", "names.json")
    surnames = set(names["surnames"])
    given = set(names["given_male"]) | set(names["given_female"]) | set(names["given_neutral"])
    for h in big[:500]:
        for m in h.household["members"]:
            assert m["name"][0] in surnames
            assert 2 <= len(m["name"]) <= 3
            assert set(m["name"][1:]) <= given


def test_demo_resources_are_well_formed() -> None:
    regions = load_json("demo", "regions.json")
    village_codes: list[str] = []
    for county in regions["counties"]:
        assert re.fullmatch(r"\d{6}", county["code"])
        assert county["water_zone"] in ("rich", "scarce")
        for township in county["townships"]:
            assert township["code"].startswith(county["code"])
            number = int(township["code"][6:])
            # 统计用区划代码 digits 7-9: 100-199 town (镇), 200-399 township (乡).
            assert 100 <= number <= 399
            assert township["name"].endswith("镇" if number < 200 else "乡")
            for v in township["villages"]:
                assert re.fullmatch(r"\d{12}", v["code"])
                assert v["code"].startswith(township["code"])
                assert v["name"].endswith("村")
                village_codes.append(v["code"])
    assert len(regions["counties"]) >= 10
    assert len(village_codes) == len(set(village_codes))
    names = load_json("demo", "names.json")
    assert len(names["surnames"]) >= 60
    given = names["given_male"] + names["given_female"] + names["given_neutral"]
    assert len(given) >= 140
    assert len(given) == len(set(given))


def test_new_codes_and_shocks_occur(big: list[DemoHousehold]) -> None:
    """Issue 12: the demo uses the corrected codes and every shock signal."""
    from fieldapp.rules import assess

    schooling: Counter[str] = Counter()
    insurance: Counter[str] = Counter()
    convenience_by_path = 0
    claims = 0
    shocks = 0
    for h in big[:2000]:
        for v in h.visits:
            answers = v["answers"]
            for m in answers.get("household", {}).get("members", []):
                schooling[m["schooling"]] += 1
                insurance[m["medical_insurance"]] += 1
            water = answers.get("water") or {}
            convenience_by_path += "fetch_climb_m" in water
            claims += bool((answers.get("income") or {}).get("claims_yuan"))
            verdict = assess(answers)
            assert verdict["shock"]["detected"] is v["shock"], answers.get("income")
            shocks += v["shock"]
    assert "finished" not in schooling
    assert {"graduated", "out_of_school", "preschool"} <= set(schooling)
    assert {"resident", "employee", "elsewhere", "military", "newborn", "none"} <= set(insurance)
    assert convenience_by_path > 0 and claims > 0 and shocks > 0
