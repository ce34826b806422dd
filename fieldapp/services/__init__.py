"""The services the CLI and the GUI both call. No Qt, no HTTP.

One :class:`Fieldapp` object wraps an unlocked :class:`~fieldapp.store.Store`
and offers the operations a first secretary performs. It is a thin facade over
one module per entity (households, visits, ledger, attachments, conflicts,
cards, status, monitoring, campaigns); the unit of work they share (one transaction per write, the op
writer, the search-key refresh) lives in :mod:`fieldapp.services.unit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldapp import rules
from fieldapp.services.attachments import AttachmentServices
from fieldapp.services.campaigns import CampaignServices
from fieldapp.services.cards import CardServices
from fieldapp.services.common import LATEST_VISITS, age_on
from fieldapp.services.households import HOUSEHOLD_FIELDS, MEMBER_FIELDS
from fieldapp.services.ledger import INDICATOR_CATEGORY, OPEN_STATUSES, PROBLEM_FLOW
from fieldapp.services.search import SearchIndex
from fieldapp.services.status import StatusServices
from fieldapp.store import Store

__all__ = [
    "HOUSEHOLD_FIELDS", "INDICATOR_CATEGORY", "LATEST_VISITS", "MEMBER_FIELDS", "OPEN_STATUSES", "PROBLEM_FLOW",
    "Fieldapp", "SearchIndex", "age_on", "open_app",
]


class Fieldapp(CampaignServices, AttachmentServices, CardServices, StatusServices):
    """The application services over one unlocked store."""

    def household_detail(self, hid: str) -> dict[str, Any]:
        """Everything ``household show`` prints and the household page shows."""
        rec = self.household_record(hid)
        members = self.members(hid, include_inactive=True)
        visits = self.visits(hid)
        latest: dict[str, str] = {}
        latest_reasons: dict[str, list[str]] = {}
        for v in visits:  # newest first
            for ind, res in ((v.get("verdict") or {}).get("indicators") or {}).items():
                if ind not in latest and res.get("verdict") != "unknown":
                    latest[ind] = res.get("verdict")
                    latest_reasons[ind] = res.get("reasons", [])
        for ind in rules.INDICATORS:
            latest.setdefault(ind, "unknown")
            latest_reasons.setdefault(ind, [])
        return {
            **rec,
            "members": members,
            "visits": [
                {"id": v["id"], "visited_at": v["visited_at"], "overall": v["overall"], "status": v["status"],
                 "visitor": v["visitor"], "card_scan": v["card_scan"]}
                for v in visits
            ],
            "latest": latest,
            "latest_reasons": latest_reasons,
            "problems": self.problems(hid),
            "measures": self.measures(hid),
            "conflicts": self.conflicts(household_id=hid),
            "card": self.card_status(hid),
        }


def open_app(home: Path, passphrase: str) -> Fieldapp:
    return Fieldapp(Store.open(home, passphrase))
