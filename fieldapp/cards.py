"""QR visit cards (明白卡): payload, MAC, scan verdicts and the QR matrix.

The format is specified in ``docs/card-format.md``; the vectors in
``tests/vectors/cards.json`` are the contract. A payload carries no personal
data: ``FV1:<household id, 32 hex>:<card serial>:<MAC>``, upper case so the QR
code can use alphanumeric mode. Printing lives in ``ui/cards_render.py``; this
module is pure and never imports Qt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Final

from fieldapp.errors import InputRefused

VERSION_TAG = "FV1"
# Level Q (~25% of codewords recoverable) rather than M: cards hang on walls
# for years next to stoves, get damp, faded and pinned through. With the
# longest serial the payload still fits QR version 4 (33x33) at Q.
QR_ERROR_LEVEL: Final = "Q"
QR_QUIET_ZONE = 4  # modules; ISO/IEC 18004 minimum
MAC_BYTES = 10  # 80 bits -> exactly 16 base32 characters, no padding
MAC_CHARS = 16
SERIAL_MAX = 999_999_999
MAX_INPUT_CHARS = 100  # longest valid payload is 63; anything longer is refused early
MIN_KEY_BYTES = 16

_COUNTY_RE = re.compile(r"[0-9]{6}")
_TAG_RE = re.compile(r"FV([1-9][0-9]{0,2})")
_HEX32_RE = re.compile(r"[0-9A-F]{32}")
_SERIAL_RE = re.compile(r"[1-9][0-9]{0,8}")
_MAC_RE = re.compile(r"[A-Z2-7]{16}")
_LOOKS_RE = re.compile(r"FV[0-9]{1,3}:[0-9A-Z:]{10,120}")


@dataclass(frozen=True)
class CardPayload:
    """A parsed (not yet verified) card payload.

    Attributes:
        household_id: Canonical UUID text, lower case with dashes.
        serial: Card serial; a reprint raises it.
        mac: The 16 base32 characters of the MAC, upper case.
        text: The canonical payload string (what a fresh card encodes).
    """

    household_id: str
    serial: int
    mac: str
    text: str

    @property
    def household_hex(self) -> str:
        """The household id as 32 lower-case hex digits (the MAC input form)."""
        return uuid.UUID(self.household_id).hex


@dataclass(frozen=True)
class CardView:
    """Everything printed on one card (明白卡, DOMAIN §10); display strings are already localised.

    Attributes:
        risks: The household's risks (致贫返贫风险), joined for display.
        measures: The assistance measures currently running, joined for display.
        cadre_unit: The cadre's dispatching unit (帮扶单位).
        county_hotline: The county's assistance hotline, if the county gave one.
        national_hotline: The national hotline (12317, from the policy).
    """

    household_id: str
    serial: int
    payload: str
    head_name: str
    village_name: str
    group: str
    category: str
    cadre_name: str
    cadre_phone: str
    secretary_name: str
    secretary_phone: str
    county_name: str
    cadre_unit: str = ""
    risks: str = ""
    measures: str = ""
    county_hotline: str = ""
    national_hotline: str = ""


def _check_county(county: str) -> str:
    if not isinstance(county, str) or not _COUNTY_RE.fullmatch(county):
        raise ValueError(f"county code must be 6 digits, got {county!r}")
    return county


def _check_key(key: bytes) -> bytes:
    if not isinstance(key, bytes | bytearray) or len(key) < MIN_KEY_BYTES:
        raise ValueError(f"card key must be at least {MIN_KEY_BYTES} bytes")
    return bytes(key)


def _household_hex(household_id: str) -> str:
    try:
        return uuid.UUID(household_id).hex
    except (ValueError, AttributeError, TypeError) as exc:
        raise ValueError(f"not a household id: {household_id!r}") from exc


def mac_input(household_hex: str, serial: int, county: str) -> bytes:
    """Build the exact bytes the MAC covers: ``FV1|<county>|<hex id>|<serial>``.

    Args:
        household_hex: 32 lower-case hex digits.
        serial: Card serial.
        county: 6-digit county code.
    """
    return f"{VERSION_TAG}|{county}|{household_hex.lower()}|{serial}".encode("ascii")


def compute_mac(household_hex: str, serial: int, county: str, key: bytes) -> str:
    """Return the 16-character base32 MAC (first 10 bytes of HMAC-SHA256)."""
    digest = hmac.new(_check_key(key), mac_input(household_hex, serial, county), hashlib.sha256)
    return base64.b32encode(digest.digest()[:MAC_BYTES]).decode("ascii")


def make_payload(household_id: str, serial: int, county: str, key: bytes) -> str:
    """Build the canonical payload for a household's card.

    Args:
        household_id: UUID, with or without dashes, any case.
        serial: Card serial, 1..999999999.
        county: 6-digit county code of the issuing county.
        key: The county card key.

    Returns:
        ``FV1:<HEX ID>:<SERIAL>:<MAC>``, all upper case.

    Raises:
        ValueError: An argument is out of range (a programming error, not user input).
    """
    hex_id = _household_hex(household_id)
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= SERIAL_MAX:
        raise ValueError(f"card serial must be 1..{SERIAL_MAX}, got {serial!r}")
    _check_county(county)
    mac = compute_mac(hex_id, serial, county, key)
    return f"{VERSION_TAG}:{hex_id.upper()}:{serial}:{mac}"


def _refuse(code: str, en: str, zh: str) -> InputRefused:
    return InputRefused(en, zh, code=code)


def _normalise(text: str) -> str:
    # NFKC folds the full-width characters a Chinese input method in full-width
    # mode turns a keyboard-wedge scanner's output into ("ＦＶ１：..." -> "FV1:...").
    return unicodedata.normalize("NFKC", text).strip().upper()


def parse_payload(text: str) -> CardPayload:
    """Parse scanned or typed card text; the MAC is not checked here.

    Surrounding whitespace (including CR/LF from a scanner), letter case and
    full-width characters are tolerated; anything else must match exactly.

    Raises:
        InputRefused: code ``bad_prefix`` (not a Fieldapp card),
            ``unsupported_version`` (a newer card format) or ``bad_format``.
    """
    if not isinstance(text, str):
        raise _refuse("bad_format", "Card text is not text.", "卡片内容不是文本。")
    norm = _normalise(text)
    if len(norm) > MAX_INPUT_CHARS:
        raise _refuse("bad_format", "Card code is too long.", "卡片二维码内容过长。")
    fields = norm.split(":")
    tag = _TAG_RE.fullmatch(fields[0])
    if tag is None:
        raise _refuse(
            "bad_prefix",
            "This is not a Fieldapp visit card.",
            "这不是本系统的入户走访卡（明白卡）。",
        )
    if fields[0] != VERSION_TAG:
        raise _refuse(
            "unsupported_version",
            f"This card uses format {fields[0]}, which this version of Fieldapp cannot read; update Fieldapp.",
            f"此卡为 {fields[0]} 格式，本机软件版本无法识别，请升级软件。",
        )
    if len(fields) != 4:
        raise _refuse(
            "bad_format",
            "The card code is incomplete or damaged.",
            "卡片二维码内容不完整或已损坏。",
        )
    _, hex_id, serial_text, mac = fields
    if not _HEX32_RE.fullmatch(hex_id):
        raise _refuse(
            "bad_format",
            "The household number on the card is malformed.",
            "卡片中的户编号格式错误。",
        )
    if not _SERIAL_RE.fullmatch(serial_text):
        raise _refuse("bad_format", "The card serial is malformed.", "卡片序号格式错误。")
    if not _MAC_RE.fullmatch(mac):
        raise _refuse("bad_format", "The card check code is malformed.", "卡片校验码格式错误。")
    serial = int(serial_text)
    household_id = str(uuid.UUID(hex=hex_id))
    return CardPayload(
        household_id=household_id,
        serial=serial,
        mac=mac,
        text=f"{VERSION_TAG}:{hex_id}:{serial}:{mac}",
    )


def verify_payload(p: CardPayload, county: str, key: bytes) -> bool:
    """Check the MAC of a parsed payload under this county's card key.

    A card issued by another county fails here too: the county code is part
    of the MAC input. The comparison is constant-time.
    """
    _check_county(county)
    expected = compute_mac(p.household_hex, p.serial, county, key)
    return hmac.compare_digest(expected.encode("ascii"), p.mac.encode("ascii"))


def looks_like_payload(text: str) -> bool:
    """Cheap check: could this typed text be a card scan (any FV version)?

    Used by the keyboard-wedge filter to decide whether to take the text away
    from the focused widget; ``parse_payload`` then says what is wrong with it.
    """
    if not isinstance(text, str) or len(text) > 4 * MAX_INPUT_CHARS:
        return False
    return _LOOKS_RE.fullmatch(_normalise(text)) is not None


@dataclass(frozen=True)
class ScanResult:
    """What a scan means for the user.

    Attributes:
        code: ``ok``, ``replaced``, ``newer_than_records``, ``unknown_household``,
            ``bad_mac`` or ``wrong_county``.
        payload: The parsed payload.
        en: Message in English.
        zh: Message in Chinese.
    """

    code: str
    payload: CardPayload
    en: str
    zh: str

    @property
    def genuine(self) -> bool:
        """True when the MAC verified (the card was issued by this county)."""
        return self.code in {"ok", "replaced", "newer_than_records", "unknown_household"}

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (``zh*`` or anything else for English)."""
        return self.zh if lang.startswith("zh") else self.en


