"""Cards printed to PDF: rasterise with poppler at 150 dpi, decode every QR, check fonts and vectors."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import stat
import subprocess
import sys
import unicodedata
import uuid
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cards import CardView, make_payload, parse_payload, verify_payload
from fieldapp.errors import Cancelled

KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
COUNTY = "520322"
POPPLER = ("pdftoppm", "pdffonts", "pdfimages", "pdftotext")
needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in POPPLER),
    reason="poppler-utils not installed (scripts/setup_debian.sh installs it)",
)

HEADS = [
    "张三",
    "李秀英",
    "王建国",
    "赵桂兰",
    "欧阳明辉",
    "陈小红",
    "刘德华",
    "杨光",
    "黄志强",
    "周晓梅",
]
VILLAGES = ["石桥村", "新寨村", "龙井村", "花坪村", "茶园村"]


def demo_cards(count: int) -> list[CardView]:
    """Cards for ``count`` made-up households with Chinese names."""
    result = []
    for i in range(count):
        household = str(uuid.UUID(int=0x0195_0000_0000_7000_8000_0000_0000_0000 + i * 7919))
        serial = 1 + i % 3
        result.append(
            CardView(
                household_id=household,
                serial=serial,
                payload=make_payload(household, serial, COUNTY, KEY),
                head_name=HEADS[i % len(HEADS)],
                village_name=VILLAGES[i % len(VILLAGES)],
                group=str(1 + i % 9),
                category="脱贫户（监测对象）" if i % 2 else "一般农户",
                cadre_name="李四",
                cadre_phone=f"1381234{i:04d}",
                secretary_name="王五",
                secretary_phone="13987654321",
                county_name="桐梓县",
            )
        )
    return result


def rasterise(pdf: Path, out_dir: Path) -> list[Path]:
    """Render every page of ``pdf`` to PNG at 150 dpi with pdftoppm."""
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(prefix)], check=True)
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def decode_page(png: Path) -> list[str]:
    from PySide6.QtGui import QImage

    from ui.scan_decode import decode_payloads

    image = QImage(str(png))
    assert not image.isNull(), png
    return decode_payloads(image)


def pdffonts_rows(pdf: Path) -> list[dict[str, str]]:
    """Parse ``pdffonts`` output into rows keyed by its column headers."""
    lines = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, dashes, body = lines[0], lines[1], lines[2:]
    spans, start = [], 0
    for part in dashes.split(" "):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    names = [header[a:b].strip() for a, b in spans]
    return [{n: line[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)} for line in body]


@pytest.fixture(scope="module")
def a4(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[CardView], int]:
    from ui.cards_render import render_cards_pdf

    out = tmp_path_factory.mktemp("a4") / "cards.pdf"
    cards = demo_cards(10)
    pages = render_cards_pdf(cards, out, layout="a4", lang="zh")
    return out, cards, pages


@needs_poppler
def test_a4_every_qr_decodes(a4: tuple[Path, list[CardView], int], tmp_path: Path) -> None:
    pdf, cards, pages = a4
    assert pages == 2
    pngs = rasterise(pdf, tmp_path)
    assert len(pngs) == 2
    per_page = [decode_page(png) for png in pngs]
    assert [len(found) for found in per_page] == [8, 2]
    found = {text for page in per_page for text in page}
    assert found == {card.payload for card in cards}
    for text in found:
        assert verify_payload(parse_payload(text), COUNTY, KEY)


@needs_poppler
def test_a4_fonts_embedded_with_chinese_text(a4: tuple[Path, list[CardView], int]) -> None:
    pdf, cards, _ = a4
    rows = pdffonts_rows(pdf)
    assert rows, "no font in the PDF"
    assert all(row["emb"] == "yes" for row in rows), rows
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    # Noto CJK shares glyphs between ideographs and radicals (白/⽩, 户/⼾, 黄/⻩)
    # and Qt's ToUnicode map names the radical, so extracted text needs folding;
    # the printed glyphs are right. NFKC folds ⼾ to the traditional 戶, and
    # the radical supplement (⻩) has no decomposition at all.
    text = unicodedata.normalize("NFKC", text).translate({0x6236: "户", 0x2EE9: "黄"})
    for expected in ("明白卡", "户主", "帮扶干部", "驻村第一书记", "桐梓县", *HEADS):
        assert expected in text, expected


@needs_poppler
def test_a4_qr_is_vector_and_pdf_small(a4: tuple[Path, list[CardView], int]) -> None:
    pdf, _, _ = a4
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert listing[2:] == [], "the PDF contains raster images"
    # Merged module runs and font subsets: two sheets stay well under 250 KB.
    assert pdf.stat().st_size < 250_000


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a6_one_card_per_page(qapp: Any, tmp_path: Path, lang: str) -> None:
    from ui.cards_render import render_cards_pdf

    cards = demo_cards(2)
    pdf = tmp_path / f"a6-{lang}.pdf"
    assert render_cards_pdf(cards, pdf, layout="a6", lang=lang) == 2
    pngs = rasterise(pdf, tmp_path)
    assert [decode_page(png) for png in pngs] == [[cards[0].payload], [cards[1].payload]]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert listing[2:] == []


def test_write_is_atomic_and_private(qapp: Any, tmp_path: Path) -> None:
    from ui.cards_render import render_cards_pdf

    target = tmp_path / "cards.pdf"
    target.write_bytes(b"old")
    calls: list[tuple[int, int]] = []
    assert render_cards_pdf(demo_cards(9), target, progress=lambda d, t: calls.append((d, t))) == 2
    assert calls == [(i, 9) for i in range(10)]
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.pdf"]
    if sys.platform != "win32":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_cancel_leaves_old_file(qapp: Any, tmp_path: Path) -> None:
    from ui.cards_render import render_cards_pdf

    target = tmp_path / "cards.pdf"
    target.write_bytes(b"old")

    def cancel_at_three(done: int, total: int) -> None:
        if done == 3:
            raise Cancelled()

    with pytest.raises(Cancelled):
        render_cards_pdf(demo_cards(8), target, progress=cancel_at_three)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cards.pdf"]


def test_bad_arguments(qapp: Any, tmp_path: Path) -> None:
    from ui.cards_render import render_cards_pdf

    with pytest.raises(ValueError):
        render_cards_pdf(demo_cards(1), tmp_path / "x.pdf", layout="letter")
    with pytest.raises(ValueError):
        render_cards_pdf([], tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_cjk_font_found(qapp: Any) -> None:
    from PySide6.QtGui import QFontDatabase

    from ui.cards_render import cjk_font_family

    family = cjk_font_family()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_long_texts_stay_inside_the_card(qapp: Any) -> None:
    """Very long names shrink and elide instead of running into the QR code."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from ui.cards_render import paint_card
    from ui.scan_decode import decode_payloads

    card = demo_cards(1)[0]
    long_card = CardView(
        **{
            **card.__dict__,
            "head_name": "阿卜杜热合曼·买买提依明·艾力" * 2,
            "village_name": "某某镇某某某某某某村民委员会" * 2,
            "cadre_phone": "0851-28221234 转 8001",
        }
    )
    image = QImage(874, 620, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_card(painter, QRectF(0, 0, 874, 620), long_card, "en")
    painter.end()
    assert decode_payloads(image) == [card.payload]
