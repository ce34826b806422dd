"""The monitoring lifecycle on the laptop: steps, state, risk-elimination conditions and the
一户一策 plan. The rules are pure functions in :mod:`fieldapp.monitoring`; this module
gathers their inputs from the store and writes the steps the laptop takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp import monitoring as mon
from fieldapp import rules
from fieldapp.codes import get_code
from fieldapp.errors import InputRefused, InvalidTransition
from fieldapp.ids import uuid7
from fieldapp.services.common import loads_json, parse_day, parse_dt
from fieldapp.services.visits import VisitServices
from fieldapp.store import utc_now


def step_from_row(sid: str, hid: str, step: str, at: str, actor: str, role: str, note: str, data: Mapping[str, Any],
                  recorded_at: str) -> mon.Step:
    """A stored step (laptop row or server fact) as a :class:`fieldapp.monitoring.Step`."""
    found = data.get("evidence")
    evidence: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return mon.Step(id=sid, household_id=hid, step=step, at=parse_day(at) or date.min, actor=actor, role=role,
                    note=note, type=data.get("type"), mode=data.get("mode"), recorded_at=recorded_at,
                    evidence_visit=evidence.get("visit_id"),
                    evidence_attachments=tuple(str(a) for a in evidence.get("attachments") or ()))


def can_work(labour: Any) -> bool:
    """技能, 普通 or 弱/半 labour (DOMAIN.md §9.2: the labour the developmental rule counts)."""
    code = get_code("labour", labour)
    return bool(code is not None and code.extra.get("can_work"))


def is_developmental(category: Any) -> bool:
    code = get_code("measure", category)
    return bool(code is not None and code.extra.get("developmental"))


def visit_shock(answers: Mapping[str, Any], policy: Any, verdict: Any = None) -> bool:
    """Whether a visit shows a shock: the verdict engine's rule (CLI.md "shock").

    A verdict saved with its ``shock`` is read as it is; an older one is re-checked
    from the income block with :func:`fieldapp.rules.detect_shock`.
    """
    saved = verdict.get("shock") if isinstance(verdict, Mapping) else None
    if isinstance(saved, Mapping) and isinstance(saved.get("detected"), bool):
        return bool(saved["detected"])
    income = answers.get("income")
    if not isinstance(income, Mapping):
        return False
    try:
        return rules.detect_shock(income, policy)["detected"]
    except InputRefused:
        return False


def visit_evidence(visited_at: str, answers: Mapping[str, Any], verdict: Any, policy: Any) -> mon.VisitEvidence:
    """What the elimination conditions read from one finalised visit (laptop row or server fact)."""
    inds = (verdict or {}).get("indicators") or {} if isinstance(verdict, Mapping) else {}
    verdicts = {k: str(r.get("verdict", "unknown")) if isinstance(r, Mapping) else str(r) for k, r in inds.items()}
    return mon.VisitEvidence(parse_dt(visited_at).date(), verdicts, visit_shock(answers, policy, verdict))


def labour_flags(members: Sequence[Mapping[str, Any]], latest_answers: Mapping[str, Any] | None) -> list[bool]:
    """Per active member, whether they can work: the latest visit's answer, else the member record."""
    answered = (latest_answers or {}).get("members") or {}
    out = []
    for m in members:
        given = answered.get(m["id"]) if isinstance(answered, Mapping) else None
        labour = given.get("labour") if isinstance(given, Mapping) and given.get("labour") else m.get("labour")
        out.append(can_work(labour))
    return out


@dataclass(frozen=True)
class MonitorStatus:
    """What ``monitor show`` prints and the monitoring panel shows."""

    household_id: str
    lifecycle: mon.Lifecycle
    failing: tuple[str, ...]
    failing_text: tuple[str, ...]
    warnings: tuple[mon.PlanWarning, ...]
    observation_ends: date | None
    allowed: tuple[str, ...]

    @property
    def eligible_for_elimination(self) -> bool:
        return not self.failing

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        lc = self.lifecycle
        nxt = lc.next_step
        return {
            "household_id": self.household_id,
            "state": lc.state,
            "state_label": mon.state_label(lc.state, lang),
            "type": lc.type if lc.state != mon.NONE else None,
            "since": lc.since.isoformat() if lc.since else None,
            "eligible_for_elimination": self.eligible_for_elimination,
            "failing": list(self.failing),
            "failing_text": list(self.failing_text),
            "monitoring_since": lc.monitoring_since.isoformat() if lc.monitoring_since else None,
            "observation_ends": self.observation_ends.isoformat() if self.observation_ends else None,
            "eliminated_on": lc.eliminated_on.isoformat() if lc.eliminated_on else None,
            "mode": lc.mode,
            "phase_out_until": lc.phase_out_until.isoformat() if lc.phase_out_until else None,
            "in_phase_out": lc.in_phase_out,
            "next_step": nxt.to_json(lang) if nxt else None,
            "overdue": bool(nxt and nxt.overdue),
            "allowed_steps": list(self.allowed),
            "plan_warnings": [{"code": w.code, "text": w.text(lang)} for w in self.warnings],
            "steps": [s.to_json(lang) for s in lc.history],
            "ignored_steps": [{**s.to_json(lang), "reason": why} for s, why in lc.ignored],
        }


