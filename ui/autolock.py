"""Auto-lock after idle minutes: an application-wide event filter notes user input,
a timer compares the idle time with the limit. The clock is injectable so tests
can move time forward."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.InputMethod,
}


class IdleLock(QObject):
    """Emits ``idle`` once the user has done nothing for ``minutes`` (0 = never)."""

    idle = Signal()

    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic,
                 check_ms: int = 5000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = float(minutes)
        self.last = clock()
        self.armed = False
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)

    def arm(self) -> None:
        """Start watching (after unlock)."""
        self.last = self.clock()
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        self.armed = False
        self.timer.stop()

    def set_minutes(self, minutes: float) -> None:
        self.minutes = float(minutes)

    def touch(self) -> None:
        self.last = self.clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self.armed and event.type() in _ACTIVITY:
            self.last = self.clock()
        return False

    def check(self) -> bool:
        """Lock if idle too long; returns whether it fired."""
        if not self.armed or self.minutes <= 0:
            return False
        if self.clock() - self.last >= self.minutes * 60:
            self.disarm()
            self.idle.emit()
            return True
        return False
