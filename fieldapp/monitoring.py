"""The monitoring lifecycle (防止返贫动态监测, DOMAIN.md §9.3) as pure functions.

A household's lifecycle is the list of steps taken on it (each one an
immutable record: which step, on what date, by whom, with a note). Its state is
a replay of those steps in the order they were recorded; a step that the state
did not allow at its point (two laptops and the county acting at once) is kept
but ignored, so every replica derives the same state from the same steps. The
county may date a step before the one it follows (a decision entered from
paper); villages and townships may not.

Which checks and publicity come between a proposal and the county's approval,
and their deadlines, are policy (``resources/policy``, section ``monitoring``).
Nothing here reads the store: the services gather the steps, visits, members
and measures and call these functions, and the tests call them directly.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fieldapp.errors import InputRefused, InvalidTransition

# The catalogue of steps (DOMAIN.md §9.3). The policy picks and orders the
# checks between a proposal and the county's decision from these.
IDENTIFICATION_CHECKS = ("verified", "data_compared", "village_reviewed", "publicised", "township_checked")
ELIMINATION_CHECKS = ("elim_verified", "elim_reviewed", "elim_publicised", "elim_township_checked")
PROPOSED = "proposed"
APPROVED = "county_approved"
ELIM_PROPOSED = "elimination_proposed"
ELIM_APPROVED = "elim_county_approved"
REJECTED = "rejected"
REVERTED = "reverted"
STEPS = (PROPOSED, *IDENTIFICATION_CHECKS, APPROVED, ELIM_PROPOSED, *ELIMINATION_CHECKS, ELIM_APPROVED, REJECTED, REVERTED)

# States: none, then the name of the last identification step taken, then
# monitoring; elimination_proposed and the elimination checks; eliminated.
NONE = "none"
MONITORING = "monitoring"
ELIMINATED = "eliminated"
MONITORING_TYPES = ("unstable", "marginal", "sudden")
ELIMINATION_MODES = ("assisted", "natural")
ROLES = ("village", "township", "county")

# The elimination conditions of CLI.md (`monitor show`), in the order it lists them.
CONDITIONS = ("not_monitored", "observation_period", "income_below_line", "indicator_not_met", "rigid_spending",
              "no_labour", "no_developmental_measure")

STEP_LABELS: dict[str, tuple[str, str]] = {
    PROPOSED: ("提出纳入监测", "Proposed for monitoring"),
    "verified": ("入户核实", "Household verified"),
    "data_compared": ("信息比对", "Data compared"),
    "village_reviewed": ("民主评议", "Village review"),
    "publicised": ("村内公示", "Publicised in the village"),
    "township_checked": ("乡镇审核", "Township check"),
    APPROVED: ("县级审定纳入监测", "County approved monitoring"),
    ELIM_PROPOSED: ("提出风险消除", "Risk elimination proposed"),
    "elim_verified": ("风险消除入户核实", "Elimination verified"),
    "elim_reviewed": ("风险消除民主评议", "Elimination village review"),
    "elim_publicised": ("风险消除公示", "Elimination publicised"),
    "elim_township_checked": ("风险消除乡镇审核", "Elimination township check"),
    ELIM_APPROVED: ("县级审定风险消除", "County approved risk elimination"),
    REJECTED: ("退回", "Rejected"),
    REVERTED: ("返回监测（出现新风险）", "Back to monitoring (new risk)"),
}
STATE_LABELS: dict[str, tuple[str, str]] = {
    NONE: ("非监测对象", "Not monitored"),
    PROPOSED: ("已提出，待核实", "Proposed"),
    MONITORING: ("监测帮扶中", "Monitoring"),
    ELIM_PROPOSED: ("已提出风险消除", "Elimination proposed"),
    ELIMINATED: ("风险已消除", "Risk eliminated"),
}
CONDITION_TEXT: dict[str, tuple[str, str]] = {
    "not_monitored": ("该户不在监测帮扶中", "the household is not being monitored"),
    "observation_period": ("监测时间不足{months}个月（{until}起方可提出）",
                           "monitored for less than {months} months (can be proposed from {until})"),
    "income_below_line": ("观察期内有走访人均纯收入低于监测线或未填报收入",
                          "a visit in the observation period had per-capita income below the line, or none recorded income"),
    "indicator_not_met": ("最近一次走访有指标未达标", "the latest visit has an indicator not met"),
    "rigid_spending": ("最近一次走访显示刚性支出过大（突发困难）", "the latest visit shows a shock (rigid spending)"),
    "no_labour": ("家中无劳动能力，落实兜底保障后继续监测", "no member can work: keep monitoring under social protection"),
    "no_developmental_measure": ("有劳动力但未落实开发式帮扶措施（产业、就业、金融、公益岗位）",
                                 "members can work but there is no developmental measure (industry, employment, finance, public job)"),
}


def label(table: Mapping[str, tuple[str, str]], code: str, lang: str = "zh") -> str:
    """The Chinese or English label of a step, state or condition code."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[0] if lang.lower().startswith("zh") else pair[1]


