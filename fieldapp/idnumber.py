"""Citizen ID numbers (公民身份号码, GB 11643-1999) and disability-certificate numbers.

The pipeline follows DOMAIN.md §2: normalise, check the shape, check the birth
date (a real date, not in the future, year >= 1900), check the ISO 7064
MOD 11-2 character, then derive birth date, sex and region code.

Accepted lengths:

- 18: the current citizen ID number;
- 15: a legacy number (6 + YYMMDD + 3), converted to 18 digits;
- 20: a second-generation disability certificate (18-digit ID + type digit 1-7
  + grade digit 1-4);
- 22: a reissued disability certificate (20 + 2 reissue characters).

Digits 1-6 are deliberately not checked against the GB/T 2260 list: codes are
withdrawn over time and old numbers stay valid. A region code that cannot
exist at all (a province code no province ever had, such as 00 or 99, or a
prefecture code outside 01-70 and 90) is a warning, never a refusal
(:attr:`IdCheck.warnings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul
from typing import Any, Literal

__all__ = [
    "IdCheck",
    "IdKind",
    "age_on",
    "check_char",
    "check_id",
    "disability_type_label",
    "normalize",
    "region_warnings",
    "to_halfwidth",
    "upgrade_15",
]

IdKind = Literal["id18", "id15", "disability20", "disability22"]

# W_i = 2^(18-i) mod 11 (GB 11643-1999, ISO 7064 MOD 11-2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

_RE_18 = re.compile(r"\d{17}[\dX]")
_RE_15 = re.compile(r"\d{15}")
_RE_20 = re.compile(r"\d{17}[\dX]\d\d")
_RE_22 = re.compile(r"\d{17}[\dX]\d\d[\dA-Z]{2}")

_MIN_YEAR = 1900  # DOMAIN §2 step 3; a local validator uses the same bound.
# GB/T 2260 digits 3-4 (DOMAIN §1.1): 01-20 and 51-70 cities, 21-50 prefectures,
# 90 county-level units directly under the province.
_PREFECTURE_MAX = 70
_PREFECTURE_DIRECT = 90

# Full-width ASCII block U+FF01..U+FF5E maps to U+0021..U+007E; U+3000 is the ideographic space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20

_DISABILITY_TYPES = {
    "1": ("视力", "visual"),
    "2": ("听力", "hearing"),
    "3": ("言语", "speech"),
    "4": ("肢体", "physical"),
    "5": ("智力", "intellectual"),
    "6": ("精神", "psychosocial"),
    "7": ("多重", "multiple"),
}
_DISABILITY_GRADES = {"1", "2", "3", "4"}


def to_halfwidth(text: str) -> str:
    """Convert full-width ASCII characters (``１``, ``Ｘ``) and the ideographic space to half-width."""
    return text.translate(_FULLWIDTH)


def normalize(raw: str) -> str:
    """Normalise a typed or pasted number.

    Trims, converts full-width characters to half-width, upper-cases ``x`` and
    removes inner whitespace. Does not validate.
    """
    text = to_halfwidth(raw).strip().upper()
    return "".join(text.split())


def check_char(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 digits.

    Raises:
        ValueError: if ``first17`` is not exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(map(mul, map(int, first17), _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def upgrade_15(id15: str) -> str:
    """Convert a legacy 15-digit number to 18 digits (insert "19", add the check character).

    Raises:
        ValueError: if ``id15`` is not exactly 15 ASCII digits.
    """
    if len(id15) != 15 or not id15.isascii() or not id15.isdigit():
        raise ValueError(f"expected 15 digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on`` (周岁); someone born on 29 Feb turns a year older on 1 Mar."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def _parse_date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


@dataclass(frozen=True)
class IdCheck:
    """The outcome of :func:`check_id`.

    ``id`` is the normalised number (a 15-digit number is given in its 18-digit
    form). ``birth_date``, ``sex`` and ``region_code`` are set only when the
    number is valid. ``error`` is a stable code, ``None`` when valid.
    """

    id: str
    valid: bool
    birth_date: date | None = None
    sex: str | None = None
    region_code: str | None = None
    error: str | None = None
    kind: IdKind | None = None
    warnings: tuple[str, ...] = ()

    @property
    def person_id(self) -> str:
        """The 18-character citizen ID part (for duplicate checks), or the whole number."""
        if self.kind in ("id18", "id15", "disability20", "disability22"):
            return self.id[:18]
        return self.id

    @property
    def disability_type(self) -> str | None:
        """The disability type digit ("1".."7") of a certificate number, else ``None``."""
        if self.valid and self.kind in ("disability20", "disability22"):
            return self.id[18]
        return None

    @property
    def disability_grade(self) -> str | None:
        """The disability grade digit ("1".."4", 1 most severe) of a certificate number, else ``None``."""
        if self.valid and self.kind in ("disability20", "disability22"):
            return self.id[19]
        return None

    def to_json(self) -> dict[str, Any]:
        """The ``check-id --json`` shape."""
        return {
            "id": self.id,
            "valid": self.valid,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "region_code": self.region_code,
            "error": self.error,
            "kind": self.kind,
            "warnings": list(self.warnings),
        }

    def warning_texts(self) -> list[tuple[str, str]]:
        """Each warning as ``(中文, English)`` for people."""
        code = self.id[:6]
        texts = {
            "unknown_province": (
                f"第1-2位省级代码{code[:2]}不存在，请核对号码",
                f"digits 1-2 ({code[:2]}) are not a province code; check the number",
            ),
            "unknown_prefecture": (
                f"第3-4位地级代码{code[2:4]}不存在，请核对号码",
                f"digits 3-4 ({code[2:4]}) are not a prefecture code; check the number",
            ),
        }
        return [texts[w] for w in self.warnings if w in texts]

    def message(self, lang: str = "zh") -> str:
        """A one-line explanation for people, in Chinese (``zh*``) or English."""
        zh, en = self._texts()
        return zh if lang.lower().startswith("zh") else en

    def _texts(self) -> tuple[str, str]:
        n = self.id
        if self.valid:
            sex_zh = {"male": "男", "female": "女"}.get(self.sex or "", "")
            born = self.birth_date.isoformat() if self.birth_date else "?"
            return (
                f"号码有效：{born}出生，{sex_zh}，地区码{self.region_code}",
                f"valid: born {born}, {self.sex}, region {self.region_code}",
            )
        if self.error == "empty":
            return ("未填写证件号码", "the ID number is empty")
        if self.error == "bad_format":
            return (
                f"证件号码格式不对（{len(n)}位）：应为18位（前17位为数字，末位为数字或X），"
                "或15位旧号码、20/22位残疾证号",
                f"the ID number has the wrong format ({len(n)} characters): expected 18 "
                "(17 digits then a digit or X), or a 15-digit legacy number, "
                "or a 20/22-character disability certificate number",
            )
        if self.error == "bad_date":
            return (
                f"第7-14位出生日期{n[6:14]}不是有效日期",
                f"digits 7-14 ({n[6:14]}) are not a real birth date",
            )
        if self.error == "future_date":
            return (
                f"第7-14位出生日期{n[6:14]}晚于今天",
                f"the birth date in digits 7-14 ({n[6:14]}) is in the future",
            )
        if self.error == "before_1900":
            return (
                f"第7-14位出生日期{n[6:14]}早于1900年",
                f"the birth date in digits 7-14 ({n[6:14]}) is before 1900",
            )
        if self.error == "bad_check_digit":
            expected = check_char(n[:17])
            return (
                f"第18位校验码不符，应为{expected}（请核对号码是否抄错）",
                f"the 18th character (check digit) is wrong: expected {expected}; "
                "check the number for a typing error",
            )
        if self.error == "bad_disability_type":
            return (
                f"残疾证号第19位类别应为1-7、第20位等级应为1-4，实际为{n[18:20]}",
                f"disability certificate: digit 19 (type) must be 1-7 and digit 20 "
                f"(grade) 1-4, got {n[18:20]}",
            )
        return (f"证件号码无效（{self.error}）", f"invalid ID number ({self.error})")


def _refuse(number: str, error: str, kind: IdKind | None) -> IdCheck:
    return IdCheck(id=number, valid=False, error=error, kind=kind)


def _check_core(id18: str, today: date) -> str | None:
    """Check date and check character of a well-formed 18-character number; return an error code."""
    born = _parse_date(id18[6:14])
    if born is None:
        return "bad_date"
    if born > today:
        return "future_date"
    if born.year < _MIN_YEAR:
        return "before_1900"
    if check_char(id18[:17]) != id18[17]:
        return "bad_check_digit"
    return None


def region_warnings(region_code: str) -> tuple[str, ...]:
    """Warnings for a 6-digit address code that no region can have (GB/T 2260, DOMAIN §1.1).

    ``unknown_province``: digits 1-2 are no province code (the ``province``
    code list); ``unknown_prefecture``: digits 3-4 are outside 01-70 and 90
    (00 only in the province's own code xx0000).
    Withdrawn codes of real regions give no warning.
    """
    from fieldapp.codes import is_code  # the code lists are read only when needed

    found: list[str] = []
    if not is_code("province", region_code[:2]):
        found.append("unknown_province")
    prefecture = int(region_code[2:4])
    # xx0000 is the province itself (residence permits of Hong Kong, Macao and
    # Taiwan residents use 810000, 820000 and 830000).
    whole_province = region_code[2:] == "0000"
    if not (
        whole_province or 1 <= prefecture <= _PREFECTURE_MAX or prefecture == _PREFECTURE_DIRECT
    ):
        found.append("unknown_prefecture")
    return tuple(found)


def check_id(raw: str, today: date | None = None) -> IdCheck:
    """Validate a citizen ID or disability-certificate number (DOMAIN §2).

    Args:
        raw: the number as typed; it is normalised first.
        today: the reference date for the "not in the future" rule (default: today).

    Returns:
        An :class:`IdCheck`; never raises for bad input.
    """
    today = today or date.today()
    number = normalize(raw)
    if not number:
        return _refuse(number, "empty", None)

    kind: IdKind
    if len(number) == 18 and _RE_18.fullmatch(number):
        kind = "id18"
    elif len(number) == 15 and _RE_15.fullmatch(number):
        kind = "id15"
        if _parse_date("19" + number[6:12]) is None:
            return _refuse(number, "bad_date", kind)
        number = upgrade_15(number)
    elif len(number) == 20 and _RE_20.fullmatch(number):
        kind = "disability20"
    elif len(number) == 22 and _RE_22.fullmatch(number):
        kind = "disability22"
    else:
        return _refuse(number, "bad_format", None)

    error = _check_core(number[:18], today)
    if (
        error is None
        and kind in ("disability20", "disability22")
        and (number[18] not in _DISABILITY_TYPES or number[19] not in _DISABILITY_GRADES)
    ):
        error = "bad_disability_type"
    if error is not None:
        return _refuse(number, error, kind)

    born = _parse_date(number[6:14])
    return IdCheck(
        id=number,
        valid=True,
        birth_date=born,
        sex="male" if int(number[16]) % 2 == 1 else "female",
        region_code=number[:6],
        error=None,
        kind=kind,
        warnings=region_warnings(number[:6]),
    )


def disability_type_label(digit: str, lang: str = "zh") -> str | None:
    """The label of a disability type digit ("1".."7"), or ``None`` if unknown."""
    labels = _DISABILITY_TYPES.get(digit)
    if labels is None:
        return None
    return labels[0] if lang.lower().startswith("zh") else labels[1]
