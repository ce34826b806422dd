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
