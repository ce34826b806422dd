"""Reading a roster file into sheets of cells: .xlsx, .xls (python-calamine) or .csv.

Merged cells are filled with their top-left value, as the clerk sees them: the
national system's export merges the household's columns over its members' rows.
A cell keeps its type (text, number, date), so the roster check can tell an ID
number that Excel stored as a number (and cut to 15 significant digits).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from fieldapp.errors import InputRefused

Cell = Any  # str, float, int, bool, date or datetime, as the file holds it
MAX_CELLS = 20_000_000


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]


def _fill_merged(rows: list[list[Cell]], ranges: list[tuple[tuple[int, int], tuple[int, int]]],
                 origin: tuple[int, int]) -> None:
    r0, c0 = origin
    for (top, left), (bottom, right) in ranges:
        top, bottom, left, right = top - r0, bottom - r0, left - c0, right - c0
        if top < 0 or left < 0 or top >= len(rows):
            continue
        first = rows[top][left] if left < len(rows[top]) else ""
        while len(rows) <= bottom:
            rows.append([])
        for r in range(top, bottom + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if row[c] in ("", None):
                    row[c] = first


def _workbook(data: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own error types for damaged or foreign files
        raise InputRefused("the file cannot be read as an Excel workbook; save it again as .xlsx",
                           "无法读取该 Excel 文件，请另存为 .xlsx 后再上传") from None
    sheets = []
    cells = 0
    try:
        for index, name in enumerate(wb.sheet_names):
            sheet = wb.get_sheet_by_index(index)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            cells += sum(len(r) for r in rows)
            if cells > MAX_CELLS:
                raise InputRefused("the file is too large; split it", "文件太大，请拆分后上传")
            origin = sheet.start or (0, 0)
            _fill_merged(rows, list(sheet.merged_cell_ranges or []), origin)
            # Rows above the first used row, so row numbers are Excel's.
            rows = [[] for _ in range(origin[0])] + [[""] * origin[1] + r for r in rows]
            sheets.append(Sheet(name, rows))
    finally:
        wb.close()
    return sheets


def _csv(data: bytes) -> list[Sheet]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputRefused("the CSV file is neither UTF-8 nor GBK", "CSV 文件既不是 UTF-8 也不是 GBK 编码")
    if "\x00" in text:
        raise InputRefused("this is not a roster file (.xlsx, .xls or .csv)", "这不是花名册文件（.xlsx、.xls 或 .csv）")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [Sheet("CSV", [list(r) for r in csv.reader(io.StringIO(text), dialect)])]


def read_sheets(data: bytes) -> list[Sheet]:
    """Every sheet of an .xlsx/.xls workbook, or the one table of a .csv file.

    Raises:
        InputRefused: an empty file, a damaged workbook or a file of another kind.
    """
    if not data:
        raise InputRefused("the file is empty", "文件为空")
    if data[:2] == b"PK" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _workbook(data)
    if data[:5] == b"%PDF-" or data[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1"):
        raise InputRefused("this is not a roster file (.xlsx, .xls or .csv)", "这不是花名册文件（.xlsx、.xls 或 .csv）")
    return _csv(data)