def state_label(state: str, lang: str = "zh") -> str:
    if state in STATE_LABELS:
        return label(STATE_LABELS, state, lang)
    return label(STEP_LABELS, state, lang)


def trusted_role(device_id: str, claimed: object) -> str:
    """The role a step is taken in: only the county's own device speaks for a township or the
    county; a step from any laptop is the village's, whatever its record says."""
    if device_id.startswith("county:") and claimed in ("township", "county"):
        return str(claimed)
    return "village"


# ----- policy ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepRule:
    """One configured step: who takes it, its deadline in days after the step before it, and
    for publicity the days it must run before the next step may follow."""

    step: str
    by: str
    days: int
    min_days: int = 0


@dataclass(frozen=True)
class LifecyclePolicy:
    """The policy numbers of the lifecycle (section ``monitoring`` of the policy file)."""

    identification: tuple[StepRule, ...]
    elimination: tuple[StepRule, ...]
    min_observation_months: int = 6
    phase_out_months: int = 6
    phase_out_visit_days: int = 90
    measure_within_days: int = 30
    developmental_within_months: int = 6

    def rules_for(self, phase: str) -> tuple[StepRule, ...]:
        return self.identification if phase == "identification" else self.elimination


def _bad(where: str, problem: str) -> InputRefused:
    return InputRefused(f"policy file: monitoring.{where} {problem}", f"政策参数文件：monitoring.{where} {problem}",
                        code="policy_invalid")


def _int(section: Mapping[str, Any], key: str, default: int, lo: int = 0, hi: int | None = None) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        raise _bad(key, f"must be a whole number from {lo}" + (f" to {hi}" if hi is not None else ""))
    return value


def _rules(section: Mapping[str, Any], key: str, allowed: tuple[str, ...], final: str) -> tuple[StepRule, ...]:
    raw = section.get(key)
    if not isinstance(raw, list) or not raw:
        raise _bad(key, "must be a list of steps")
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            raise _bad(f"{key}[{i}]", "must be an object {step, by, days}")
        step, by = entry.get("step"), entry.get("by")
        if step not in (*allowed, final):
            raise _bad(f"{key}[{i}].step", f"must be one of {', '.join((*allowed, final))}")
        if by not in ROLES:
            raise _bad(f"{key}[{i}].by", f"must be one of {', '.join(ROLES)}")
        out.append(StepRule(str(step), str(by), _int(entry, "days", 5, 1), _int(entry, "min_days", 0)))
    steps = [r.step for r in out]
    if steps[-1] != final or len(set(steps)) != len(steps):
        raise _bad(key, f"must list each step once and end with {final}")
    if out[-1].by != "county":
        raise _bad(f"{key}[{len(out) - 1}].by", "must be county (the county decides)")
    return tuple(out)


