"""Packaging (issue 6): the spec is sound and portable, and the self-test passes
in-process. The frozen run (``dist/fieldapp/fieldapp --selftest``) is done by
``make test`` after pytest, on the bundle ``make build`` made."""

from __future__ import annotations

import ast
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PASS

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text("utf-8"), filename=str(SPEC))


def _string_tuples(tree: ast.Module) -> list[set[str]]:
    return [{e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            for node in ast.walk(tree) if isinstance(node, ast.Tuple | ast.List | ast.Set)]


def test_spec_parses_and_collects_every_resource_folder() -> None:
    tree = _spec_tree()
    compile(tree, str(SPEC), "exec")
    folders = {p.name for p in (ROOT / "resources").iterdir() if p.is_dir()} - {"i18n"}  # i18n: only the .qm
    listed = [t for t in _string_tuples(tree) if "forms" in t]
    assert listed and folders <= listed[0], f"build.spec does not collect resources/{sorted(folders - listed[0])}"
    text = SPEC.read_text("utf-8")
    for needle in ('"resources/i18n"', "qm_path", "frozen_main.py", "fieldapp.ico", "COLLECT(", "console=True"):
        assert needle in text, needle


def test_spec_names_no_platform_paths() -> None:
    text = SPEC.read_text("utf-8")
    assert not re.search(r"[A-Za-z]:\\\\|(?<![\w.])/(usr|lib|opt|home|tmp|etc)/", text)
    assert "SPECPATH" in text  # every path is built from the spec's own folder


def test_spec_keeps_what_the_app_imports_and_drops_the_rest() -> None:
    tree = _spec_tree()
    strings = set().union(*_string_tuples(tree))
    used_qt = set()
    for f in (ROOT / "ui").glob("*.py"):
        used_qt |= set(re.findall(r"^\s*from PySide6\.(Qt\w+) import", f.read_text("utf-8"), re.M))
    assert used_qt and used_qt.isdisjoint(strings), f"build.spec excludes Qt modules ui/ uses: {used_qt & strings}"
    for heavy in ("QtWebEngineCore", "QtQml", "QtQuick", "Qt3DCore", "QtCharts", "QtBluetooth"):
        assert heavy in strings
    # the webcam dialogs import these lazily (`from PySide6 import QtMultimedia`): they must stay in
    assert {"QtMultimedia", "QtMultimediaWidgets", "Qt6Network"}.isdisjoint(strings)
    for gone in ("tkinter", "sync.server", "fastapi", "sqlalchemy", "pytest"):
        assert gone in strings


def test_icon_files() -> None:
    ico = (ROOT / "resources" / "icons" / "fieldapp.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00" and int.from_bytes(ico[4:6], "little") >= 4  # several sizes
    assert (ROOT / "resources" / "icons" / "fieldapp.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_selftest_passes_in_process(qapp, tmp_path: Path) -> None:
    from ui.selftest import STEPS, run_selftest

    out = io.StringIO()
    rc = run_selftest(workdir=tmp_path, out=out)
    text = out.getvalue()
    assert rc == 0, text
    for name, _ in STEPS:
        assert re.search(rf"^selftest: ok\s+{re.escape(name)}\s", text, re.M), (name, text)
    assert "passed" in text.splitlines()[-1]
    assert list(tmp_path.iterdir()) == []  # nothing left behind


def test_selftest_reports_the_failing_step(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import selftest

    def broken(run: object) -> str:
        raise selftest.SelftestFailed("the form is missing")

    monkeypatch.setattr(selftest, "STEPS", [selftest.STEPS[0], ("resources", broken), *selftest.STEPS[2:]])
    out = io.StringIO()
    assert selftest.run_selftest(workdir=tmp_path, out=out) == 1
    text = out.getvalue()
    assert re.search(r"^selftest: FAIL resources\s+the form is missing$", text, re.M), text
    assert "translations" not in text  # stops at the first failure
    assert text.splitlines()[-1] == "selftest: FAILED at resources"
    assert list(tmp_path.iterdir()) == []


def test_frozen_entry_passes_other_arguments_to_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from ui.frozen_main import main

    assert main(["check-id", "11010519491231002X"]) == 0
    assert "OK" in capsys.readouterr().out


def test_startup_probe_reports_the_unlock_window(tmp_path: Path) -> None:
    """What bench/bench_startup.py relies on: the first painted window is reported, then the app quits."""
    from fieldapp.store import Store

    home = tmp_path / "home"
    Store.create(home, PASS).close()
    probe = tmp_path / "probe.txt"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"),
               FIELDAPP_STARTUP_PROBE=str(probe))
    proc = subprocess.run([sys.executable, "-m", "ui.frozen_main", "gui", "--home", str(home), "--lang", "en"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    line = probe.read_text("utf-8")
    assert line.startswith("FIELDAPP_FIRST_WINDOW t=") and " unlock=1 " in line, line
