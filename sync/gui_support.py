"""What the desktop app needs around sync, without Qt (STYLE 1).

The GUI calls the same services as ``fieldapp sync`` / ``export-bundle`` /
``import-bundle`` / ``enroll`` (``sync.client``, ``sync.device``,
``sync.bundle``). This module only adds the two things a window needs that a
command line does not:

* :func:`sync_now` lets go of the store lock while it waits on the network, so
  the UI thread can keep saving what the user types during a long sync, and it
  polls ``cancelled()`` before every request;
* :func:`panel_state` gathers what the sync panel shows in one store query.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from fieldapp.errors import Cancelled
from sync import bundle as bf
from sync import device as dv

Progress = Callable[[str, int, int], None]
Release = Callable[[], AbstractContextManager[Any]]


def panel_state(app: Any) -> dict[str, Any]:
    """``Fieldapp.status()`` plus what enrollment recorded (villages, cadre, certificate pin)."""
    st: dict[str, Any] = dict(app.status())
    store = app.store
    try:
        villages = json.loads(store.meta(dv.VILLAGES, "[]") or "[]")
    except ValueError:
        villages = []
    st.update({
        "enrolled": dv.is_enrolled(store),
        "enrolled_at": store.meta("enrolled_at"),
        "villages": [str(v) for v in villages],
        "cadre": store.meta("cadre_name"),
        "fingerprint": store.meta(dv.CERT_SHA256),
    })
    return st


class _GuardedHttp:
    """An ``httpx.Client`` stand-in for ``sync.client.push``/``pull``: every request
    first checks ``cancelled()`` and runs with the store lock released.

    Safe because push and pull hold no transaction while they wait for an answer;
    the store is touched only between requests, with the lock held again.
    """

    def __init__(self, http: Any, cancelled: Callable[[], bool], release: Release) -> None:
        self._http = http
        self._cancelled = cancelled
        self._release = release

    def request(self, *args: Any, **kwargs: Any) -> Any:
        if self._cancelled():
            raise Cancelled("sync cancelled")
        with self._release():
            return self._http.request(*args, **kwargs)


def sync_now(app: Any, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
             release: Release | None = None, batch_bytes: int | None = None,
             retries: int | None = None) -> dict[str, Any]:
    """Push then pull, like :func:`sync.client.sync`, for a GUI worker thread.

    Args:
        app: The open ``Fieldapp``.
        progress: ``progress(stage, done, total)`` with stage ``push`` or ``pull``.
        cancelled: Polled before each request; a cancel stops between batches (each
            acked batch stays acked, nothing is lost).
        release: A context manager factory that releases the caller's store lock
            around each network wait (``None``: keep it).
        retries: Tries again per request after a network error (``None``: the
            client's default). Its pauses hold the store lock, so a background
            sync passes 0 and waits between tries itself, with no lock held.

    Returns:
        The same document as ``fieldapp sync --json``.
    """
    check = cancelled or (lambda: False)
    from sync import client as cl  # httpx is loaded when a sync starts, not at app start

    return cl.sync(app, batch_bytes or cl.BATCH_BYTES, progress, cl.RETRIES if retries is None else retries,
                   wrap_http=lambda http: _GuardedHttp(http, check, release or nullcontext), cancelled=check)


def export_to_folder(app: Any, folder: Path) -> dict[str, Any]:
    """``fieldapp export-bundle --to FOLDER``: the written path and the number of ops in it."""
    path, n = dv.export_uplink(app, Path(folder))
    return {"path": str(path), "ops": n}


def import_from_file(app: Any, path: Path) -> dict[str, Any]:
    """``fieldapp import-bundle FILE``; a refused bundle raises ``BundleRefused`` with its reason."""
    return dv.import_downlink(app, bf.read_file(Path(path)))


def bundle_files(folder: Path) -> Iterator[Path]:
    """Downlink bundles for this kind of laptop in ``folder`` (for a file picker's first guess)."""
    yield from sorted(Path(folder).glob("fieldapp-down-*" + bf.SUFFIX))
