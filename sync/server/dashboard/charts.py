"""Server-rendered SVG charts (no JavaScript): horizontal bars and monthly columns."""

from __future__ import annotations

from html import escape

from markupsafe import Markup


def _alt(title: str, items: list[str]) -> str:
    """The chart's text alternative: its title and every value it draws."""
    return escape(f"{title}：{'；'.join(items)}" if items else title)


def hbars(rows: list[tuple[str, float, float]], *, width: int = 640, max_value: float | None = None,
          percent: bool = False, colors: tuple[str, str] = ("#2f6db3", "#e07b39"),
          legend: tuple[str, str] | None = None, title: str = "", links: list[str] | None = None) -> Markup:
    """Horizontal bars: (label, value, part of value shown in the second colour); a bar links to ``links[i]``."""
    bar_h, gap, left, right = 18, 6, 150, 70
    top = 24 if legend else 4
    height = top + len(rows) * (bar_h + gap) + 4
    top_value = max_value if max_value is not None else max((r[1] for r in rows), default=1.0) or 1.0
    span = width - left - right
    def fmt(v: float) -> str:
        return f"{v * 100:.0f}%" if percent else f"{v:g}"

    alt = _alt(title, [f"{n} {fmt(v)}" + (f"（{legend[1]} {fmt(p)}）" if legend else "") for n, v, p in rows])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'width="100%" role="{"group" if links else "img"}" aria-label="{alt}" style="max-width:{width}px">'
             f'<title>{alt}</title>']
    if legend:
        parts.append(f'<rect x="{left}" y="4" width="12" height="12" fill="{colors[0]}"/>'
                     f'<text x="{left + 16}" y="15" font-size="12">{escape(legend[0])}</text>'
                     f'<rect x="{left + 130}" y="4" width="12" height="12" fill="{colors[1]}"/>'
                     f'<text x="{left + 146}" y="15" font-size="12">{escape(legend[1])}</text>')
    for i, (name, value, part) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = span * (value / top_value) if top_value else 0
        pw = span * (part / top_value) if top_value else 0
        shown = fmt(value)
        bar = (f'<text x="{left - 6}" y="{y + 13}" font-size="12" text-anchor="end">{escape(name[:14])}</text>'
               f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colors[0]}"/>'
               f'<rect x="{left}" y="{y}" width="{pw:.1f}" height="{bar_h}" fill="{colors[1]}"/>'
               f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">{shown}</text>')
        if links:
            bar = f'<a href="{escape(links[i])}" aria-label="{escape(name)} {shown}">{bar}</a>'
        parts.append(bar)
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(rows: list[tuple[str, int, int]], legend: tuple[str, str], *, width: int = 640,
            colors: tuple[str, str] = ("#c0392b", "#27ae60"), title: str = "") -> Markup:
    """Paired monthly columns: (month, first series, second series)."""
    height, bottom, top, left = 200, 30, 26, 30
    top_value = max((max(a, b) for _m, a, b in rows), default=1) or 1
    slot = (width - left - 10) / max(1, len(rows))
    bw = slot * 0.36
    span = height - bottom - top
    alt = _alt(title, [f"{m} {legend[0]} {a} {legend[1]} {b}" for m, a, b in rows])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="100%" '
             f'role="img" aria-label="{alt}" style="max-width:{width}px"><title>{alt}</title>',
             f'<rect x="{left}" y="6" width="12" height="12" fill="{colors[0]}"/>'
             f'<text x="{left + 16}" y="17" font-size="12">{escape(legend[0])}</text>'
             f'<rect x="{left + 90}" y="6" width="12" height="12" fill="{colors[1]}"/>'
             f'<text x="{left + 106}" y="17" font-size="12">{escape(legend[1])}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" stroke="#888"/>',
             f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end">{top_value}</text>']
    for i, (month, a, b) in enumerate(rows):
        x = left + i * slot + slot * 0.12
        for j, (v, c) in enumerate(((a, colors[0]), (b, colors[1]))):
            h = span * v / top_value
            parts.append(f'<rect x="{x + j * bw:.1f}" y="{height - bottom - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                         f'fill="{c}"><title>{escape(month)}: {v}</title></rect>')
        parts.append(f'<text x="{x + bw:.1f}" y="{height - bottom + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(month[2:])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
