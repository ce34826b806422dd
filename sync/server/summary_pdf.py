"""The one-page village summary as a PDF, drawn in Python with fpdf2 (no browser).

Aggregate numbers only (no names). Text is set in the system's CJK font
(Noto Sans CJK on Debian: ``apt-get install fonts-noto-cjk``; ``FIELDAPP_CJK_FONT``
names another file), subset into the PDF. The layout is fixed so that it always
fits one A4 page: a handful of rows per table, the monthly chart last.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# (file, index in a font collection): Debian, other Linux, Windows, macOS.
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
)
RED, GREEN, BLUE, GREY = (192, 57, 43), (39, 174, 96), (47, 109, 179), (120, 120, 120)


def cjk_font() -> tuple[str, int]:
    """The font file (and collection index) for Chinese text.

    Raises:
        RuntimeError: no CJK font is installed.
    """
    override = os.environ.get("FIELDAPP_CJK_FONT")
    if override and Path(override).exists():
        return override, 0
    for path, index in FONT_CANDIDATES:
        if Path(path).exists():
            return path, index
    raise RuntimeError("no CJK font found (apt-get install fonts-noto-cjk, or set FIELDAPP_CJK_FONT)")


@dataclass
class Summary:
    """What the page shows; ``t`` translates dashboard keys, ``label`` code-list codes."""

    title: str
    made: str
    cards: list[tuple[str, int]]
    columns: list[tuple[str, int]]  # monitoring types and household types
    indicators: list[tuple[str, int, int, int, str]]  # label, met, not met, unknown, share
    problems: list[tuple[str, int, int, int]]  # label, < 30 d, 30-90 d, > 90 d
    months: list[tuple[str, int, int]]  # YYYY-MM, opened, closed
    t: Callable[[str], str]


def render(s: Summary) -> bytes:
    """The summary on one A4 page.

    Raises:
        RuntimeError: no CJK font.
    """
    from fpdf import FPDF

    path, index = cjk_font()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(14, 12, 14)
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(s.title)
    pdf.set_creator("Fieldapp")
    pdf.add_page()
    width = pdf.w - 28

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font("cjk", size=11.5)
        pdf.cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(150, 150, 150)
        pdf.line(14, pdf.get_y(), 14 + width, pdf.get_y())
        pdf.ln(1.5)

    def table(header: list[str], rows: list[list[Any]], widths: list[float]) -> None:
        pdf.set_font("cjk", size=8.5)
        pdf.set_fill_color(240, 242, 245)
        pdf.set_draw_color(187, 187, 187)
        for h, w in zip(header, widths, strict=True):
            pdf.cell(w, 6, h, border=1, fill=True)
        pdf.ln()
        for row in rows:
            for i, (v, w) in enumerate(zip(row, widths, strict=True)):
                pdf.cell(w, 5.6, str(v), border=1, align="L" if i == 0 and isinstance(v, str) else "R")
            pdf.ln()

    pdf.set_font("cjk", size=16)
    pdf.cell(width, 9, s.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8.5)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, s.made, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    card_w = width / len(s.cards)
    y = pdf.get_y()
    for i, (label, n) in enumerate(s.cards):
        x = 14 + i * card_w
        pdf.set_draw_color(187, 187, 187)
        pdf.rect(x + 0.5, y, card_w - 1, 15)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_font("cjk", size=14)
        pdf.cell(card_w - 4, 7, str(n))
        pdf.set_xy(x + 2, y + 8.5)
        pdf.set_font("cjk", size=8)
        pdf.cell(card_w - 4, 5, label)
    pdf.set_xy(14, y + 17)

    heading(f"{s.t('by_monitoring')} / {s.t('by_category')}")
    col_w = width / len(s.columns)
    table([c for c, _n in s.columns], [[n for _c, n in s.columns]], [col_w] * len(s.columns))

    heading(s.t("indicators"))
    table([s.t("indicator"), s.t("met"), s.t("not_met"), s.t("unknown"), s.t("share")],
          [list(r) for r in s.indicators], [62, 28, 28, 28, width - 146])

    heading(s.t("problems_by_age"))
    rows: list[list[Any]] = [[*r, r[1] + r[2] + r[3]] for r in s.problems]
    sums = [sum(r[1] for r in s.problems), sum(r[2] for r in s.problems), sum(r[3] for r in s.problems)]
    rows.append([s.t("total"), *sums, sum(sums)])
    table([s.t("indicator"), s.t("lt30"), s.t("d30_90"), s.t("gt90"), s.t("total")], rows[:10],
          [62, 28, 28, 28, width - 146])

    heading(s.t("problems_over_time"))
    _month_chart(pdf, s, width, max(30.0, min(70.0, pdf.h - 12 - pdf.get_y() - 12)))
    return bytes(pdf.output())


def _month_chart(pdf: Any, s: Summary, width: float, height: float) -> None:
    """Opened (red) and closed (green) problems per month, as columns with their numbers."""
    top = pdf.get_y() + 6
    peak = max([1, *(max(o, c) for _m, o, c in s.months)])
    slot = width / max(1, len(s.months))
    pdf.set_font("cjk", size=7.5)
    for i, (color, key) in enumerate(((RED, "opened"), (GREEN, "closed"))):
        pdf.set_fill_color(*color)
        pdf.rect(14 + i * 30, top - 5.5, 3, 3, style="F")
        pdf.set_xy(14 + i * 30 + 4, top - 6.3)
        pdf.cell(24, 4, s.t(key))
    base = top + height - 6
    for i, (month, opened, closed) in enumerate(s.months):
        x = 14 + i * slot + slot * 0.15
        bar = slot * 0.33
        for j, (n, color) in enumerate(((opened, RED), (closed, GREEN))):
            h = (height - 12) * n / peak
            pdf.set_fill_color(*color)
            if h:
                pdf.rect(x + j * bar, base - h, bar - 0.4, h, style="F")
            pdf.set_xy(x + j * bar - 1, base - h - 4)
            pdf.cell(bar + 2, 4, str(n), align="C")
        pdf.set_xy(14 + i * slot, base + 0.5)
        pdf.cell(slot, 4, month[2:], align="C")
    pdf.set_draw_color(150, 150, 150)
    pdf.line(14, base, 14 + width, base)
