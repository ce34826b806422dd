"""The unit of work every service runs in: one transaction, the op writer, the search-key refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldapp.errors import Cancelled, NotFound
from fieldapp.oplog import OpWriter, Projector
from fieldapp.policy import Policy, load_policy
from fieldapp.search_keys import search_blob
from fieldapp.services.common import loads_json
from fieldapp.services.search import SearchIndex
from fieldapp.store import Store


class UnitOfWork:
    """The store, the op writer and the search keys of one unlocked laptop.

    Every write runs through :meth:`_write`: one transaction in which the ops are
    written and projected, and the search keys of every household the ops touched
    are refreshed before commit.
    """

    def __init__(self, store: Store, policy: Policy | None = None, actor: str = "") -> None:
        self.store = store
        self._dirty_households: set[str] = set()
        self.projector = Projector(store, self._dirty_households.add)
        self.ops = OpWriter(store, self.projector)
        self.actor = actor or (store.meta("cadre_name") or "")
        self._policy = policy
        self._index: SearchIndex | None = None
        self._form: Any = None
        self.listeners: list[Callable[[str, str], None]] = []

    @property
    def policy(self) -> Policy:
        if self._policy is None:
            self._policy = load_policy()
        return self._policy

    @property
    def county(self) -> str:
        return self.store.meta("county", "") or ""

    def _commit_search_keys(self) -> None:
        """Refresh the search keys of households touched in this transaction."""
        for hid in sorted(self._dirty_households):
            blob = self._compute_blob(hid)
            self.store.conn.execute(
                "INSERT INTO search_key (household_id, blob) VALUES (?, ?)"
                " ON CONFLICT(household_id) DO UPDATE SET blob = excluded.blob",
                (hid, blob),
            )
            if self._index is not None:
                self._index.set(hid, blob)
        self._dirty_households.clear()

    def _compute_blob(self, hid: str) -> str:
        c = self.store.conn
        h = c.execute("SELECT grp, phone, address FROM household WHERE id = ?", (hid,)).fetchone()
        if h is None:
            return ""
        rows = c.execute("SELECT name, id_number, data FROM member WHERE household_id = ? AND status = 'active' ORDER BY position", (hid,)).fetchall()
        phones = [h[1]] + [(loads_json(r[2], {}) or {}).get("phone", "") for r in rows]
        return search_blob([r[0] for r in rows], [r[1] for r in rows], [p for p in phones if p], [h[0], h[2]])

    def _write(self, fn: Callable[[], Any]) -> Any:
        with self.store.tx():
            result = fn()
            self._commit_search_keys()
        return result

    def _require_household(self, hid: str) -> None:
        if not self.store.conn.execute("SELECT 1 FROM household WHERE id = ?", (hid,)).fetchone():
            raise NotFound(f"no household with id {hid} on this laptop", f"本机没有编号为 {hid} 的户")

    def search_index(self) -> SearchIndex:
        if self._index is None:
            idx = SearchIndex()
            idx.blobs = dict(self.store.conn.execute("SELECT household_id, blob FROM search_key").fetchall())
            self._index = idx
        return self._index

    def rebuild_search_keys(self, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> int:
        ids = [r[0] for r in self.store.conn.execute("SELECT id FROM household").fetchall()]
        for start in range(0, len(ids), 500):
            if cancelled is not None and cancelled():
                raise Cancelled()
            with self.store.tx():
                self._dirty_households.update(ids[start:start + 500])
                self._commit_search_keys()
            if progress is not None:
                progress(min(start + 500, len(ids)), len(ids))
        self._index = None
        return len(ids)
