"""The bundle's self-test (DESIGN §9): ``fieldapp --selftest``, also callable in-process.

Offscreen (on Windows: the ``windows`` platform, the one that sees the system's
fonts), in a temporary folder that is always removed, it goes once through
what a secretary's laptop does: load the resources and translations, create an
encrypted store, record a household and a finalised visit (checking the
verdict), print its QR card to PDF (and read the QR back with zxing-cpp),
export a USB uplink bundle (and open it again as the county would), and build
the unlock window. One line per step; exit 0 when all pass, else 1 and the
failing step with its reason (the traceback goes to stderr).

The household is invented (the ID number is the GB 11643-1999 specimen), and
nothing is written outside the temporary folder: the card PDF and the bundle
live there, the Qt settings of the unlock window go to a file there too.
"""

from __future__ import annotations

import contextlib
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from fieldapp import __version__
from fieldapp.resources import resources_dir

COUNTY = "370303"
VILLAGE = "370303102201"
HEAD_NAME = "自检户主"
HEAD_ID = "11010519491231002X"  # the specimen number of GB 11643-1999, no real person
PHONE = "13800000000"
NATIVE_PLATFORM = {"win32": "qwindows", "darwin": "qcocoa", "linux": "qxcb"}


def default_platform(system: str = sys.platform) -> str:
    """The Qt platform the self-test runs on unless ``QT_QPA_PLATFORM`` says otherwise.

    ``offscreen`` needs no display, but on Windows it (like ``minimal``) sees no
    system fonts, so the Chinese card could not be drawn; the ``windows``
    platform sees them, and runs without a visible desktop too (CI under Wine).
    """
    return "windows" if system == "win32" else "offscreen"


class SelftestFailed(Exception):  # noqa: N818 - reads as a sentence in the output
    """A check did not hold; the message says which."""


def _check(condition: object, reason: str) -> None:
    if not condition:
        raise SelftestFailed(reason)


@dataclass
class _Run:
    work: Path
    home: Path
    passphrase: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    app: Any = None
    household_id: str = ""
    qt_app: Any = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)


# ----- steps ----------------------------------------------------------------------------------------
def step_runtime(run: _Run) -> str:
    """Qt starts (a QApplication, as the desktop app uses) and the platform plugins are there."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "fieldapp"])
    _check(isinstance(app, QApplication), "a non-widget Qt application is already running")
    run.qt_app = app
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    found = sorted({p.name.split(".")[0].removeprefix("lib") for p in plugins.glob("*")} if plugins.is_dir() else set())
    wanted = {"qoffscreen", NATIVE_PLATFORM.get(sys.platform, "qoffscreen")}
    _check(wanted <= set(found), f"missing Qt platform plugins {sorted(wanted - set(found))} in {plugins}")
    mode = "frozen" if getattr(sys, "frozen", False) else "source"
    return (f"fieldapp {__version__} ({mode}), Python {platform.python_version()}, Qt {qVersion()}, "
            f"PySide6 {PySide6.__version__}, {platform.system()}, UTF-8 mode {sys.flags.utf8_mode}; "
            f"platform {QApplication.platformName()} of {', '.join(found)}")


def step_resources(run: _Run) -> str:
    """The visit form, policy, code lists, demo regions and icons load from resources/."""
    from fieldapp.codes import list_names
    from fieldapp.demo import village_directory
    from fieldapp.forms import load_form
    from fieldapp.policy import load_policy

    form = load_form("visit")
    load_policy()
    lists = list_names()
    villages = village_directory()
    _check(lists, "no code lists in resources/forms/codes.json")
    _check(villages, "no villages in resources/demo/regions.json")
    icons = sorted(p.name for p in (resources_dir() / "icons").glob("fieldapp.*"))
    _check(icons, f"no icon in {resources_dir() / 'icons'}")
    return (f"{resources_dir()}: visit form v{form.version}, policy, {len(lists)} code lists, "
            f"{len(villages)} demo villages, icons {', '.join(icons)}")


def step_translations(run: _Run) -> str:
    """Our .qm files and Qt's own Chinese strings load; a known string is translated."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from ui import i18n

    if not getattr(sys, "frozen", False):
        # A source tree may not have compiled them yet (the .qm are not in git);
        # without lrelease, whatever .qm exist are checked below.
        with contextlib.suppress(Exception):
            i18n.build_translations()
    loaded: list[str] = []
    text = ""
    for lang in i18n.LANGS:
        t = QTranslator()
        _check(t.load(str(i18n.qm_path(lang))), f"cannot load {i18n.qm_path(lang)}")
        loaded.append(lang)
        if lang == "zh_CN":
            text = t.translate("UnlockPage", "Unlock") or ""
            _check(text and text != "Unlock", f"zh_CN has no translation of 'Unlock' (got {text!r})")
    qt = QTranslator()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    _check(qt.load(QLocale("zh_CN"), "qtbase", "_", qt_dir), f"Qt's qtbase_zh_CN.qm is missing from {qt_dir}")
    return f"{', '.join(loaded)} (UnlockPage 'Unlock' -> '{text}'), qtbase_zh_CN"


