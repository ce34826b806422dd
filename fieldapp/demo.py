"""Build a demo store: a believable synthetic village for trying Fieldapp out.

Everything in it is invented (random name combinations, ID numbers with valid
check digits but no real person behind them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fieldapp.demo_data import generate_households
from fieldapp.resources import load_json
from fieldapp.services import Fieldapp
from fieldapp.store import Store, store_exists

DEMO_SECRETARY = {"name": "王建国", "phone": "13905330001", "unit": "淄博市农业农村局"}
DEMO_CHECKER = "乡镇核查员 刘敏"
BATCH = 250


def village_directory() -> dict[str, dict[str, str]]:
    """Village code -> names, from the demo region file."""
    out: dict[str, dict[str, str]] = {}
    for county in load_json("demo", "regions.json")["counties"]:
        for t in county["townships"]:
            for v in t["villages"]:
                out[str(v["code"])] = {"village": str(v["name"]), "township": str(t["name"]),
                                       "county": str(county["name"]), "county_code": str(county["code"]),
                                       "hotline": str(county.get("hotline", ""))}
    return out


def build_demo(
    home: Path,
    passphrase: str,
    *,
    households: int = 60,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Create (if needed) and fill a store in ``home``; returns its summary.

    A store that already holds demo data is left as it is (same summary).
    """
    if households < 1 or households > 100_000:
        from fieldapp.errors import InputRefused

        raise InputRefused("--households must be between 1 and 100000", "--households 须在 1 到 100000 之间")
    gen = generate_households(households, seed=seed, today=today)
    first = next(gen, None)
    if first is None:
        raise AssertionError("the generator yielded nothing")
    directory = village_directory()
    county = first.household["village_code"][:6]
    if store_exists(home):
        store = Store.open(home, passphrase)
    else:
        store = Store.create(home, passphrase, county=county)
    app = Fieldapp(store, actor=DEMO_SECRETARY["name"])
    try:
        if store.meta("demo_seed") is not None:
            return app.summary()
        store.set_meta("cadre_name", DEMO_SECRETARY["name"])
        store.set_meta("secretary", json.dumps(DEMO_SECRETARY, ensure_ascii=False))
        store.set_meta("village_names", json.dumps(directory, ensure_ascii=False))
        done = 0

        def one(dh: Any) -> None:
            data = dict(dh.household)
            names = directory.get(data["village_code"], {})
            data["village_name"] = names.get("village", "")
            data["township_name"] = names.get("township", "")
            data["secretary"] = DEMO_SECRETARY
            hid = app.add_household(data, validate=False)
            for v in dh.visits:
                answers = app.answers_from_assessment(hid, v["answers"])
                app.record_visit(hid, answers, visited_at=v["visited_at"], validate=False)
            if dh.problem_plan:
                by_indicator = {p["indicator"]: p["id"] for p in app.problems(hid, open_only=True)}
                for indicator, target in dh.problem_plan:
                    pid = by_indicator.get(indicator)
                    if pid is None:
                        continue
                    _progress_problem(app, pid, target)
            if any(ind == "housing" for ind, _ in dh.problem_plan):
                app.add_measure(hid, "M_HOUSING", "危房改造项目已立项")

        batch: list[Any] = [first]
        for dh in gen:
            batch.append(dh)
            if len(batch) >= BATCH:
                with store.tx():
                    for item in batch:
                        one(item)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, households)
        if batch:
            with store.tx():
                for item in batch:
                    one(item)
            done += len(batch)
            if progress is not None:
                progress(done, households)
        store.set_meta("demo_seed", str(seed))
        return app.summary()
    finally:
        store.close()


def _progress_problem(app: Fieldapp, pid: str, target: str) -> None:
    steps = {"in_progress": ["in_progress"], "awaiting_check": ["in_progress", "awaiting_check"],
             "closed": ["in_progress", "awaiting_check", "closed"]}[target]
    notes = {"in_progress": "已制定整改方案，责任人已落实", "awaiting_check": "整改完成，申请验收", "closed": "经入户核查，整改到位，同意销号"}
    for step in steps:
        app.move_problem(pid, step, notes[step], actor=DEMO_CHECKER if step == "closed" else None)
