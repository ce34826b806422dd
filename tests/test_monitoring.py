"""Table tests of the monitoring lifecycle (DOMAIN.md §9.3): every transition, every
risk-elimination condition, the §9.2 plan time rules and the 渐退期 schedule."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from fieldapp import monitoring as mon
from fieldapp.errors import InputRefused, InvalidTransition
from fieldapp.policy import load_policy
from fieldapp.resources import load_json

POLICY = load_policy().lifecycle
D0 = date(2026, 1, 5)
IDENT = [r.step for r in POLICY.identification]
ELIM = [r.step for r in POLICY.elimination]


def step(name: str, at: date, role: str = "county", **kw: Any) -> mon.Step:
    step.n += 1  # type: ignore[attr-defined]
    if name == mon.PROPOSED:
        kw.setdefault("type", "marginal")
    if name in (mon.REJECTED, mon.REVERTED):
        kw.setdefault("note", "why")
    return mon.Step(id=f"s{step.n:04d}", household_id="h", step=name, at=at, role=role, **kw)  # type: ignore[attr-defined]


step.n = 0  # type: ignore[attr-defined]


def walk(names: list[str], start: date = D0) -> list[mon.Step]:
    """The steps in order, each publicity given its minimum run before the next step."""
    out, at = [], start
    for name in names:
        out.append(step(name, at))
        rule = next((r for r in (*POLICY.identification, *POLICY.elimination) if r.step == name), None)
        at = at + timedelta(days=max(1, rule.min_days if rule else 1))
    return out


TO_MONITORING = [mon.PROPOSED, *IDENT]
TO_ELIMINATED = [*TO_MONITORING, mon.ELIM_PROPOSED, *ELIM]


def state_after(names: list[str]) -> mon.Lifecycle:
    steps = walk(names)
    return mon.replay(steps, POLICY, steps[-1].at if steps else D0)


# ----- the policy is read from the file ----------------------------------------------------------------
def test_policy_numbers_come_from_the_policy_file():
    raw = load_json("policy", "default.json")["monitoring"]
    assert [r.step for r in POLICY.identification] == [s["step"] for s in raw["identification_steps"]]
    assert POLICY.min_observation_months == load_json("policy", "default.json")["elimination"]["min_observation_months"]
    assert POLICY.phase_out_months == raw["phase_out_months"]
    assert IDENT[-1] == mon.APPROVED and ELIM[-1] == mon.ELIM_APPROVED


@pytest.mark.parametrize("edit, where", [
    (lambda m: m.update(phase_out_months=13), "phase_out_months"),
    (lambda m: m.update(phase_out_months=5), "phase_out_months"),
    (lambda m: m["identification_steps"].pop(), "identification_steps"),
    (lambda m: m["identification_steps"][0].update(step="approved_by_mayor"), "identification_steps[0].step"),
    (lambda m: m["identification_steps"][0].update(by="province"), "identification_steps[0].by"),
    (lambda m: m["elimination_steps"][-1].update(by="township"), "elimination_steps"),
    (lambda m: m["identification_steps"].append(dict(m["identification_steps"][-1])), "identification_steps"),
])
def test_bad_lifecycle_policy_is_refused(edit, where):
    section = copy.deepcopy(load_json("policy", "default.json")["monitoring"])
    edit(section)
    with pytest.raises(InputRefused) as exc:
        mon.parse_lifecycle_policy(section, 6)
    assert where in exc.value.en


def test_fewer_configured_checks_shorten_the_path():
    section = copy.deepcopy(load_json("policy", "default.json")["monitoring"])
    section["identification_steps"] = [{"step": "verified", "by": "township", "days": 3},
                                       {"step": "county_approved", "by": "county", "days": 5}]
    pol = mon.parse_lifecycle_policy(section, 6)
    lc = mon.replay([step(mon.PROPOSED, D0), step("verified", D0), step(mon.APPROVED, D0)], pol, D0)
    assert lc.state == mon.MONITORING


# ----- every transition -------------------------------------------------------------------------------
@pytest.mark.parametrize("before, taken, role, result", [
    # none -> proposed (by anyone); nothing else
    ([], mon.PROPOSED, "village", mon.PROPOSED),
    ([], mon.PROPOSED, "county", mon.PROPOSED),
    ([], mon.APPROVED, "county", "step_not_allowed"),
    ([], mon.ELIM_PROPOSED, "village", "step_not_allowed"),
    ([], mon.REVERTED, "village", "step_not_allowed"),
    # identification checks in the configured order, each by its role or the county
    ([mon.PROPOSED], IDENT[0], "township", IDENT[0]),
    ([mon.PROPOSED], IDENT[0], "county", IDENT[0]),
    ([mon.PROPOSED], IDENT[0], "village", "step_wrong_role"),
    ([mon.PROPOSED], IDENT[1], "county", "step_not_allowed"),
    ([mon.PROPOSED], mon.APPROVED, "county", "step_not_allowed"),
    ([mon.PROPOSED], mon.PROPOSED, "village", "step_not_allowed"),
    ([mon.PROPOSED, *IDENT[:2]], "village_reviewed", "village", "village_reviewed"),
    ([mon.PROPOSED, *IDENT[:3]], "publicised", "village", "publicised"),
    ([mon.PROPOSED, *IDENT[:-1]], mon.APPROVED, "county", mon.MONITORING),
    ([mon.PROPOSED, *IDENT[:-1]], mon.APPROVED, "township", "step_wrong_role"),
    ([mon.PROPOSED, *IDENT[:-1]], mon.APPROVED, "village", "step_wrong_role"),
    # rejection: by township or county, back to none
    ([mon.PROPOSED], mon.REJECTED, "township", mon.NONE),
    ([mon.PROPOSED, *IDENT[:3]], mon.REJECTED, "county", mon.NONE),
    ([mon.PROPOSED], mon.REJECTED, "village", "step_wrong_role"),
    # monitoring -> elimination proposed (village or county)
    (TO_MONITORING, mon.ELIM_PROPOSED, "village", mon.ELIM_PROPOSED),
    (TO_MONITORING, mon.ELIM_PROPOSED, "township", "step_wrong_role"),
    (TO_MONITORING, mon.PROPOSED, "village", "step_not_allowed"),
    (TO_MONITORING, mon.REVERTED, "village", "step_not_allowed"),
    (TO_MONITORING, mon.ELIM_APPROVED, "county", "step_not_allowed"),
    # elimination checks, then the county's decision
    ([*TO_MONITORING, mon.ELIM_PROPOSED], ELIM[0], "township", ELIM[0]),
    ([*TO_MONITORING, mon.ELIM_PROPOSED], ELIM[1], "village", "step_not_allowed"),
    ([*TO_MONITORING, mon.ELIM_PROPOSED, *ELIM[:-1]], mon.ELIM_APPROVED, "county", mon.ELIMINATED),
    ([*TO_MONITORING, mon.ELIM_PROPOSED, *ELIM[:-1]], mon.ELIM_APPROVED, "township", "step_wrong_role"),
    # a rejected elimination, or a new risk during it, goes back to monitoring
    ([*TO_MONITORING, mon.ELIM_PROPOSED], mon.REJECTED, "township", mon.MONITORING),
    ([*TO_MONITORING, mon.ELIM_PROPOSED, ELIM[0]], mon.REVERTED, "village", mon.MONITORING),
    # eliminated -> reverted (new risk) by anyone; nothing else
    (TO_ELIMINATED, mon.REVERTED, "village", mon.MONITORING),
    (TO_ELIMINATED, mon.REVERTED, "county", mon.MONITORING),
    (TO_ELIMINATED, mon.ELIM_PROPOSED, "village", "step_not_allowed"),
    (TO_ELIMINATED, mon.PROPOSED, "village", "step_not_allowed"),
    (TO_ELIMINATED, mon.REJECTED, "county", "step_not_allowed"),
])
def test_transition(before, taken, role, result):
    lc = state_after(before)
    at = (lc.history[-1].at if lc.history else D0) + timedelta(days=10)
    s = step(taken, at, role, **({"type": "marginal"} if taken == mon.PROPOSED else {}))
    if result in mon.STATE_LABELS or result in mon.STEPS:
        mon.check_step(lc, s, POLICY)
        after = mon.replay([*lc.history, s], POLICY, at)
        assert after.state == result
    else:
        with pytest.raises(InvalidTransition) as exc:
            mon.check_step(lc, s, POLICY)
        assert exc.value.code == result


@pytest.mark.parametrize("name, kw, code", [
    (mon.PROPOSED, {"type": None}, "bad_monitoring_type"),
    (mon.PROPOSED, {"type": "poor"}, "bad_monitoring_type"),
    (mon.REVERTED, {"note": "  "}, "note_required"),
])
def test_step_needs_its_details(name, kw, code):
    before = [] if name == mon.PROPOSED else TO_ELIMINATED
    lc = state_after(before)
    at = (lc.history[-1].at if lc.history else D0) + timedelta(days=1)
    s = mon.Step(id="x", household_id="h", step=name, at=at, role="village", **kw)
    with pytest.raises(InvalidTransition) as exc:
        mon.check_step(lc, s, POLICY)
    assert exc.value.code == code


def test_a_step_cannot_predate_the_one_before():
    lc = state_after([mon.PROPOSED])
    with pytest.raises(InvalidTransition) as exc:
        mon.check_step(lc, step(IDENT[0], D0 - timedelta(days=1), "township"), POLICY)
    assert exc.value.code == "step_before_previous"


def test_publicity_runs_its_minimum_before_the_next_step():
    names = [mon.PROPOSED, *IDENT[:IDENT.index("publicised") + 1]]
    steps = walk(names)
    pub = steps[-1]
    rule = next(r for r in POLICY.identification if r.step == "publicised")
    lc = mon.replay(steps, POLICY, pub.at)
    assert lc.next_step is not None and lc.next_step.not_before == pub.at + timedelta(days=rule.min_days)
    with pytest.raises(InvalidTransition) as exc:
        mon.check_step(lc, step("township_checked", pub.at + timedelta(days=rule.min_days - 1), "township"), POLICY)
    assert exc.value.code == "publicity_running"
    mon.check_step(lc, step("township_checked", pub.at + timedelta(days=rule.min_days), "township"), POLICY)


def test_replay_ignores_a_step_the_state_did_not_allow_and_is_order_independent():
    steps = walk(TO_MONITORING)
    stray = step(mon.ELIM_APPROVED, steps[2].at)  # the county acting on a stale view
    lc1 = mon.replay([*steps, stray], POLICY, D0 + timedelta(days=60))
    lc2 = mon.replay(list(reversed([*steps, stray])), POLICY, D0 + timedelta(days=60))
    assert lc1 == lc2
    assert lc1.state == mon.MONITORING
    assert [s.id for s, _ in lc1.ignored] == [stray.id]


# ----- deadlines and overdue ---------------------------------------------------------------------------
def test_next_step_deadline_comes_from_the_policy_and_turns_overdue():
    steps = walk([mon.PROPOSED])
    rule = POLICY.identification[0]
    due = D0 + timedelta(days=rule.days)
    on_time = mon.replay(steps, POLICY, due)
    late = mon.replay(steps, POLICY, due + timedelta(days=1))
    assert on_time.next_step == mon.NextStep(rule.step, rule.by, due, None, False)
    assert late.next_step is not None and late.next_step.overdue
    assert mon.replay(walk(TO_MONITORING), POLICY, D0 + timedelta(days=400)).next_step is None


# ----- risk elimination: every condition -----------------------------------------------------------------
MONITORED = mon.replay(walk(TO_MONITORING, date(2026, 1, 2)), POLICY, date(2026, 1, 31))
APPROVED_ON = MONITORED.monitoring_since
assert APPROVED_ON is not None and date(2026, 2, 1) > APPROVED_ON
OK_VERDICTS = {"food": "met", "clothing": "met", "education": "met", "medical": "met", "housing": "met",
               "water": "basic", "income": "met"}


def visits(*items: tuple[date, dict[str, str], bool]) -> list[mon.VisitEvidence]:
    return [mon.VisitEvidence(on, {**OK_VERDICTS, **v}, shock) for on, v, shock in items]


GOOD = visits((date(2026, 2, 10), {}, False), (date(2026, 5, 10), {}, False), (date(2026, 7, 12), {}, False))
AFTER = date(2026, 7, 15)


def failing(lc=MONITORED, vs=GOOD, labour=(True,), dev=True, today=AFTER):
    return mon.elimination_failing(lc, vs, labour=labour, developmental_measure=dev, policy=POLICY, today=today)


@pytest.mark.parametrize("kw, expected", [
    ({}, []),
    ({"lc": mon.Lifecycle()}, ["not_monitored", "observation_period"]),
    ({"lc": mon.replay([step(mon.PROPOSED, D0)], POLICY, D0)}, ["not_monitored", "observation_period"]),
    ({"today": mon.add_months(APPROVED_ON, POLICY.min_observation_months) - timedelta(days=1)},
     ["observation_period"]),
    ({"today": mon.add_months(APPROVED_ON, POLICY.min_observation_months)}, []),
    ({"vs": visits((date(2026, 2, 10), {}, False), (date(2026, 4, 1), {"income": "not_met"}, False),
                   (date(2026, 7, 12), {}, False))}, ["income_below_line"]),
    ({"vs": visits((date(2026, 7, 12), {"income": "unknown"}, False))}, ["income_below_line"]),
    # a visit before monitoring began does not count for the observation period
    ({"vs": visits((date(2025, 12, 1), {"income": "not_met"}, False), (date(2026, 7, 12), {}, False))}, []),
    ({"vs": visits((date(2026, 2, 10), {"housing": "not_met"}, False), (date(2026, 7, 12), {}, False))}, []),
    ({"vs": visits((date(2026, 2, 10), {}, False), (date(2026, 7, 12), {"housing": "not_met"}, False))},
     ["indicator_not_met"]),
    ({"vs": []}, ["income_below_line", "indicator_not_met"]),
    ({"vs": visits((date(2026, 2, 10), {}, True), (date(2026, 7, 12), {}, False))}, []),
    ({"vs": visits((date(2026, 2, 10), {}, False), (date(2026, 7, 12), {}, True))}, ["rigid_spending"]),
    ({"labour": (False, False)}, ["no_labour"]),
    ({"labour": (), "dev": True}, ["no_labour"]),
    ({"labour": (False, True), "dev": False}, ["no_developmental_measure"]),
])
def test_elimination_condition(kw, expected):
    assert failing(**kw) == expected


def test_conditions_are_listed_in_the_contract_order():
    got = failing(vs=visits((date(2026, 3, 1), {"income": "not_met"}, True)), labour=(False,), today=date(2026, 3, 2))
    assert got == ["observation_period", "income_below_line", "indicator_not_met", "rigid_spending", "no_labour"]
    assert set(got) <= set(mon.CONDITIONS)


def test_reversion_restarts_the_observation_period():
    steps = [*walk(TO_MONITORING, date(2025, 1, 2)), *walk([mon.ELIM_PROPOSED, *ELIM], date(2025, 8, 1))]
    eliminated = mon.replay(steps, POLICY, date(2025, 9, 1))
    assert eliminated.state == mon.ELIMINATED and eliminated.eliminated_on == steps[-1].at
    back = mon.replay([*steps, step(mon.REVERTED, date(2025, 11, 3), "village")], POLICY, date(2026, 1, 1))
    assert back.state == mon.MONITORING and back.monitoring_since == date(2025, 11, 3)
    assert failing(lc=back, today=date(2026, 1, 1))[:1] == ["observation_period"]


def test_condition_text_in_both_languages():
    assert "6" in mon.condition_text("observation_period", MONITORED, POLICY, "en")
    ends = mon.observation_ends(MONITORED, POLICY)
    assert ends is not None and ends.isoformat() in mon.condition_text("observation_period", MONITORED, POLICY, "zh")
    for code in mon.CONDITIONS:
        assert mon.condition_text(code, MONITORED, POLICY, "zh") != mon.condition_text(code, MONITORED, POLICY, "en")


# ----- 渐退期 and the visit schedule -------------------------------------------------------------------------
def test_phase_out_keeps_a_reduced_schedule_until_it_ends():
    steps = [*walk(TO_MONITORING, date(2026, 1, 2)), *walk([mon.ELIM_PROPOSED, *ELIM], date(2026, 8, 1))]
    elim_on = steps[-1].at
    until = mon.add_months(elim_on, POLICY.phase_out_months)
    during = mon.replay(steps, POLICY, until - timedelta(days=1))
    after = mon.replay(steps, POLICY, until)
    assert during.in_phase_out and during.phase_out_until == until
    assert not after.in_phase_out
    assert mon.schedule_basis(during, POLICY, until - timedelta(days=1)) == ("none", POLICY.phase_out_visit_days)
    assert mon.schedule_basis(after, POLICY, until) == ("none", None)
    assert mon.schedule_basis(MONITORED, POLICY, AFTER) == ("marginal", None)
    assert mon.schedule_basis(mon.replay(walk([mon.PROPOSED]), POLICY, D0), POLICY, D0) is None


@pytest.mark.parametrize("d, months, expected", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 7, 10), 6, date(2027, 1, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
])
def test_add_months(d, months, expected):
    assert mon.add_months(d, months) == expected


# ----- 一户一策 time rules (DOMAIN.md §9.2) ---------------------------------------------------------------
def m(category: str, dev: bool, status: str = "active") -> mon.MeasureFacts:
    return mon.MeasureFacts(category, dev, status, APPROVED_ON)


@pytest.mark.parametrize("days_after, measures, labour, codes", [
    (POLICY.measure_within_days - 1, [], (True,), []),
    (POLICY.measure_within_days, [], (True,), ["no_measure"]),
    (POLICY.measure_within_days, [m("M_HEALTH", False, "cancelled")], (True,), ["no_measure"]),
    (POLICY.measure_within_days, [m("M_HEALTH", False)], (True,), []),
    (200, [m("M_HEALTH", False)], (True,), ["no_developmental_measure"]),
    (200, [m("M_HEALTH", False)], (False,), []),
    (200, [m("M_INDUSTRY", True)], (True,), []),
    (200, [], (True,), ["no_measure", "no_developmental_measure"]),
])
def test_plan_warnings(days_after, measures, labour, codes):
    today = APPROVED_ON + timedelta(days=days_after)
    got = mon.plan_warnings(MONITORED, measures, labour=labour, policy=POLICY, today=today)
    assert [w.code for w in got] == codes
    assert all(w.zh and w.en and w.zh != w.en for w in got)


def test_no_plan_warnings_outside_monitoring():
    assert mon.plan_warnings(mon.Lifecycle(), [], labour=(True,), policy=POLICY, today=AFTER) == []
