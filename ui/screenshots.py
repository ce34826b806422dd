"""``fieldapp gui --screenshot DIR``: every main screen with demo data, offscreen,
1366x768, in each language. A demo store is built in a temporary folder when
``home`` holds none (passphrase from FIELDAPP_PASSPHRASE or a demo one)."""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QWidget

from fieldapp.services import Fieldapp
from fieldapp.store import Store, store_exists
from ui import i18n
from ui.errors import set_language

DEMO_PASSPHRASE = "demo-passphrase-2026"
SIZE = (1366, 768)
SCREENS = ("unlock", "households", "household", "visit", "overview", "conflicts", "status", "settings", "cards",
           "shortcuts", "relay")


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _grab(w: QWidget, path: Path) -> None:
    _settle()
    w.grab().save(str(path), "PNG")


def _make_conflict(app: Fieldapp) -> None:
    """Demo only: another laptop changed the same phone number (as a sync would deliver it)."""
    from fieldapp.ids import uuid7
    from fieldapp.merge import Op
    from fieldapp.oplog import apply_op

    if app.conflicts():
        return
    rows = app.household_rows()
    if not rows:
        return
    hid = rows[1 % len(rows)]["id"]
    app.set_household_field(hid, "phone", "13911112222")
    op = Op(uuid7(), uuid7(), 1, "9999999999999-000000", "household", hid, "phone",
            "13733334444", (), county=app.card_county())
    with app.store.tx():
        apply_op(app.store, op, app.projector)
        app._commit_search_keys()


def _demo_enrollment(app: Fieldapp) -> None:
    """Demo only: enrolled with a made-up county key pair, so the sync panel shows a working laptop."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from sync import bundle as bf
    from sync import device as dv

    if dv.is_enrolled(app.store):
        return
    villages = sorted({r["village_code"] for r in app.household_rows() if r.get("village_code")})[:3]
    doc = {"county": app.card_county(), "card_key": app.store.meta("card_key") or "",
           "county_sign_public": bf.raw_public(Ed25519PrivateKey.generate()).hex(),
           "county_box_public": bf.raw_public(X25519PrivateKey.generate()).hex(),
           "villages": villages, "cadre": app.actor or ""}
    dv.save_enrollment(app.store, doc, "https://county.example.gov.cn:8470")
    app.store.set_meta("last_sync", "2026-05-04T08:30:12Z")


def _grab_relay(ini: Path, lang: str, path: Path) -> None:
    """The township relay window, waiting for a stick."""
    from ui.relay_window import QUEUE_KEY, SERVER_KEY, RelayWindow

    qs = QSettings(str(ini), QSettings.Format.IniFormat)
    qs.setValue(SERVER_KEY, "https://county.example.gov.cn:8470")
    qs.setValue(QUEUE_KEY, str(ini.parent / "relay-queue"))
    qs.setValue("ui/language", lang)
    relay = RelayWindow(qs, roots=lambda: [])
    relay.resize(*SIZE)
    relay.show()
    _grab(relay, path)
    relay.close()
    relay.deleteLater()


def render_all(home: Path, out: Path, langs: list[str]) -> int:
    from fieldapp.demo import build_demo
    from ui.app import make_app
    from ui.cards_dialog import CardsDialog
    from ui.main_window import MainWindow
    from ui.session import Session

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    passphrase = os.environ.get("FIELDAPP_PASSPHRASE") or DEMO_PASSPHRASE
    tmp = None
    demo = False
    if not store_exists(home):
        tmp = tempfile.TemporaryDirectory(prefix="fieldapp-shots-")
        home = Path(tmp.name) / "home"
        build_demo(home, passphrase, households=60)
        demo = True
    settings_file = Path(tempfile.mkdtemp(prefix="fieldapp-settings-")) / "settings.ini"
    try:
        for lang in langs:
            app = make_app(lang, 11)
            translators = i18n.install(app, lang)
            set_language(lang)
            qs = QSettings(str(settings_file), QSettings.Format.IniFormat)
            session = Session(home, lang, qs)
            win = MainWindow(session)
            win.resize(*SIZE)
            win.show()
            _grab(win, out / f"unlock_{lang}.png")
            fa = Fieldapp(Store.open(home, passphrase))
            if demo:
                _make_conflict(fa)
                _demo_enrollment(fa)
            win.on_opened(fa)
            session.worker.wait()
            win.households.table.resizeColumnsToContents()
            _grab(win, out / f"households_{lang}.png")
            rows = fa.household_rows()
            pick = next((r for r in rows if r["open_problems"] and r["last_visit"]), rows[0] if rows else None)
            if pick:
                win.open_household(pick["id"])
                win.household.tabs.setCurrentIndex(1)
                _grab(win, out / f"household_{lang}.png")
                win.start_visit(pick["id"])
                win.visit.sections.setCurrentRow(3)
                _grab(win, out / f"visit_{lang}.png")
                if win.visit.visit_id:
                    vid = win.visit.visit_id
                    session.call(functools.partial(Fieldapp.discard_draft, vid=vid))
                win.visit.set_empty()
            for name, tab in (("overview", win.overview), ("conflicts", win.conflicts), ("status", win.status),
                              ("settings", win.settings_tab)):
                win.tabs.setCurrentWidget(tab)
                session.worker.wait()
                if tab is win.status and demo:
                    # a real USB export, so the panel shows its result and the "not delivery" note
                    win.status.sync.export_usb(str(settings_file.parent / "USB" / "FIELDAPP"))
                    session.worker.wait()
                _grab(win, out / f"{name}_{lang}.png")
            dlg = CardsDialog(session, [r["id"] for r in rows[:8]], win)
            dlg.resize(*SIZE)
            dlg.show()
            _grab(dlg, out / f"cards_{lang}.png")
            dlg.close()
            from ui.shortcuts_help import ShortcutsDialog

            keys = ShortcutsDialog(win)
            keys.resize(*SIZE)
            keys.show()
            _grab(keys, out / f"shortcuts_{lang}.png")
            keys.close()
            _grab_relay(settings_file.parent / f"relay-{lang}.ini", lang, out / f"relay_{lang}.png")
            session.lock_now()
            win.close()
            win.deleteLater()
            i18n.uninstall(app, translators)
            _settle()
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0
