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
from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.merge import FACT_FIELD, Op
from fieldapp.store import utc_now
from sync.server import campaigns as campaign_state
from sync.server import dash_tables as d
from sync.server import schema as t
from sync.server.ingest import (
    dumps,
    execute_in,
    insert_rows,
    run_many,
    select_in,
    upsert,
    upsert_rows,
)
from sync.server.lifecycle import project_steps, rebuild_steps

PROJECTION_VERSION = "2"  # 2: monitoring lifecycle steps
HOUSEHOLD_COLUMNS = {"village_code": "village_code", "group": "grp", "address": "address", "phone": "phone",
                     "household_type": "household_type", "monitoring_type": "monitoring_type", "status": "status",
                     "roster_no": "roster_no"}
MEMBER_COLUMNS = {"name", "id_number", "relation", "sex", "birth_date", "phone", "status", "position"}
HH_COLUMNS = ("household_id", "village_code", "township_code", "grp", "address", "phone", "household_type",
              "monitoring_type", "status", "roster_no", "head_name", "members", "cadre", "updated_at",
              "last_visit_id", "last_visit_at", "overall", *(f"v_{i}" for i in d.INDICATORS))
MEMBER_STATE_COLUMNS = ("member_id", "household_id", "name", "id_number", "relation", "sex", "birth_date", "phone",
                        "status", "position", "data")
VISIT_COLUMNS = ("visit_id", "household_id", "village_code", "visited_at", "visit_date", "visitor", "device_id",
                 "overall", "verdicts")
PROBLEM_COLUMNS = ("problem_id", "household_id", "village_code", "indicator", "category", "source", "reason",
                   "opened_at", "deadline", "status", "closed_at")
Facts = dict[str, tuple[dict[str, Any], str]]
Known = Mapping[tuple[str, str], tuple[dict[str, Any], str]]


def _loads(text: str | None) -> Any:
    return json.loads(text) if text is not None else None


_DATA = json.JSONEncoder(ensure_ascii=False, sort_keys=True)  # json.dumps(..., ensure_ascii=False, sort_keys=True)
_VERDICTS = json.JSONEncoder(sort_keys=True)  # json.dumps(..., sort_keys=True)


def _text(value: Any) -> str:
    """str() of a value as stored in the op log (containers as decoded from their JSON)."""
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    if isinstance(value, (dict, list, tuple)):
        return str(json.loads(dumps(value)))
    return str(value)


def _str(value: Any, default: str = "") -> str:
    if value.__class__ is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return default
    if isinstance(value, dict):
        return _text(value.get("name") or "")
    return _text(value)


def problem_status(value: Any) -> tuple[str, str | None]:
    """(status, at) of a problem status value ({status, note, at} or a plain string)."""
    if isinstance(value, dict):
        return str(value.get("status") or "pending"), (str(value["at"]) if value.get("at") else None)
    return str(value or "pending"), None


def _facts(conn: Connection, entity: str, ids: Collection[str], known: Known | None = None) -> Facts:
    """entity id -> (fact value, device id), first stored fact wins (later ones are replays or alarms).

    ``known`` holds facts that were stored in this transaction (by :func:`sync.server.ingest.ingest`),
    with their values as received: those need no reading back and decoding.
    """
    want = list(ids) if not known else [i for i in ids if (entity, i) not in known]
    found: dict[str, tuple[int, str | None, str]] = {}
    for seq, eid, value, device in select_in(
            conn, "SELECT seq, entity_id, value, device_id FROM ops WHERE field = ? AND entity = ? AND entity_id {ids}",
            want, FACT_FIELD, entity):
        if eid not in found or seq < found[eid][0]:
            found[eid] = (seq, value, device)
    out: Facts = {}
    for eid, (_seq, value, device) in sorted(found.items(), key=lambda kv: kv[1][0]):
        v = _loads(value)
        out[eid] = (v if isinstance(v, dict) else {}, device)
    if known:  # stored after all of the above, in this order
        wanted = ids if isinstance(ids, (set, frozenset)) else set(ids)
        out.update((i, hit) for (e, i), hit in known.items() if e == entity and i in wanted)
    return out


def _live(conn: Connection, ids: Collection[str]) -> dict[tuple[str, str], dict[str, tuple[Any, int]]]:
    """(entity, id) -> field -> (provisional winner's value, number of live values)."""
    best: dict[tuple[str, str, str], tuple[tuple[str, str], Any, int]] = {}
    for e, i, f, hlc, dev, value in select_in(
            conn, "SELECT entity, entity_id, field, hlc, device_id, value FROM live_values WHERE entity_id {ids}", ids):
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


