"""`make run`: build the demo store on first run, then open the desktop app on it.

Without a display it says so in one line and how to run it instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fieldapp.cli import format_summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m fieldapp.rundemo")
    p.add_argument("--home", default="demo-home")
    p.add_argument("--households", type=int, default=300)
    p.add_argument("--no-gui", action="store_true")
    args = p.parse_args(argv)
    passphrase = os.environ.get("FIELDAPP_PASSPHRASE", "demo-passphrase-2026")
    home = Path(args.home)
    from fieldapp.demo import build_demo

    first = not (home / "store.key").exists()
    if first:
        print(f"Building the demo store in {home} ({args.households} households)...", flush=True)
    summary = build_demo(home, passphrase, households=args.households)
    print(format_summary(summary))
    print(f"\nDemo store: {home.resolve()}   passphrase / 口令: {passphrase}")
    if args.no_gui:
        return 0
    try:
        from ui.app import run_gui  # noqa: F401
    except ImportError:
        print("(the desktop app is not part of this build yet)")
        return 0
    has_display = sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not has_display and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        print("No display here: run `xvfb-run -a .venv/bin/fieldapp --home demo-home gui`, "
              "or `.venv/bin/fieldapp --home demo-home gui --screenshot shots/` to render the screens to PNG.")
        return 0
    from ui.app import run_gui

    return int(run_gui(home, passphrase_hint=passphrase))


if __name__ == "__main__":
    raise SystemExit(main())