def step_store(run: _Run) -> str:
    """An encrypted store is created, closed and opened again with its passphrase."""
    from fieldapp.keys import KdfParams
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store, db_path

    kdf = KdfParams(os.urandom(16))  # the policy floor (DESIGN §3): quick, still Argon2id m=64 MiB
    Store.create(run.home, run.passphrase, kdf=kdf, county=COUNTY).close()
    head = db_path(run.home).read_bytes()[:16]
    _check(head != b"SQLite format 3\x00", "store.db has a plain SQLite header: it is not encrypted")
    store = Store.open(run.home, run.passphrase)
    run.app = Fieldapp(store, actor="自检")
    run.cleanups.append(store.close)
    problems = store.integrity_problems()
    _check(not problems, f"integrity check: {problems}")
    return (f"SQLCipher store created and reopened (Argon2id m={kdf.memory_kib // 1024} MiB, "
            f"t={kdf.iterations}); integrity ok")


def step_visit(run: _Run) -> str:
    """A household and a finalised visit; the verdict flags the unsafe house and opens a problem."""
    app = run.app
    hid = app.add_household({
        "village_code": VILLAGE, "group": "1组", "address": "自检路1号", "phone": PHONE,
        "members": [{"name": HEAD_NAME, "id_number": HEAD_ID, "relation": "head"}],
    })
    run.household_id = hid
    answers = app.answers_from_assessment(hid, {
        "household": {"is_tuopin": True, "members": [{
            "schooling": "graduated", "medical_insurance": "resident", "serious_illness_insurance": True,
            "health": ["healthy"], "labour": "ordinary"}]},
        "food": {"staple_ok": True, "protein_ok": True},
        "clothing": {"seasonal_ok": True, "bedding_ok": True},
        "housing": {"grade": "D", "renovation": "none", "safe_alternative": False},
        "water": {"zone": "rich", "litres_per_person_day": 80, "piped_to_yard": True, "fetch_minutes": 0,
                  "outage_days_12m": 0, "quality": "meets"},
        "income": {"net_income_yuan": 40000, "household_size": 1, "rigid_spending_yuan": 0,
                   "last_year_net_income_yuan": 38000},
    })
    answers["visit"] = {"type": "home", "people_met": HEAD_NAME, "policies_explained": True,
                        "household_confirmed": True}
    answers["housing"].update(appraisal_date="2026-01-05", appraiser="县住建局")
    answers["water"].update(source_type="centralised", quality_evidence="lab_report")
    vid, verdict = app.record_visit(hid, answers)  # validates as final
    ind = verdict["indicators"]
    _check(ind["housing"]["verdict"] == "not_met", f"a grade D house should be not_met, got {ind['housing']}")
    _check(ind["food"]["verdict"] == "met" and ind["water"]["verdict"] == "met",
           f"food and water should be met, got {ind['food']['verdict']}, {ind['water']['verdict']}")
    _check(verdict["overall"] == "not_met", f"overall should be not_met, got {verdict['overall']}")
    problems = [p["indicator"] for p in app.problems(hid, open_only=True)]
    _check(problems == ["housing"], f"expected one open housing problem, got {problems}")
    found = [r["id"] for r in app.list_households(search="zjhz")]  # 自检户主 by pinyin initials
    _check(found == [hid], f"pinyin search 'zjhz' found {found}")
    return f"household + finalised visit {vid[:8]}…: housing not_met, overall not_met, 1 problem; pinyin search ok"


