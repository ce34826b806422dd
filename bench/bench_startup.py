"""Start-up and bundle figures (issues 3 and 6): cold start to the unlock window,
for ``python -m fieldapp gui`` and the frozen bundle, against a bare PySide6
window started the same way in the same run; and the bundle's size on disk.

Each start is a new process, offscreen, timed from just before the process is
spawned to the first paint of its first top-level window (``FIELDAPP_STARTUP_PROBE``
in ``ui/frozen_main.py`` reports it and quits; the bare window carries the
same probe inline). The store is an existing one, so the first window is the
real unlock page of ``ui/``; the probe says whether it was. The starts of the
three programs are interleaved, one warm-up round is not counted, and the
medians are compared. "Cold" means a new process: the OS file cache stays warm
(dropping it needs root and would disturb other benchmarks); docs/windows-build.md
says how to measure a first start after a reboot on a real laptop.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, WORK, save_results  # noqa: E402

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "9"))
TIMEOUT_S = 60
PASS = "bench passphrase 2026"
DIST = ROOT / "dist" / "fieldapp"
FROZEN = DIST / ("fieldapp.exe" if sys.platform == "win32" else "fieldapp")
PROBE_ENV, PROBE_TAG = "FIELDAPP_STARTUP_PROBE", "FIELDAPP_FIRST_WINDOW"
GOAL_RATIO = 1.3
GOAL_SIZE_MB = 150

# The floor: PySide6 itself, one QMainWindow of the app's size, the same probe.
BARE = f"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class FirstPaint(QObject):
    done = False
    def eventFilter(self, watched, event):
        if not self.done and event.type() == QEvent.Type.Paint and watched.isWidgetType() and watched.isWindow():
            self.done = True
            at = time.time()
            QTimer.singleShot(0, lambda: self.report(watched, at))
        return False
    def report(self, window, at):
        with open(sys.argv[1], "a", encoding="utf-8") as fh:
            fh.write(f"{PROBE_TAG} t={{at:.6f}} window={{type(window).__name__}} unlock=0 title=''\\n")
        app.quit()

app = QApplication(sys.argv[:1])
probe = FirstPaint(app)
app.installEventFilter(probe)
window = QMainWindow()
window.setCentralWidget(QLabel("Fieldapp"))
window.resize(1366, 768)
window.show()
sys.exit(app.exec())
"""


def log(msg: str) -> None:
    print(msg, flush=True)


def ensure_store(home: Path) -> None:
    """A locked store, so that the app opens on its unlock page (not first-run enrolment)."""
    if (home / "store.key").exists():
        return
    env = dict(os.environ, FIELDAPP_KDF="minimum")
    code = "import sys; from pathlib import Path; from fieldapp.store import Store; Store.create(Path(sys.argv[1]), sys.argv[2]).close()"
    subprocess.run([sys.executable, "-c", code, str(home), PASS], check=True, env=env, cwd=ROOT)


def start_once(cmd: list[str], env: dict[str, str], probe: Path) -> tuple[float, bool, float]:
    """(ms to the first painted window, was it the unlock page, ms until the process ended)."""
    probe.unlink(missing_ok=True)
    run_env = dict(env, **{PROBE_ENV: str(probe)})
    t0 = time.time()
    proc = subprocess.run(cmd, env=run_env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          encoding="utf-8", timeout=TIMEOUT_S)
    ended = time.time()
    lines = [ln for ln in probe.read_text("utf-8").splitlines() if ln.startswith(PROBE_TAG)] if probe.exists() else []
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{cmd[0]} {' '.join(cmd[1:3])}: exit {proc.returncode}, no window reported\n"
                           f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    fields = dict(part.split("=", 1) for part in lines[0].split()[1:4])
    return (float(fields["t"]) - t0) * 1000, fields.get("unlock") == "1", (ended - t0) * 1000


