"""The main window: wires the screens together, nothing more."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSize
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
)

from fieldapp.services import Fieldapp
from ui.autolock import IdleLock
from ui.cards_dialog import CardsDialog
from ui.conflicts_tab import ConflictsTab
from ui.household_list import HouseholdListTab
from ui.household_page import HouseholdPage
from ui.overview_tab import OverviewTab
from ui.scanner import ScannerFilter
from ui.session import Session
from ui.settings_tab import SettingsTab
from ui.status_tab import StatusTab
from ui.unlock_page import UnlockPage
from ui.visit_form import VisitForm

MIN_SIZE = QSize(1024, 640)


class MainWindow(QMainWindow):
    def __init__(self, session: Session, idle: IdleLock | None = None, scanner: ScannerFilter | None = None) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle(self.tr("Fieldapp — household visits"))
        self.setMinimumSize(MIN_SIZE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.unlock = UnlockPage(session.home, session.worker)
        self.stack.addWidget(self.unlock)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.households = HouseholdListTab(session)
        self.household = HouseholdPage(session)
        self.visit = VisitForm(session)
        self.overview = OverviewTab(session)
        self.conflicts = ConflictsTab(session)
        self.status = StatusTab(session)
        self.settings_tab = SettingsTab(session)
        self.tabs.addTab(self.households, self.tr("Households"))
        self.tabs.addTab(self.household, self.tr("Household"))
        self.tabs.addTab(self.visit, self.tr("Visit"))
        self.tabs.addTab(self.overview, self.tr("Village overview"))
        self.tabs.addTab(self.conflicts, self.tr("Conflicts"))
        self.tabs.addTab(self.status, self.tr("Sync and backup"))
        self.tabs.addTab(self.settings_tab, self.tr("Settings"))
        self.stack.addWidget(self.tabs)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        self.idle = idle or IdleLock(float(session.settings.value("security/autolock_minutes", 10)), parent=self)
        self.scanner = scanner or ScannerFilter(parent=self)
        lock_action = QAction(self.tr("Lock now"), self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self.lock)
        self.addAction(lock_action)
        find_action = QAction(self, shortcut=QKeySequence.StandardKey.Find)
        find_action.triggered.connect(self.focus_search)
        self.addAction(find_action)

        self.unlock.opened.connect(self.on_opened)
        session.locked.connect(self.on_locked)
        session.changed.connect(self.on_changed)
        self.idle.idle.connect(self.lock)
        self.scanner.scanned.connect(self.on_scan)
        self.households.household_activated.connect(self.open_household)
        self.households.cards_requested.connect(self.open_cards)
        self.household.start_visit.connect(self.start_visit)
        self.household.print_card.connect(self.open_cards)
        self.visit.finalised.connect(lambda hid, vid: self.open_household(hid))
        self.visit.closed.connect(self.open_household)
        self.status.conflicts_requested.connect(lambda: self.tabs.setCurrentWidget(self.conflicts))
        self.settings_tab.autolock_changed.connect(self.idle.set_minutes)
        self.settings_tab.text_size_changed.connect(self.set_text_size)
        self.settings_tab.language_changed.connect(self.on_language)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.show_unlock()
        geo = session.settings.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)

    # ----- lock / unlock ------------------------------------------------------------
    def show_unlock(self) -> None:
        self.unlock.refresh_mode()
        self.stack.setCurrentWidget(self.unlock)
        self.scanner.enabled = False
        self.unlock.focus_passphrase()

    def on_opened(self, app: Fieldapp) -> None:
        self.session.attach(app)
        self.stack.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.households)
        self.households.reload()
        self.idle.arm()
        self.scanner.enabled = True
        self.status_label.setText(self.tr("Signed in as %1").replace("%1", app.actor or "—"))
        self.households.search.setFocus()

    def lock(self) -> None:
        if self.session.is_open:
            self.session.lock_now()

    def on_locked(self) -> None:
        """Hide all data: every screen is emptied and the unlock page shown."""
        self.idle.disarm()
        for w in (self.households, self.overview, self.conflicts, self.status, self.settings_tab):
            w.clear()
        self.household.set_empty()
        self.visit.set_empty()
        for dlg in self.findChildren(CardsDialog):
            dlg.reject()
        self.status_label.clear()
        self.show_unlock()

    # ----- navigation -----------------------------------------------------------------
    def focus_search(self) -> None:
        if self.session.is_open:
            self.tabs.setCurrentWidget(self.households)
            self.households.search.setFocus()
            self.households.search.selectAll()

    def open_household(self, hid: str) -> None:
        self.household.show_household(hid)
        self.tabs.setCurrentWidget(self.household)

    def start_visit(self, hid: str) -> None:
        if self.visit.hid and self.visit.hid != hid:
            QMessageBox.information(self, self.tr("Visit in progress"),
                                    self.tr("Another visit is open. Finalise or discard it first; its draft is saved."))
            self.tabs.setCurrentWidget(self.visit)
            return
        if self.visit.hid != hid:
            self.visit.start(hid)
        self.tabs.setCurrentWidget(self.visit)

    def open_cards(self, ids: list[str]) -> None:
        dlg = CardsDialog(self.session, ids, self)
        dlg.exec()

    def on_scan(self, payload: str) -> None:
        if not self.session.is_open:
            return
        res = self.session.call(lambda a: a.scan(payload))
        lang = self.session.short_lang
        if not res.get("valid"):
            reason = res.get("reason_zh") if lang == "zh" else res.get("reason")
            QMessageBox.warning(self, self.tr("Card not accepted"), str(reason or ""))
            if not res.get("household_id"):
                return
        hid = res.get("household_id")
        if not hid:
            return
        if self.visit.hid == hid:
            self.visit.record_card_scan(payload)
            self.tabs.setCurrentWidget(self.visit)
            return
        self.open_household(hid)

    def on_changed(self, hid: str) -> None:
        self.households.refresh_household(hid)
        if hid and self.household.hid == hid and self.tabs.currentWidget() is not self.household:
            self.household.reload()

    def _tab_changed(self, i: int) -> None:
        w = self.tabs.widget(i)
        if not self.session.is_open:
            return
        if w is self.overview:
            self.overview.reload()
        elif w is self.conflicts:
            self.conflicts.reload()
        elif w is self.status:
            self.status.reload()
        elif w is self.settings_tab:
            self.settings_tab.reload()
        elif w is self.household:
            self.household.reload()

    def set_text_size(self, pt: int) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            f = app.font()
            f.setPointSize(pt)
            app.setFont(f)

    def on_language(self, lang: str) -> None:
        QMessageBox.information(self, self.tr("Language"), self.tr("The new language is used from the next start."))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.session.settings.setValue("window/geometry", self.saveGeometry())
        self.session.worker.wait()
        if self.session.is_open:
            self.session.lock_now()
        super().closeEvent(event)


