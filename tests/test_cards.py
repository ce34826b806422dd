"""Card payload: the shared vectors, round trips, MAC failures, scan verdicts, QR matrix."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import zxingcpp

from fieldapp import cards
from fieldapp.cards import (
    CardPayload,
    assess_scan,
    looks_like_payload,
    make_payload,
    parse_payload,
    qr_matrix,
    verify_payload,
)
from fieldapp.errors import InputRefused

VECTORS_PATH = Path(__file__).parent / "vectors" / "cards.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["vectors"]
PARSE_ERRORS = {"bad_prefix", "unsupported_version", "bad_format"}
KEY = bytes(range(32))
COUNTY = "520322"
HOUSEHOLD = "01935c3e-8a4b-7c2d-9e1f-0123456789ab"


def _ids(v: dict[str, Any]) -> str:
    return str(v["name"])


def test_vectors_cover_every_outcome() -> None:
    expects = {v["expect"] for v in VECTORS}
    assert expects == {
        "ok",
        "bad_prefix",
        "unsupported_version",
        "bad_format",
        "bad_mac",
        "wrong_county",
    }
    assert len({v["name"] for v in VECTORS}) == len(VECTORS)


@pytest.mark.parametrize("v", VECTORS, ids=_ids)
def test_vector(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["key_hex"])
    if v["expect"] in PARSE_ERRORS:
        with pytest.raises(InputRefused) as info:
            parse_payload(v["payload"])
        assert info.value.code == v["expect"]
        assert info.value.en and info.value.zh != info.value.en
        return
    parsed = parse_payload(v["payload"])
    if v["expect"] == "ok":
        assert parsed.text == v["canonical"]
        assert parsed.household_id == v["household_id"]
        assert parsed.serial == v["serial"]
        assert verify_payload(parsed, v["county"], key)
    elif v["expect"] == "bad_mac":
        assert not verify_payload(parsed, v["county"], key)
    elif v["expect"] == "wrong_county":
        assert not verify_payload(parsed, v["county"], key)
        assert verify_payload(parsed, v["issued_county"], key)
    else:  # pragma: no cover - a new outcome needs a branch here
        pytest.fail(f"unknown expectation {v['expect']}")


@pytest.mark.parametrize("v", [v for v in VECTORS if "mac_input" in v], ids=_ids)
def test_vector_is_what_make_payload_writes(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["key_hex"])
    hex_id = uuid.UUID(v["household_id"]).hex
    assert cards.mac_input(hex_id, v["serial"], v["county"]).decode() == v["mac_input"]
    assert cards.compute_mac(hex_id, v["serial"], v["county"], key) == v["mac"]
    assert make_payload(v["household_id"], v["serial"], v["county"], key) == v["payload"]
    # Dashes and case in the id do not change the payload.
    assert make_payload(hex_id.upper(), v["serial"], v["county"], key) == v["payload"]


def test_round_trip_many_households() -> None:
    for serial in (1, 2, 9, 10, 123456, cards.SERIAL_MAX):
        household = str(uuid.uuid4())
        text = make_payload(household, serial, COUNTY, KEY)
        assert len(text) <= 63
        parsed = parse_payload(text)
        assert (parsed.household_id, parsed.serial, parsed.text) == (household, serial, text)
        assert verify_payload(parsed, COUNTY, KEY)


def test_tampered_serial_fails_mac() -> None:
    parsed = parse_payload(make_payload(HOUSEHOLD, 3, COUNTY, KEY))
    forged = CardPayload(parsed.household_id, 4, parsed.mac, parsed.text)
    assert not verify_payload(forged, COUNTY, KEY)


def test_other_county_and_other_key_fail() -> None:
    parsed = parse_payload(make_payload(HOUSEHOLD, 1, COUNTY, KEY))
    assert verify_payload(parsed, COUNTY, KEY)
    assert not verify_payload(parsed, "520323", KEY)
    assert not verify_payload(parsed, COUNTY, bytes(32))


@pytest.mark.parametrize(
    "args",
    [
        (HOUSEHOLD, 0, COUNTY, KEY),
        (HOUSEHOLD, cards.SERIAL_MAX + 1, COUNTY, KEY),
        (HOUSEHOLD, True, COUNTY, KEY),
        ("not-a-uuid", 1, COUNTY, KEY),
        (HOUSEHOLD, 1, "52032", KEY),
        (HOUSEHOLD, 1, "52032X", KEY),
        (HOUSEHOLD, 1, COUNTY, b"short"),
    ],
)
def test_make_payload_refuses_bad_arguments(args: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError):
        make_payload(*args)


def test_looks_like_payload() -> None:
    for v in VECTORS:
        if v["expect"] in {"ok", "bad_mac", "wrong_county", "unsupported_version"}:
            assert looks_like_payload(v["payload"]), v["name"]
    for text in ("", "hello", "张三", "https://example.org/x", "52032219800101001X", "FV1", "FV1:"):
        assert not looks_like_payload(text), text


@pytest.mark.parametrize(
    ("serial", "current", "known_key", "expected"),
    [
        (2, 2, True, "ok"),
        (1, 2, True, "replaced"),
        (3, 2, True, "newer_than_records"),
        (2, None, True, "unknown_household"),
        (2, 2, False, "bad_mac"),
        (2, None, False, "wrong_county"),
    ],
)
def test_assess_scan(serial: int, current: int | None, known_key: bool, expected: str) -> None:
    issuing_key = KEY if known_key else bytes(32)
    parsed = parse_payload(make_payload(HOUSEHOLD, serial, COUNTY, issuing_key))
    result = assess_scan(parsed, COUNTY, KEY, current)
    assert result.code == expected
    assert result.genuine == known_key
    assert result.text("zh") and result.text("en") and result.text("zh") != result.text("en")
    if expected == "replaced":
        assert "2" in result.text("zh") and "replaced" in result.text("en")


def test_qr_matrix_is_version_4_for_every_valid_payload() -> None:
    for v in VECTORS:
        if v["expect"] == "ok":
            matrix = qr_matrix(v["canonical"])
            assert len(matrix) == 33 and all(len(row) == 33 for row in matrix)


def test_qr_matrix_decodes_with_level_q(qapp: Any) -> None:
    from PySide6.QtGui import QColor, QImage, QPainter

    from ui.scan_decode import decode_payloads

    payload = make_payload(HOUSEHOLD, 7, COUNTY, KEY)
    matrix = qr_matrix(payload)
    px, quiet = 6, cards.QR_QUIET_ZONE
    side = (len(matrix) + 2 * quiet) * px
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.fillRect((x + quiet) * px, (y + quiet) * px, px, px, QColor("black"))
    painter.end()
    assert decode_payloads(image) == [payload]

    # The symbol itself says which level it carries.
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    view = memoryview(bytes(gray.constBits())).cast("B", (side, gray.bytesPerLine()))
    (barcode,) = zxingcpp.read_barcodes(
        view, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    assert barcode.ec_level == cards.QR_ERROR_LEVEL


def test_core_module_does_not_load_qt() -> None:
    code = (
        "import sys, fieldapp.cards; "
        "bad = [m for m in sys.modules if m.split('.')[0] in {'PySide6', 'shiboken6', 'requests', 'httpx'}]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_spec_examples_match_vectors() -> None:
    """The vector table and the worked example in docs/card-format.md are the vectors."""
    import re

    doc = (Path(__file__).parent.parent / "docs" / "card-format.md").read_text(encoding="utf-8")
    by_name = {v["name"]: v for v in VECTORS}
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| (\w+) \|$", doc, re.MULTILINE)
    assert len(rows) >= 4
    for name, payload, expect in rows:
        assert (by_name[name]["payload"], by_name[name]["expect"]) == (payload, expect), name
    basic = by_name["basic"]
    for value in (basic["mac_input"], basic["hmac_sha256_hex"], basic["mac"], basic["payload"]):
        assert value in doc


def test_one_qr_library() -> None:
    """Issue 12: the design names qrcode; nothing in the project imports segno."""
    import importlib.util
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sources = [*root.glob("fieldapp/**/*.py"), *root.glob("sync/**/*.py"), *root.glob("ui/**/*.py")]
    assert not [p for p in sources if re.search(r"^\s*(import|from)\s+segno", p.read_text("utf-8"), re.M)]
    assert importlib.util.find_spec("qrcode") is not None


def test_qr_svg_draws_the_same_modules() -> None:
    import re

    from fieldapp.qr import qr_matrix, qr_svg

    text = "FV1:ENROLL:ABCDEF123456"
    svg = qr_svg(text, "M", scale=4, quiet_zone=4)
    matrix = qr_matrix(text, "M")
    n = len(matrix)
    assert f'width="{(n + 8) * 4}"' in svg
    drawn = [[False] * n for _ in range(n)]
    for x, y, w in re.findall(r"M(\d+),(\d+)h(\d+)v1h-\d+z", svg):
        for dx in range(int(w)):
            drawn[int(y) - 4][int(x) - 4 + dx] = True
    assert drawn == matrix