@dataclass(frozen=True)
class MonitorRow:
    """One household with a lifecycle, for the laptop's list of steps due."""

    household_id: str
    head_name: str
    village_code: str
    state: str
    type: str | None
    next_step: mon.NextStep | None


class MonitoringServices(VisitServices):
    """The lifecycle steps the laptop takes (proposals, its evidence) and the state it derives."""

    ROLE = "village"

    def monitor_steps(self, hid: str) -> list[mon.Step]:
        rows = self.store.conn.execute(
            "SELECT id, household_id, step, at, actor, role, note, data, recorded_at FROM monitor_step"
            " WHERE household_id = ?", (hid,)).fetchall()
        return [step_from_row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], loads_json(r[7], {}) or {}, r[8]) for r in rows]

    def lifecycle(self, hid: str, today: date | None = None) -> mon.Lifecycle:
        return mon.replay(self.monitor_steps(hid), self.policy.lifecycle, today or date.today())

    def _labour(self, hid: str) -> list[bool]:
        row = self.store.conn.execute(
            "SELECT answers FROM visit WHERE household_id = ? AND status = 'final' ORDER BY visited_at DESC, id DESC"
            " LIMIT 1", (hid,)).fetchone()
        return labour_flags(self.members(hid), loads_json(row[0], {}) if row else None)

    def _measure_facts(self, hid: str) -> list[mon.MeasureFacts]:
        return [mon.MeasureFacts(m["category"], is_developmental(m["category"]), m["status"] or "active",
                                 parse_day(m.get("start_date"))) for m in self.measures(hid)]

    def _visit_evidence(self, hid: str) -> list[mon.VisitEvidence]:
        return [visit_evidence(at, loads_json(answers, {}) or {}, loads_json(verdict, {}), self.policy)
                for at, answers, verdict in self.store.conn.execute(
                    "SELECT visited_at, answers, verdict FROM visit WHERE household_id = ? AND status = 'final'", (hid,))]

    def monitor_status(self, hid: str, today: date | None = None, lang: str = "zh") -> MonitorStatus:
        """The household's lifecycle, the elimination conditions that fail and the plan warnings."""
        self._require_household(hid)
        today = today or date.today()
        pol = self.policy.lifecycle
        lc = self.lifecycle(hid, today)
        labour = self._labour(hid)
        measures = self._measure_facts(hid)
        dev = any(m.developmental and m.status != "cancelled" for m in measures)
        failing = mon.elimination_failing(lc, self._visit_evidence(hid), labour=labour, developmental_measure=dev,
                                          policy=pol, today=today)
        return MonitorStatus(
            household_id=hid, lifecycle=lc, failing=tuple(failing),
            failing_text=tuple(mon.condition_text(c, lc, pol, lang) for c in failing),
            warnings=tuple(mon.plan_warnings(lc, measures, labour=labour, policy=pol, today=today)),
            observation_ends=mon.observation_ends(lc, pol),
            allowed=tuple(s for s, roles in mon.allowed_steps(lc, pol).items() if self.ROLE in roles),
        )

    def take_step(self, hid: str, step: str, *, at: str | None = None, note: str = "", type: str | None = None,
                  mode: str | None = None) -> str:
        """Record one lifecycle step the laptop (the village) may take; refused unless the state allows it."""
        self._require_household(hid)
        if step not in mon.STEPS:
            raise InputRefused(f"'{step}' is not a lifecycle step ({', '.join(mon.STEPS)})", f"“{step}”不是监测流程环节")
        day = parse_day(at, "at") or date.today()
        if day > date.today():
            raise InputRefused(f"a step cannot be dated in the future ({day})", f"环节日期不能晚于今天（{day}）")
        sid = uuid7()
        candidate = mon.Step(id=sid, household_id=hid, step=step, at=day, actor=self.actor, role=self.ROLE,
                             note=note.strip(), type=type, mode=mode, recorded_at=utc_now())
        mon.check_step(self.lifecycle(hid, day), candidate, self.policy.lifecycle)
        value: dict[str, Any] = {"household_id": hid, "step": step, "at": day.isoformat(), "actor": self.actor,
                                 "role": self.ROLE, "note": candidate.note, "recorded_at": candidate.recorded_at}
        if type is not None:
            value["type"] = type
        if mode is not None:
            value["mode"] = mode
        evidence = self._evidence(hid)
        if evidence is not None:
            value["evidence"] = evidence
        self._write(lambda: self.ops.fact("monitor_step", sid, value, self.actor))
        return sid

    def _evidence(self, hid: str) -> dict[str, Any] | None:
        """The latest finalised visit and its photos and signatures: what a village step rests on."""
        row = self.store.conn.execute(
            "SELECT id FROM visit WHERE household_id = ? AND status = 'final' ORDER BY visited_at DESC, id DESC LIMIT 1",
            (hid,)).fetchone()
        if row is None:
            return None
        files = [r[0] for r in self.store.conn.execute(
            "SELECT id FROM attachment WHERE visit_id = ? ORDER BY created_at, id", (row[0],))]
        return {"visit_id": row[0], "attachments": files}

    def propose_monitoring(self, hid: str, monitoring_type: str, note: str = "", at: str | None = None) -> str:
        """Propose the household for monitoring (one action from the verdict engine's suggestion)."""
        if monitoring_type not in mon.MONITORING_TYPES:
            raise InputRefused(f"'{monitoring_type}' is not a monitoring type (unstable, marginal, sudden)",
                               f"“{monitoring_type}”不是监测类型（unstable、marginal、sudden）")
        return self.take_step(hid, mon.PROPOSED, at=at, note=note, type=monitoring_type)

    def suggested_monitoring(self, hid: str) -> str:
        """The verdict engine's suggestion on the latest finalised visit (``none`` without one)."""
        row = self.store.conn.execute(
            "SELECT verdict FROM visit WHERE household_id = ? AND status = 'final' ORDER BY visited_at DESC, id DESC"
            " LIMIT 1", (hid,)).fetchone()
        verdict = loads_json(row[0], {}) if row else {}
        return str((verdict or {}).get("suggested_monitoring") or "none")

    def propose_elimination(self, hid: str, note: str = "", mode: str = "assisted", at: str | None = None) -> str:
        """Propose risk elimination; refused, naming the failing conditions, unless every condition holds."""
        if mode not in mon.ELIMINATION_MODES:
            raise InputRefused(f"'{mode}' is not an elimination mode (assisted, natural)", f"“{mode}”不是风险消除方式")
        status = self.monitor_status(hid, parse_day(at, "at"), lang="en")
        if status.failing and status.lifecycle.state == mon.MONITORING:
            zh = self.monitor_status(hid, parse_day(at, "at"), lang="zh").failing_text
            raise InvalidTransition("risk elimination cannot be proposed: " + "; ".join(status.failing_text),
                                    "暂不能提出风险消除：" + "；".join(zh), code="elimination_conditions")
        return self.take_step(hid, mon.ELIM_PROPOSED, at=at, note=note, mode=mode)

    def revert_to_monitoring(self, hid: str, note: str, at: str | None = None) -> str:
        """A new risk after (or during) elimination: back to monitoring (回退)."""
        return self.take_step(hid, mon.REVERTED, at=at, note=note)

    def _all_lifecycles(self, today: date) -> dict[str, mon.Lifecycle]:
        steps: dict[str, list[mon.Step]] = {}
        for r in self.store.conn.execute(
                "SELECT id, household_id, step, at, actor, role, note, data, recorded_at FROM monitor_step"):
            steps.setdefault(r[1], []).append(
                step_from_row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], loads_json(r[7], {}) or {}, r[8]))
        return {hid: mon.replay(ss, self.policy.lifecycle, today) for hid, ss in steps.items()}

    def household_rows(self, today: date | None = None) -> list[dict[str, Any]]:
        """The household rows, with the next visit due by the lifecycle (monitoring type, then the
        reduced 渐退期 schedule after elimination) for households that have one."""
        return self._rows_and_lifecycles(today or date.today())[0]

    def _rows_and_lifecycles(self, today: date) -> tuple[list[dict[str, Any]], dict[str, mon.Lifecycle]]:
        rows = super().household_rows(today)
        lcs = self._all_lifecycles(today)
        if not lcs:
            return rows, lcs
        from fieldapp.schedule import DEFAULT_ROLE, next_visit_due, parse_due, visit_interval

        role = self.store.meta("role") or DEFAULT_ROLE
        for r in rows:
            lc = lcs.get(r["id"])
            basis = mon.schedule_basis(lc, self.policy.lifecycle, today) if lc is not None else None
            if basis is None:
                continue
            days = visit_interval(self.policy, basis[0], r["household_type"], role)
            if basis[1] is not None:
                days = min(days, basis[1])
            last = parse_dt(r["last_visit"]).date() if r["last_visit"] else None
            due = next_visit_due(last, parse_due(r.get("next_visit_entered")), days)
            r["next_visit_due"] = due.isoformat() if due else None
            r["overdue"] = due is None or due < today
        return rows, lcs

    def monitoring_rows(self, today: date | None = None) -> list[MonitorRow]:
        """Every household with a lifecycle, its state and next step (overdue first)."""
        today = today or date.today()
        heads = {r[0]: (r[1], r[2]) for r in self.store.conn.execute("SELECT id, head_name, village_code FROM household")}
        out = []
        for hid, lc in self._all_lifecycles(today).items():
            head, village = heads.get(hid, ("", ""))
            out.append(MonitorRow(hid, head, village, lc.state, lc.type, lc.next_step))
        return sorted(out, key=lambda r: (not (r.next_step and r.next_step.overdue),
                                          r.next_step.deadline if r.next_step else date.max, r.head_name))


__all__: Sequence[str] = ("MonitorRow", "MonitorStatus", "MonitoringServices", "parse_day", "step_from_row")
