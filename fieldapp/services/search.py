"""The in-memory household search index."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from fieldapp.search_keys import normalize_query


class SearchIndex:
    """In-memory search keys, kept in step with the store; per keystroke it is a
    substring scan over one short string per household (no SQL, no decryption).

    Typing usually extends the previous query, so a query that extends the last
    one is answered from the last result only.
    """

    blobs: dict[str, str] = field(default_factory=dict)
    _last: tuple[str, tuple[str, ...] | None, list[str]] | None = None

    def set(self, hid: str, blob: str) -> None:
        self.blobs[hid] = blob
        self._last = None

    def search(self, query: str, candidates: Iterable[str] | None = None, limit: int | None = None) -> list[str]:
        terms = normalize_query(query).split()
        cand_key = None if candidates is None else tuple(candidates)
        if not terms:
            out = list(self.blobs) if cand_key is None else [h for h in cand_key if h in self.blobs]
            return out[:limit] if limit is not None else out
        q = " ".join(terms)
        pool: Iterable[str]
        last = self._last
        if last is not None and last[1] == cand_key and q.startswith(last[0]) and len(q.split()) == len(last[0].split()):
            pool = last[2]  # the new query extends the last one: narrow its result
        else:
            pool = self.blobs if cand_key is None else [h for h in cand_key if h in self.blobs]
        blobs = self.blobs
        if len(terms) == 1:
            t = terms[0]
            out = [h for h in pool if t in blobs[h]]
        else:
            out = [h for h in pool if all(t in blobs[h] for t in terms)]
        self._last = (q, cand_key, out)
        return out[:limit] if limit is not None else out
