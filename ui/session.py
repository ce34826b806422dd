"""The unlocked session the widgets share: one :class:`Fieldapp`, its lock, the language.

Passed explicitly to every tab and dialog (no singletons). All store access
from the UI thread goes through :meth:`Session.call`, which takes the same
lock the worker holds during a store job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QSettings, Signal

from ui.i18n import core_lang
from ui.worker import Job, JobFn, Worker

if TYPE_CHECKING:
    from fieldapp.services import Fieldapp

T = TypeVar("T")


def setting_number(value: object) -> str | int | float:
    """A number read from QSettings: the default as given, or the text an INI file gives back."""
    if isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"not a number setting: {value!r}")


class Session(QObject):
    """What is open: the data folder, the services (``None`` while locked), the worker."""

    unlocked = Signal()
    locked = Signal()
    changed = Signal(str)  # a household id, or "" for "many things changed"
    open_household = Signal(str)

    def __init__(self, home: Path, lang: str, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = Path(home)
        self.lang = lang
        self.settings = settings
        self.lock = threading.RLock()
        self.worker = Worker(self.lock, self)
        self.app: Fieldapp | None = None

    @property
    def short_lang(self) -> str:
        """``zh`` or ``en``, for the core's bilingual text helpers."""
        return core_lang(self.lang)

    @property
    def is_open(self) -> bool:
        return self.app is not None

    def attach(self, app: Fieldapp) -> None:
        self.app = app
        self.unlocked.emit()

    def call(self, fn: Callable[[Fieldapp], T]) -> T:
        """Run a short store query on the UI thread, serialised with worker jobs."""
        app = self.app
        if app is None:
            from fieldapp.errors import FieldappError

            raise FieldappError("the store is locked", "数据库已锁定", code="locked")
        with self.lock:
            return fn(app)

    def run(self, fn: Callable[[Fieldapp, Callable[[int, int], None], Callable[[], bool]], Any],
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException, str], None] | None = None,
            on_progress: Callable[[int, int], None] | None = None) -> Job | None:
        """Queue a store job on the worker: ``fn(app, progress, cancelled)``."""
        app = self.app
        if app is None:
            return None

        def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return fn(app, progress, cancelled)

        body: JobFn = job
        return self.worker.run(body, on_done, on_error, on_progress)

    def lock_now(self) -> None:
        """Close the store and drop the key; every screen hides its data on ``locked``."""
        app = self.app
        if app is None:
            return
        self.worker.wait()
        with self.lock:
            self.app = None
            app.store.close()
        self.locked.emit()

    def notify(self, household_id: str = "") -> None:
        self.changed.emit(household_id)
