"""Imports only go downwards: fieldapp imports no Qt and no HTTP library, sync
imports no Qt; only the composition root (the CLI) reaches up, lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui")
HTTP = ("httpx", "requests", "urllib3", "aiohttp", "fastapi", "starlette", "uvicorn", "http.client", "urllib.request")
COMPOSITION_ROOT = {"cli.py", "cli_more.py", "rundemo.py", "__main__.py"}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at_top_level) for each import in a file."""
    tree = ast.parse(path.read_text("utf-8"))
    top = set(map(id, tree.body))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, id(node) in top))
    return out


def _bad(mod: str, banned: tuple[str, ...]) -> bool:
    return any(mod == b or mod.startswith(b + ".") for b in banned)


def test_core_imports_no_qt_no_http_no_upper_layers():
    for f in (ROOT / "fieldapp").rglob("*.py"):
        for mod, top in _imports(f):
            if f.name in COMPOSITION_ROOT and not top:
                continue  # lazy imports inside commands
            assert not _bad(mod, QT + HTTP + ("sync",)), f"{f.relative_to(ROOT)} imports {mod}"


def test_sync_imports_no_qt():
    for f in (ROOT / "sync").rglob("*.py"):
        for mod, _ in _imports(f):
            assert not _bad(mod, QT), f"{f.relative_to(ROOT)} imports {mod}"


def test_assess_never_loads_qt(tmp_path):
    f = tmp_path / "in.json"
    f.write_text('{"food": {"staple_ok": true, "protein_ok": true}}')
    code = (
        "import sys; from fieldapp.cli import main; rc = main(['assess', sys.argv[1]]);"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'httpx', 'fastapi', 'sqlalchemy', 'ui')];"
        "sys.stderr.write(repr(bad)); sys.exit(rc or (3 if bad else 0))"
    )
    p = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
