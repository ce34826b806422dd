"""The county's administrative-division list: county, townships and villages with their codes and names.

Shipped per demo county as ``resources/divisions/<county>.json`` and loaded on
first use; a county account can upload a list (code and name columns) or edit
one entry on the dashboard. The roster import resolves township and village
*names* to codes through it, and every page names the county and townships from it.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.errors import InputRefused
from fieldapp.idnumber import to_halfwidth
from fieldapp.resources import resource_path
from sync.server import dash_tables as d
from sync.server.ingest import upsert

# Suffixes a name may be written with or without (王家庄 = 王家庄村, 石桥 = 石桥镇).
_SUFFIXES = ("街道办事处", "街道", "社区居委会", "居委会", "村委会", "社区", "村", "镇", "乡")


def resource_file(county: str) -> Path:
    return resource_path("divisions", f"{county}.json")


def shipped(county: str) -> dict[str, str]:
    """The shipped list of ``county`` as code -> name (empty when none is shipped)."""
    path = resource_file(county)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    out = {doc["county"]["code"]: doc["county"]["name"]}
    for tw in doc["townships"]:
        out[tw["code"]] = tw["name"]
        out.update({v["code"]: v["name"] for v in tw["villages"]})
    return out


def _valid_code(county: str, code: str) -> bool:
    return code.isdigit() and code.startswith(county) and len(code) in (6, 9, 12)


def save(conn: Connection, county: str, entries: dict[str, str]) -> int:
    """Add or rename entries (code -> name); also names the villages the dashboard lists.

    Raises:
        InputRefused: a code that is not a 6-, 9- or 12-digit code of this county, or an empty name.
    """
    for code, name in entries.items():
        if not _valid_code(county, code):
            raise InputRefused(f"'{code}' is not a county, township or village code of county {county}",
                               f"“{code}”不是本县（{county}）的县、乡镇或村代码")
        if not name.strip():
            raise InputRefused(f"the name of {code} is empty", f"{code} 的名称为空")
    upsert(conn, d.divisions, [{"code": c, "name": n.strip()} for c, n in entries.items()], ["code"])
    names = all_names(conn)
    upsert(conn, d.villages, [{"village_code": c, "name": names[c], "township_name": names.get(c[:9], "")}
                              for c in names if len(c) == 12], ["village_code"])
    return len(entries)


def ensure_loaded(conn: Connection, county: str) -> None:
    """Load the shipped list the first time the county has none."""
    if conn.execute(sa.select(d.divisions.c.code).limit(1)).first() is None:
        entries = shipped(county)
        if entries:
            save(conn, county, entries)


def all_names(conn: Connection) -> dict[str, str]:
    return {c: n for c, n in conn.execute(sa.select(d.divisions.c.code, d.divisions.c.name))}


def check_township(conn: Connection, county: str, code: str) -> None:
    """Refuse a township code that is not in the county's division list, naming the ones that are.

    Raises:
        InputRefused: an unknown township code.
    """
    names = all_names(conn)
    if code in names and len(code) == 9:
        return
    known = "、".join(f"{n} {c}" for c, n in sorted(names.items()) if len(c) == 9)
    raise InputRefused(f"township {code} is not in the county's division list; its townships: {known}",
                       f"乡镇代码 {code} 不在本县区划表中；本县乡镇：{known}")


def parse_upload(county: str, table: list[list[str]]) -> dict[str, str]:
    """code -> name from an uploaded sheet's rows (a row with a code cell and a name cell; headers skipped).

    Raises:
        InputRefused: no row holds a code of this county.
    """
    out: dict[str, str] = {}
    for row in table:
        cells = [to_halfwidth(c).strip() for c in row if c.strip()]
        code = next((c for c in cells if _valid_code(county, c)), None)
        name = next((c for c in cells if not c.isdigit()), None)
        if code and name:
            out[code] = name
    if not out:
        raise InputRefused(f"no row holds a code of county {county} and a name",
                           f"没有一行同时含有本县（{county}）的代码和名称")
    return out


def _bare(name: str) -> str:
    text = to_halfwidth(name).strip().replace(" ", "")
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Resolved:
    """A village code, or the reason there is none (with the candidates, in both languages)."""

    code: str | None
    en: str = ""
    zh: str = ""


class Divisions:
    """Name lookups over one county's list (built once per roster check)."""

    def __init__(self, county: str, names: dict[str, str]) -> None:
        self.county = county
        self.names = names
        self.townships = {c: n for c, n in names.items() if len(c) == 9}
        self.villages = {c: n for c, n in names.items() if len(c) == 12}
        self._t_by_bare: dict[str, list[str]] = {}
        for c, n in self.townships.items():
            self._t_by_bare.setdefault(_bare(n), []).append(c)
        self._v_by_bare: dict[str, list[str]] = {}
        for c, n in self.villages.items():
            self._v_by_bare.setdefault(_bare(n), []).append(c)

    @classmethod
    def of(cls, conn: Connection, county: str) -> Divisions:
        return cls(county, all_names(conn))

    @property
    def county_name(self) -> str:
        return self.names.get(self.county, "")

    def label(self, code: str) -> str:
        return f"{self.names.get(code, '?')} {code}"

    def _unknown(self, kind_en: str, kind_zh: str, name: str, pool: dict[str, str]) -> Resolved:
        close = difflib.get_close_matches(_bare(name), [_bare(n) for n in pool.values()], n=3, cutoff=0.4)
        near = [c for c, n in pool.items() if _bare(n) in close]
        hint = "、".join(self.label(c) for c in near)
        return Resolved(None, f"no {kind_en} named '{name}' in the division list"
                        + (f"; similar: {hint}" if hint else ""),
                        f"区划表中没有{kind_zh}“{name}”" + (f"；相近的有：{hint}" if hint else ""))

    def village(self, township: str, village: str) -> Resolved:
        """The code of ``village`` (in ``township`` when given)."""
        tcodes: list[str] | None = None
        if township:
            tcodes = self._t_by_bare.get(_bare(township))
            if not tcodes:
                return self._unknown("township", "乡镇", township, self.townships)
        found = [c for c in self._v_by_bare.get(_bare(village), []) if tcodes is None or c[:9] in tcodes]
        if len(found) == 1:
            return Resolved(found[0])
        if not found:
            pool = {c: n for c, n in self.villages.items() if tcodes is None or c[:9] in tcodes}
            return self._unknown("village", "村", village, pool)
        hint = "、".join(f"{self.names.get(c[:9], c[:9])} {self.label(c)}" for c in found)
        return Resolved(None, f"village name '{village}' is ambiguous: {hint}; add the township column",
                        f"村名“{village}”不唯一：{hint}；请加上乡（镇）列")


def as_tree(names: dict[str, str]) -> list[dict[str, Any]]:
    """Townships with their villages, for the division page."""
    out = []
    for tc in sorted(c for c in names if len(c) == 9):
        out.append({"code": tc, "name": names[tc], "villages": [
            {"code": vc, "name": names[vc]} for vc in sorted(c for c in names if len(c) == 12 and c.startswith(tc))]})
    return out