def assess_scan(p: CardPayload, county: str, key: bytes, current_serial: int | None) -> ScanResult:
    """Decide what a scanned card means.

    Args:
        p: Parsed payload.
        county: This device's county code.
        key: This county's card key.
        current_serial: The household's card serial on this device, or None
            when the household is not on this device.

    Returns:
        The verdict. A bad MAC on a household this device knows means a
        damaged or forged card; on an unknown household it most likely means
        a card of another county (the payload cannot say which county).
    """
    if not verify_payload(p, county, key):
        if current_serial is None:
            return ScanResult(
                "wrong_county",
                p,
                "This card was not issued by this county (or it is forged).",
                "此卡不是本县发放的卡片（或为伪造卡）。",
            )
        return ScanResult(
            "bad_mac",
            p,
            "The card's check code is wrong: the card is damaged or forged. Reprint it.",
            "卡片校验码不符：卡片已损坏或为伪造，请重新打印。",
        )
    if current_serial is None:
        return ScanResult(
            "unknown_household",
            p,
            "Valid card of this county, but the household is not on this laptop.",
            "本县有效卡片，但本机没有该户的数据。",
        )
    if p.serial < current_serial:
        return ScanResult(
            "replaced",
            p,
            f"This card (No. {p.serial}) was replaced by card No. {current_serial}.",
            f"此卡（第 {p.serial} 号）已作废，已换发第 {current_serial} 号卡。",
        )
    if p.serial > current_serial:
        return ScanResult(
            "newer_than_records",
            p,
            f"This card (No. {p.serial}) is newer than this laptop's records "
            f"(No. {current_serial}); sync first.",
            f"此卡（第 {p.serial} 号）比本机记录（第 {current_serial} 号）新，请先同步。",
        )
    return ScanResult("ok", p, "Card is valid.", "卡片有效。")


def qr_matrix(payload: str) -> list[list[bool]]:
    """Return the QR modules for ``payload`` (True = dark), without quiet zone.

    Uses error-correction level Q, never boosted, so the version is stable.
    """
    from fieldapp import qr  # only when drawing; the scanner filter needs none of it at start-up

    return qr.qr_matrix(payload, QR_ERROR_LEVEL)