def refresh_for_ops(conn: Connection, ops: list[Op], stored: Known | None = None) -> None:
    """Bring the state rows up to date after ``ops`` were ingested (caller's transaction).

    ``stored``: the facts this transaction's ingest stored (``IngestResult.facts``), when the ops'
    values are plain JSON documents (as received over HTTP or in a bundle).
    """
    if not ops:
        return
    targets: set[tuple[str, str]] = {(op.entity, op.entity_id) for op in ops}
    households: set[str] = set()
    for e, i, h in select_in(conn, "SELECT DISTINCT entity, entity_id, household_id FROM ops WHERE entity_id {ids}",
                             {i for _e, i in targets}):
        if h:
            households.add(h)
        if e == "household":
            households.add(i)
    refresh(conn, {i for e, i in targets if e == "member"}, {i for e, i in targets if e == "visit"},
            {i for e, i in targets if e == "problem"}, households, stored)
    project_steps(conn, ops, stored)
    campaign_state.project(conn, ops, stored)


def refresh(conn: Connection, members: set[str], visits: set[str], problems: set[str], households: set[str],
            known: Known | None = None) -> None:
    """Re-derive the given rows from facts and live values."""
    live = _live(conn, members | problems | households)
    hh_facts = _facts(conn, "household", households, known)
    village: dict[str, str] = {}
    for hid, (fact, _dev) in hh_facts.items():
        regs = live.get(("household", hid), {})
        village[hid] = _str(regs["village_code"][0] if "village_code" in regs else fact.get("village_code"))
    _refresh_members(conn, _facts(conn, "member", members, known), live)
    _refresh_visits(conn, _facts(conn, "visit", visits, known), village)
    _refresh_problems(conn, _facts(conn, "problem", problems, known), live, village)
    _refresh_households(conn, hh_facts, live)
    _refresh_conflicts(conn, live, members, problems, households)


def _village_of(conn: Connection, hids: Collection[str], known: dict[str, str]) -> dict[str, str]:
    want = [h for h in hids if h not in known]
    out = dict(known)
    out.update(select_in(conn, "SELECT household_id, village_code FROM hh_state WHERE household_id {ids}", want))
    out.update(select_in(conn, "SELECT household_id, village_code FROM households WHERE household_id {ids}",
                         [h for h in want if h not in out]))
    return out


def _refresh_members(conn: Connection, facts: Facts, live: dict[tuple[str, str], dict[str, tuple[Any, int]]]) -> None:
    rows = []
    for mid, (fact, _dev) in facts.items():
        v = dict(fact)
        for f, (value, _n) in live.get(("member", mid), {}).items():
            v[f] = value
        data = {k: val for k, val in v.items() if k not in MEMBER_COLUMNS and k != "household_id"}
        rows.append((mid, _str(v.get("household_id")), _str(v.get("name")), _str(v.get("id_number")),
                     _str(v.get("relation"), "other"), v.get("sex"), v.get("birth_date"), _str(v.get("phone")),
                     _str(v.get("status"), "active"), int(v.get("position") or 0),
                     _DATA.encode(data)))
    upsert_rows(conn, d.member_state, MEMBER_STATE_COLUMNS, ("member_id",), rows)


def verdict_map(verdict: Any) -> dict[str, str]:
    """indicator -> verdict of a visit's stored verdict document."""
    if not isinstance(verdict, dict):
        return {}
    inds = verdict.get("indicators") or {}
    return {k: _text(v.get("verdict") if isinstance(v, dict) else v) for k, v in inds.items()}


def _refresh_visits(conn: Connection, facts: Facts, village: dict[str, str]) -> None:
    villages = _village_of(conn, {_str(f.get("household_id")) for f, _d in facts.values()}, village)
    rows = []
    for vid, (v, dev) in facts.items():
        hid = _str(v.get("household_id"))
        at = _str(v.get("visited_at"))
        verdict = v.get("verdict") if isinstance(v.get("verdict"), dict) else {}
        rows.append((vid, hid, villages.get(hid, ""), at, at[:10], _str(v.get("visitor")), dev,
                     (verdict or {}).get("overall"), _VERDICTS.encode(verdict_map(verdict))))
    upsert_rows(conn, d.visit_state, VISIT_COLUMNS, ("visit_id",), rows)


def _refresh_problems(conn: Connection, facts: Facts, live: dict[tuple[str, str], dict[str, tuple[Any, int]]],
                      village: dict[str, str]) -> None:
    villages = _village_of(conn, {_str(f.get("household_id")) for f, _d in facts.values()}, village)
    rows = []
    for pid, (v, _dev) in facts.items():
        hid = _str(v.get("household_id"))
        regs = live.get(("problem", pid), {})
        status, at = problem_status(regs["status"][0]) if "status" in regs else ("pending", None)
        deadline = regs["deadline"][0] if "deadline" in regs else v.get("deadline")
        rows.append((pid, hid, villages.get(hid, ""), _str(v.get("indicator")), _str(v.get("category")),
                     _str(v.get("source")), _str(v.get("reason")), _str(v.get("opened_at")), deadline, status,
                     (at or utc_now()) if status == "closed" else None))
    upsert_rows(conn, d.problem_state, PROBLEM_COLUMNS, ("problem_id",), rows)


