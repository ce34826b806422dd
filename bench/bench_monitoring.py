"""Monitoring lifecycle figures (issue 15): visit save with the lifecycle in (a store where a
tenth of the households are in the lifecycle and a 回头看 campaign is running), the monitoring
state of one household (``monitor show``), the household list with lifecycle schedules and
campaigns, and the dashboard's lifecycle counts over the whole county.

The save workload is bench_store's, so the figure compares with its visit-save row.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_store import PASS, build_store, log, save_workload  # noqa: E402
from common import WORK, save_results, summary_ms, timed  # noqa: E402

HOUSEHOLDS = int(os.environ.get("BENCH_MONITORING_HOUSEHOLDS", "3000"))
SAVES = int(os.environ.get("BENCH_SAVES", "300"))


def county_ops(app, hids: list[str], code: str) -> list:  # type: ignore[no-untyped-def]
    """The county's approval of each proposed household, as county ops (what a sync brings)."""
    from fieldapp import monitoring as mon
    from fieldapp.ids import uuid7
    from fieldapp.merge import FACT_FIELD, Op
    from fieldapp.store import utc_now

    ops, seq = [], 0
    at = (date.today() - timedelta(days=200)).isoformat()
    ms = int(time.time() * 1000) - 10_000
    for hid in hids:
        for rule in app.policy.lifecycle.identification:
            seq += 1
            value = {"household_id": hid, "step": rule.step, "at": at, "actor": "bench", "role": "county", "note": "",
                     "recorded_at": utc_now()}
            if rule.step == mon.APPROVED:
                value["type"] = "marginal"
            ops.append(Op(op_id=uuid7(), device_id=f"county:{code}", device_seq=seq, hlc=f"{ms + seq:013d}-000000",
                          entity="monitor_step", entity_id=uuid7(), field=FACT_FIELD, value=value, county=code))
    seq += 1
    ops.append(Op(op_id=uuid7(), device_id=f"county:{code}", device_seq=seq, hlc=f"{ms + seq:013d}-000000",
                  entity="campaign", entity_id=uuid7(), field=FACT_FIELD, county=code,
                  value={"name": "bench 回头看", "created_on": date.today().isoformat(),
                         "deadline": (date.today() + timedelta(days=30)).isoformat(), "household_types": ["ordinary"]}))
    return ops


def county_code(store) -> str:  # type: ignore[no-untyped-def]
    row = store.conn.execute("SELECT village_code FROM household LIMIT 1").fetchone()
    return str(store.meta("county") or row[0][:6])


def main() -> int:
    os.environ["FIELDAPP_KDF"] = "minimum"
    from fieldapp.oplog import apply_op
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    WORK.mkdir(parents=True, exist_ok=True)
    home = WORK / f"store-monitoring-{HOUSEHOLDS}"
    log(f"monitoring: building a store with {HOUSEHOLDS} households (first run only)...")
    build_store(home, HOUSEHOLDS)
    store = Store.open(home, PASS)
    app = Fieldapp(store, actor="bench")
    if not store.conn.execute("SELECT 1 FROM monitor_step LIMIT 1").fetchone():
        hids = [r[0] for r in store.conn.execute("SELECT id FROM household ORDER BY id")][::10]
        for hid in hids:
            app.propose_monitoring(hid, "marginal", at=(date.today() - timedelta(days=210)).isoformat())
        with store.tx():
            for op in county_ops(app, hids, county_code(store)):
                apply_op(store, op, app.projector)
            app._commit_search_keys()
    lifecycle_hh = store.conn.execute("SELECT count(DISTINCT household_id) FROM monitor_step").fetchone()[0]
    visits = store.conn.execute("SELECT count(*) FROM visit").fetchone()[0]
    save_workload(app, 20)
    saves = summary_ms(save_workload(app, SAVES))
    monitored = store.conn.execute("SELECT household_id FROM monitor_step LIMIT 1").fetchone()[0]
    show = summary_ms(timed(lambda: app.monitor_status(monitored), 50))
    rows_ms = summary_ms(timed(app.household_rows, 5))
    store.close()

    counts = county_counts(home)
    figures = {"households": HOUSEHOLDS, "in_lifecycle": lifecycle_hh, "visits_stored": visits, "visit_save": saves,
               "monitor_show": show, "household_rows": rows_ms, "county_counts": counts}
    rows = [
        (f"visit save with the lifecycle in ({visits:,} visits, {lifecycle_hh} households in the lifecycle, a campaign)",
         f"{saves['p50_ms']:.2f} / {saves['p95_ms']:.2f} ms", "p50 / p95", "no worse than without"),
        ("monitor show (state, elimination conditions, plan warnings)", f"p95 {show['p95_ms']:.2f} ms", "one household",
         "instant"),
        (f"household list with lifecycle schedules and campaigns ({HOUSEHOLDS:,} households)",
         f"p95 {rows_ms['p95_ms']:.0f} ms", "whole list", "< 1 s"),
        (f"dashboard lifecycle counts ({counts['households']:,} households)", f"{counts['ms']:.0f} ms",
         "whole county", "< 2 s"),
    ]
    save_results("monitoring", figures, rows)
    for r in rows:
        log(" | ".join(r))
    return 0


def county_counts(home: Path) -> dict[str, float]:
    """The laptop's ops pushed to an in-process county, then the county-wide counts timed."""
    import shutil

    from fieldapp.store import Store
    from sync.server import lifecycle
    from sync.server.county import County

    folder = WORK / "county-monitoring"
    if folder.exists():
        shutil.rmtree(folder)
    store = Store.open(home, PASS)
    code = county_code(store)
    county = County(folder, None, code)
    try:
        # Every op of the laptop (its own and the county's decisions it received), stored as a sync would.
        from fieldapp.oplog import OP_COLUMNS, op_from_row
        from sync.server.ingest import ingest
        from sync.server.state import refresh_for_ops

        ops = [op_from_row(r) for r in store.conn.execute(f"SELECT {OP_COLUMNS} FROM op ORDER BY rowid")]  # noqa: S608
        with county._write() as conn:
            res = ingest(conn, ops)
            refresh_for_ops(conn, ops, res.facts)
        policy = lifecycle.county_policy(county)
        t = time.perf_counter()
        with county.engine.connect() as conn:
            rows = lifecycle.lifecycles(conn, policy, date.today())
        lifecycle.counts(rows, lambda v: v[:9], code, date.today())
        ms = (time.perf_counter() - t) * 1000
        return {"households": len(rows), "ms": round(ms, 1)}
    finally:
        county.close()
        store.close()


if __name__ == "__main__":
    raise SystemExit(main())
