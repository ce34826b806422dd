"""Code lists (代码表) with Chinese and English labels, read from ``resources/forms/codes.json``.

Chinese labels are stored exactly as the national export writes them, because
exports to the county server match on labels (DOMAIN.md §0). Extra keys of an
entry (``coarse``, ``developmental``, ``requires_measure``...) are kept in
:attr:`Code.extra`.

An entry with ``replaced_by`` is an old code that stored records may still
hold (``finished`` -> ``graduated``): it is no longer offered
(:func:`code_list` leaves it out), but it is still a valid code and reads as
its replacement (:func:`get_code`, :func:`canonical`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fieldapp.resources import load_json

__all__ = [
    "Code",
    "canonical",
    "code_list",
    "coarse_relation",
    "get_code",
    "is_code",
    "label",
    "list_names",
]

_CODES_FILE = ("forms", "codes.json")


@dataclass(frozen=True)
class Code:
    """One entry of a code list.

    Attributes:
        code: the stable internal code stored in records.
        zh: the Chinese label (what exports match on).
        en: the English label.
        extra: any further keys of the entry, read-only by convention.
    """

    code: str
    zh: str
    en: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """The label in ``lang`` (anything starting with ``zh`` gives Chinese, else English)."""
        return self.zh if lang.lower().startswith("zh") else self.en


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[Code, ...]]:
    data = load_json(*_CODES_FILE)
    out: dict[str, tuple[Code, ...]] = {}
    for name, entries in data["lists"].items():
        out[name] = tuple(
            Code(
                code=str(e["code"]),
                zh=str(e["zh"]),
                en=str(e["en"]),
                extra={k: v for k, v in e.items() if k not in ("code", "zh", "en")},
            )
            for e in entries
        )
    return out


@lru_cache(maxsize=128)
def _index(name: str) -> dict[str, Code]:
    entries = _entries(name)
    index = {c.code: c for c in entries}
    for c in entries:
        replacement = c.extra.get("replaced_by")
        if replacement is not None:
            index[c.code] = index[str(replacement)]
    return index


def _entries(name: str) -> tuple[Code, ...]:
    try:
        return _lists()[name]
    except KeyError:
        raise KeyError(f"unknown code list: {name!r}") from None


def list_names() -> list[str]:
    """Names of every code list, in file order."""
    return list(_lists())


def code_list(name: str) -> list[Code]:
    """The entries of code list ``name`` in display order.

    Raises:
        KeyError: if there is no such list.
    """
    return [c for c in _entries(name) if "replaced_by" not in c.extra]


def get_code(list_name: str, code: object) -> Code | None:
    """The entry for ``code`` in ``list_name``, or ``None`` if it is not a code of that list.

    An old code (``replaced_by``) gives the entry of its replacement.

    Raises:
        KeyError: if there is no such list.
    """
    if not isinstance(code, str):
        return None
    return _index(list_name).get(code)


def is_code(list_name: str, code: object) -> bool:
    """Whether ``code`` is a code of ``list_name``.

    Raises:
        KeyError: if there is no such list.
    """
    return get_code(list_name, code) is not None


def canonical(list_name: str, code: object) -> object:
    """The current code for ``code``: an old code gives its replacement, anything else itself.

    Raises:
        KeyError: if there is no such list.
    """
    entry = get_code(list_name, code)
    return entry.code if entry is not None else code


def label(list_name: str, code: str, lang: str = "zh") -> str:
    """The label of ``code`` in ``lang``; an unknown code is returned unchanged so old data still shows.

    Raises:
        KeyError: if there is no such list.
    """
    entry = get_code(list_name, code)
    return entry.text(lang) if entry is not None else str(code)


def coarse_relation(code: str, sex: str | None = None) -> str:
    """The GB/T 4761 coarse code ("01", "10", "20"... "99") of a relation code.

    Accepts the internal code (``daughter_in_law``) or the Chinese label (``之儿媳``).
    A generic ``child`` is 20 (子) unless ``sex`` is ``"female"`` (30, 女).

    Raises:
        KeyError: if ``code`` is neither a relation code nor a relation label.
    """
    entry = get_code("relation", code)
    if entry is None:
        entry = next((c for c in _entries("relation") if c.zh == code), None)
    if entry is None:
        raise KeyError(f"unknown relation code: {code!r}")
    if sex == "female" and "coarse_female" in entry.extra:
        return str(entry.extra["coarse_female"])
    return str(entry.extra["coarse"])
