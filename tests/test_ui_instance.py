"""One app instance per store: a second copy (another process) is refused with a
message; a lock left by a crashed copy does not block the next start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from ui.single_instance import LOCK_NAME, claim

SECOND_COPY = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from PySide6.QtWidgets import QApplication, QMessageBox
    shown = []
    QMessageBox.warning = staticmethod(lambda parent, title, text: shown.append(text))
    from ui.app import run_gui
    code = run_gui(Path(sys.argv[1]), lang="en")
    print(json.dumps({"code": code, "shown": shown}))
""")


def test_second_copy_is_refused_with_a_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = claim(home)
    assert first is not None
    try:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-c", SECOND_COPY, str(home)], capture_output=True, text=True,
                             env=env, timeout=120, cwd=Path(__file__).parent.parent)
        assert out.returncode == 0, out.stderr[-2000:]
        doc = json.loads(out.stdout.strip().splitlines()[-1])
        assert doc["code"] == 3 and "already open in another Fieldapp window" in doc["shown"][0]
    finally:
        first.unlock()
    again = claim(home)  # released: the next start gets it
    assert again is not None
    again.unlock()


def test_a_crashed_copys_lock_is_taken_over(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = dead.stdout.strip()
    (home / LOCK_NAME).write_text(f"{pid}\nfieldapp\n{socket.gethostname()}\n", encoding="utf-8")
    lock = claim(home)
    assert lock is not None
    lock.unlock()
