"""Search keys for households: pinyin of names, initials and one lower-case blob.

The household list matches a query as a substring of :func:`search_blob`, so a
cadre can type 张三, ``zhangsan``, ``zs``, part of an ID number or a phone
number (DESIGN: "search by name, pinyin initials (张三 -> "zs"), ID number").
"""

from __future__ import annotations

from functools import lru_cache

from fieldapp.idnumber import to_halfwidth

__all__ = ["name_keys", "normalize_query", "search_blob"]

# pypinyin has no surname mode, and its default reading is wrong for these
# surnames (单 is read dan, 曾 ceng, ...). Compound surnames first.
_COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
}
_SURNAMES: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "种": "chong",
    "覃": "qin",
    "薄": "bo",
    "员": "yun",
    "隗": "wei",
    "句": "gou",
    "召": "shao",
    "祭": "zhai",
    "卜": "bu",
    "藏": "zang",
    "阚": "kan",
    "黑": "he",
    "繁": "po",
    "洗": "xian",
}

# Separators inside names that carry no meaning for search (e.g. 阿卜杜·艾力).
_NAME_SEPARATORS = frozenset(" \t\r\n·•・.-_")


def _surname_syllables(name: str) -> tuple[int, tuple[str, ...]]:
    """Return (number of leading characters covered, their surname readings)."""
    prefix = name[:2]
    if prefix in _COMPOUND_SURNAMES:
        return 2, _COMPOUND_SURNAMES[prefix]
    if name[:1] in _SURNAMES:
        return 1, (_SURNAMES[name[0]],)
    return 0, ()


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """Full pinyin (no tones, lower case, no spaces) and initials of a name.

    The surname uses its surname reading (单 -> shan); other characters use
    pypinyin's default reading in context. Non-Chinese runs pass through
    lower-cased and contribute their first character to the initials.

    Example:
        >>> name_keys("张三")
        ('zhangsan', 'zs')
    """
    cleaned = "".join(ch for ch in to_halfwidth(name).strip() if ch not in _NAME_SEPARATORS)
    if not cleaned:
        return "", ""
    covered, surname = _surname_syllables(cleaned)
    syllables: list[str] = list(surname)
    rest = cleaned[covered:]
    if rest:
        # Imported here: pypinyin's phrase dictionary costs ~0.2 s, which the app
        # should not pay before its unlock window is on screen.
        from pypinyin import Style, lazy_pinyin

        # errors="default" keeps each non-Chinese run as one item, unchanged.
        syllables.extend(lazy_pinyin(rest, style=Style.NORMAL, errors="default"))
    full: list[str] = []
    initials: list[str] = []
    for item in syllables:
        item = item.lower()
        if not item:
            continue
        full.append(item)
        # A Han character pypinyin does not know stays itself in both keys.
        initials.append(item[0])
    return "".join(full), "".join(initials)


def normalize_query(q: str) -> str:
    """Normalise a search query: full-width to half-width, trim, lower case."""
    return to_halfwidth(q).strip().lower()


def search_blob(
    names: list[str], id_numbers: list[str], phones: list[str], extra: list[str]
) -> str:
    """One lower-case, space-separated string for substring search.

    It holds each name, its full pinyin and initials, then the ID numbers,
    phones and extra tokens (e.g. group names such as 3组), all normalised.
    """
    tokens: list[str] = []
    for name in names:
        if not name or not name.strip():
            continue
        full, initials = name_keys(name)
        tokens.append(normalize_query(name))
        tokens.append(full)
        tokens.append(initials)
    for value in (*id_numbers, *phones, *extra):
        token = normalize_query(value or "")
        if token:
            tokens.append(token)
    # Inner whitespace would split a token; dict.fromkeys drops repeats in order.
    unique = dict.fromkeys("".join(t.split()) for t in tokens)
    return " ".join(t for t in unique if t)
