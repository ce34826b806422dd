"""Dashboard page time at county scale on PostgreSQL (DESIGN §6: 100,000
households and 1,000,000 visits). The projection tables are bulk-loaded with
COPY (what the server would hold after syncing that many ops); then the county
page and a village page are rendered server-side (the full request in process:
session check, queries, template, access log), p50/p95.

The floor is one bare grouped scan of the household table (the least work any
county page must do).

    .venv/bin/python bench/bench_dashboard.py                 # 100k households, 1M visits
    .venv/bin/python bench/bench_dashboard.py --households 10000 --visits 100000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]

from common import WORK, save_results, summary_ms, timed  # noqa: E402

COUNTY = "370303"
INDICATORS = ("food", "clothing", "education", "medical", "housing", "water", "income")
PASSWORD = "bench-password-1"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def copy_rows(conn, table: str, columns: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)


def load(url: str, households: int, visits: int, seed: int = 1) -> list[str]:
    """Bulk-load the state tables; returns the village codes."""
    import psycopg

    rng = random.Random(seed)
    today = date.today()
    townships = [f"{COUNTY}{t:03d}" for t in list(range(100, 112)) + list(range(200, 208))]
    villages = [f"{t}{v:03d}" for t in townships for v in range(201, 201 + 13)]  # 260 villages, ~385 households each
    hids = [f"00000000-0000-7000-8000-{i:012d}" for i in range(households)]
    hh_village = [villages[i % len(villages)] for i in range(households)]
    verdict_pool = ["met"] * 90 + ["basic"] * 3 + ["not_met"] * 5 + ["unknown"] * 2
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        def hh_rows():  # type: ignore[no-untyped-def]
            for i, hid in enumerate(hids):
                v = hh_village[i]
                mt = rng.choices(["none", "unstable", "marginal", "sudden"], [90, 5, 4, 1])[0]
                ht = rng.choices(["ordinary", "tuopin_general", "tuopin_dibao", "tuopin_tekun"], [60, 30, 7, 3])[0]
                last = (today - timedelta(days=rng.randint(0, 400))).isoformat() + "T10:00:00+08:00"
                vs = [rng.choice(verdict_pool) for _ in INDICATORS]
                overall = "not_met" if "not_met" in vs else ("unknown" if "unknown" in vs else "met")
                yield (hid, v, v[:9], f"{rng.randint(1, 8)}组", "", "138" + f"{i:08d}", ht, mt, "active", f"R{i}",
                       f"户主{i}", rng.randint(1, 6), "", f"v-{i}", last, overall, *vs, "2026-01-01T00:00:00Z")
        cols = ["household_id", "village_code", "township_code", "grp", "address", "phone", "household_type",
                "monitoring_type", "status", "roster_no", "head_name", "members", "cadre", "last_visit_id",
                "last_visit_at", "overall", *[f"v_{i}" for i in INDICATORS], "updated_at"]
        t = time.perf_counter()
        copy_rows(conn, "hh_state", cols, hh_rows())
        log(f"  hh_state {households} rows in {time.perf_counter() - t:.1f}s")

        def visit_rows():  # type: ignore[no-untyped-def]
            verdicts = json.dumps({i: "met" for i in INDICATORS})
            for n in range(visits):
                i = rng.randrange(households)
                at = today - timedelta(days=rng.randint(0, 365))
                yield (f"00000000-0000-7000-9000-{n:012d}", hids[i], hh_village[i], at.isoformat() + "T09:30:00+08:00",
                       at.isoformat(), "驻村书记", "dev", "met", verdicts)
        t = time.perf_counter()
        copy_rows(conn, "visit_state", ["visit_id", "household_id", "village_code", "visited_at", "visit_date",
                                        "visitor", "device_id", "overall", "verdicts"], visit_rows())
        log(f"  visit_state {visits} rows in {time.perf_counter() - t:.1f}s")

        def problem_rows():  # type: ignore[no-untyped-def]
            for n in range(households // 12):
                i = rng.randrange(households)
                opened = today - timedelta(days=rng.randint(0, 365))
                status = rng.choice(["pending", "in_progress", "awaiting_check", "closed", "closed"])
                closed = (opened + timedelta(days=rng.randint(1, 60))).isoformat() if status == "closed" else None
                yield (f"00000000-0000-7000-a000-{n:012d}", hids[i], hh_village[i], rng.choice(INDICATORS),
                       "income", "visit", "", opened.isoformat(), None, status, closed)
        copy_rows(conn, "problem_state", ["problem_id", "household_id", "village_code", "indicator", "category",
                                          "source", "reason", "opened_at", "deadline", "status", "closed_at"],
                  problem_rows())
        copy_rows(conn, "villages", ["village_code", "name", "township_name"],
                  ((v, f"第{k + 1}村", f"第{int(v[6:9])}乡镇") for k, v in enumerate(villages)))
        conn.execute("ANALYZE")
        conn.commit()
    return villages


def floor_query(engine) -> float:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    sql = sa.text("SELECT village_code, monitoring_type, count(*) FROM hh_state GROUP BY 1, 2")
    with engine.connect() as conn:
        assert sum(r[2] for r in conn.execute(sql)) > 0
        return summary_ms(timed(lambda: conn.execute(sql).all(), 15))["p50_ms"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--visits", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--section", default=None, help="results section name (default: dashboard or dashboard_small)")
    args = ap.parse_args()
    from fastapi.testclient import TestClient
    from pg import Cluster, pg_bin

    from sync.server.accounts import create_account
    from sync.server.app import create_app
    from sync.server.county import County
    from sync.server.state import ensure_built

    if pg_bin() is None:
        log("PostgreSQL is not installed (apt-get install postgresql); nothing measured")
        return 1
    cluster = Cluster()
    data = WORK / "dashboard-county"
    shutil.rmtree(data, ignore_errors=True)
    try:
        url = cluster.new_database()
        county = County(data, url, COUNTY)
        with county._write() as conn:
            ensure_built(conn)  # mark the (empty) projection built, so the app does not rebuild it over the load
        log(f"loading {args.households} households, {args.visits} visits into PostgreSQL...")
        villages = load(str(county.engine.url.render_as_string(hide_password=False)), args.households, args.visits)
        create_account(county.engine, COUNTY, "bench", PASSWORD, "county")
        client = TestClient(create_app(county), follow_redirects=False)
        page = client.get("/dashboard/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        assert client.post("/dashboard/login", data={"csrf": token, "username": "bench",
                                                     "password": PASSWORD}).status_code == 303
        village = villages[len(villages) // 2]
        summary = client.get(f"/dashboard/api/summary/{COUNTY}").json()
        assert summary["households"] == args.households, summary["households"]
        log(f"  county page sees {summary['households']} households, {summary['open_problems']} open problems")

        def get(path: str) -> None:
            r = client.get(path)
            assert r.status_code == 200, r.status_code

        get(f"/dashboard/area/{COUNTY}")
        get(f"/dashboard/area/{village}")
        county_ms = summary_ms(timed(lambda: get(f"/dashboard/area/{COUNTY}"), args.runs))
        township_ms = summary_ms(timed(lambda: get(f"/dashboard/area/{village[:9]}"), args.runs))
        village_ms = summary_ms(timed(lambda: get(f"/dashboard/area/{village}"), args.runs))
        # Drill-down: the lists behind the county page's numbers, sorted and paged in the database.
        deep = f"/dashboard/households?scope={COUNTY}&monitoring=monitored&sort=head&page=100"
        get(deep)
        list_ms = summary_ms(timed(lambda: get(deep), args.runs))
        problems_ms = summary_ms(timed(lambda: get(f"/dashboard/problems?scope={COUNTY}&age=gt90&page=20"), args.runs))
        search_ms = summary_ms(timed(lambda: get(f"/dashboard/households?scope={COUNTY}&q=13800012345"), args.runs))
        floor = floor_query(county.engine)
        county.close()
    finally:
        cluster.stop()
    scale = f"{args.households:,} households, {args.visits:,} visits"
    figures = {"households": args.households, "visits": args.visits, "county_page": county_ms,
               "township_page": township_ms, "village_page": village_ms, "floor_group_scan_ms": floor,
               "monitored_list_page_100": list_ms, "problems_list": problems_ms, "household_search": search_ms}
    for name, s in (("county", county_ms), ("township", township_ms), ("village", village_ms)):
        log(f"{name} page: p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms")
    log(f"floor (bare grouped scan of hh_state): {floor:.1f} ms")
    rows = [
        (f"county page render, {scale} (PostgreSQL)", f"p50 {county_ms['p50_ms']:.0f} ms / p95 {county_ms['p95_ms']:.0f} ms",
         f"{county_ms['p95_ms'] / floor:.1f}x a bare grouped scan ({floor:.0f} ms)", "p95 <= 1000 ms"),
        (f"township page render, {scale}", f"p50 {township_ms['p50_ms']:.0f} ms / p95 {township_ms['p95_ms']:.0f} ms",
         f"{township_ms['p95_ms'] / floor:.1f}x the floor", "p95 <= 500 ms"),
        (f"village page render (~{args.households // len(villages)} households listed), {scale}",
         f"p50 {village_ms['p50_ms']:.0f} ms / p95 {village_ms['p95_ms']:.0f} ms",
         f"{village_ms['p95_ms'] / floor:.1f}x the floor", "p95 <= 300 ms"),
        (f"drill-down: monitored households sorted by head, page 100, {scale}",
         f"p50 {list_ms['p50_ms']:.0f} ms / p95 {list_ms['p95_ms']:.0f} ms", f"{list_ms['p95_ms'] / floor:.1f}x the floor",
         "p95 <= 500 ms"),
        (f"drill-down: open problems older than 90 days, page 20, {scale}",
         f"p50 {problems_ms['p50_ms']:.0f} ms / p95 {problems_ms['p95_ms']:.0f} ms",
         f"{problems_ms['p95_ms'] / floor:.1f}x the floor", "p95 <= 500 ms"),
        (f"household search by phone, {scale}", f"p50 {search_ms['p50_ms']:.0f} ms / p95 {search_ms['p95_ms']:.0f} ms",
         f"{search_ms['p95_ms'] / floor:.1f}x the floor", "p95 <= 1000 ms"),
    ]
    section = args.section or ("dashboard" if args.households >= 100_000 else "dashboard_small")
    save_results(section, figures, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
