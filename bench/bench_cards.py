"""Cards figure (issue 5): time to render 500 QR visit cards to an A4 PDF."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import WORK, save_results  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    from fieldapp.cards import CardView, make_payload
    from fieldapp.ids import uuid7
    from ui.cards_render import ensure_qt_app, render_cards_pdf

    ensure_qt_app()
    key = os.urandom(32)
    names = ["张三", "李秀英", "王建国", "赵丽华", "欧阳明"]
    views = []
    for i in range(500):
        hid = uuid7()
        views.append(CardView(hid, 1, make_payload(hid, 1, "370303", key), names[i % 5] + str(i), "石桥镇王家庄村",
                              f"{i % 9 + 1}组", "脱贫户 · 脱贫不稳定户", "刘晓东", "13905331234", "王建国", "13905330001", "淄川区"))
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / "cards-500.pdf"
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        pages = render_cards_pdf(views, out, layout="a4")
        runs.append(time.perf_counter() - t)
    best = min(runs)
    size = out.stat().st_size
    figures = {"cards": 500, "pages": pages, "seconds_best_of_3": round(best, 2), "pdf_bytes": size}
    rows = [("render 500 cards to an A4 PDF", f"{best:.2f} s ({pages} pages, {size / 1e6:.1f} MB)",
             f"{500 / best:.0f} cards/s", "runs off the UI thread with progress")]
    save_results("cards", figures, rows)
    print(" | ".join(rows[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
