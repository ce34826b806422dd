"""CLI commands that need more than the core: QR cards (Qt for drawing) and sync.

Heavy imports happen inside the commands, never at parse time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldapp.errors import InputRefused

EXIT_OK, EXIT_REFUSED = 0, 1


def cmd_cards(ctx: Any) -> int:
    app = ctx.app()
    # Cards hang on a wall: they print in the store's language (Chinese unless the user chose
    # English), whatever LANG the laptop has; FIELDAPP_LANG is an explicit choice and wins.
    chosen = os.environ.get("FIELDAPP_LANG")
    card_lang = ("en" if chosen.lower().startswith("en") else "zh") if chosen else app.card_language()
    if ctx.args.households:
        ids = [h.strip() for h in ctx.args.households.split(",") if h.strip()]
        for hid in ids:
            app.household_record(hid)
    else:
        ids = [r["id"] for r in app.list_households(village=ctx.args.village, group=ctx.args.group)]
    if not ids:
        raise InputRefused("no households match; check --village/--households", "没有符合条件的户；请检查 --village/--households")
    out = Path(ctx.args.out)
    if out.suffix.lower() != ".pdf":
        raise InputRefused("--out must name a .pdf file", "--out 必须是 .pdf 文件")
    from ui.cards_render import ensure_qt_app, render_cards_pdf

    ensure_qt_app()
    views = app.issue_cards(ids, lang=card_lang)
    pages = render_cards_pdf(views, out, layout=ctx.args.layout, lang=card_lang)
    ctx.out({"path": str(out), "cards": len(views), "pages": pages}, f"{out}: {len(views)} cards on {pages} pages")
    return EXIT_OK


def cmd_scan(ctx: Any) -> int:
    from fieldapp.cli import lang

    app = ctx.app()
    res = app.scan(ctx.args.payload)
    text = res["reason_zh"] if lang() == "zh" else res["reason"]
    ctx.out(res, f"{res['household_id'] or '-'}\t{text}")
    return EXIT_OK if res["valid"] else EXIT_REFUSED


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    s = add("cards", cmd_cards, "print QR visit cards (明白卡) to PDF; printing raises each card's serial")
    s.add_argument("--out", required=True, metavar="FILE.pdf")
    s.add_argument("--village", metavar="CODE")
    s.add_argument("--group")
    s.add_argument("--households", metavar="ID,...")
    s.add_argument("--layout", choices=["a4", "a6"], default="a4", help="a4: 8 cards per sheet with cut marks; a6: one card")
    s = add("scan", cmd_scan, "resolve a scanned card payload (FV1:...) to its household")
    s.add_argument("payload", metavar="PAYLOAD")
    with contextlib.suppress(ImportError):
        from sync import cli as sync_cli

        sync_cli.register(sub, add)