def size_on_disk(folder: Path) -> tuple[int, int, int]:
    """(bytes in files, bytes allocated on disk where the OS says, number of files)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    apparent = sum(p.stat().st_size for p in files)
    blocks = sum(getattr(p.stat(), "st_blocks", 0) * 512 for p in files) or apparent
    return apparent, blocks, len(files)


def main() -> int:
    settings = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        return measure(settings)
    finally:
        shutil.rmtree(settings, ignore_errors=True)


def measure(settings: Path) -> int:
    work = WORK / "startup"
    home = work / "home"
    work.mkdir(parents=True, exist_ok=True)
    ensure_store(home)
    # Offscreen like the rest of the suite; Qt settings go to a scratch folder, not the user's.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(settings), FIELDAPP_LANG="zh_CN")
    # A laptop runs from compiled bytecode: let Python write and reuse __pycache__
    # (the warm-up round compiles), whatever this shell says.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("FIELDAPP_PASSPHRASE", None)
    gui = ["gui", "--home", str(home), "--lang", "zh_CN"]
    programs: dict[str, list[str]] = {
        "bare PySide6 window": [sys.executable, "-c", BARE],
        "python -m fieldapp gui": [sys.executable, "-m", "ui.frozen_main", *gui],
    }
    if FROZEN.exists():
        programs["frozen bundle (dist/fieldapp)"] = [str(FROZEN), *gui]
    else:
        log(f"  {FROZEN} is not built (make build): frozen start not measured")
    probe = work / "probe.txt"
    samples: dict[str, list[float]] = {name: [] for name in programs}
    lifetimes: dict[str, list[float]] = {name: [] for name in programs}
    unlock: dict[str, bool] = {}
    for round_no in range(RUNS + 1):  # round 0 warms the file cache and is not counted
        for name, cmd in programs.items():
            if name == "bare PySide6 window":
                first, is_unlock, life = start_once([*cmd, str(probe)], env, probe)
            else:
                first, is_unlock, life = start_once(cmd, env, probe)
            if round_no:
                samples[name].append(first)
                lifetimes[name].append(life)
                unlock[name] = unlock.get(name, True) and is_unlock
    median = {name: statistics.median(s) for name, s in samples.items()}
    bare = median["bare PySide6 window"]
    figures: dict[str, object] = {
        name: {"first_window_ms": {"p50": round(median[name], 1), "min": round(min(s), 1), "max": round(max(s), 1),
                                   "n": len(s)},
               "process_lifetime_ms_p50": round(statistics.median(lifetimes[name]), 1),
               "ratio_to_bare": round(median[name] / bare, 3),
               "first_window_is_unlock_page": unlock.get(name, False)}
        for name, s in samples.items()
    }
    rows: list[tuple[str, str, str, str]] = []
    py = median["python -m fieldapp gui"]
    note = "" if unlock.get("python -m fieldapp gui") else " (first window was NOT the unlock page)"
    rows.append(("cold start to the unlock window, python -m fieldapp gui", f"{py:.0f} ms{note}",
                 f"{py / bare:.2f}x a bare PySide6 window ({bare:.0f} ms)", f"<= {GOAL_RATIO}x"))
    frozen_name = "frozen bundle (dist/fieldapp)"
    if frozen_name in median:
        fz = median[frozen_name]
        note = "" if unlock.get(frozen_name) else " (first window was NOT the unlock page)"
        rows.append(("cold start to the unlock window, frozen bundle", f"{fz:.0f} ms{note}",
                     f"{fz / bare:.2f}x a bare PySide6 window, {fz / py:.2f}x python -m fieldapp",
                     f"<= {GOAL_RATIO}x bare PySide6"))
        apparent, allocated, n_files = size_on_disk(DIST)
        figures["bundle"] = {"bytes": apparent, "bytes_on_disk": allocated, "files": n_files,
                             "platform": sys.platform}
        rows.append(("bundle size on disk (dist/fieldapp)", f"{allocated / 2**20:.0f} MiB",
                     f"{n_files} files, {apparent / 2**20:.0f} MiB in files ({sys.platform})",
                     f"< {GOAL_SIZE_MB} MB"))
    else:
        rows.append(("cold start to the unlock window, frozen bundle", "not built", "run make build", f"<= {GOAL_RATIO}x"))
    figures["runs"] = RUNS
    save_results("startup", figures, rows)
    for r in rows:
        log(" | ".join(r))
    for name in programs:
        s = samples[name]
        log(f"  {name}: median {median[name]:.0f} ms (min {min(s):.0f}, max {max(s):.0f}, n {len(s)}), "
            f"process ends at {statistics.median(lifetimes[name]):.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