def parse_lifecycle_policy(section: Mapping[str, Any], min_observation_months: int) -> LifecyclePolicy:
    """Read and check the ``monitoring`` section of a policy file."""
    return LifecyclePolicy(
        identification=_rules(section, "identification_steps", IDENTIFICATION_CHECKS, APPROVED),
        elimination=_rules(section, "elimination_steps", ELIMINATION_CHECKS, ELIM_APPROVED),
        min_observation_months=min_observation_months,
        phase_out_months=_int(section, "phase_out_months", 6, 6, 12),
        phase_out_visit_days=_int(section, "phase_out_visit_interval_days", 90, 1),
        measure_within_days=_int(section, "measure_within_days", 30, 1),
        developmental_within_months=_int(section, "developmental_within_months", 6, 1),
    )


# ----- steps and their replay -----------------------------------------------------------------
def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    m = d.month - 1 + months
    year, month = d.year + m // 12, m % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Step:
    """One step taken on a household: which, on what date (``at``), by whom and in which role."""

    id: str
    household_id: str
    step: str
    at: date
    actor: str = ""
    role: str = "village"
    note: str = ""
    type: str | None = None
    mode: str | None = None
    recorded_at: str = ""
    evidence_visit: str | None = None  # the visit the village's step rests on
    evidence_attachments: tuple[str, ...] = ()  # its photos and signatures

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"id": self.id, "step": self.step, "label": label(STEP_LABELS, self.step, lang), "at": self.at.isoformat(),
                "actor": self.actor, "role": self.role, "note": self.note, "type": self.type, "mode": self.mode,
                "evidence": {"visit_id": self.evidence_visit, "attachments": list(self.evidence_attachments)}
                if self.evidence_visit else None}


@dataclass(frozen=True)
class NextStep:
    """The step a household waits for, who takes it and by when."""

    step: str
    by: str
    deadline: date
    not_before: date | None
    overdue: bool

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"step": self.step, "label": label(STEP_LABELS, self.step, lang), "by": self.by,
                "deadline": self.deadline.isoformat(), "overdue": self.overdue,
                "not_before": self.not_before.isoformat() if self.not_before else None}


@dataclass(frozen=True)
class Lifecycle:
    """A household's lifecycle as of ``today``."""

    state: str = NONE
    type: str | None = None
    since: date | None = None
    monitoring_since: date | None = None
    identified_on: date | None = None
    eliminated_on: date | None = None
    mode: str | None = None
    phase_out_until: date | None = None
    in_phase_out: bool = False
    next_step: NextStep | None = None
    history: tuple[Step, ...] = ()
    ignored: tuple[tuple[Step, str], ...] = field(default_factory=tuple)

    @property
    def phase(self) -> str | None:
        """``identification`` or ``elimination`` while checks are under way, else None."""
        if self.state == PROPOSED or self.state in IDENTIFICATION_CHECKS:
            return "identification"
        if self.state == ELIM_PROPOSED or self.state in ELIMINATION_CHECKS:
            return "elimination"
        return None

    @property
    def monitored(self) -> bool:
        """Under monitoring: approved and not yet eliminated (an elimination under way still counts)."""
        return self.state == MONITORING or self.phase == "elimination"


def _order(steps: Iterable[Step]) -> list[Step]:
    # In the order they were recorded (ids are time-ordered UUIDv7): the county may enter a decision
    # taken on paper with an earlier date than the step it follows.
    return sorted(steps, key=lambda s: (s.recorded_at, s.id))


def _pending(lc: Lifecycle, policy: LifecyclePolicy) -> StepRule | None:
    """The next configured check or decision of the phase under way."""
    phase = lc.phase
    if phase is None:
        return None
    rules = policy.rules_for(phase)
    done = lc.state
    if done in (PROPOSED, ELIM_PROPOSED):
        return rules[0]
    names = [r.step for r in rules]
    i = names.index(done) if done in names else -1
    return rules[i + 1] if 0 <= i < len(rules) - 1 else rules[-1]


