"""The Windows bundle (issue 14): its size, and its cold start under Wine next to the Linux bundle's.

Both frozen bundles start the desktop app on an existing store and are timed
from just before the process is spawned to the first paint of the unlock window
(``FIELDAPP_STARTUP_PROBE``, as in bench_startup.py), both on Qt's ``offscreen``
platform (under Wine without a display the ``windows`` platform paints nothing;
Wine passes ``QT_*`` variables only when they are spelt ``WINEQT_*``). Starts are
interleaved, one warm-up round is not counted (it also starts Wine's server),
and the medians are compared. The ratio says what Wine and the Windows build
cost together on this machine, for what it is worth: it is not a Windows
laptop's figure (docs/windows-build.md says how to measure one).

The Windows bundle is built by ``make test-windows`` (scripts/windows/winbuild.py);
when it is missing this script builds it (prefix, Python, bundle: several minutes).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_startup import GOAL_SIZE_MB, ensure_store, size_on_disk, start_once  # noqa: E402
from common import ROOT, WORK, save_results  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts" / "windows"))
import winbuild as windows  # noqa: E402

RUNS = int(os.environ.get("BENCH_WINDOWS_RUNS", "5"))
LINUX = ROOT / "dist" / "fieldapp" / "fieldapp"
WIN_DIST = windows.DIST / "fieldapp"
WIN_EXE = WIN_DIST / "fieldapp.exe"


def log(msg: str) -> None:
    print(msg, flush=True)


def main() -> int:
    if not WIN_EXE.exists():
        log(f"  {WIN_EXE} is not built: building it (scripts/windows/winbuild.py --only python,bundle)")
        if windows.main(["--only", "python,bundle"]) != 0:
            return 1
    settings = Path(tempfile.mkdtemp(prefix="bench-windows-"))
    try:
        return measure(settings)
    finally:
        windows.wineserver("-k")
        shutil.rmtree(settings, ignore_errors=True)


def measure(settings: Path) -> int:
    work = WORK / "windows"
    home = work / "home"
    work.mkdir(parents=True, exist_ok=True)
    ensure_store(home)  # the same SQLCipher file opens on both systems
    gui = ["gui", "--home", str(home), "--lang", "zh_CN"]
    base = dict(os.environ, FIELDAPP_LANG="zh_CN")
    base.pop("FIELDAPP_PASSPHRASE", None)
    programs: dict[str, tuple[list[str], dict[str, str]]] = {}
    if LINUX.exists():
        programs["Linux frozen bundle"] = ([str(LINUX), *gui],
                                           dict(base, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(settings)))
    else:
        log(f"  {LINUX} is not built (make build): the Linux start is not measured")
    # Under Wine the Linux paths work as they are: rooted paths resolve on drive Z:, which is /.
    programs["Windows frozen bundle under Wine"] = (["wine", windows.winpath(WIN_EXE), *gui],
                                                    {**base, **windows.wine_env(), "WINEQT_QPA_PLATFORM": "offscreen"})
    probe = work / "probe.txt"
    samples: dict[str, list[float]] = {name: [] for name in programs}
    unlock: dict[str, bool] = {}
    for round_no in range(RUNS + 1):  # round 0 warms the file cache and Wine's server, not counted
        for name, (cmd, env) in programs.items():
            first, is_unlock, _ = start_once(cmd, env, probe)
            if round_no:
                samples[name].append(first)
                unlock[name] = unlock.get(name, True) and is_unlock
    median = {name: statistics.median(s) for name, s in samples.items()}
    apparent, allocated, n_files = size_on_disk(WIN_DIST)
    figures: dict[str, object] = {
        name: {"first_window_ms": {"p50": round(median[name], 1), "min": round(min(s), 1), "max": round(max(s), 1),
                                   "n": len(s)}, "first_window_is_unlock_page": unlock.get(name, False)}
        for name, s in samples.items()
    }
    figures["windows_bundle"] = {"bytes": apparent, "bytes_on_disk": allocated, "files": n_files}
    setup = next(windows.DIST.glob("FieldappSetup-*.exe"), None)
    if setup is not None:
        figures["installer"] = {"name": setup.name, "bytes": setup.stat().st_size}
    if windows.REPORT.exists():
        figures["build_report"] = json.loads(windows.REPORT.read_text("utf-8"))
    wine_ms = median["Windows frozen bundle under Wine"]
    note = "" if unlock.get("Windows frozen bundle under Wine") else " (first window was NOT the unlock page)"
    linux_ms = median.get("Linux frozen bundle")
    rows: list[tuple[str, str, str, str]] = [(
        "cold start to the unlock window, Windows bundle under Wine", f"{wine_ms:.0f} ms{note}",
        f"{wine_ms / linux_ms:.2f}x the Linux frozen bundle ({linux_ms:.0f} ms)" if linux_ms else "Linux not built",
        "for information (Wine is not Windows)")]
    rows.append(("Windows bundle size (dist/windows/fieldapp)", f"{apparent / 2**20:.0f} MiB",
                 f"{n_files} files" + (f"; installer {setup.stat().st_size / 2**20:.0f} MiB" if setup else ""),
                 f"< {GOAL_SIZE_MB} MB"))
    save_results("windows", figures, rows)
    for r in rows:
        log(" | ".join(r))
    for name, s in samples.items():
        log(f"  {name}: median {median[name]:.0f} ms (min {min(s):.0f}, max {max(s):.0f}, n {len(s)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
