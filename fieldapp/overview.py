"""Read-only views the desktop app needs beyond :mod:`fieldapp.services`: the
village overview figures and the visit timeline with what changed between
consecutive visits. No Qt; every function takes a :class:`Fieldapp`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from fieldapp import rules
from fieldapp.codes import get_code
from fieldapp.forms import Form, load_form
from fieldapp.services import Fieldapp

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    # (code, from days, to days inclusive); the ledger deadline default is 30 days
    ("le7", 0, 7),
    ("le30", 8, 30),
    ("le90", 31, 90),
    ("gt90", 91, None),
)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def _bucket(days: int) -> str:
    for code, lo, hi in AGE_BUCKETS:
        if days >= lo and (hi is None or days <= hi):
            return code
    return AGE_BUCKETS[-1][0]


def _month_start(d: date, back: int) -> date:
    y, m = d.year, d.month - back
    while m <= 0:
        m += 12
        y -= 1
    return date(y, m, 1)


def village_overview(app: Fieldapp, today: date | None = None, village: str | None = None) -> dict[str, Any]:
    """Figures for the village overview screen and its printed summary.

    Returns households, monitored, overdue, visits this month, visits per month
    (last 6), verdict counts per indicator (latest visit of each household) and
    open problems by indicator and by age bucket.
    """
    today = today or date.today()
    rows = app.household_rows(today)
    if village:
        rows = [r for r in rows if r["village_code"] == village]
    ids = {r["id"] for r in rows}
    month_key = today.strftime("%Y-%m")
    months = [_month_start(today, back) for back in range(5, -1, -1)]
    per_month = {m.strftime("%Y-%m"): 0 for m in months}
    this_month = 0
    visited_households: set[str] = set()
    for hid, visited_at in app.store.conn.execute(
        "SELECT household_id, visited_at FROM visit WHERE status = 'final' AND visited_at >= ?",
        (months[0].isoformat(),),
    ):
        if hid not in ids:
            continue
        key = str(visited_at)[:7]
        if key in per_month:
            per_month[key] += 1
        if key == month_key:
            this_month += 1
            visited_households.add(hid)
    verdicts: dict[str, dict[str, int]] = {ind: {v: 0 for v in rules.VERDICTS} for ind in rules.INDICATORS}
    for hid, vtext in app.store.conn.execute(
        "SELECT v.household_id, v.verdict FROM visit v JOIN (SELECT household_id, max(visited_at) m FROM visit"
        " WHERE status='final' GROUP BY household_id) l ON l.household_id = v.household_id AND l.m = v.visited_at"
        " WHERE v.status = 'final'"
    ):
        if hid not in ids or not vtext:
            continue
        for ind, res in (json.loads(vtext).get("indicators") or {}).items():
            v = res.get("verdict", "unknown")
            verdicts.setdefault(ind, {}).setdefault(v, 0)
            verdicts[ind][v] += 1
    by_indicator: dict[str, int] = {}
    by_age = {code: 0 for code, _, _ in AGE_BUCKETS}
    by_status: dict[str, int] = {}
    overdue_problems = 0
    for p in app.problems(open_only=True):
        if p["household_id"] not in ids:
            continue
        by_indicator[p["indicator"]] = by_indicator.get(p["indicator"], 0) + 1
        by_status[p["status"]] = by_status.get(p["status"], 0) + 1
        opened = _day(p.get("opened_at")) or today
        by_age[_bucket(max((today - opened).days, 0))] += 1
        deadline = _day(p.get("deadline"))
        if deadline is not None and deadline < today:
            overdue_problems += 1
    return {
        "today": today.isoformat(),
        "village": village,
        "households": len(rows),
        "monitored": sum(1 for r in rows if r["monitoring_type"] not in (None, "", "none")),
        "monitored_by_type": _count(r["monitoring_type"] for r in rows if r["monitoring_type"] not in (None, "", "none")),
        "overdue": sum(1 for r in rows if r["overdue"]),
        "never_visited": sum(1 for r in rows if not r["last_visit"]),
        "visits_this_month": this_month,
        "households_visited_this_month": len(visited_households),
        "visits_per_month": per_month,
        "verdicts": verdicts,
        "open_problems": sum(by_indicator.values()),
        "open_by_indicator": by_indicator,
        "open_by_age": by_age,
        "open_by_status": by_status,
        "problems_past_deadline": overdue_problems,
    }


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def villages(app: Fieldapp) -> list[tuple[str, str]]:
    """(code, display name) of every village with households, in code order."""
    codes = [r[0] for r in app.store.conn.execute(
        "SELECT DISTINCT village_code FROM household WHERE status = 'active' ORDER BY village_code")]
    return [(c, app.village_name(c)) for c in codes]


def groups(app: Fieldapp, village: str | None = None) -> list[str]:
    sql = "SELECT DISTINCT grp FROM household WHERE status = 'active'"
    params: tuple[Any, ...] = ()
    if village:
        sql += " AND village_code = ?"
        params = (village,)
    return sorted({str(r[0]) for r in app.store.conn.execute(sql, params) if r[0]}, key=_group_key)


def _group_key(g: str) -> tuple[int, str]:
    digits = "".join(ch for ch in g if ch.isdigit())
    return (int(digits) if digits else 10**6, g)


# ----- visit timeline ---------------------------------------------------------------
def _flatten(answers: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in answers.items():
        path = f"{prefix}.{k}" if prefix else str(k)
        if isinstance(v, Mapping):
            out.update(_flatten(v, path))
        elif isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
            for i, item in enumerate(v):
                out.update(_flatten(item, f"{path}.{i}"))
        else:
            out[path] = v
    return out


def format_value(form: Form, path: str, value: Any, lang: str = "zh") -> str:
    """An answer as the user reads it: code labels, 是/否, units."""
    zh = lang.startswith("zh")
    if value is None or value == "" or value == []:
        return "—"
    try:
        f = form.field(path)
    except KeyError:
        f = None
    if isinstance(value, bool):
        return ("是" if value else "否") if zh else ("yes" if value else "no")
    if f is not None and f.list_name:
        items = value if isinstance(value, list) else [value]
        labels = []
        for item in items:
            code = get_code(f.list_name, item)
            labels.append(code.text(lang) if code else str(item))
        return "、".join(labels) if zh else ", ".join(labels)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if f is not None and f.unit_text(lang):
        text += " " + f.unit_text(lang)
    return text


def field_label(form: Form, path: str, lang: str, member_names: Mapping[str, str]) -> str:
    """"住房安全等级" or "张三 · 在校生状况" for a member answer path."""
    parts = path.split(".")
    try:
        f = form.field(path)
    except KeyError:
        return path
    if f.in_repeat and len(parts) >= 3:
        owner = member_names.get(parts[1]) if parts[0] == "members" else None
        if owner is None:
            owner = (f"第{int(parts[1]) + 1}项" if lang.startswith("zh") else f"item {int(parts[1]) + 1}") if parts[1].isdigit() else parts[1]
        section = form.section(parts[0]).text(lang)
        return f"{owner} · {f.text(lang)}" if parts[0] == "members" else f"{section} {owner} · {f.text(lang)}"
    return f.text(lang)


def visit_timeline(app: Fieldapp, hid: str, lang: str = "zh") -> list[dict[str, Any]]:
    """Finalised visits, newest first, each with what changed since the visit before it.

    ``changes`` holds verdict changes (``kind="verdict"``: indicator, before, after)
    and answer changes (``kind="answer"``: label, before, after as display text).
    The oldest visit has no changes (nothing to compare with).
    """
    form = load_form("visit")
    names = {m["id"]: m["name"] for m in app.members(hid, include_inactive=True)}
    visits = app.visits(hid, include_drafts=False)
    out: list[dict[str, Any]] = []
    for i, v in enumerate(visits):
        prev = visits[i + 1] if i + 1 < len(visits) else None
        changes: list[dict[str, Any]] = []
        if prev is not None:
            now_ind = ((v.get("verdict") or {}).get("indicators") or {})
            old_ind = ((prev.get("verdict") or {}).get("indicators") or {})
            for ind in rules.INDICATORS:
                a = (old_ind.get(ind) or {}).get("verdict", "unknown")
                b = (now_ind.get(ind) or {}).get("verdict", "unknown")
                if a != b:
                    changes.append({"kind": "verdict", "indicator": ind, "before": a, "after": b})
            now_a = _flatten(v.get("answers") or {})
            old_a = _flatten(prev.get("answers") or {})
            for path in sorted(set(now_a) | set(old_a)):
                if path.endswith(".age") or path.startswith("visit."):
                    continue  # age moves on by itself; visit details differ every time
                a, b = old_a.get(path), now_a.get(path)
                if a == b:
                    continue
                changes.append({"kind": "answer", "field": path, "label": field_label(form, path, lang, names),
                                "before": format_value(form, path, a, lang), "after": format_value(form, path, b, lang)})
        out.append({"id": v["id"], "visited_at": v["visited_at"], "visitor": v["visitor"], "overall": v["overall"],
                    "card_scan": v["card_scan"], "type": ((v.get("answers") or {}).get("visit") or {}).get("type"),
                    "changes": changes, "first": prev is None})
    return out


def open_draft(app: Fieldapp, hid: str) -> dict[str, Any] | None:
    """The newest unfinished draft of a household, if any (to resume after a crash)."""
    for v in app.visits(hid):
        if v["status"] == "draft":
            return v
    return None


def days_since(text: str | None, today: date | None = None) -> int | None:
    d = _day(text)
    if d is None:
        return None
    return ((today or date.today()) - d).days