def allowed_steps(lc: Lifecycle, policy: LifecyclePolicy) -> dict[str, tuple[str, ...]]:
    """Each step the state allows now, with the roles that may take it (the county may take any)."""
    if lc.state == NONE:
        return {PROPOSED: ROLES}
    if lc.state == MONITORING:
        return {ELIM_PROPOSED: ("village", "county")}
    if lc.state == ELIMINATED:
        return {REVERTED: ROLES}
    rule = _pending(lc, policy)
    out: dict[str, tuple[str, ...]] = {}
    if rule is not None:
        out[rule.step] = tuple(sorted({rule.by, "county"}, key=ROLES.index))
    out[REJECTED] = ("township", "county")
    if lc.phase == "elimination":
        out[REVERTED] = ROLES
    return out


def check_step(lc: Lifecycle, step: Step, policy: LifecyclePolicy) -> None:
    """Raise :class:`InvalidTransition` unless ``step`` may follow the lifecycle ``lc``."""
    allowed = allowed_steps(lc, policy)
    name_zh, name_en = label(STEP_LABELS, step.step, "zh"), label(STEP_LABELS, step.step, "en")
    state_zh, state_en = state_label(lc.state, "zh"), state_label(lc.state, "en")
    if step.step not in allowed:
        nxt = ", ".join(label(STEP_LABELS, s, "en") for s in allowed) or "none"
        raise InvalidTransition(f"'{name_en}' cannot follow '{state_en}' (next: {nxt})",
                                f"当前状态为“{state_zh}”，不能进行“{name_zh}”", code="step_not_allowed")
    if step.role not in allowed[step.step]:
        raise InvalidTransition(f"'{name_en}' is taken by the {' or '.join(allowed[step.step])}, not the {step.role}",
                                f"“{name_zh}”须由{'或'.join(_ROLE_ZH[r] for r in allowed[step.step])}办理",
                                code="step_wrong_role")
    last = lc.history[-1].at if lc.history else None
    if last is not None and step.at < last and step.role != "county":
        raise InvalidTransition(f"'{name_en}' on {step.at} is before the previous step ({last})",
                                f"“{name_zh}”的日期{step.at}早于上一步（{last}）", code="step_before_previous")
    nxt_rule = lc.next_step
    if (nxt_rule is not None and nxt_rule.step == step.step and nxt_rule.not_before and step.at < nxt_rule.not_before
            and step.role != "county"):
        raise InvalidTransition(f"the publicity runs until {nxt_rule.not_before}; '{name_en}' cannot come earlier",
                                f"公示期至{nxt_rule.not_before}，之前不能进行“{name_zh}”", code="publicity_running")
    if step.step in (PROPOSED, APPROVED) and step.type is not None and step.type not in MONITORING_TYPES:
        raise InvalidTransition(f"'{step.type}' is not a monitoring type ({', '.join(MONITORING_TYPES)})",
                                f"“{step.type}”不是监测类型", code="bad_monitoring_type")
    if step.step == PROPOSED and step.type is None:
        raise InvalidTransition("a proposal needs a monitoring type", "提出纳入监测须选择监测类型", code="bad_monitoring_type")
    if step.step in (REJECTED, REVERTED) and not step.note.strip():
        raise InvalidTransition("say why (a note is required)", "请填写原因", code="note_required")


_ROLE_ZH = {"village": "村", "township": "乡镇", "county": "县"}


