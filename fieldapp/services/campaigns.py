"""回头看 campaigns on the laptop: the county's campaigns (they arrive with the sync or the downlink
bundle), which households are due for one, and completion by a look-back visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp import monitoring as mon
from fieldapp.campaigns import LOOKBACK, Campaign, campaign_from_value
from fieldapp.services.common import loads_json, parse_dt
from fieldapp.services.monitoring import MonitoringServices


@dataclass(frozen=True)
class CampaignDue:
    """One household due for one campaign."""

    campaign: Campaign
    household_id: str
    completed: bool


class CampaignServices(MonitoringServices):
    """The county's look-back campaigns as this laptop sees them."""

    def campaigns(self) -> list[Campaign]:
        rows = self.store.conn.execute("SELECT id, name, deadline, data, created_at FROM campaign").fetchall()
        out = [campaign_from_value(r[0], {**(loads_json(r[3], {}) or {}), "name": r[1], "deadline": r[2]}) for r in rows]
        return sorted(out, key=lambda c: (c.deadline or date.max, c.name))

    def _lookback_days(self) -> dict[str, list[date]]:
        out: dict[str, list[date]] = {}
        for hid, at in self.store.conn.execute(
                "SELECT household_id, visited_at FROM visit WHERE json_extract(answers, '$.visit.type') = ?"
                " AND status = 'final'", (LOOKBACK,)):
            out.setdefault(hid, []).append(parse_dt(at).date())
        return out

    def campaign_status(self, today: date | None = None,
                        lifecycles: dict[str, mon.Lifecycle] | None = None) -> list[CampaignDue]:
        """Every household of this laptop in scope of a campaign, and whether it has completed it."""
        campaigns = self.campaigns()
        if not campaigns:
            return []
        today = today or date.today()
        lcs = self._all_lifecycles(today) if lifecycles is None else lifecycles
        states = {hid: lc.state for hid, lc in lcs.items()}
        done = self._lookback_days()
        out = []
        for hid, village, htype in self.store.conn.execute(
                "SELECT id, village_code, household_type FROM household WHERE status = 'active'"):
            for c in campaigns:
                if c.covers(village, htype, states.get(hid, "none")):
                    out.append(CampaignDue(c, hid, c.completed_by(done.get(hid, []))))
        return out

    def campaigns_due(self, hid: str, today: date | None = None) -> list[CampaignDue]:
        return [d for d in self.campaign_status(today) if d.household_id == hid]

    def household_rows(self, today: date | None = None) -> list[dict[str, Any]]:
        """The household rows, each with the names of the campaigns it is still due for."""
        today = today or date.today()
        rows, lcs = self._rows_and_lifecycles(today)
        due: dict[str, list[str]] = {}
        for d in self.campaign_status(today, lcs):
            if not d.completed:
                due.setdefault(d.household_id, []).append(d.campaign.name)
        for r in rows:
            r["campaigns_due"] = due.get(r["id"], [])
        return rows
