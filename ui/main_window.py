"""The main window: wires the screens together, nothing more."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QRect, QSize, Qt, QTimer, QTranslator
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QWidget,
)

from ui import i18n
from ui.auto_sync import AutoSync
from ui.autolock import IdleLock
from ui.dialogs import close_all_dialogs
from ui.errors import set_language
from ui.scanner import ScannerFilter
from ui.session import Session, setting_number
from ui.unlock_page import UnlockPage

if TYPE_CHECKING:
    from fieldapp.services import Fieldapp

MIN_SIZE = QSize(900, 520)  # 1366x768 at 125% is 1093x614 logical, less taskbar and title bar
# Before the window is shown its frame is unknown: leave room for a title bar and borders.
TITLE_BAR_PX = 40
FRAME_PX = 8
# The tabs are built (and their modules imported) just after the unlock window is
# on screen, while the user types the passphrase: the app starts in about the
# time of a bare window plus the unlock page.
TAB_ATTRS = frozenset({"tabs", "households", "household", "visit", "overview", "conflicts", "status", "settings_tab"})


class MainWindow(QMainWindow):
    def __init__(self, session: Session, idle: IdleLock | None = None, scanner: ScannerFilter | None = None) -> None:
        super().__init__()
        self.session = session
        self.translators: list[QTranslator] = []  # set by run_gui; replaced on a language switch
        self.setMinimumSize(MIN_SIZE)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.sync_label = QLabel()
        self.sync_label.setObjectName("syncStatus")
        self.statusBar().addPermanentWidget(self.sync_label)
        self.auto_sync = AutoSync(session, parent=self)
        self.auto_sync.changed.connect(self.show_sync_status)
        self.idle = idle or IdleLock(float(setting_number(session.settings.value("security/autolock_minutes", 10))), parent=self)
        self.scanner = scanner or ScannerFilter(parent=self)
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.addAction(self.lock_action)
        find_action = QAction(self, shortcut=QKeySequence(QKeySequence.StandardKey.Find))
        find_action.triggered.connect(self.focus_search)
        self.addAction(find_action)
        self.camera_action = QAction(self)
        self.camera_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.camera_action.triggered.connect(self.open_camera_scan)
        self.addAction(self.camera_action)
        help_action = QAction(self, shortcut=QKeySequence(Qt.Key.Key_F1))
        help_action.triggered.connect(self.show_shortcuts)
        self.addAction(help_action)
        for n in range(1, 8):
            tab_action = QAction(self, shortcut=QKeySequence(f"Alt+{n}"))
            tab_action.triggered.connect(lambda _=False, i=n - 1: self.go_tab(i))
            self.addAction(tab_action)
        # Where the user was when the app locked: (tab, visit household, section, field path).
        self.resume_at: tuple[int, str | None, int, str | None] | None = None
        self._tabs_built = False
        self._build()
        session.locked.connect(self.on_locked)
        session.changed.connect(self.on_changed)
        session.changed.connect(lambda _hid: self.auto_sync.data_changed())
        self.idle.idle.connect(self.lock)
        self.scanner.scanned.connect(self.on_scan)
        self.show_unlock()
        self.place_on_screen()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.applicationStateChanged.connect(self._app_state)

    def __getattr__(self, name: str) -> Any:
        # First use of a tab before it was built (e.g. a test or a scan right at start).
        if name in TAB_ATTRS and not self.__dict__.get("_tabs_built", True):
            self._build_tabs()
            return self.__dict__[name]
        raise AttributeError(name)

    def _build(self) -> None:
        """Make the unlock page now and schedule the tabs (again on a language switch)."""
        session = self.session
        self.setWindowTitle(self.tr("Fieldapp — household visits"))
        self.lock_action.setText(self.tr("Lock now"))
        self.camera_action.setText(self.tr("Scan card with camera…"))
        self.unlock = UnlockPage(session.home, session.worker)
        self.stack.addWidget(self.unlock)
        self.unlock.opened.connect(self.on_opened)
        self.unlock.relay_requested.connect(self.become_relay)
        self._tabs_built = False
        # After the unlock page has painted (a zero timer could run before the first
        # paint and delay it); a slow fallback in case no paint comes (hidden window).
        self.unlock.installEventFilter(self)
        QTimer.singleShot(2000, self, self._build_tabs)

    def become_relay(self, server: str) -> None:
        """First run chose "township relay": remember it and open the relay window instead."""
        from ui.relay_window import SERVER_KEY, RelayWindow

        self.session.settings.setValue(SERVER_KEY, server)
        self.relay_window = RelayWindow(self.session.settings)
        self.relay_window.show()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.__dict__.get("unlock") and event.type() == QEvent.Type.Paint and not self._tabs_built:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._build_tabs)
        return False

    def _build_tabs(self) -> None:
        """Make every tab in the current language."""
        if self._tabs_built:
            return
        self._tabs_built = True
        from ui.conflicts_tab import ConflictsTab
        from ui.household_list import HouseholdListTab
        from ui.household_page import HouseholdPage
        from ui.overview_tab import OverviewTab
        from ui.settings_tab import SettingsTab
        from ui.status_tab import StatusTab
        from ui.visit_form import VisitForm

        session = self.session
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # The tab bar takes no focus (focus on it was invisible, and the next arrow key left the
        # visit); tabs are reached with Alt+1..7 and Ctrl+Tab.
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
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
        camera = QToolButton()
        camera.setDefaultAction(self.camera_action)
        camera.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        camera.setAutoRaise(True)
        self.tabs.setCornerWidget(camera, Qt.Corner.TopRightCorner)
        self.stack.addWidget(self.tabs)

        self.households.household_activated.connect(self.open_household)
        self.households.cards_requested.connect(self.open_cards)
        self.households.camera_requested.connect(self.open_camera_scan)
        self.household.start_visit.connect(self.start_visit)
        self.household.print_card.connect(self.open_cards)
        self.visit.finalised.connect(lambda hid, vid: self.open_household(hid))
        self.visit.closed.connect(self.open_household)
        self.status.conflicts_requested.connect(lambda: self.tabs.setCurrentWidget(self.conflicts))
        self.status.sync.synced.connect(lambda: self.households.reload())
        self.status.sync.synced.connect(self.show_sync_status)
        self.auto_sync.attach(self.status.sync)
        self.settings_tab.auto_sync_changed.connect(self.auto_sync.set_enabled)
        self.settings_tab.autolock_changed.connect(self.idle.set_minutes)
        self.settings_tab.text_size_changed.connect(self.set_text_size)
        self.settings_tab.language_changed.connect(self.on_language)
        self.tabs.currentChanged.connect(self._tab_changed)

    def place_on_screen(self) -> None:
        """The remembered size and place if they still fit, else as large as the screen's
        available area (taskbar excluded) allows, up to 1366x768, with room for the title bar."""
        screen = self.screen() or QApplication.primaryScreen()
        avail = screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 768)
        geo = self.session.settings.value("window/geometry")
        if isinstance(geo, (bytes, bytearray)):
            geo = QByteArray(bytes(geo))
        if isinstance(geo, QByteArray) and self.restoreGeometry(geo) and avail.contains(self.frameGeometry()):
            return
        w = min(1366, avail.width() - 2 * FRAME_PX)
        h = min(768, avail.height() - TITLE_BAR_PX - FRAME_PX)
        self.resize(max(w, MIN_SIZE.width()), max(h, MIN_SIZE.height()))
        self.move(avail.left() + max(0, (avail.width() - self.width()) // 2 - FRAME_PX),
                  avail.top() + max(0, (avail.height() - self.height() - TITLE_BAR_PX) // 2))

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
        self.status.sync.reload()
        self.auto_sync.start()
        resume, self.resume_at = self.resume_at, None
        if resume is not None:
            self._resume(*resume)

    def _resume(self, tab: int, visit_hid: str | None, section: int, path: str | None) -> None:
        """Back where the user was before the lock: the visit on the same field, or the same tab."""
        if visit_hid:
            self.visit.start(visit_hid)
            self.tabs.setCurrentWidget(self.visit)
            self.visit.restore_place(section, path)
            return
        if self.household.hid is None and tab == self.tabs.indexOf(self.household):
            return
        self.tabs.setCurrentIndex(tab)

    def lock(self) -> None:
        if self.session.is_open:
            self.status.sync.cancel()  # a sync stops at its next request instead of holding the lock up
            close_all_dialogs()
            self.commit_typing()
            section, path = self.visit.place()
            self.resume_at = (self.tabs.currentIndex(), self.visit.hid, section, path)
            self.session.lock_now()

    def commit_typing(self) -> None:
        """The field being typed in goes into the draft now (lock, app losing focus, close)."""
        if self._tabs_built and self.session.is_open:
            self.visit.commit_pending()

    def _app_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self.commit_typing()

    def on_locked(self) -> None:
        """Hide all data: every screen is emptied and the unlock page shown."""
        self.idle.disarm()
        close_all_dialogs()  # edit, problem, cards, file, finalise and camera dialogs: nothing stays on screen
        for w in (self.households, self.overview, self.conflicts, self.status, self.settings_tab):
            w.clear()
        self.household.set_empty()
        self.visit.set_empty()
        self.status_label.clear()
        self.auto_sync.stop()
        self.sync_label.clear()
        self.show_unlock()

    def show_sync_status(self) -> None:
        """Status bar: last sync, changes waiting, whether the county answered."""
        if not self.session.is_open or not self._tabs_built:
            self.sync_label.clear()
            return
        state, auto = self.status.sync.state, self.auto_sync
        if not state.get("enrolled"):
            self.sync_label.setText(self.tr("Not enrolled with the county: sync by USB or enroll"))
            return
        from ui.sync_panel import _when

        parts = [self.tr("Last sync %1").replace("%1", _when(state.get("last_sync")) or self.tr("never")),
                 self.tr("%1 changes waiting").replace("%1", str(state.get("outbox_pending", 0)))]
        if not auto.enabled:
            parts.append(self.tr("automatic sync off"))
        elif auto.running:
            parts.append(self.tr("syncing…"))
        elif auto.reachable is True:
            parts.append(self.tr("county reachable"))
        elif auto.reachable is False:
            wait = auto.next_in()
            parts.append(self.tr("county not reachable, next try in %1 min").replace("%1", str(max(1, round((wait or 0) / 60)))))
        self.sync_label.setText(" · ".join(parts))

    # ----- navigation -----------------------------------------------------------------
    def show_shortcuts(self) -> None:
        from ui.shortcuts_help import ShortcutsDialog

        dlg = ShortcutsDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def go_tab(self, i: int) -> None:
        """Alt+1..7: show a tab with the cursor in it (never on an invisible widget)."""
        if not self.session.is_open or not 0 <= i < self.tabs.count():
            return
        self.tabs.setCurrentIndex(i)
        w = self.tabs.widget(i)
        if w is self.households:
            self.households.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif w is self.household:
            self.household.focus_default()
        elif w is self.visit and self.visit.hid:
            self.visit.focus_first()
        else:
            first = _first_focusable(w) if w is not None else None
            if first is not None:
                first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        if self.session.is_open:
            self.tabs.setCurrentWidget(self.households)
            self.households.search.setFocus()
            self.households.search.selectAll()

    def open_household(self, hid: str) -> None:
        self.household.show_household(hid)
        self.tabs.setCurrentWidget(self.household)
        self.household.focus_default()

    def start_visit(self, hid: str) -> None:
        if self.visit.hid and self.visit.hid != hid:
            QMessageBox.information(self, self.tr("Visit in progress"),
                                    self.tr("Another visit is open. Finalise or discard it first; its draft is saved."))
            self.tabs.setCurrentWidget(self.visit)
            return
        if self.visit.hid != hid:
            self.visit.start(hid)
        self.tabs.setCurrentWidget(self.visit)
        self.visit.focus_first()

    def open_cards(self, ids: list[str]) -> None:
        from ui.cards_dialog import CardsDialog

        dlg = CardsDialog(self.session, ids, self)
        dlg.exec()

    def open_camera_scan(self) -> Any:
        """The webcam scan dialog; a payload it reads goes to :meth:`on_scan` like a USB scanner's."""
        if not self.session.is_open:
            return None
        from ui.camera_scan import CameraScanDialog

        dlg = CameraScanDialog(self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.scanned.connect(self.on_scan)
        dlg.open()
        return dlg

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
        # Deferred: the signal comes from the settings tab, which the switch replaces.
        QTimer.singleShot(0, lambda: self.switch_language(lang))

    def switch_language(self, lang: str) -> None:
        """Retranslate without a restart: new translators, then every screen rebuilt in place,
        keeping the open household, the visit (its draft is saved first) and the current tab."""
        lang = i18n.normalise_lang(lang)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            i18n.uninstall(app, self.translators)
            self.translators = i18n.install(app, lang)
        self.session.lang = lang
        set_language(lang)
        was_open = self.session.is_open
        tab = self.tabs.currentIndex()
        hid, visit_hid = self.household.hid, self.visit.hid
        query = self.households.search.text()
        if visit_hid:
            self.visit.autosave()
        for w in (self.unlock, self.tabs):
            self.stack.removeWidget(w)
            w.hide()
            w.deleteLater()
        for name in TAB_ATTRS:
            self.__dict__.pop(name, None)
        self._build()
        if not was_open:
            self.show_unlock()
            return
        self._build_tabs()
        self.stack.setCurrentWidget(self.tabs)
        self.households.search.setText(query)
        self.households.reload()
        if hid:
            self.household.show_household(hid)
        if visit_hid:
            self.visit.start(visit_hid)
        self.tabs.setCurrentIndex(tab)
        self._tab_changed(tab)
        actor = self.session.app.actor if self.session.app is not None else ""
        self.status_label.setText(self.tr("Signed in as %1").replace("%1", actor or "—"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.commit_typing()
        self.session.settings.setValue("window/geometry", self.saveGeometry())
        self.session.worker.wait()
        if self.session.is_open:
            self.session.lock_now()
        super().closeEvent(event)


def _first_focusable(page: QWidget) -> QWidget | None:
    """The first visible, enabled widget inside ``page`` that Tab would reach."""
    w = page.nextInFocusChain()
    for _ in range(2000):  # the chain is a ring; bounded in case it does not come back to page
        if w is None or w is page:
            return None
        if page.isAncestorOf(w) and w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return w
        w = w.nextInFocusChain()
    return None