def _after(lc: Lifecycle, step: Step, policy: LifecyclePolicy) -> Lifecycle:
    """The lifecycle once ``step`` (already checked) is taken."""
    s = step.step
    history = (*lc.history, step)
    if s == PROPOSED:
        return Lifecycle(state=PROPOSED, type=step.type, since=step.at, history=history, ignored=lc.ignored)
    if s == APPROVED:
        return Lifecycle(state=MONITORING, type=step.type or lc.type, since=step.at, monitoring_since=step.at,
                         identified_on=step.at, history=history, ignored=lc.ignored)
    if s == ELIM_PROPOSED:
        return Lifecycle(state=ELIM_PROPOSED, type=lc.type, since=step.at, monitoring_since=lc.monitoring_since,
                         identified_on=lc.identified_on, mode=step.mode, history=history, ignored=lc.ignored)
    if s == ELIM_APPROVED:
        return Lifecycle(state=ELIMINATED, type=lc.type, since=step.at, monitoring_since=lc.monitoring_since,
                         identified_on=lc.identified_on, eliminated_on=step.at, mode=step.mode or lc.mode,
                         phase_out_until=add_months(step.at, policy.phase_out_months), history=history, ignored=lc.ignored)
    if s == REVERTED or (s == REJECTED and lc.phase == "elimination"):
        # Back to monitoring; a reversion starts a new observation period.
        start = step.at if s == REVERTED else lc.monitoring_since
        return Lifecycle(state=MONITORING, type=step.type or lc.type, since=step.at, monitoring_since=start,
                         identified_on=lc.identified_on, history=history, ignored=lc.ignored)
    if s == REJECTED:
        return Lifecycle(state=NONE, since=step.at, history=history, ignored=lc.ignored)
    # A check of the phase under way.
    return Lifecycle(state=s, type=step.type or lc.type, since=step.at, monitoring_since=lc.monitoring_since,
                     identified_on=lc.identified_on, mode=lc.mode, history=history, ignored=lc.ignored)


def _with_due(lc: Lifecycle, policy: LifecyclePolicy, today: date) -> Lifecycle:
    rule = _pending(lc, policy)
    in_phase_out = lc.phase_out_until is not None and lc.state == ELIMINATED and today < lc.phase_out_until
    if rule is None or not lc.history:
        return _replace(lc, next_step=None, in_phase_out=in_phase_out)
    last = lc.history[-1]
    deadline = last.at + timedelta(days=rule.days)
    prev = next((r for r in policy.rules_for(lc.phase or "") if r.step == last.step), None)
    not_before = last.at + timedelta(days=prev.min_days) if prev is not None and prev.min_days else None
    if not_before is not None and deadline < not_before:
        deadline = not_before + timedelta(days=rule.days)
    return _replace(lc, next_step=NextStep(rule.step, rule.by, deadline, not_before, today > deadline), in_phase_out=in_phase_out)


def _replace(lc: Lifecycle, **changes: Any) -> Lifecycle:
    from dataclasses import replace

    return replace(lc, **changes)


def replay(steps: Iterable[Step], policy: LifecyclePolicy, today: date) -> Lifecycle:
    """Derive the lifecycle from its steps (in date order); steps not allowed at their point are ignored."""
    lc = Lifecycle()
    for step in _order(steps):
        try:
            check_step(_with_due(lc, policy, step.at), step, policy)
        except InvalidTransition as exc:
            lc = _replace(lc, ignored=(*lc.ignored, (step, exc.en)))
            continue
        lc = _after(lc, step, policy)
    return _with_due(lc, policy, today)


# ----- risk elimination ------------------------------------------------------------------------
@dataclass(frozen=True)
class VisitEvidence:
    """What the elimination conditions read from one finalised visit."""

    on: date
    verdicts: Mapping[str, str]
    shock: bool = False


