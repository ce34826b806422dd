"""The one helper for background work (STYLE 2).

:class:`Worker` runs a callable off the UI thread and delivers its result or
error on the main thread. The callable gets two plain callables, so the core
never sees Qt: ``progress(done, total)`` and ``cancelled() -> bool``.

Jobs run one at a time on a single pool thread, and each job holds the
session's store lock while it runs: a SQLCipher connection must never be used
by two threads at once, and the UI thread takes the same lock for its short
queries.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from fieldapp.errors import Cancelled

JobFn = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class JobSignals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, int)


class Job(QRunnable):
    """One unit of background work; cancel() sets the flag the core polls."""

    def __init__(self, fn: JobFn, lock: threading.RLock | None) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.lock = lock
        self.signals = JobSignals()
        self._cancel = threading.Event()
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(int(done), int(total))

    def run(self) -> None:
        try:
            if self.lock is not None:
                with self.lock:
                    result = self.fn(self._progress, self.cancelled)
            else:
                result = self.fn(self._progress, self.cancelled)
        except BaseException as exc:  # noqa: BLE001 - delivered to the main thread
            self.signals.failed.emit(exc, "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        else:
            self.signals.done.emit(result)


class Worker(QObject):
    """Runs jobs one at a time off the UI thread; callbacks run on the main thread."""

    busy_changed = Signal(bool)

    def __init__(self, lock: threading.RLock | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock = lock
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._jobs: dict[int, tuple[Job, Callable[[Any], object] | None, Callable[[BaseException, str], None] | None]] = {}

    def run(
        self,
        fn: JobFn,
        on_done: Callable[[Any], object] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        uses_store: bool = True,
    ) -> Job:
        """Queue ``fn(progress, cancelled)``; ``on_done(result)`` / ``on_error(exc, tb)`` run on the main thread.

        A :class:`Cancelled` error is silent: ``on_error`` is not called.
        """
        job = Job(fn, self.lock if uses_store else None)
        key = id(job)
        self._jobs[key] = (job, on_done, on_error)
        job.signals.done.connect(self._finish_ok)
        job.signals.failed.connect(self._finish_err)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        job.signals.setProperty("job_key", key)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self.pool.start(job)
        return job

    def _pop(self) -> tuple[Job, Any, Any] | None:
        sender = self.sender()
        key = sender.property("job_key") if sender is not None else None
        entry = self._jobs.pop(key, None) if key is not None else None
        if not self._jobs:
            self.busy_changed.emit(False)
        return entry

    @Slot(object)
    def _finish_ok(self, result: Any) -> None:
        entry = self._pop()
        if entry is None:
            return
        job, on_done, _ = entry
        job.finished, job.result = True, result
        if on_done is not None:
            on_done(result)

    @Slot(object, str)
    def _finish_err(self, exc: BaseException, tb: str) -> None:
        entry = self._pop()
        if entry is None:
            return
        job, _, on_error = entry
        job.finished, job.error = True, exc
        if isinstance(exc, Cancelled):
            return
        if on_error is not None:
            on_error(exc, tb)
        else:
            from ui.errors import report_exception

            report_exception(exc, tb)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until every queued job finished and its callbacks ran (tests, screenshots, exit)."""
        ok = self.pool.waitForDone(timeout_ms)
        for _ in range(50):
            QCoreApplication.processEvents()
            if not self._jobs:
                break
        return ok and not self._jobs
