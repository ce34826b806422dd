"""Code that works on Linux and breaks on a Windows laptop, found in the source so it does not come back.

On Windows (docs/windows-build.md, "Windows hazards"):
- a file opened by descriptor (``os.open``) is in text mode unless ``O_BINARY`` is
  given: every ``\\n`` written becomes ``\\r\\n`` and a ``.xlsx`` or bundle is corrupt;
- text read or written without an explicit encoding uses the ANSI code page
  (cp936 on a Chinese Windows), not UTF-8: Chinese text is garbled or refused;
- Qt's ``offscreen`` and ``minimal`` platforms see no system font, so the self-test
  must use the ``windows`` platform there (or nothing Chinese can be drawn).

The checks read the syntax tree, so comments and strings do not count and a
call split over lines is still found.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "windows"))
from winbuild import CORE_TESTS  # noqa: E402

# Everything that ships in the bundle or runs the build and the benchmarks, and the
# tests that `make test-windows` runs under the Windows Python.
SOURCES = sorted(
    [p for d in ("fieldapp", "ui", "sync", "bench", "scripts") for p in (ROOT / d).rglob("*.py")]
    + [ROOT / "build.spec", ROOT / "tests" / "conftest.py"]
    + [ROOT / "tests" / name for name in CORE_TESTS]
)
SUBPROCESS_TEXT = {"run", "check_output", "Popen", "call", "check_call"}


def _const(node: ast.AST | None) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _kw(call: ast.Call, name: str) -> ast.keyword | None:
    return next((k for k in call.keywords if k.arg == name), None)


def _text_mode(mode: ast.AST | None) -> bool:
    """A mode argument that opens in text mode (no mode at all means "r", text)."""
    value = "r" if mode is None else _const(mode)
    return isinstance(value, str) and "b" not in value


def hazards(path: Path, source: str | None = None) -> list[str]:
    """Each hazardous call in the file, as ``file:line: what``."""
    text = path.read_text("utf-8") if source is None else source
    tree = ast.parse(text, filename=str(path))
    rel = path.relative_to(ROOT) if path.is_absolute() and path.is_relative_to(ROOT) else path
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{rel}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        has_encoding = _kw(node, "encoding") is not None
        if name == "open" and owner == "os":
            if "O_BINARY" not in ast.unparse(node):
                flag(node, "os.open without O_BINARY (text mode on Windows)")
        elif name == "read_text" and isinstance(func, ast.Attribute):
            if not node.args and not has_encoding:
                flag(node, "read_text() without an encoding")
        elif name == "write_text" and isinstance(func, ast.Attribute):
            if len(node.args) < 2 and not has_encoding:
                flag(node, "write_text() without an encoding")
        elif name == "open" and isinstance(func, ast.Name):  # the builtin
            mode = node.args[1] if len(node.args) > 1 else getattr(_kw(node, "mode"), "value", None)
            if _text_mode(mode) and len(node.args) < 4 and not has_encoding:
                flag(node, "open() in text mode without an encoding")
        elif name == "open" and isinstance(func, ast.Attribute) and owner != "os":  # Path.open(mode)
            mode = node.args[0] if node.args else getattr(_kw(node, "mode"), "value", None)
            if isinstance(_const(mode), str) and _text_mode(mode) and not has_encoding:
                flag(node, ".open() in text mode without an encoding")
        elif name == "fdopen" and owner == "os":
            mode = node.args[1] if len(node.args) > 1 else getattr(_kw(node, "mode"), "value", None)
            if _text_mode(mode) and not has_encoding:
                flag(node, "os.fdopen() in text mode without an encoding")
        elif name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
            mode = node.args[0] if node.args else getattr(_kw(node, "mode"), "value", None)
            if mode is not None and _text_mode(mode) and not has_encoding:
                flag(node, f"{name}() in text mode without an encoding")
        elif name in SUBPROCESS_TEXT and owner == "subprocess":
            text_kw = _kw(node, "text") or _kw(node, "universal_newlines")
            if text_kw is not None and _const(text_kw.value) is True and not has_encoding:
                flag(node, f"subprocess.{name}(text=True) without an encoding")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_windows_hazards(path: Path) -> None:
    assert hazards(path) == []


BAD = '''
import os, subprocess, tempfile
from pathlib import Path
fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o600)
Path(p).read_text()
Path(p).write_text("x")
open(p)
open(p, "w")
Path(p).open("a")
os.fdopen(fd, "w")
tempfile.NamedTemporaryFile("w")
subprocess.run(["x"], capture_output=True, text=True)
'''

GOOD = '''
import os, subprocess, tempfile
from pathlib import Path
fd = os.open(p, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
Path(p).read_text("utf-8")
Path(p).read_text(encoding="utf-8")
Path(p).write_text("x", "utf-8")
open(p, "rb")
open(p, "w", encoding="utf-8")
Path(p).open("ab")
Store.open(home, passphrase)
os.fdopen(fd, "wb")
tempfile.NamedTemporaryFile()
subprocess.run(["x"], capture_output=True, text=True, encoding="utf-8")
subprocess.run(["x"], capture_output=True)
'''


def test_the_checks_find_each_hazard() -> None:
    found = hazards(Path("bad.py"), BAD)
    assert [re.sub(r"^bad.py:\d+: ", "", f) for f in found] == [
        "os.open without O_BINARY (text mode on Windows)",
        "read_text() without an encoding",
        "write_text() without an encoding",
        "open() in text mode without an encoding",
        "open() in text mode without an encoding",
        ".open() in text mode without an encoding",
        "os.fdopen() in text mode without an encoding",
        "NamedTemporaryFile() in text mode without an encoding",
        "subprocess.run(text=True) without an encoding",
    ]
    assert hazards(Path("good.py"), GOOD) == []


def test_selftest_uses_a_platform_with_fonts_on_windows() -> None:
    from ui.selftest import default_platform

    assert default_platform("win32") == "windows"
    assert default_platform("linux") == "offscreen"
    selftest = (ROOT / "ui" / "selftest.py").read_text("utf-8")
    assert 'setdefault("QT_QPA_PLATFORM", "offscreen")' not in selftest


def test_windows_docs_do_not_send_people_offscreen() -> None:
    doc = (ROOT / "docs" / "windows-build.md").read_text("utf-8")
    assert not re.search(r"QT_QPA_PLATFORM\s*=\s*\"?offscreen", doc)
    assert r"%LOCALAPPDATA%\Fieldapp" in doc