def elimination_failing(lc: Lifecycle, visits: Sequence[VisitEvidence], *, labour: Iterable[bool],
                        developmental_measure: bool, policy: LifecyclePolicy, today: date) -> list[str]:
    """The risk-elimination conditions that do not hold (CLI.md ``monitor show``), in CONDITIONS order.

    Args:
        lc: The household's lifecycle.
        visits: Its finalised visits (any order).
        labour: Per active member, whether they can work (技能, 普通 or 弱/半 labour).
        developmental_measure: Whether the household has a developmental measure that is not cancelled.
        policy: The lifecycle policy (observation minimum).
        today: The date of the check.
    """
    failing: list[str] = []
    start = lc.monitoring_since
    if lc.state != MONITORING or start is None:
        failing.append("not_monitored")
    if start is None or add_months(start, policy.min_observation_months) > today:
        failing.append("observation_period")
    in_period = [v for v in visits if start is not None and start <= v.on <= today]
    incomes = [v.verdicts.get("income", "unknown") for v in in_period]
    known = [x for x in incomes if x != "unknown"]
    if start is not None and (not known or "not_met" in known):
        failing.append("income_below_line")
    latest = max(visits, key=lambda v: v.on) if visits else None
    if latest is None or any(x == "not_met" for x in latest.verdicts.values()):
        failing.append("indicator_not_met")
    if latest is not None and latest.shock:
        failing.append("rigid_spending")
    can_work = any(labour)
    if not can_work:
        failing.append("no_labour")
    elif not developmental_measure:
        failing.append("no_developmental_measure")
    return failing


def observation_ends(lc: Lifecycle, policy: LifecyclePolicy) -> date | None:
    """The first date on which the observation minimum is met."""
    return add_months(lc.monitoring_since, policy.min_observation_months) if lc.monitoring_since else None


def condition_text(code: str, lc: Lifecycle, policy: LifecyclePolicy, lang: str = "zh") -> str:
    """One failing condition in words."""
    until = observation_ends(lc, policy)
    text = label(CONDITION_TEXT, code, lang)
    return text.format(months=policy.min_observation_months, until=until.isoformat() if until else "—")


# ----- 一户一策: plan warnings (DOMAIN.md §9.2) ----------------------------------------------------
@dataclass(frozen=True)
class PlanWarning:
    code: str
    en: str
    zh: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang.lower().startswith("zh") else self.en


@dataclass(frozen=True)
class MeasureFacts:
    """What the time rules read from one measure."""

    category: str
    developmental: bool
    status: str
    start: date | None


def plan_warnings(lc: Lifecycle, measures: Sequence[MeasureFacts], *, labour: Iterable[bool],
                  policy: LifecyclePolicy, today: date) -> list[PlanWarning]:
    """The §9.2 time rules: no measure a month after identification; no developmental measure six
    months after identification when someone in the household can work."""
    if not lc.monitored or lc.identified_on is None:
        return []
    live = [m for m in measures if m.status != "cancelled"]
    out = []
    due = lc.identified_on + timedelta(days=policy.measure_within_days)
    if not live and today >= due:
        out.append(PlanWarning(
            "no_measure",
            f"no assistance measure {policy.measure_within_days} days after identification ({lc.identified_on})",
            f"识别纳入监测（{lc.identified_on}）已满{policy.measure_within_days}天，尚未落实帮扶措施"))
    dev_due = add_months(lc.identified_on, policy.developmental_within_months)
    if any(labour) and today >= dev_due and not any(m.developmental for m in live):
        out.append(PlanWarning(
            "no_developmental_measure",
            f"members can work but there is no developmental measure {policy.developmental_within_months} months"
            f" after identification ({lc.identified_on})",
            f"有劳动能力，识别已满{policy.developmental_within_months}个月，尚未落实开发式帮扶措施"))
    return out


def schedule_basis(lc: Lifecycle, policy: LifecyclePolicy, today: date) -> tuple[str, int | None] | None:
    """What the visit schedule follows: the monitoring type to schedule by and, in the 渐退期, the
    reduced interval that caps it; None when the lifecycle does not decide (not monitored yet)."""
    if lc.state == ELIMINATED:
        in_phase_out = lc.phase_out_until is not None and today < lc.phase_out_until
        return ("none", policy.phase_out_visit_days if in_phase_out else None)
    if lc.monitored and lc.type is not None:
        return (lc.type, None)
    return None
