"""Qt Linguist translations: build ``.qm`` from the ``.ts`` sources and install them.

``python -m ui.i18n`` (what ``make translations`` runs) refreshes the ``.ts``
sources from ``ui/*.py`` with ``lupdate`` and compiles them with ``lrelease``.
At start the app only compiles a ``.qm`` that is missing or older than its
``.ts``; in a frozen bundle the tools are absent and the shipped ``.qm`` is used.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from fieldapp.resources import resource_path

LANGS = ("zh_CN", "en")
DEFAULT_LANG = "zh_CN"
I18N_DIR = resource_path("i18n")
UI_DIR = Path(__file__).resolve().parent


def normalise_lang(lang: str | None) -> str:
    """``zh``, ``zh_CN``, ``zh-CN`` -> ``zh_CN``; ``en*`` -> ``en``; else the default."""
    if not lang:
        return DEFAULT_LANG
    low = lang.replace("-", "_").lower()
    if low.startswith("en"):
        return "en"
    return DEFAULT_LANG


def core_lang(lang: str) -> str:
    """The language code the core's ``text(lang)`` helpers expect (``zh`` or ``en``)."""
    return "zh" if lang.lower().startswith("zh") else "en"


def _tool(name: str) -> str | None:
    """Find ``lrelease``/``lupdate``: next to python (``pyside6-*``), in the PySide6 package, or on PATH."""
    exe = Path(sys.executable).parent
    for cand in (exe / f"pyside6-{name}", exe / f"pyside6-{name}.exe"):
        if cand.exists():
            return str(cand)
    try:
        import PySide6

        pkg = Path(PySide6.__file__).parent
        for cand in (pkg / name, pkg / f"{name}.exe"):
            if cand.exists():
                return str(cand)
    except ImportError:  # pragma: no cover
        pass
    return shutil.which(f"pyside6-{name}") or shutil.which(name)


def ts_path(lang: str) -> Path:
    return I18N_DIR / f"fieldapp_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N_DIR / f"fieldapp_{lang}.qm"


def build_translations(force: bool = False) -> list[Path]:
    """Compile each ``.ts`` whose ``.qm`` is missing or outdated; returns the files written."""
    tool = _tool("lrelease")
    built: list[Path] = []
    for lang in LANGS:
        ts, qm = ts_path(lang), qm_path(lang)
        if not ts.exists() or tool is None:
            continue
        if not force and qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)  # noqa: S603
        built.append(qm)
    return built


def update_sources() -> None:
    """Refresh the ``.ts`` sources from the ``self.tr`` strings in ``ui/`` (keeps translations)."""
    tool = _tool("lupdate")
    if tool is None:
        raise RuntimeError("pyside6-lupdate not found")
    sources = sorted(str(p) for p in UI_DIR.glob("*.py"))
    for lang in LANGS:
        subprocess.run([tool, "-silent", "-locations", "none", *sources, "-target-language", lang,  # noqa: S603
                        "-ts", str(ts_path(lang))], check=True)


def install(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Load our ``.qm`` and Qt's own (dialog buttons) for ``lang``; keep the result alive."""
    out: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(str(qm_path(lang))):
        app.installTranslator(ours)
        out.append(ours)
    qt = QTranslator(app)
    if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        out.append(qt)
    return out


def uninstall(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for t in translators:
        app.removeTranslator(t)


if __name__ == "__main__":
    if "--build-only" not in sys.argv:
        update_sources()
    print("\n".join(str(p) for p in build_translations(force=True)))
