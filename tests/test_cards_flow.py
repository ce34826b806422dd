"""Cards for a demo village: print to PDF, render with poppler, decode every QR,
and resolve each payload to its household (A4 and A6); reprints replace cards."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PASS

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
)


@pytest.fixture
def demo_app(home):
    from fieldapp.demo import build_demo
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    build_demo(home, PASS, households=20, seed=5)
    s = Store.open(home, PASS)
    yield Fieldapp(s, actor="王建国")
    s.close()


def _decode_pdf(pdf: Path, tmp: Path) -> list[str]:
    from PySide6.QtGui import QImage

    from ui.cards_render import ensure_qt_app
    from ui.scan_decode import decode_payloads

    ensure_qt_app()
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp / "page")], check=True)
    found: list[str] = []
    for png in sorted(tmp.glob("page*.png")):
        found.extend(decode_payloads(QImage(str(png))))
    return found


@pytest.mark.parametrize("layout", ["a4", "a6"])
def test_every_printed_card_scans_to_its_household(demo_app, tmp_path, layout):
    from ui.cards_render import ensure_qt_app, render_cards_pdf

    ensure_qt_app()
    ids = [r["id"] for r in demo_app.list_households()][: 10 if layout == "a4" else 3]
    views = demo_app.issue_cards(ids)
    pdf = tmp_path / f"cards-{layout}.pdf"
    render_cards_pdf(views, pdf, layout=layout)
    payloads = _decode_pdf(pdf, tmp_path)
    assert sorted(payloads) == sorted(v.payload for v in views)
    for p in payloads:
        res = demo_app.scan(p)
        assert res["valid"] and res["household_id"] in ids
    # nothing personal in the QR: no name, no ID number, no phone
    for v, p in zip(
        views, sorted(payloads, key=lambda x: [w.payload for w in views].index(x)), strict=True
    ):
        rec = demo_app.household_detail(v.household_id)
        for m in rec["members"]:
            assert m["name"] not in p and m["id_number"] not in p
        assert rec["phone"] not in p


def test_reprint_replaces_old_card(demo_app):
    hid = demo_app.list_households()[0]["id"]
    old = demo_app.issue_cards([hid])[0]
    new = demo_app.issue_cards([hid])[0]
    assert new.serial == old.serial + 1
    r = demo_app.scan(old.payload)
    assert not r["valid"] and r["code"] == "replaced" and r["household_id"] == hid
    assert demo_app.scan(new.payload)["valid"]
    assert demo_app.household_detail(hid)["card"]["serial"] == new.serial


def test_foreign_and_forged_cards(demo_app):
    from fieldapp.cards import make_payload

    hid = demo_app.list_households()[0]["id"]
    serial = demo_app.issue_cards([hid])[0].serial
    other_county = make_payload(hid, serial, "410522", demo_app.card_key)
    assert demo_app.scan(other_county)["code"] == "bad_mac"
    forged = make_payload(hid, serial, demo_app.card_county(), os.urandom(32))
    assert demo_app.scan(forged)["code"] == "bad_mac"
    from fieldapp.ids import uuid7

    stranger = make_payload(uuid7(), 1, demo_app.card_county(), demo_app.card_key)
    res = demo_app.scan(stranger)
    assert res["code"] == "unknown_household" and not res["valid"]


def _cli_without_lang(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the real ``fieldapp`` with LANG, LC_ALL and FIELDAPP_LANG unset (a Windows laptop)."""
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LANGUAGE", "FIELDAPP_LANG")}
    env.update(FIELDAPP_PASSPHRASE=PASS, FIELDAPP_HOME=str(home))
    exe = Path(sys.executable).parent / "fieldapp"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=600)


def _zxing_decode(pdf: Path, tmp: Path) -> list[str]:
    """Rasterise with poppler and decode every QR with zxing-cpp directly."""
    import zxingcpp
    from PySide6.QtGui import QImage

    from ui.cards_render import ensure_qt_app

    ensure_qt_app()
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp / "zx")], check=True)
    found: list[str] = []
    for png in sorted(tmp.glob("zx*.png")):
        gray = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
        w, h, stride = gray.width(), gray.height(), gray.bytesPerLine()
        raw = bytes(gray.constBits())
        # scan lines are padded to 4 bytes; zxing wants them packed
        packed = b"".join(raw[y * stride : y * stride + w] for y in range(h))
        view = memoryview(packed).cast("B", (h, w))
        fmt = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        found.extend(b.text for b in zxingcpp.read_barcodes(view, formats=fmt) if b.valid)
    return found


def _pdf_text(pdf: Path) -> str:
    import unicodedata

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    # Noto CJK maps some ideographs to radicals in ToUnicode (户/⼾, 风/⻛, 民/⺠): fold
    # them back (NFKC handles the Kangxi radicals, the table the supplement).
    folded = unicodedata.normalize("NFKC", text)
    return folded.translate({0x6236: "户", 0x2EDB: "风", 0x2EA0: "民", 0x2EE9: "黄"})


def test_cli_cards_without_lang_are_chinese_and_resolve(home, tmp_path):
    """Issue 12: cards printed from the command line with LANG unset are Chinese and
    carry the hotlines, risks, measures and cadre unit; every QR decodes and resolves."""
    from fieldapp.demo import build_demo
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    build_demo(home, PASS, households=16, seed=5)
    s = Store.open(home, PASS)
    app = Fieldapp(s, actor="王建国")
    rows = app.list_households()
    ids = [r["id"] for r in rows[:8]]
    hid = ids[0]
    app.add_measure(hid, "M_HEALTH", "医疗救助")
    app.set_household_field(hid, "risks", [{"code": "R_ILL"}])
    cadre = app.household_record(hid)["cadre"]
    s.close()

    pdf = tmp_path / "cards.pdf"
    done = _cli_without_lang("cards", "--out", str(pdf), "--households", ",".join(ids), home=home)
    assert done.returncode == 0, done.stderr
    text = _pdf_text(pdf)
    for expected in ("明白卡", "户主", "帮扶干部", "驻村第一书记", "致贫返贫风险", "帮扶措施",
                     "因病", "健康帮扶", "12317", "0533-12345", cadre["unit"]):
        assert expected in text, expected
    assert "Head of household" not in text and "Assistance cadre" not in text

    payloads = _zxing_decode(pdf, tmp_path)
    assert len(payloads) == len(ids)
    for payload in payloads:
        scanned = _cli_without_lang("scan", payload, "--json", home=home)
        assert scanned.returncode == 0, scanned.stderr
        assert '"valid": true' in scanned.stdout
    assert {p.split(":")[1] for p in payloads} == {i.replace("-", "").upper() for i in ids}


def test_cards_in_english_when_the_user_chose_it(home, tmp_path):
    from fieldapp.demo import build_demo
    from fieldapp.services import Fieldapp
    from fieldapp.store import Store

    build_demo(home, PASS, households=4, seed=3)
    s = Store.open(home, PASS)
    app = Fieldapp(s, actor="王建国")
    assert app.card_language() == "zh"
    app.set_card_language("en")
    assert app.card_language() == "en"
    hid = app.list_households()[0]["id"]
    s.close()
    pdf = tmp_path / "en.pdf"
    done = _cli_without_lang("cards", "--out", str(pdf), "--households", hid, "--layout", "a6", home=home)
    assert done.returncode == 0, done.stderr
    text = _pdf_text(pdf)
    # (pdftotext drops the digits of the bold Latin footer; the Chinese test reads them)
    assert "Head of household" in text and "national hotline" in text and "Measures" in text
    assert len(_zxing_decode(pdf, tmp_path)) == 1
