"""The county-wide Excel export at 100,000 households on PostgreSQL (issue 11: under 60 s).

Loads the projection tables like bench_dashboard (households, visits, problems)
plus about three members per household with COPY, then times the export of
everything a county account sees (the work the background job does: stream the
rows, label the codes, convert the times, write the workbook). The floor is
reading the same rows without writing anything.

    .venv/bin/python bench/bench_exports.py                      # 100k households
    .venv/bin/python bench/bench_exports.py --households 10000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent / "tests")]

from bench_dashboard import COUNTY, copy_rows, load, log  # noqa: E402
from common import WORK, save_results  # noqa: E402


def load_members(url: str, households: int, seed: int = 2) -> int:
    import psycopg

    rng = random.Random(seed)
    n = 0

    def rows():  # type: ignore[no-untyped-def]
        nonlocal n
        for i in range(households):
            hid = f"00000000-0000-7000-8000-{i:012d}"
            for pos in range(rng.randint(1, 5)):
                n += 1
                yield (f"00000000-0000-7000-b000-{n:012d}", hid, f"成员{n}", f"370303198{n % 10}0101{n % 1000:03d}X",
                       "head" if pos == 0 else "child", "male", "1980-01-01", "", "active", pos, "{}")
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        copy_rows(conn, "member_state", ["member_id", "household_id", "name", "id_number", "relation", "sex",
                                         "birth_date", "phone", "status", "position", "data"], rows())
        conn.execute("ANALYZE")
        conn.commit()
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=100_000)
    ap.add_argument("--visits", type=int, default=100_000)
    args = ap.parse_args()
    import sqlalchemy as sa
    from pg import Cluster, pg_bin

    from sync.server import dash_tables as d
    from sync.server.accounts import Account
    from sync.server.county import County
    from sync.server.exports import Progress, export_workbook
    from sync.server.state import ensure_built

    if pg_bin() is None:
        log("PostgreSQL is not installed (apt-get install postgresql); nothing measured")
        return 1
    cluster = Cluster()
    data = WORK / "exports-county"
    shutil.rmtree(data, ignore_errors=True)
    try:
        county = County(data, cluster.new_database(), COUNTY)
        with county._write() as conn:
            ensure_built(conn)
        url = str(county.engine.url.render_as_string(hide_password=False))
        log(f"loading {args.households} households...")
        load(url, args.households, args.visits)
        members = load_members(url, args.households)
        account = Account("bench", "county", None)
        t = time.perf_counter()
        with county.engine.connect() as conn:
            for table in (d.hh_state, d.member_state, d.problem_state):
                for _row in conn.execution_options(yield_per=5000).execute(sa.select(table)):
                    pass
        floor = time.perf_counter() - t
        progress = Progress()
        t, cpu = time.perf_counter(), time.process_time()
        book = export_workbook(county.engine, account, county=COUNTY, progress=progress)
        took, cpu = time.perf_counter() - t, time.process_time() - cpu
        county.close()
    finally:
        cluster.stop()
    log(f"export: {took:.1f} s ({cpu:.1f} s of this process's CPU) for {args.households} households, {members} "
        f"members, {progress.total} rows, {len(book) / 1e6:.1f} MB; floor (reading the rows): {floor:.1f} s")
    figures = {"households": args.households, "members": members, "rows": progress.total, "seconds": round(took, 2),
               "cpu_seconds": round(cpu, 2),
               "bytes": len(book), "floor_read_seconds": round(floor, 2)}
    rows = [(f"county Excel export, {args.households:,} households / {members:,} members (PostgreSQL)",
             f"{took:.1f} s, {cpu:.1f} s CPU ({len(book) / 1e6:.0f} MB)", f"{took / floor:.1f}x reading the rows ({floor:.1f} s)",
             "< 60 s")]
    save_results("exports" if args.households >= 100_000 else "exports_small", figures, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
