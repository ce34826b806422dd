"""A small streaming .xlsx writer for big exports (Office Open XML, ECMA-376 SpreadsheetML).

openpyxl spends tens of microseconds per cell; a county export has millions of
cells. This writes each row's XML straight into the zip stream: text as inline
strings, numbers, dates and times as Excel serial numbers with a date format,
a bold frozen header, an autofilter over every column, and formula-like text
as a quote-prefixed text cell (never evaluated, see ``exports.formula_like``).
Nothing is held in memory but the compressed output.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

EPOCH = datetime(1899, 12, 30)
# Style ids in styles.xml below: 0 plain, 1 bold header, 2 date, 3 date and time, 4 quote-prefixed text.
BOLD, DAY, MOMENT, QUOTED = 1, 2, 3, 4
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def _cell(value: Any) -> str:
    """One cell, without a reference: cells follow each other (ECMA-376 makes ``r`` optional)."""
    kind = type(value)
    if kind is str:
        if not value:
            return "<c/>"
        text = _text(value)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        style = f' s="{QUOTED}"' if value.startswith(FORMULA_START) else ""
        return f'<c t="inlineStr"{style}><is><t{space}>{text}</t></is></c>'
    if value is None:
        return "<c/>"
    if kind is bool:
        return f'<c t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        return f"<c><v>{value}</v></c>"
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c s="{MOMENT}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c s="{DAY}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _cell(str(value))


class Workbook:
    """Sheets written one after the other into ``out``; call :meth:`close` to finish the file."""

    def __init__(self, out: IO[bytes], *, creator: str = "", title: str = "") -> None:
        self._zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[tuple[str, int, int]] = []  # (title, columns, rows)
        self.creator, self.title = creator, title

    def sheet(self, title: str, header: list[str], rows: Iterable[list[Any]], *, footer: str = "",
              width: int = 16, tick: Callable[[int], None] | None = None) -> int:
        """Write one sheet (header row, then ``rows``); returns the number of data rows.

        ``tick(n)`` is called after every 1,000 rows and at the end with the rows written since the last call.
        """
        n_cols = len(header)
        letters = [column_letter(i) for i in range(1, n_cols + 1)]
        number = len(self._sheets) + 1
        n = 0
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as raw:
            buf: list[str] = [
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} {_RNS}>'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/></sheetView></sheetViews>'
                f'<cols><col min="1" max="{n_cols}" width="{width}" customWidth="1"/></cols><sheetData>'
                '<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr" s="{BOLD}"><is><t>{_text(h)}</t></is></c>'
                                        for c, h in zip(letters, header, strict=True)) + "</row>"]
            for values in rows:
                n += 1
                r = n + 1
                buf.append(f'<row r="{r}">' + "".join(map(_cell, values)) + "</row>")
                if len(buf) >= 1000:
                    raw.write("".join(buf).encode("utf-8"))
                    buf.clear()
                    if tick is not None:
                        tick(1000)
            buf.append(f'</sheetData><autoFilter ref="A1:{letters[-1]}{n + 1}"/>')
            if footer:
                buf.append(f"<headerFooter><oddFooter>&amp;C{_text(footer)}</oddFooter></headerFooter>")
            buf.append("</worksheet>")
            raw.write("".join(buf).encode("utf-8"))
            if tick is not None:
                tick(n % 1000)
        self._sheets.append((title, n_cols, n))
        return n

    def close(self) -> None:
        z = self._zip
        sheets = self._sheets
        z.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1)) + "</Types>"))
        z.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>'))
        z.writestr("docProps/core.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator>{_text(self.creator)}</dc:creator><dc:title>{_text(self.title)}</dc:title>"
            "</cp:coreProperties>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                      f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} {_RNS}><sheets>'
            + "".join(f'<sheet name="{_text(t[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, (t, _c, _n) in enumerate(sheets, start=1))
            + "</sheets><definedNames>"
            + "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                      f"'{_text(t[:31])}'!$A$1:${column_letter(c)}${n + 1}</definedName>"
                      for i, (t, c, n) in enumerate(sheets))
            + "</definedNames></workbook>"))
        z.writestr("xl/styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
            '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
            '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'))
        z.close()
