"""Exports that run in the background: started from the dashboard, followed by their progress,
downloaded when ready. The finished workbook stays in the server's memory (never on disk, it
holds personal data) for its owner only, until it expires."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.server.exports import Progress

KEEP_SECONDS = 1800


@dataclass
class ExportJob:
    token: str
    username: str
    name: str
    started: float
    progress: Progress = field(default_factory=Progress)
    data: bytes | None = None
    error: str | None = None
    finished: float | None = None

    @property
    def running(self) -> bool:
        return self.data is None and self.error is None


class ExportJobs:
    """The jobs of one server process."""

    def __init__(self) -> None:
        self._jobs: dict[str, ExportJob] = {}
        self._lock = threading.Lock()

    def start(self, username: str, name: str, make: Callable[[Progress], bytes]) -> ExportJob:
        """Run ``make`` in a thread; it reports into the job's progress."""
        job = ExportJob(secrets.token_urlsafe(18), username, name, time.time())
        with self._lock:
            now = time.time()
            self._jobs = {k: j for k, j in self._jobs.items() if j.running or now - (j.finished or now) < KEEP_SECONDS}
            self._jobs[job.token] = job

        def run() -> None:
            try:
                job.data = make(job.progress)
            except Exception as exc:  # the page shows the failure; the server keeps running
                job.error = f"{type(exc).__name__}: {exc}"
            job.finished = time.time()

        threading.Thread(target=run, name=f"export-{job.token[:6]}", daemon=True).start()
        return job

    def get(self, token: str, username: str) -> ExportJob | None:
        with self._lock:
            job = self._jobs.get(token)
        return job if job is not None and job.username == username else None