def step_cards(run: _Run) -> str:
    """The household's QR card prints to PDF; the QR drawn for it decodes back to a valid card."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    from ui.cards_render import paint_card, render_cards_pdf
    from ui.scan_decode import decode_payloads

    views = run.app.issue_cards([run.household_id], lang="zh")
    pdf = run.work / "cards.pdf"
    pages = render_cards_pdf(views, pdf, layout="a4", lang="zh")
    data = pdf.read_bytes()
    _check(data.startswith(b"%PDF-") and len(data) > 1000, f"{pdf.name} is not a PDF ({len(data)} bytes)")
    image = QImage(1400, 1000, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    try:
        paint_card(painter, QRectF(0, 0, 1400, 1000), views[0], "zh")
    finally:
        painter.end()
    payloads = decode_payloads(image)
    _check(payloads == [views[0].payload], f"zxing-cpp read {payloads}, expected {views[0].payload}")
    scan = run.app.scan(payloads[0])
    _check(scan["valid"] and scan["household_id"] == run.household_id, f"the scanned card is refused: {scan}")
    return f"{pages} page(s), {len(data)} bytes, starts %PDF; QR decoded by zxing-cpp and accepted"


def step_bundle(run: _Run) -> str:
    """An uplink bundle is exported (as to a USB stick) and opened again as the county would."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from sync import bundle as bf
    from sync import device

    store = run.app.store
    county_box, county_sign = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    device.save_enrollment(store, {  # a county that exists only for this test
        "county": COUNTY, "card_key": os.urandom(32).hex(),
        "county_sign_public": bf.raw_public(county_sign).hex(),
        "county_box_public": bf.raw_public(county_box).hex(), "villages": [VILLAGE],
    }, "selftest://local")
    path, n_ops = device.export_uplink(run.app, run.work / "usb")
    data = bf.read_file(path)
    sign_public = bytes.fromhex(device.public_keys(store)["sign_public"])

    def senders(name: str) -> bf.Sender | None:
        return bf.Sender(sign_public) if name == store.device_id else None

    opened = bf.open_bundle(data, recipient_private=county_box, county=COUNTY, senders=senders, kind="uplink")
    _check(n_ops > 0 and len(opened.ops) == n_ops, f"bundle holds {len(opened.ops)} ops, exported {n_ops}")
    _check(any(op.entity == "visit" for op in opened.ops), "the visit is not in the bundle")
    _check(all(secret not in data for secret in (HEAD_ID.encode(), HEAD_NAME.encode())),
           "personal data readable in the bundle file")
    return f"{path.name[:24]}… {len(data)} bytes, {n_ops} ops, opened and verified; no personal data in clear"


def step_at_rest(run: _Run) -> str:
    """No file in the data folder shows the household's name or ID number in clear."""
    run.app.store.checkpoint()
    files = [p for p in run.home.rglob("*") if p.is_file()]
    leaks = [p.name for p in files for s in (HEAD_ID.encode(), HEAD_NAME.encode()) if s in p.read_bytes()]
    _check(not leaks, f"personal data in clear in {sorted(set(leaks))}")
    return f"{len(files)} files in the data folder, none holds the name or ID number in clear"


def step_unlock_window(run: _Run) -> str:
    """The desktop app's main window builds and shows the unlock page for this store."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow
    from ui.session import Session

    settings = QSettings(str(run.work / "settings.ini"), QSettings.Format.IniFormat)  # not the user's
    session = Session(run.home, "zh_CN", settings)
    window = MainWindow(session)
    try:
        window.resize(1024, 640)
        window.show()
        QApplication.processEvents()
        _check(window.unlock.isVisible(), "the unlock page is not the visible page")
        shot = window.grab()
        _check(not shot.isNull(), "the window did not render")
        return f"{type(window).__name__} shows {type(window.unlock).__name__} ({shot.width()}x{shot.height()})"
    finally:
        window.close()
        session.worker.wait()
        window.deleteLater()
        QApplication.processEvents()


STEPS: list[tuple[str, Callable[[_Run], str]]] = [
    ("runtime", step_runtime),
    ("resources", step_resources),
    ("translations", step_translations),
    ("store", step_store),
    ("visit", step_visit),
    ("cards", step_cards),
    ("bundle", step_bundle),
    ("at-rest", step_at_rest),
    ("unlock", step_unlock_window),
]


def run_selftest(workdir: Path | None = None, out: TextIO | None = None) -> int:
    """Run every step; returns 0 when all pass, else 1 (the reason is printed).

    Args:
        workdir: where to make the temporary folder (default: the system's temp folder).
        out: where the step lines go (default: stdout).
    """
    stream = out or sys.stdout
    os.environ.setdefault("QT_QPA_PLATFORM", default_platform())

    def say(status: str, name: str, text: str) -> None:
        stream.write(f"selftest: {status:4} {name:12} {text}\n")
        stream.flush()

    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="fieldapp-selftest-", dir=workdir))
    run = _Run(work=work, home=work / "home")
    failed = ""
    try:
        for name, step in STEPS:
            t0 = time.perf_counter()
            try:
                detail = step(run)
            except Exception as exc:  # noqa: BLE001 - every failure becomes the reason line
                failed = name
                reason = str(exc) if isinstance(exc, SelftestFailed) else f"{type(exc).__name__}: {exc}"
                say("FAIL", name, reason)
                traceback.print_exc(file=sys.stderr)
                break
            say("ok", name, f"{detail} [{(time.perf_counter() - t0) * 1000:.0f} ms]")
    finally:
        for close in reversed(run.cleanups):
            with contextlib.suppress(Exception):  # cleanup must not hide the result
                close()
        shutil.rmtree(work, ignore_errors=True)
    if work.exists():
        say("FAIL", "cleanup", f"could not remove {work}")
        return 1
    say("ok", "cleanup", f"removed {work}")
    if failed:
        stream.write(f"selftest: FAILED at {failed}\n")
        return 1
    stream.write(f"selftest: passed ({len(STEPS)} steps, {time.perf_counter() - started:.1f} s)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_selftest())
