"""Entry script of the PyInstaller bundle (``build.spec``): ``fieldapp --selftest`` or the CLI.

``dist/fieldapp/fieldapp --selftest`` runs :func:`ui.selftest.run_selftest`;
anything else goes to :func:`fieldapp.cli.main` unchanged (no arguments opens
the desktop app). The same file runs unfrozen as ``python -m ui.frozen_main``.

``FIELDAPP_STARTUP_PROBE=<file>`` is for ``bench/bench_startup.py``: when the
first top-level window has painted, one line goes to ``<file>`` (or stdout when
the value is ``-``) and the app quits. The probe wraps ``QApplication.exec``, so
it sees whatever window ``ui.app.run_gui`` shows first, without any change to ``ui/``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

PROBE_ENV = "FIELDAPP_STARTUP_PROBE"
PROBE_TAG = "FIELDAPP_FIRST_WINDOW"


def _ensure_stdio() -> None:
    # The windowed Windows executable (fieldappw.exe) has no console: print() would fail.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 - lives as long as the process


def install_startup_probe(target: str) -> None:
    """Report the first painted top-level window, then quit (see the module docstring)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    original_exec = QApplication.exec

    class FirstPaint(QObject):
        def __init__(self, app: QApplication) -> None:
            super().__init__(app)
            self.app = app
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if (not self.done and event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and watched.isWindow()):
                self.done = True
                at = time.time()
                QTimer.singleShot(0, lambda: self.report(watched, at))
            return False

        def report(self, window: QWidget, at: float) -> None:
            pages = sorted({type(w).__name__ for w in window.findChildren(QWidget) if w.isVisible()})
            line = (f"{PROBE_TAG} t={at:.6f} window={type(window).__name__} "
                    f"unlock={int('UnlockPage' in pages)} title={window.windowTitle()!r}\n")
            if target == "-":
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                with open(target, "a", encoding="utf-8") as fh:
                    fh.write(line)
            self.app.quit()

    def exec_with_probe(self: QApplication) -> int:
        self.installEventFilter(FirstPaint(self))
        return int(original_exec())  # a static method in Qt: no self

    QApplication.exec = exec_with_probe  # type: ignore[method-assign,assignment]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _ensure_stdio()
    if args[:1] == ["--selftest"]:
        from ui.selftest import run_selftest

        return run_selftest()
    probe = os.environ.get(PROBE_ENV)
    if probe:
        install_startup_probe(probe)
    from fieldapp.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
