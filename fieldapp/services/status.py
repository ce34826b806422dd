"""The laptop status and the village summary counts."""

from __future__ import annotations

from typing import Any

from fieldapp import rules
from fieldapp.oplog import outbox_size, trust_counts
from fieldapp.services.common import LATEST_VISITS, loads_json
from fieldapp.services.conflicts import ConflictServices


class StatusServices(ConflictServices):
    """Status and summary counts."""

    def status(self) -> dict[str, Any]:
        s = self.store
        return {
            "device_id": s.device_id,
            "county": self.county,
            "server": s.meta("server_url"),
            "enrolled": bool(s.meta("enrolled_at")),
            "outbox_pending": outbox_size(s),
            "last_acked_seq": int(s.meta("last_acked_seq", "0") or 0),
            "device_seq": int(s.meta("device_seq", "0") or 0),
            "last_sync": s.meta("last_sync"),
            "schema_version": s.schema_version(),
            "households": s.db["household"].count_where("status = 'active'"),
            "conflicts": len(self.conflicts()),
            **trust_counts(s),
        }

    def summary(self) -> dict[str, Any]:
        """Counts for `make run` and the village overview: verdicts per indicator, open problems."""
        c = self.store.conn
        per: dict[str, dict[str, int]] = {ind: {} for ind in rules.INDICATORS}
        latest = c.execute(LATEST_VISITS.format(cols="verdict")).fetchall()
        for (vtext,) in latest:
            verdict = loads_json(vtext, {}) or {}
            for ind, res in (verdict.get("indicators") or {}).items():
                per.setdefault(ind, {})
                per[ind][res["verdict"]] = per[ind].get(res["verdict"], 0) + 1
        problems: dict[str, dict[str, int]] = {}
        for ind, status, n in c.execute("SELECT indicator, status, count(*) FROM problem GROUP BY indicator, status"):
            problems.setdefault(ind, {})[status] = n
        db = self.store.db
        return {
            "households": db["household"].count_where("status = 'active'"),
            "members": db["member"].count_where("status = 'active'"),
            "visits": db["visit"].count_where("status = 'final'"),
            "monitored": db["household"].count_where("monitoring_type != 'none' AND status = 'active'"),
            "verdicts": per,
            "problems": problems,
            "open_problems": db["problem"].count_where("status != 'closed'"),
        }
