"""The monitoring lifecycle on the county server: the projected steps, the county's and
townships' steps (written as county ops that reach the laptops), each household's
state with its failing elimination conditions, and the counts counties report.

The rules are the laptop's (:mod:`fieldapp.monitoring`); this module gathers their
inputs from the server's op log and state tables.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp import monitoring as mon
from fieldapp.errors import InputRefused, NotFound
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD, Op
from fieldapp.policy import Policy
from fieldapp.services.monitoring import (
    is_developmental,
    labour_flags,
    parse_day,
    step_from_row,
    visit_evidence,
)
from fieldapp.store import utc_now
from sync.server.ingest import ingest, select_in, upsert_rows

metadata = sa.MetaData()

monitor_steps = sa.Table(
    "monitor_steps", metadata,
    sa.Column("step_id", sa.String(36), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Column("step", sa.String(32), nullable=False),
    sa.Column("at", sa.String(10), nullable=False),
    sa.Column("actor", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),  # the HLC of the step's op: the replay order
    sa.Column("device_id", sa.String(64), nullable=False),
)

STEP_COLUMNS = ("step_id", "household_id", "village_code", "step", "at", "actor", "role", "note", "data", "recorded_at",
                "device_id")


def _loads(text: str | None) -> Any:
    return json.loads(text) if text is not None else None


# ----- projection ------------------------------------------------------------------------------
def project_steps(conn: Connection, ops: Iterable[Op], stored: Mapping[tuple[str, str], tuple[dict[str, Any], str]] | None) -> None:
    """Project the monitor_step facts among ``ops`` (caller's transaction, after ingest)."""
    ids = [op.entity_id for op in ops if op.entity == "monitor_step" and op.field == FACT_FIELD]
    if not ids:
        return
    facts: dict[str, tuple[dict[str, Any], str]] = {}
    clocks: dict[str, str] = {}
    for eid, value, device, hlc in select_in(
            conn, "SELECT entity_id, value, device_id, hlc FROM ops WHERE field = ? AND entity = ? AND entity_id {ids}"
                  " ORDER BY seq DESC", ids, FACT_FIELD, "monitor_step"):
        v = _loads(value)
        facts[eid] = (v if isinstance(v, dict) else {}, device)
        clocks[eid] = hlc
    if stored:
        facts.update({i: hit for (e, i), hit in stored.items() if e == "monitor_step" and i in facts})
    hids = {str(v.get("household_id") or "") for v, _ in facts.values()}
    villages = dict(select_in(conn, "SELECT household_id, village_code FROM households WHERE household_id {ids}", hids))
    rows = []
    for sid, (v, device) in facts.items():
        hid = str(v.get("household_id") or "")
        data = {k: v[k] for k in ("type", "mode", "evidence") if v.get(k) is not None}
        rows.append((sid, hid, villages.get(hid, ""), str(v.get("step") or ""), str(v.get("at") or "")[:10],
                     str(v.get("actor") or ""), mon.trusted_role(device, v.get("role")), str(v.get("note") or ""),
                     json.dumps(data, ensure_ascii=False, sort_keys=True), clocks[sid], device))
    upsert_rows(conn, monitor_steps, STEP_COLUMNS, ("step_id",), rows)


def rebuild_steps(conn: Connection) -> None:
    """Re-project every step from the op log."""
    conn.execute(monitor_steps.delete())
    ids = [r[0] for r in conn.execute(sa.text("SELECT entity_id FROM facts WHERE entity = 'monitor_step'"))]
    ops = [Op(op_id="", device_id="", device_seq=0, hlc="", entity="monitor_step", entity_id=i, field=FACT_FIELD,
              value=None) for i in ids]
    project_steps(conn, ops, None)


# ----- reading a household's lifecycle -----------------------------------------------------------
def steps_of(conn: Connection, hids: Collection[str]) -> dict[str, list[mon.Step]]:
    out: dict[str, list[mon.Step]] = {}
    for r in select_in(conn, "SELECT step_id, household_id, step, at, actor, role, note, data, recorded_at"
                             " FROM monitor_steps WHERE household_id {ids}", hids):
        out.setdefault(r[1], []).append(step_from_row(r[0], r[1], r[2], r[3], r[4], r[5], r[6], _loads(r[7]) or {}, r[8]))
    return out


def _visit_facts(conn: Connection, hids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for hid, value in select_in(conn, "SELECT household_id, value FROM ops WHERE field = ? AND entity = 'visit'"
                                      " AND household_id {ids}", hids, FACT_FIELD):
        v = _loads(value)
        if isinstance(v, dict):
            out.setdefault(hid, []).append(v)
    return out


def _members(conn: Connection, hids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for mid, hid, data in select_in(conn, "SELECT member_id, household_id, data FROM member_state WHERE status = ?"
                                          " AND household_id {ids}", hids, "active"):
        out.setdefault(hid, []).append({**(_loads(data) or {}), "id": mid})
    return out


def _developmental(conn: Connection, hids: Collection[str]) -> set[str]:
    """Households with a developmental measure that is not cancelled."""
    measures: dict[str, tuple[str, str]] = {}
    for mid, hid, value in select_in(conn, "SELECT entity_id, household_id, value FROM ops WHERE field = ?"
                                           " AND entity = 'measure' AND household_id {ids}", hids, FACT_FIELD):
        v = _loads(value) or {}
        measures[mid] = (hid, str(v.get("category") or ""))
    cancelled = {r[0] for r in select_in(conn, "SELECT entity_id FROM live_values WHERE entity = 'measure'"
                                               " AND field = 'status' AND value = '\"cancelled\"' AND entity_id {ids}",
                                         list(measures))}
    return {hid for mid, (hid, cat) in measures.items() if mid not in cancelled and is_developmental(cat)}


@dataclass(frozen=True)
class HouseholdLifecycle:
    """One household's lifecycle as the dashboard shows it."""

    household_id: str
    village_code: str
    head_name: str
    household_type: str
    lifecycle: mon.Lifecycle
    failing: tuple[str, ...] = field(default_factory=tuple)

    @property
    def candidate(self) -> bool:
        """Monitored and every elimination condition holds."""
        return self.lifecycle.state == mon.MONITORING and not self.failing


def lifecycles(conn: Connection, policy: Policy, today: date, *, hids: Collection[str] | None = None,
               village_like: str | None = None) -> list[HouseholdLifecycle]:
    """The lifecycle of every household with steps (in the given ids or village-code prefix)."""
    q = sa.select(monitor_steps.c.household_id).distinct()
    if village_like:
        q = q.where(monitor_steps.c.village_code.like(f"{village_like}%"))
    ids = [r[0] for r in conn.execute(q)] if hids is None else list(hids)
    if not ids:
        return []
    steps = steps_of(conn, ids)
    info = {r[0]: (r[1], r[2], r[3]) for r in select_in(
        conn, "SELECT household_id, village_code, head_name, household_type FROM hh_state WHERE household_id {ids}", ids)}
    lcs = {hid: mon.replay(steps.get(hid, []), policy.lifecycle, today) for hid in ids}
    monitored = [hid for hid, lc in lcs.items() if lc.state == mon.MONITORING]
    visits = _visit_facts(conn, monitored)
    members = _members(conn, monitored)
    dev = _developmental(conn, monitored)
    out = []
    for hid in ids:
        lc = lcs[hid]
        failing: list[str] = []
        if hid in lcs and lc.state == mon.MONITORING:
            vs = visits.get(hid, [])
            latest = max(vs, key=lambda v: str(v.get("visited_at") or ""), default=None)
            evidence = [visit_evidence(str(v.get("visited_at")), v.get("answers") or {}, v.get("verdict"), policy)
                        for v in vs if v.get("visited_at")]
            failing = mon.elimination_failing(
                lc, evidence, labour=labour_flags(members.get(hid, []), (latest or {}).get("answers")),
                developmental_measure=hid in dev, policy=policy.lifecycle, today=today)
        village, head, htype = info.get(hid, ("", "", "ordinary"))
        out.append(HouseholdLifecycle(hid, village, head, htype, lc, tuple(failing)))
    return out


# ----- steps the county and townships take --------------------------------------------------------
def _county_writer(conn: Connection, county: str, actor: str) -> Any:
    from sync.server.roster import CountyWriter

    return CountyWriter(conn, county, actor)


def _live_ids(conn: Connection, entity: str, eid: str, fname: str) -> list[str]:
    return [r[0] for r in conn.execute(sa.text(
        "SELECT op_id FROM live_values WHERE entity = :e AND entity_id = :i AND field = :f"),
        {"e": entity, "i": eid, "f": fname})]


def take_steps(county: Any, hid: str, names: list[str], *, at: str | None, actor: str, role: str = "county",
               note: str = "", type: str | None = None, mode: str | None = None) -> list[str]:
    """Take one or more steps in order as the county (or a township), in one transaction.

    Each becomes a monitor_step fact of the county device; the county's approval also sets the
    household's monitoring type, and its elimination decision the household's elimination record.
    Refused (nothing written) unless the state allows each step.
    """
    from sync.server.state import refresh_for_ops

    day = parse_day(at, "at") or date.today()
    policy = county_policy(county)
    with county._write() as conn:
        row = conn.execute(sa.text("SELECT village_code FROM households WHERE household_id = :h"), {"h": hid}).first()
        if row is None:
            raise NotFound(f"no household with id {hid}", f"找不到编号为 {hid} 的户")
        steps = steps_of(conn, [hid]).get(hid, [])
        w = _county_writer(conn, county.county, actor)
        # After every step it saw (the steps replay in HLC order), whatever the laptops' clocks say.
        for s in steps:
            with contextlib.suppress(ValueError):
                w.clock.observe(s.recorded_at)
        ids = []
        for name in names:
            lc = mon.replay(steps, policy.lifecycle, day)
            sid = uuid7()
            step = mon.Step(id=sid, household_id=hid, step=name, at=day, actor=actor, role=role, note=note.strip(),
                            type=type if name in (mon.PROPOSED, mon.APPROVED) else None,
                            mode=mode if name in (mon.ELIM_PROPOSED, mon.ELIM_APPROVED) else None,
                            recorded_at=utc_now())
            mon.check_step(lc, step, policy.lifecycle)
            value: dict[str, Any] = {"household_id": hid, "step": name, "at": day.isoformat(), "actor": actor,
                                     "role": role, "note": step.note, "recorded_at": step.recorded_at}
            if step.type:
                value["type"] = step.type
            if step.mode:
                value["mode"] = step.mode
            w.op("monitor_step", sid, FACT_FIELD, value)
            step = replace(step, recorded_at=w.ops[-1].hlc)
            after = mon.replay([*steps, step], policy.lifecycle, day)
            if name == mon.APPROVED or (name == mon.REVERTED and after.type):
                w.op("household", hid, "monitoring_type", after.type, _live_ids(conn, "household", hid, "monitoring_type"))
            if name in (mon.ELIM_APPROVED, mon.REVERTED):
                record = ({"eliminated": True, "mode": after.mode, "at": day.isoformat(),
                           "phase_out_until": after.phase_out_until.isoformat() if after.phase_out_until else None}
                          if name == mon.ELIM_APPROVED else {"eliminated": False, "reverted_at": day.isoformat()})
                w.op("household", hid, "elimination", record, _live_ids(conn, "household", hid, "elimination"))
            steps.append(step)
            ids.append(sid)
        res = ingest(conn, w.ops)
        refresh_for_ops(conn, w.ops, res.facts)
    return ids


def approve(county: Any, hid: str, *, at: str | None, actor: str, type: str | None = None, note: str = "") -> list[str]:
    """``admin monitor approve``: bring a proposed household into monitoring as of ``at``, recording
    the checks the policy requires before approval as done by the county."""
    policy = county_policy(county)
    with county.engine.connect() as conn:
        lc = mon.replay(steps_of(conn, [hid]).get(hid, []), policy.lifecycle, date.today())
    if lc.phase != "identification":
        raise InputRefused(
            f"household {hid} is not proposed for monitoring (state: {mon.state_label(lc.state, 'en')})",
            f"户 {hid} 未被提出纳入监测（当前：{mon.state_label(lc.state, 'zh')}）")
    rules = [r.step for r in policy.lifecycle.identification]
    start = 0 if lc.state == mon.PROPOSED else rules.index(lc.state) + 1
    return take_steps(county, hid, rules[start:], at=at, actor=actor, note=note, type=type)


def county_policy(county: Any) -> Policy:
    from fieldapp.policy import load_policy

    return load_policy(str(county.county)[:2])


# ----- the counts counties report -----------------------------------------------------------------
@dataclass
class LifecycleCounts:
    """Counts of one unit (village, township or the county)."""

    code: str
    by_state: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_household_type: dict[str, int] = field(default_factory=dict)
    steps_due: int = 0
    steps_overdue: int = 0
    candidates: int = 0
    held_back: dict[str, int] = field(default_factory=dict)
    phase_out_ending: int = 0

    def add(self, h: HouseholdLifecycle, today: date) -> None:
        lc = h.lifecycle
        self.by_state[lc.state] = self.by_state.get(lc.state, 0) + 1
        if lc.monitored and lc.type:
            self.by_type[lc.type] = self.by_type.get(lc.type, 0) + 1
        if lc.monitored:
            self.by_household_type[h.household_type] = self.by_household_type.get(h.household_type, 0) + 1
        if lc.next_step is not None:
            self.steps_due += 1
            self.steps_overdue += int(lc.next_step.overdue)
        if h.candidate:
            self.candidates += 1
        for code in h.failing:
            self.held_back[code] = self.held_back.get(code, 0) + 1
        end = lc.phase_out_until
        if lc.state == mon.ELIMINATED and end is not None and (end.year, end.month) == (today.year, today.month):
            self.phase_out_ending += 1

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "by_state": self.by_state, "by_type": self.by_type,
                "by_household_type": self.by_household_type, "steps_due": self.steps_due,
                "steps_overdue": self.steps_overdue, "elimination_candidates": self.candidates,
                "held_back": self.held_back, "phase_out_ending_this_month": self.phase_out_ending}


def counts(rows: Iterable[HouseholdLifecycle], unit_of: Any, total_code: str, today: date) -> tuple[LifecycleCounts, dict[str, LifecycleCounts]]:
    """The counts of the whole scope and of each unit one level down (``unit_of(village_code)``)."""
    total = LifecycleCounts(total_code)
    units: dict[str, LifecycleCounts] = {}
    for h in rows:
        total.add(h, today)
        key = unit_of(h.village_code)
        units.setdefault(key, LifecycleCounts(key)).add(h, today)
    return total, dict(sorted(units.items()))


__all__ = ["HouseholdLifecycle", "LifecycleCounts", "approve", "counts", "lifecycles", "monitor_steps", "project_steps",
           "take_steps"]
