"""``fieldapp admin ... monitor``: the county's lifecycle steps from the command line
(for scripts and bulk work; the dashboard is the usual way). Every step reaches the
laptops with their next sync."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from fieldapp import monitoring as mon


def _with_county(ctx: Any, open_county: Callable[[Any], AbstractContextManager[Any]], fn: Callable[[Any], Any]) -> Any:
    with open_county(ctx) as c:
        return fn(c)


def register_admin(admin_add: Callable[..., argparse.ArgumentParser], add: Callable[..., argparse.ArgumentParser],
                   open_county: Callable[[Any], AbstractContextManager[Any]], usage: Callable[[argparse.ArgumentParser], int]) -> None:
    from fieldapp.services.monitoring import parse_day

    def cmd_approve(ctx: Any) -> int:
        from sync.server import lifecycle

        ids = _with_county(ctx, open_county, lambda c: lifecycle.approve(
            c, ctx.args.household_id, at=ctx.args.at, actor=ctx.args.actor, type=ctx.args.type, note=ctx.args.note or ""))
        ctx.out({"household_id": ctx.args.household_id, "steps": ids, "state": mon.MONITORING},
                f"{ctx.args.household_id}: monitoring ({len(ids)} steps recorded)")
        return 0

    def cmd_step(ctx: Any) -> int:
        from sync.server import lifecycle

        ids = _with_county(ctx, open_county, lambda c: lifecycle.take_steps(
            c, ctx.args.household_id, [ctx.args.step], at=ctx.args.at, actor=ctx.args.actor, role=ctx.args.role,
            note=ctx.args.note or "", type=ctx.args.type, mode=ctx.args.mode))
        ctx.out({"household_id": ctx.args.household_id, "id": ids[0], "step": ctx.args.step}, ids[0])
        return 0

    def cmd_show(ctx: Any) -> int:
        from sync.server import lifecycle

        on = parse_day(ctx.args.on, "--on") or date.today()

        def read(c: Any) -> Any:
            with c.engine.connect() as conn:
                return lifecycle.lifecycles(conn, lifecycle.county_policy(c), on, hids=[ctx.args.household_id])[0]

        h = _with_county(ctx, open_county, read)
        lc = h.lifecycle
        doc = {"household_id": h.household_id, "state": lc.state, "type": lc.type if lc.state != mon.NONE else None,
               "since": lc.since.isoformat() if lc.since else None, "eligible_for_elimination": h.candidate,
               "failing": list(h.failing), "next_step": lc.next_step.to_json() if lc.next_step else None,
               "steps": [s.to_json() for s in lc.history]}
        ctx.out(doc, lambda: f"{mon.state_label(lc.state, 'en')} {' '.join(h.failing)}")
        return 0

    def cmd_counts(ctx: Any) -> int:
        from sync.server import lifecycle

        on = parse_day(ctx.args.on, "--on") or date.today()

        def read(c: Any) -> Any:
            with c.engine.connect() as conn:
                rows = lifecycle.lifecycles(conn, lifecycle.county_policy(c), on)
            return lifecycle.counts(rows, lambda v: v[:9], c.county, on)

        total, units = _with_county(ctx, open_county, read)
        doc = {**total.to_json(), "units": [u.to_json() for u in units.values()]}
        ctx.out(doc, lambda: "\n".join(f"{u['code']}\t{u['by_state']}\tdue {u['steps_due']}\toverdue {u['steps_overdue']}"
                                       for u in [doc, *doc["units"]]))
        return 0

    m: argparse.ArgumentParser = admin_add("monitor", lambda c: usage(m), "the monitoring lifecycle: the county's steps")
    ms = m.add_subparsers(dest="monitor_cmd", metavar="ACTION")

    def sub(name: str, fn: Callable[[Any], int], text: str) -> argparse.ArgumentParser:
        from sync.cli import inherit_server_opts

        return inherit_server_opts(m, add(name, fn, text, ms))

    s = sub("approve", cmd_approve, "bring a proposed household into monitoring as of --at, recording the checks the"
                                    " policy requires before approval as done by the county")
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--at", metavar="YYYY-MM-DD", help="date of the decision (default: today)")
    s.add_argument("--type", choices=list(mon.MONITORING_TYPES), help="monitoring type (default: the proposed one)")
    s.add_argument("--actor", default="county", help="who decides (recorded with the steps)")
    s.add_argument("--note")
    s = sub("step", cmd_step, "take one lifecycle step (a check, a decision, a rejection or a reversion)")
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("step", choices=list(mon.STEPS))
    s.add_argument("--at", metavar="YYYY-MM-DD")
    s.add_argument("--role", choices=["county", "township"], default="county")
    s.add_argument("--type", choices=list(mon.MONITORING_TYPES))
    s.add_argument("--mode", choices=list(mon.ELIMINATION_MODES))
    s.add_argument("--actor", default="county")
    s.add_argument("--note")
    s = sub("show", cmd_show, "a household's lifecycle as the county sees it")
    s.add_argument("household_id", metavar="HOUSEHOLD_ID")
    s.add_argument("--on", metavar="YYYY-MM-DD")
    s = sub("counts", cmd_counts, "households by lifecycle state and type, steps due and overdue, per township")
    s.add_argument("--on", metavar="YYYY-MM-DD")
