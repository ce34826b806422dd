"""The parts of the Windows build that can be checked on Linux in a second (the whole build and its
Windows tests run under Wine in `make test-windows`, scripts/windows/winbuild.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts" / "windows"))
import winbuild  # noqa: E402


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower()


def test_the_windows_python_gets_every_dependency_of_the_project() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    reqs = winbuild.requirements()
    assert set(project["dependencies"]) <= set(reqs)  # markers and all, as pyproject.toml says
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    names = {_name(r) for r in reqs}
    assert {"pytest", "pyinstaller"} <= names
    assert dev - winbuild.LINUX_ONLY_TOOLS <= names
    assert not names & winbuild.LINUX_ONLY_TOOLS
    assert set(winbuild.WINDOWS_ONLY) <= names


def test_core_test_files_exist() -> None:
    assert all((ROOT / "tests" / name).is_file() for name in winbuild.CORE_TESTS)


def test_windows_paths() -> None:
    assert winbuild.winpath(Path("/work/x y/a.exe")) == r"Z:\work\x y\a.exe"


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis missing: apt-get install nsis")
def test_the_installer_script_builds(tmp_path: Path) -> None:
    bundle = tmp_path / "fieldapp"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("fieldapp.exe", "fieldappw.exe", "_internal/marker.txt"):
        (bundle / name).write_bytes(b"MZ not a real program")
    setup = winbuild.makensis(bundle, "1.2.3", tmp_path / "FieldappSetup-1.2.3.exe", compress=False)
    data = setup.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 50_000
    assert b"marker.txt" in data or "marker.txt".encode("utf-16-le") in data


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis missing: apt-get install nsis")
def test_the_installer_refuses_to_build_without_its_inputs(tmp_path: Path) -> None:
    out = subprocess.run(["makensis", "-V1", "-INPUTCHARSET", "UTF8", str(winbuild.HERE / "installer.nsi")],
                         capture_output=True, text=True, encoding="utf-8", check=False)
    assert out.returncode != 0
    assert "define VERSION" in out.stdout + out.stderr


def test_admin_export_writes_a_whole_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The export is written by descriptor in binary mode (text mode would corrupt it on Windows)."""
    from fieldapp.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["admin", "--data", "county", "--county", "370303", "export", "--out", "out.xlsx"]) == 0
    with zipfile.ZipFile(tmp_path / "out.xlsx") as zf:
        assert zf.testzip() is None
        assert "xl/workbook.xml" in zf.namelist()
    assert not list(tmp_path.glob("*.part"))
