"""Sync by itself (DESIGN §5: "when a connection is available").

When the laptop is enrolled and the setting is on, a sync runs in the
background through the sync panel's own job (one sync at a time, the store lock
let go during every network wait, so typing never waits on the network):

* shortly after unlock;
* once saving has gone quiet for a while after a change (a finalised visit, a
  problem step...);
* on a timer, every few minutes while the county answers, and with a growing
  back-off (30 s, 1, 2, 4 ... up to 30 min) while it cannot be reached.

Only one try per request (the HTTP client's own retries sleep with the store lock
held); the back-off between tries is a timer here, with no lock held. The status
bar shows the last sync, the changes waiting and whether the county answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from ui.session import Session

if TYPE_CHECKING:
    from ui.sync_panel import SyncPanel

SETTING = "sync/automatic"


@dataclass(frozen=True)
class Timing:
    """Delays in seconds (tests use small ones)."""

    after_unlock: float = 5.0
    after_change: float = 20.0
    every: float = 300.0
    first_backoff: float = 30.0
    max_backoff: float = 1800.0


def automatic(settings: QSettings) -> bool:
    value = settings.value(SETTING, True)
    return value not in (False, "false", "0", 0)


class AutoSync(QObject):
    """Schedules background syncs; ``changed`` when what the status bar shows changes."""

    changed = Signal()

    def __init__(self, session: Session, timing: Timing | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.timing = timing or Timing()
        self.panel: SyncPanel | None = None
        self.reachable: bool | None = None  # None: not tried since unlock
        self.failures = 0
        self.running = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.run_now)

    @property
    def enabled(self) -> bool:
        return automatic(self.session.settings)

    def set_enabled(self, on: bool) -> None:
        self.session.settings.setValue(SETTING, bool(on))
        if on:
            self._schedule(self.timing.after_unlock)
        else:
            self.timer.stop()
        self.changed.emit()

    def attach(self, panel: SyncPanel) -> None:
        """The sync panel whose job runs the sync (rebuilt on a language switch)."""
        self.panel = panel

    # ----- triggers ---------------------------------------------------------------------
    def start(self) -> None:
        """After unlock."""
        self.reachable = None
        self.failures = 0
        self._schedule(self.timing.after_unlock)
        self.changed.emit()

    def stop(self) -> None:
        """On lock: nothing is scheduled while the store is closed."""
        self.timer.stop()
        self.running = False

    def data_changed(self) -> None:
        """Something was saved: sync once saving has been quiet for a while."""
        if self.panel is not None and self.session.is_open and not self.panel.busy:
            self.panel.reload()  # the count of changes waiting
        if self.failures == 0:  # while unreachable the back-off decides
            self._schedule(self.timing.after_change, restart=True)
        self.changed.emit()

    def _schedule(self, seconds: float, restart: bool = False) -> None:
        if not self.enabled or not self.session.is_open:
            return
        ms = int(seconds * 1000)
        if restart or not self.timer.isActive() or self.timer.remainingTime() > ms:
            self.timer.start(ms)

    # ----- running ---------------------------------------------------------------------
    def run_now(self) -> bool:
        """Start a background sync if it can run now; returns whether one started."""
        panel = self.panel
        if not self.enabled or not self.session.is_open or panel is None:
            return False
        if panel.busy:  # a sync (or USB job) the user started: look again later
            self._schedule(self.timing.every)
            return False
        if not panel.state:
            panel.reload()
        if not panel.state.get("enrolled"):
            return False  # enrollment starts it (data_changed / start)
        job = panel.sync_now(retries=0)
        if job is None:
            self._schedule(self.timing.every)
            return False
        self.running = True
        job.signals.done.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.changed.emit()
        return True

    def _done(self, _result: Any) -> None:
        self.running = False
        self.reachable = True
        self.failures = 0
        self._schedule(self.timing.every, restart=True)
        self.changed.emit()

    def _failed(self, exc: BaseException, _tb: str) -> None:
        from fieldapp.errors import Cancelled
        from sync.client import Unreachable

        self.running = False
        if isinstance(exc, Cancelled):
            self._schedule(self.timing.every, restart=True)
        elif isinstance(exc, (Unreachable, OSError)):
            self.reachable = False
            self.failures += 1
            self._schedule(self.backoff(), restart=True)
        else:  # the county answered and refused: it is reachable; the panel shows why
            self.reachable = True
            self.failures = 0
            self._schedule(self.timing.every, restart=True)
        self.changed.emit()

    def backoff(self) -> float:
        """Seconds before the next try after ``failures`` unreachable ones in a row."""
        n = max(self.failures - 1, 0)
        return float(min(self.timing.first_backoff * (2 ** min(n, 20)), self.timing.max_backoff))

    def next_in(self) -> float | None:
        return self.timer.remainingTime() / 1000 if self.timer.isActive() else None
