"""Memory (issue 13): resident set size with 20,000 households listed in the real
main window, and after the village overview, against a bare PySide6 window, in
the same run (each in its own process, offscreen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import WORK, save_results  # noqa: E402

PASS = "bench passphrase 2026"
HOUSEHOLDS = int(os.environ.get("BENCH_SEARCH_HOUSEHOLDS", "20000"))

BARE = """
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1366, 768); w.show()
for _ in range(20): app.processEvents()
"""

LISTED = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from ui.app import make_app
app = make_app("zh_CN")
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from ui.main_window import MainWindow
from ui.session import Session
home = Path(sys.argv[1])
settings = QSettings(str(home.parent / "bench-settings.ini"), QSettings.Format.IniFormat)
win = MainWindow(Session(home, "zh_CN", settings))
win.show()
for _ in range(20): app.processEvents()
win.on_opened(Fieldapp(Store.open(home, sys.argv[2])))
win.session.worker.wait()
for _ in range(50): app.processEvents()
assert win.households.model.rowCount() >= 20000 - 100, win.households.model.rowCount()
report("listed")
win.tabs.setCurrentWidget(win.overview)
win.session.worker.wait()
for _ in range(50): app.processEvents()
report("overview")
"""

REPORT = """
import gc, json
def rss_mib():
    with open("/proc/self/status", encoding="utf-8") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
def report(name):
    gc.collect()
    print(json.dumps({name: round(rss_mib(), 1)}), flush=True)
"""


def _run(code: str, *args: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FIELDAPP_KDF="minimum")
    out = subprocess.run([sys.executable, "-c", REPORT + code, *args], capture_output=True, text=True, encoding="utf-8", env=env,
                         timeout=900, cwd=Path(__file__).resolve().parent.parent)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    doc: dict[str, float] = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            doc.update(json.loads(line))
    return doc


def main() -> int:
    if not sys.platform.startswith("linux"):
        print("bench_memory reads /proc: Linux only")
        return 0
    os.environ["FIELDAPP_KDF"] = "minimum"
    home = WORK / "store-20k"
    if not (home / "store.key").exists():
        from fieldapp.demo import build_demo

        build_demo(home, PASS, households=HOUSEHOLDS, seed=7)
    bare = _run(BARE + "\nreport('bare')\n")["bare"]
    app = _run(LISTED, str(home), PASS)
    figures = {"bare_window_mib": bare, "listed_mib": app["listed"], "overview_mib": app["overview"],
               "ratio_listed": round(app["listed"] / bare, 2), "ratio_overview": round(app["overview"] / bare, 2)}
    out = [
        (f"memory with {HOUSEHOLDS:,} households listed (RSS)", f"{app['listed']:.0f} MiB ({figures['ratio_listed']}x)",
         f"bare PySide6 window {bare:.0f} MiB, same run", "<= 3x bare window"),
        ("memory after the village overview (RSS)", f"{app['overview']:.0f} MiB ({figures['ratio_overview']}x)",
         f"bare PySide6 window {bare:.0f} MiB", "<= 3x bare window"),
    ]
    save_results("memory", figures, out)
    for r in out:
        print(" | ".join(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
