"""``fieldapp monitor ...``: the monitoring lifecycle on the laptop (CLI.md ``monitor show/propose``).

The laptop proposes and records the village's steps; township and county steps come from
the dashboard or ``fieldapp admin ... monitor`` with the next sync.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from fieldapp import monitoring as mon


def _lang() -> str:
    from fieldapp.cli import lang

    return lang()


def _status_text(doc: dict[str, Any]) -> str:
    zh = _lang() == "zh"
    lines = [f"{doc['state_label']}" + (f" ({doc['type']})" if doc["type"] else "") +
             (f"  {'自' if zh else 'since'} {doc['since']}" if doc["since"] else "")]
    nxt = doc.get("next_step")
    if nxt:
        late = ("  已逾期" if zh else "  OVERDUE") if nxt["overdue"] else ""
        lines.append(f"{'下一步' if zh else 'next'}: {nxt['label']} ({nxt['by']}) {'期限' if zh else 'due'} {nxt['deadline']}{late}")
    if doc["eligible_for_elimination"]:
        lines.append("可以提出风险消除" if zh else "risk elimination may be proposed")
    else:
        lines += [f"  - {t}" for t in doc["failing_text"]]
    lines += [f"  ! {w['text']}" for w in doc["plan_warnings"]]
    if doc.get("in_phase_out"):
        lines.append(("渐退期至 " if zh else "phase-out until ") + str(doc["phase_out_until"]))
    return "\n".join(lines)


def cmd_monitor_show(ctx: Any) -> int:
    from fieldapp.services.monitoring import parse_day

    app = ctx.app()
    doc = app.monitor_status(ctx.args.household_id, parse_day(ctx.args.on, "--on"), lang=_lang()).to_json(_lang())
    ctx.out(doc, lambda: _status_text(doc))
    return 0


def cmd_monitor_propose(ctx: Any) -> int:
    app = ctx.app()
    sid = app.propose_monitoring(ctx.args.household_id, ctx.args.type, note=ctx.args.note or "", at=ctx.args.at)
    ctx.out({"id": sid, "household_id": ctx.args.household_id, "step": mon.PROPOSED}, sid)
    return 0


def cmd_monitor_eliminate(ctx: Any) -> int:
    app = ctx.app()
    sid = app.propose_elimination(ctx.args.household_id, note=ctx.args.note or "", mode=ctx.args.mode, at=ctx.args.at)
    ctx.out({"id": sid, "household_id": ctx.args.household_id, "step": mon.ELIM_PROPOSED}, sid)
    return 0


def cmd_monitor_revert(ctx: Any) -> int:
    app = ctx.app()
    sid = app.revert_to_monitoring(ctx.args.household_id, ctx.args.note, at=ctx.args.at)
    ctx.out({"id": sid, "household_id": ctx.args.household_id, "step": mon.REVERTED}, sid)
    return 0


def cmd_monitor_step(ctx: Any) -> int:
    app = ctx.app()
    sid = app.take_step(ctx.args.household_id, ctx.args.step, at=ctx.args.at, note=ctx.args.note or "")
    ctx.out({"id": sid, "household_id": ctx.args.household_id, "step": ctx.args.step}, sid)
    return 0


def cmd_monitor_due(ctx: Any) -> int:
    app = ctx.app()
    rows = app.monitoring_rows()
    docs = [{"household_id": r.household_id, "head_name": r.head_name, "village_code": r.village_code, "state": r.state,
             "type": r.type, "next_step": r.next_step.to_json(_lang()) if r.next_step else None} for r in rows]
    ctx.out(docs, lambda: "\n".join(
        f"{d['household_id']}\t{d['head_name']}\t{mon.state_label(d['state'], _lang())}\t"
        + (f"{d['next_step']['label']} {d['next_step']['deadline']}{' !' if d['next_step']['overdue'] else ''}"
           if d["next_step"] else "-") for d in docs))
    return 0


def cmd_monitor_plan(ctx: Any) -> int:
    app = ctx.app()
    hid = ctx.args.household_id
    status = app.monitor_status(hid, lang=_lang())
    doc = {"household_id": hid, "measures": app.measures(hid),
           "warnings": [{"code": w.code, "text": w.text(_lang())} for w in status.warnings]}
    ctx.out(doc, lambda: "\n".join(
        [f"{m['category']}\t{m['status']}\t{m['start_date']}..{m['end_date'] or ''}\t{m['responsible']}\t{m['description']}"
         for m in doc["measures"]] + [f"! {w['text']}" for w in doc["warnings"]]) or "-")
    return 0


def cmd_monitor_measure(ctx: Any) -> int:
    app = ctx.app()
    mid = app.add_measure(ctx.args.household_id, ctx.args.category, ctx.args.description or "",
                          start_date=ctx.args.start, end_date=ctx.args.end, responsible=ctx.args.responsible or "",
                          status=ctx.args.status)
    ctx.out({"id": mid}, mid)
    return 0


def cmd_monitor_measure_status(ctx: Any) -> int:
    app = ctx.app()
    app.set_measure_status(ctx.args.measure_id, ctx.args.status)
    ctx.out({"id": ctx.args.measure_id, "status": ctx.args.status}, "ok")
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser], usage: Callable[[argparse.ArgumentParser], int]) -> None:
    m: argparse.ArgumentParser = add("monitor", lambda c: usage(m), "the monitoring lifecycle (防止返贫动态监测): state, proposals, risk elimination")
    ms = m.add_subparsers(dest="monitor_cmd", metavar="ACTION")
    s = add("show", cmd_monitor_show, "the household's monitoring state and whether risk elimination may be proposed", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--on", metavar="YYYY-MM-DD", help="as of this date (default: today)")
    s = add("propose", cmd_monitor_propose, "propose the household for monitoring (reaches the county with the next sync)", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--type", required=True, choices=list(mon.MONITORING_TYPES))
    s.add_argument("--note")
    s.add_argument("--at", metavar="YYYY-MM-DD", help="date of the proposal (default: today)")
    s = add("eliminate", cmd_monitor_eliminate, "propose risk elimination (refused, with the reasons, unless every condition holds)", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--mode", choices=list(mon.ELIMINATION_MODES), default="assisted")
    s.add_argument("--note")
    s.add_argument("--at", metavar="YYYY-MM-DD")
    s = add("revert", cmd_monitor_revert, "a new risk: back to monitoring (回退)", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--note", required=True, help="the new risk")
    s.add_argument("--at", metavar="YYYY-MM-DD")
    s = add("step", cmd_monitor_step, "record a village step (village_reviewed, publicised, elim_reviewed, elim_publicised)", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("step", choices=list(mon.STEPS))
    s.add_argument("--note")
    s.add_argument("--at", metavar="YYYY-MM-DD")
    add("due", cmd_monitor_due, "households with a lifecycle: state and next step, overdue first", ms)
    from fieldapp.services.ledger import MEASURE_STATUSES

    s = add("plan", cmd_monitor_plan, "the household's plan (一户一策): measures and the time-rule warnings", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s = add("measure", cmd_monitor_measure, "add a measure to the household's plan", ms)
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--category", required=True, help="measure code, e.g. M_INDUSTRY, M_EMPLOYMENT, M_HEALTH")
    s.add_argument("--description")
    s.add_argument("--responsible", help="who is responsible")
    s.add_argument("--start", metavar="YYYY-MM-DD")
    s.add_argument("--end", metavar="YYYY-MM-DD")
    s.add_argument("--status", choices=list(MEASURE_STATUSES), default="active")
    s = add("measure-status", cmd_monitor_measure_status, "set a measure's status", ms)
    s.add_argument("measure_id", metavar="MEASURE_ID")
    s.add_argument("status", choices=list(MEASURE_STATUSES))
