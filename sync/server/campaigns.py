"""回头看 campaigns on the county server: a county account defines one (a county fact that every
laptop of the county receives with its next sync or downlink bundle), look-back visits are
projected as they arrive, and progress is counted per village and township."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from fieldapp.campaigns import LOOKBACK, Campaign, campaign_from_value, new_campaign
from fieldapp.ids import uuid7
from fieldapp.merge import FACT_FIELD, Op
from fieldapp.store import utc_now
from sync.server.ingest import ingest, select_in, upsert_rows
from sync.server.lifecycle import metadata, steps_of

campaigns = sa.Table(
    "campaigns", metadata,
    sa.Column("campaign_id", sa.String(36), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("deadline", sa.String(10)),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

lookback_visits = sa.Table(
    "lookback_visits", metadata,
    sa.Column("visit_id", sa.String(36), primary_key=True),
    sa.Column("household_id", sa.String(36), nullable=False),
    sa.Column("visit_date", sa.String(10), nullable=False),
)


def _value(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def project(conn: Connection, ops: Iterable[Op], stored: Mapping[tuple[str, str], tuple[dict[str, Any], str]] | None) -> None:
    """Project campaign facts and look-back visits among ``ops`` (caller's transaction, after ingest)."""
    ops = list(ops)
    wanted = {(op.entity, op.entity_id) for op in ops if op.field == FACT_FIELD and op.entity in ("campaign", "visit")}
    if not wanted:
        return
    values: dict[tuple[str, str], dict[str, Any]] = {k: _value(v[0]) for k, v in (stored or {}).items() if k in wanted}
    missing = [i for e, i in wanted if (e, i) not in values]
    for e, i, value in select_in(conn, "SELECT entity, entity_id, value FROM ops WHERE field = ? AND entity_id {ids}",
                                 missing, FACT_FIELD):
        values.setdefault((e, i), _value(json.loads(value) if value else None))
    camp_rows, visit_rows = [], []
    for (e, i), v in values.items():
        if e == "campaign":
            camp_rows.append((i, str(v.get("name") or ""), v.get("deadline"), json.dumps(v, ensure_ascii=False,
                              sort_keys=True), str(v.get("created_by") or ""), str(v.get("created_at") or utc_now())))
        elif e == "visit" and (_value(_value(v.get("answers")).get("visit")).get("type")) == LOOKBACK:
            visit_rows.append((i, str(v.get("household_id") or ""), str(v.get("visited_at") or "")[:10]))
    upsert_rows(conn, campaigns, ("campaign_id", "name", "deadline", "data", "created_by", "created_at"),
                ("campaign_id",), camp_rows)
    upsert_rows(conn, lookback_visits, ("visit_id", "household_id", "visit_date"), ("visit_id",), visit_rows)


def rebuild(conn: Connection) -> None:
    conn.execute(campaigns.delete())
    conn.execute(lookback_visits.delete())
    ids = conn.execute(sa.text("SELECT entity, entity_id FROM facts WHERE entity IN ('campaign', 'visit')")).all()
    project(conn, [Op(op_id="", device_id="", device_seq=0, hlc="", entity=e, entity_id=i, field=FACT_FIELD,
                      value=None) for e, i in ids], None)


def define(county: Any, *, name: str, deadline: str | None, villages: Any = (), household_types: Any = (),
           states: Any = (), sections: Any = (), actor: str) -> str:
    """Define a campaign (a county fact); returns its id. Refused with a clear message when a field is wrong."""
    from fieldapp.forms import load_form
    from sync.server.roster import CountyWriter, known_villages
    from sync.server.state import refresh_for_ops

    cid = uuid7()
    with county._write() as conn:
        c = new_campaign(cid, name=name, created_on=date.today(), deadline=deadline, villages=villages,
                         household_types=household_types, states=states, sections=sections, created_by=actor,
                         known_villages=known_villages(conn),
                         known_sections=[s.code for s in load_form("visit").sections])
        w = CountyWriter(conn, county.county, actor)
        w.op("campaign", cid, FACT_FIELD, {**c.to_value(), "created_at": utc_now()})
        res = ingest(conn, w.ops)
        refresh_for_ops(conn, w.ops, res.facts)
    return cid


def all_campaigns(conn: Connection) -> list[Campaign]:
    rows = conn.execute(sa.select(campaigns.c.campaign_id, campaigns.c.data)).all()
    return sorted((campaign_from_value(r[0], json.loads(r[1])) for r in rows), key=lambda c: (c.deadline or date.max, c.name))


@dataclass
class Progress:
    """A campaign's progress in one unit (village, township or the county)."""

    code: str
    in_scope: int = 0
    completed: int = 0
    households: list[tuple[str, str, bool]] = field(default_factory=list)  # (household id, head, completed)

    @property
    def share(self) -> float | None:
        return self.completed / self.in_scope if self.in_scope else None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "in_scope": self.in_scope, "completed": self.completed, "share": self.share}


def progress(conn: Connection, c: Campaign, *, village_like: str | None = None,
             unit_of: Any = lambda v: v[:9]) -> tuple[Progress, dict[str, Progress], dict[str, Progress]]:
    """The campaign's progress: total, per township and per village (limited to a village-code prefix)."""
    from fieldapp import monitoring as mon
    from fieldapp.policy import load_policy

    q = sa.text("SELECT household_id, village_code, household_type, head_name FROM hh_state WHERE status = 'active'"
                + (" AND village_code LIKE :p" if village_like else ""))
    rows = conn.execute(q, {"p": f"{village_like}%"} if village_like else {}).all()
    policy = load_policy().lifecycle
    steps = steps_of(conn, [r[0] for r in rows])
    done: dict[str, list[date]] = {}
    for hid, day in select_in(conn, "SELECT household_id, visit_date FROM lookback_visits WHERE household_id {ids}",
                              [r[0] for r in rows]):
        try:
            done.setdefault(hid, []).append(date.fromisoformat(day))
        except ValueError:
            continue
    total = Progress(village_like or "")
    towns: dict[str, Progress] = {}
    villages: dict[str, Progress] = {}
    today = date.today()
    for hid, village, htype, head in rows:
        state = mon.replay(steps[hid], policy, today).state if hid in steps else mon.NONE
        if not c.covers(village, htype, state):
            continue
        ok = c.completed_by(done.get(hid, []))
        for p in (total, towns.setdefault(unit_of(village), Progress(unit_of(village))),
                  villages.setdefault(village, Progress(village))):
            p.in_scope += 1
            p.completed += int(ok)
        villages[village].households.append((hid, head, ok))
    return total, dict(sorted(towns.items())), dict(sorted(villages.items()))
