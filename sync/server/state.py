"""The county's current state, projected from the merged op log: one row per
household, member, visit and problem (the server's equivalent of the laptop's
``fieldapp.oplog.Projector``), plus the open conflicts.

:func:`refresh_for_ops` runs in the transaction that stored the ops, so the
dashboard never sees ops without their state. It re-derives every touched row
from the facts and the live register values (not from the op alone), so the
delivery order of ops does not matter and conflicts show their provisional
winner (highest HLC, then device id), exactly as on a laptop.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.merge import FACT_FIELD, Op
from fieldapp.store import utc_now
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.ingest import chunks, insert_ignore, upsert

PROJECTION_VERSION = "1"
HOUSEHOLD_COLUMNS = {"village_code": "village_code", "group": "grp", "address": "address", "phone": "phone",
                     "household_type": "household_type", "monitoring_type": "monitoring_type", "status": "status",
                     "roster_no": "roster_no"}
MEMBER_COLUMNS = {"name", "id_number", "relation", "sex", "birth_date", "phone", "status", "position"}


def _loads(text: str | None) -> Any:
    return json.loads(text) if text is not None else None


def _str(value: Any, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value)


def problem_status(value: Any) -> tuple[str, str | None]:
    """(status, at) of a problem status value ({status, note, at} or a plain string)."""
    if isinstance(value, dict):
        return str(value.get("status") or "pending"), (str(value["at"]) if value.get("at") else None)
    return str(value or "pending"), None


def _facts(conn: Connection, entity: str, ids: Iterable[str]) -> dict[str, tuple[dict[str, Any], str]]:
    """entity id -> (fact value, device id), first stored fact wins (later ones are replays or alarms)."""
    out: dict[str, tuple[dict[str, Any], str]] = {}
    o = t.ops.c
    for batch in chunks(ids):
        q = (sa.select(o.entity_id, o.value, o.device_id).where(o.entity_id.in_(batch), o.field == FACT_FIELD,
                                                                o.entity == entity).order_by(o.seq))
        for eid, value, device in conn.execute(q):
            if eid not in out:
                v = _loads(value)
                out[eid] = (v if isinstance(v, dict) else {}, device)
    return out


def _live(conn: Connection, ids: Iterable[str]) -> dict[tuple[str, str], dict[str, tuple[Any, int]]]:
    """(entity, id) -> field -> (provisional winner's value, number of live values)."""
    best: dict[tuple[str, str, str], tuple[tuple[str, str], Any, int]] = {}
    lv = t.live_values.c
    for batch in chunks(ids):
        q = sa.select(lv.entity, lv.entity_id, lv.field, lv.hlc, lv.device_id, lv.value).where(lv.entity_id.in_(batch))
        for e, i, f, hlc, dev, value in conn.execute(q):
            key = (e, i, f)
            prev = best.get(key)
            if prev is None or (hlc, dev) > prev[0]:
                best[key] = ((hlc, dev), _loads(value), (prev[2] if prev else 0) + 1)
            else:
                best[key] = (prev[0], prev[1], prev[2] + 1)
    out: dict[tuple[str, str], dict[str, tuple[Any, int]]] = {}
    for (e, i, f), (_k, value, n) in best.items():
        out.setdefault((e, i), {})[f] = (value, n)
    return out


def refresh_for_ops(conn: Connection, ops: list[Op]) -> None:
    """Bring the state rows up to date after ``ops`` were ingested (caller's transaction)."""
    if not ops:
        return
    targets: set[tuple[str, str]] = {(op.entity, op.entity_id) for op in ops}
    households: set[str] = set()
    o = t.ops.c
    for batch in chunks({i for _e, i in targets}):
        q = sa.select(o.entity, o.entity_id, o.household_id).where(o.entity_id.in_(batch)).distinct()
        for e, i, h in conn.execute(q):
            if h:
                households.add(h)
            if e == "household":
                households.add(i)
    refresh(conn, {i for e, i in targets if e == "member"}, {i for e, i in targets if e == "visit"},
            {i for e, i in targets if e == "problem"}, households)


def refresh(conn: Connection, members: set[str], visits: set[str], problems: set[str], households: set[str]) -> None:
    """Re-derive the given rows from facts and live values."""
    live = _live(conn, members | problems | households)
    hh_facts = _facts(conn, "household", households)
    village: dict[str, str] = {}
    for hid, (fact, _dev) in hh_facts.items():
        regs = live.get(("household", hid), {})
        village[hid] = _str(regs["village_code"][0] if "village_code" in regs else fact.get("village_code"))
    _refresh_members(conn, members, live)
    _refresh_visits(conn, visits, village)
    _refresh_problems(conn, problems, live, village)
    _refresh_households(conn, hh_facts, live)
    _refresh_conflicts(conn, live, members, problems, households)


def _village_of(conn: Connection, hids: Iterable[str], known: dict[str, str]) -> dict[str, str]:
    want = [h for h in hids if h not in known]
    out = dict(known)
    for batch in chunks(want):
        q = sa.select(d.hh_state.c.household_id, d.hh_state.c.village_code).where(d.hh_state.c.household_id.in_(batch))
        out.update({h: v for h, v in conn.execute(q)})
    for batch in chunks([h for h in want if h not in out]):
        q = sa.select(t.households.c.household_id, t.households.c.village_code).where(
            t.households.c.household_id.in_(batch))
        out.update({h: v for h, v in conn.execute(q)})
    return out


def _refresh_members(conn: Connection, ids: set[str], live: dict[tuple[str, str], dict[str, tuple[Any, int]]]) -> None:
    rows = []
    for mid, (fact, _dev) in _facts(conn, "member", ids).items():
        v = dict(fact)
        for f, (value, _n) in live.get(("member", mid), {}).items():
            v[f] = value
        data = {k: val for k, val in v.items() if k not in MEMBER_COLUMNS and k != "household_id"}
        rows.append({"member_id": mid, "household_id": _str(v.get("household_id")), "name": _str(v.get("name")),
                     "id_number": _str(v.get("id_number")), "relation": _str(v.get("relation"), "other"),
                     "sex": v.get("sex"), "birth_date": v.get("birth_date"), "phone": _str(v.get("phone")),
                     "status": _str(v.get("status"), "active"), "position": int(v.get("position") or 0),
                     "data": json.dumps(data, ensure_ascii=False, sort_keys=True)})
    upsert(conn, d.member_state, rows, ["member_id"])


def verdict_map(verdict: Any) -> dict[str, str]:
    """indicator -> verdict of a visit's stored verdict document."""
    if not isinstance(verdict, dict):
        return {}
    inds = verdict.get("indicators") or {}
    return {k: str(v.get("verdict") if isinstance(v, dict) else v) for k, v in inds.items()}


def _refresh_visits(conn: Connection, ids: set[str], village: dict[str, str]) -> None:
    facts = _facts(conn, "visit", ids)
    villages = _village_of(conn, {_str(f.get("household_id")) for f, _d in facts.values()}, village)
    rows = []
    for vid, (v, dev) in facts.items():
        hid = _str(v.get("household_id"))
        at = _str(v.get("visited_at"))
        verdict = v.get("verdict") if isinstance(v.get("verdict"), dict) else {}
        rows.append({"visit_id": vid, "household_id": hid, "village_code": villages.get(hid, ""), "visited_at": at,
                     "visit_date": at[:10], "visitor": _str(v.get("visitor")), "device_id": dev,
                     "overall": (verdict or {}).get("overall"),
                     "verdicts": json.dumps(verdict_map(verdict), sort_keys=True)})
    upsert(conn, d.visit_state, rows, ["visit_id"])


def _refresh_problems(conn: Connection, ids: set[str], live: dict[tuple[str, str], dict[str, tuple[Any, int]]],
                      village: dict[str, str]) -> None:
    facts = _facts(conn, "problem", ids)
    villages = _village_of(conn, {_str(f.get("household_id")) for f, _d in facts.values()}, village)
    rows = []
    for pid, (v, _dev) in facts.items():
        hid = _str(v.get("household_id"))
        regs = live.get(("problem", pid), {})
        status, at = problem_status(regs["status"][0]) if "status" in regs else ("pending", None)
        deadline = regs["deadline"][0] if "deadline" in regs else v.get("deadline")
        rows.append({"problem_id": pid, "household_id": hid, "village_code": villages.get(hid, ""),
                     "indicator": _str(v.get("indicator")), "category": _str(v.get("category")),
                     "source": _str(v.get("source")), "reason": _str(v.get("reason")),
                     "opened_at": _str(v.get("opened_at")), "deadline": deadline, "status": status,
                     "closed_at": (at or utc_now()) if status == "closed" else None})
    upsert(conn, d.problem_state, rows, ["problem_id"])


def _refresh_households(conn: Connection, facts: dict[str, tuple[dict[str, Any], str]],
                        live: dict[tuple[str, str], dict[str, tuple[Any, int]]]) -> None:
    if not facts:
        return
    ids = list(facts)
    heads: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    m = d.member_state.c
    vs = d.visit_state.c
    latest: dict[str, Any] = {}
    for batch in chunks(ids):
        q = sa.select(m.household_id, m.name, m.relation, m.position).where(m.household_id.in_(batch),
                                                                             m.status == "active")
        for hid, name, relation, pos in conn.execute(q):
            counts[hid] = counts.get(hid, 0) + 1
            if relation == "head" and (hid not in heads or pos < heads[hid][0]):
                heads[hid] = (pos, name)
        q2 = sa.select(vs.household_id, vs.visit_id, vs.visited_at, vs.overall, vs.verdicts).where(
            vs.household_id.in_(batch))
        for r in conn.execute(q2):
            cur = latest.get(r.household_id)
            if cur is None or (r.visited_at, r.visit_id) > (cur.visited_at, cur.visit_id):
                latest[r.household_id] = r
    now = utc_now()
    rows = []
    for hid, (fact, _dev) in facts.items():
        v = dict(fact)
        for f, (value, _n) in live.get(("household", hid), {}).items():
            v[f] = value
        code = _str(v.get("village_code"))
        row: dict[str, Any] = {
            "household_id": hid, "village_code": code, "township_code": code[:9], "grp": _str(v.get("group")),
            "address": _str(v.get("address")), "phone": _str(v.get("phone")),
            "household_type": _str(v.get("household_type"), "ordinary"),
            "monitoring_type": _str(v.get("monitoring_type"), "none"), "status": _str(v.get("status"), "active"),
            "roster_no": _str(v.get("roster_no")) or None, "head_name": heads.get(hid, (0, ""))[1],
            "members": counts.get(hid, 0), "cadre": _str(v.get("cadre")), "updated_at": now,
        }
        lat = latest.get(hid)
        verdicts = json.loads(lat.verdicts) if lat is not None else {}
        row.update({"last_visit_id": lat.visit_id if lat else None, "last_visit_at": lat.visited_at if lat else None,
                    "overall": lat.overall if lat else None})
        row.update({f"v_{i}": verdicts.get(i) for i in d.INDICATORS})
        rows.append(row)
    upsert(conn, d.hh_state, rows, ["household_id"])
    names = {}
    for _hid, (fact, _dev) in facts.items():
        code, name = _str(fact.get("village_code")), _str(fact.get("village_name"))
        if name and len(code) == 12:
            names[code] = {"village_code": code, "name": name, "township_name": _str(fact.get("township_name"))}
    insert_ignore(conn, d.villages, list(names.values()))
    # A household that moved village takes its visits, problems and conflicts along.
    moves = [{"h": r["household_id"], "v": r["village_code"]} for r in rows]
    for table in (d.visit_state, d.problem_state, d.conflict_state):
        conn.execute(table.update().where(table.c.household_id == sa.bindparam("h"),
                                          table.c.village_code != sa.bindparam("v"))
                     .values(village_code=sa.bindparam("v")), moves)


def _refresh_conflicts(conn: Connection, live: dict[tuple[str, str], dict[str, tuple[Any, int]]],
                       members: set[str], problems: set[str], households: set[str]) -> None:
    ids = members | problems | households
    if not ids:
        return
    owner: dict[str, str] = {h: h for h in households}
    for table, key in ((d.member_state, d.member_state.c.member_id), (d.problem_state, d.problem_state.c.problem_id)):
        for batch in chunks(members if table is d.member_state else problems):
            owner.update({i: h for i, h in conn.execute(sa.select(key, table.c.household_id).where(key.in_(batch)))})
    villages = _village_of(conn, set(owner.values()), {})
    c = d.conflict_state.c
    for batch in chunks(ids):
        conn.execute(d.conflict_state.delete().where(c.entity_id.in_(batch)))
    rows = [{"entity": e, "entity_id": i, "field": f, "household_id": owner.get(i, ""),
             "village_code": villages.get(owner.get(i, ""), ""), "values_count": n}
            for (e, i), fields in live.items() if i in ids for f, (_v, n) in fields.items() if n > 1]
    if rows:
        conn.execute(d.conflict_state.insert(), rows)


def rebuild(conn: Connection) -> int:
    """Re-derive the whole state from the op log (first start after upgrade); returns households."""
    for table in (d.conflict_state, d.problem_state, d.visit_state, d.member_state, d.hh_state):
        conn.execute(table.delete())
    f = t.facts.c
    ids: dict[str, set[str]] = {"member": set(), "visit": set(), "problem": set(), "household": set()}
    for e, i in conn.execute(sa.select(f.entity, f.entity_id)):
        if e in ids:
            ids[e].add(i)
    refresh(conn, ids["member"], ids["visit"], ids["problem"], ids["household"])
    upsert(conn, d.projection_meta, [{"key": "version", "value": PROJECTION_VERSION}], ["key"])
    return len(ids["household"])


def ensure_built(conn: Connection) -> bool:
    """Rebuild the state when it was never built for this version; True if it rebuilt."""
    row = conn.execute(sa.select(d.projection_meta.c.value).where(d.projection_meta.c.key == "version")).first()
    if row is not None and row[0] == PROJECTION_VERSION:
        return False
    rebuild(conn)
    return True
