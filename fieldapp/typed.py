"""What a person typed into a number or date field, normalised but never dropped.

A Chinese input method in full-width mode types ``１０００``, ``１２．５`` or
``２０２６－０５－０１``; people also write ``1,000`` or ``2026年5月1日``. These
are read as the number or date they mean. Anything that still does not parse is
kept as the text typed, so the validator can say what is wrong with it and the
draft loses nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

# NFKC folds full-width digits and ASCII punctuation (１ -> 1, － -> -, ． -> .);
# the ideographic full stop and comma are not compatibility forms, so map them here.
_CJK_PUNCT = str.maketrans({"。": ".", "、": ",", "，": ",", "　": " "})
_CN_DATE = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def fold(text: str) -> str:
    """Full-width and CJK punctuation folded to ASCII, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", text).translate(_CJK_PUNCT).strip()


def read_typed(text: str, ftype: str) -> Any:
    """The answer for ``text`` typed into a field of type ``ftype``.

    Returns ``None`` for an empty field, an ``int``/``float`` for a number that
    parses, an ISO date string for a date written in a known way, and otherwise
    the text as typed (only trimmed), for the validator to explain.
    """
    raw = text.strip()
    if not raw:
        return None
    if ftype not in ("int", "number", "date", "datetime"):
        return raw
    folded = fold(raw)
    if ftype in ("int", "number"):
        plain = folded.replace(" ", "")
        if _THOUSANDS.match(plain):
            plain = plain.replace(",", "")
        try:
            num = float(plain) if ftype == "number" or "." in plain else int(plain)
        except ValueError:
            return raw
        if isinstance(num, float) and not math.isfinite(num):
            return raw
        if isinstance(num, float) and num.is_integer() and abs(num) < 2**53:
            return int(num)
        return num
    if ftype == "date":
        m = _CN_DATE.match(folded)
        if m:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        return folded if folded != raw else raw
    return folded
