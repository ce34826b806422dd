"""Order search hits the way a person expects: the exact name first, then the
initials, then everything else containing the query; at each level households
whose head matches come before those where another member does.

Works from the search blob (:func:`fieldapp.search_keys.search_blob`: each
member's name, full pinyin and initials in member order, then ID numbers,
phones and other tokens) and the head's name, so ranking 20,000 hits costs no
pinyin conversion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fieldapp.search_keys import normalize_query

EXACT_NAME, INITIALS, CONTAINS = 0, 1, 2


def _joined(text: str) -> str:
    return "".join(normalize_query(text).split())


def _head_keys(head: str, tokens: list[str]) -> tuple[str, str, str]:
    """(name, full pinyin, initials) of the head, read from the blob after the head's name."""
    name = _joined(head)
    try:
        i = tokens.index(name)
    except ValueError:
        return name, name, name
    after = [t for t in tokens[i + 1:i + 3] if t.isascii() and t.isalpha()]
    if name.isascii():  # a name in Latin letters is its own "pinyin": only the initials follow
        return name, name, after[0] if after else name
    full = after[0] if after else name
    initials = after[1] if len(after) > 1 else full
    return name, full, initials


def rank_key(query: str, head: str, blob: str) -> tuple[int, int]:
    """(level, 0 if the head matches at that level else 1); smaller sorts first."""
    q = _joined(query)
    tokens = blob.split()
    name, full, initials = _head_keys(head, tokens)
    if q in (name, full):
        return EXACT_NAME, 0
    if q == initials:
        return INITIALS, 0
    if q in tokens:
        # another member's name, pinyin or initials (or an exact ID number or phone)
        cjk = any("\u4e00" <= ch <= "\u9fff" for ch in q)
        looks_initials = q.isascii() and q.isalpha() and len(q) <= 4
        return (INITIALS if looks_initials and not cjk else EXACT_NAME), 1
    head_hit = any(q in k for k in (name, full, initials))
    return CONTAINS, 0 if head_hit else 1


def rank(query: str, hits: Iterable[str], heads: Mapping[str, str], blobs: Mapping[str, str]) -> list[str]:
    """``hits`` (household ids) best first; ties keep their order."""
    ids = list(hits)
    if not _joined(query):
        return ids
    return sorted(ids, key=lambda h: rank_key(query, heads.get(h) or "", blobs.get(h) or ""))
