"""One app window per store: two copies writing the same encrypted store would
each keep their own view of it (search index, drafts, the outbox) and one
would overwrite the other's drafts. The second copy says so and stops.

A ``QLockFile`` in the store folder holds the running copy's process id; a
lock left behind by a crash is recognised (that process is gone) and taken over.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile

from fieldapp.fsutil import private_mkdir

LOCK_NAME = "fieldapp-window.lock"


def claim(home: Path) -> QLockFile | None:
    """The lock for ``home`` if no other running copy holds it (keep it alive while the app runs)."""
    private_mkdir(Path(home))
    lock = QLockFile(str(Path(home) / LOCK_NAME))
    lock.setStaleLockTime(0)  # only a dead process's lock is stale, however old
    if lock.tryLock(200):
        return lock
    return None


def refusal_text() -> tuple[str, str]:
    """(title, message) for the second copy, in the UI language."""
    return (QCoreApplication.translate("SingleInstance", "Already open"),
            QCoreApplication.translate("SingleInstance", "This data folder is already open in another Fieldapp "
                                                          "window on this laptop. Switch to that window (look on "
                                                          "the taskbar); this copy will close."))
