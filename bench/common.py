"""Helpers shared by the bench scripts: timing, percentiles, results file, README table."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / "work"
RESULTS = BENCH_DIR / "results.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# County servers set up by the benches write their recovery key file under this passphrase.
os.environ.setdefault("FIELDAPP_RECOVERY_PASSPHRASE", "bench county recovery passphrase")


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary_ms(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(samples, 50), 3), "p95_ms": round(pct(samples, 95), 3),
            "mean_ms": round(statistics.fmean(samples), 3), "n": len(samples)}


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}


def load_results() -> dict[str, Any]:
    if RESULTS.exists():
        return dict(json.loads(RESULTS.read_text("utf-8")))
    return {}


def save_results(section: str, data: dict[str, Any], rows: list[tuple[str, str, str, str]]) -> None:
    """Store one section's figures and rows (figure, measured, floor/ratio, goal) and redraw the README table."""
    doc = load_results()
    doc[section] = {"figures": data, "rows": rows, "machine": machine(), "at": time.strftime("%Y-%m-%d %H:%M")}
    RESULTS.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")
    render_readme(doc)


def render_readme(doc: dict[str, Any]) -> None:
    if not README.exists():
        return
    lines = ["| figure | measured | against the floor | goal |", "|---|---|---|---|"]
    for section in sorted(doc):
        for row in doc[section].get("rows", []):
            lines.append("| " + " | ".join(row) + " |")
    any_section = next(iter(doc.values()), {})
    lines.append("")
    lines.append(f"Measured {any_section.get('at', '')} on {any_section.get('machine', {}).get('platform', '')}, "
                 f"{any_section.get('machine', {}).get('cpus', '')} CPUs. Raw figures: `bench/results.json`.")
    text = README.read_text("utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        README.write_text(head + START + "\n" + "\n".join(lines) + "\n" + END + tail, "utf-8")