def _refresh_households(conn: Connection, facts: Facts, live: dict[tuple[str, str], dict[str, tuple[Any, int]]]) -> None:
    if not facts:
        return
    ids = list(facts)
    heads: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    latest: dict[str, tuple[str, str, Any, str]] = {}
    for hid, name, relation, pos in select_in(
            conn, "SELECT household_id, name, relation, position FROM member_state WHERE status = ? AND household_id {ids}",
            ids, "active"):
        counts[hid] = counts.get(hid, 0) + 1
        if relation == "head" and (hid not in heads or pos < heads[hid][0]):
            heads[hid] = (pos, name)
    for hid, vid, at, overall, verdicts in select_in(
            conn, "SELECT household_id, visit_id, visited_at, overall, verdicts FROM visit_state WHERE household_id {ids}",
            ids):
        cur = latest.get(hid)
        if cur is None or (at, vid) > (cur[1], cur[0]):
            latest[hid] = (vid, at, overall, verdicts)
    now = utc_now()
    rows = []
    moves = []
    for hid, (fact, _dev) in facts.items():
        v = dict(fact)
        for f, (value, _n) in live.get(("household", hid), {}).items():
            v[f] = value
        code = _str(v.get("village_code"))
        lat = latest.get(hid)
        verdicts = json.loads(lat[3]) if lat is not None else {}
        rows.append((hid, code, code[:9], _str(v.get("group")), _str(v.get("address")), _str(v.get("phone")),
                     _str(v.get("household_type"), "ordinary"), _str(v.get("monitoring_type"), "none"),
                     _str(v.get("status"), "active"), _str(v.get("roster_no")) or None, heads.get(hid, (0, ""))[1],
                     counts.get(hid, 0), _str(v.get("cadre")), now,
                     lat[0] if lat else None, lat[1] if lat else None, lat[2] if lat else None,
                     *(verdicts.get(i) for i in d.INDICATORS)))
        moves.append((code, hid, code))
    upsert_rows(conn, d.hh_state, HH_COLUMNS, ("household_id",), rows)
    names = {}
    for _hid, (fact, _dev) in facts.items():
        code, name = _str(fact.get("village_code")), _str(fact.get("village_name"))
        if name and len(code) == 12:
            names[code] = (code, name, _str(fact.get("township_name")))
    insert_rows(conn, d.villages, ("village_code", "name", "township_name"), list(names.values()), ignore=True)
    # A household that moved village takes its visits, problems and conflicts along.
    for table in ("visit_state", "problem_state", "conflict_state", "monitor_steps"):
        run_many(conn, f"UPDATE {table} SET village_code = ? WHERE household_id = ? AND village_code != ?", moves)


def _refresh_conflicts(conn: Connection, live: dict[tuple[str, str], dict[str, tuple[Any, int]]],
                       members: set[str], problems: set[str], households: set[str]) -> None:
    ids = members | problems | households
    if not ids:
        return
    owner: dict[str, str] = {h: h for h in households}
    owner.update(select_in(conn, "SELECT member_id, household_id FROM member_state WHERE member_id {ids}", members))
    owner.update(select_in(conn, "SELECT problem_id, household_id FROM problem_state WHERE problem_id {ids}", problems))
    villages = _village_of(conn, set(owner.values()), {})
    execute_in(conn, "DELETE FROM conflict_state WHERE entity_id {ids}", ids)
    insert_rows(conn, d.conflict_state, ("entity", "entity_id", "field", "household_id", "village_code", "values_count"),
                [(e, i, f, owner.get(i, ""), villages.get(owner.get(i, ""), ""), n)
                 for (e, i), fields in live.items() if i in ids for f, (_v, n) in fields.items() if n > 1])


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
    rebuild_steps(conn)
    campaign_state.rebuild(conn)
    upsert(conn, d.projection_meta, [{"key": "version", "value": PROJECTION_VERSION}], ["key"])
    return len(ids["household"])


def ensure_built(conn: Connection) -> bool:
    """Rebuild the state when it was never built for this version; True if it rebuilt."""
    row = conn.execute(sa.select(d.projection_meta.c.value).where(d.projection_meta.c.key == "version")).first()
    if row is not None and row[0] == PROJECTION_VERSION:
        return False
    rebuild(conn)
    return True
