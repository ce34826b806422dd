"""回头看 (look-back) campaigns (DOMAIN.md §10): the county re-checks earlier identifications and
eliminations by asking for a look-back visit of every household in a scope before a deadline.

A campaign is a county fact; which households it covers and whether a household has completed
it are pure functions here, so the laptop and the county server agree on both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp.errors import InputRefused

LOOKBACK = "lookback"  # the visit type that completes a campaign
# Lifecycle state groups a campaign can select (see state_group).
STATE_GROUPS = ("none", "in_identification", "monitoring", "in_elimination", "eliminated")


def state_group(state: str) -> str:
    """The group of a lifecycle state (fieldapp.monitoring) that campaigns and counts use."""
    from fieldapp import monitoring as mon

    if state == mon.NONE:
        return "none"
    if state == mon.MONITORING:
        return "monitoring"
    if state == mon.ELIMINATED:
        return "eliminated"
    if state == mon.ELIM_PROPOSED or state in mon.ELIMINATION_CHECKS:
        return "in_elimination"
    return "in_identification"


@dataclass(frozen=True)
class Campaign:
    """One campaign: which villages, household categories and lifecycle states, which form sections
    to re-check, and by when. Empty selections mean "all"."""

    id: str
    name: str
    created_on: date
    deadline: date | None
    villages: tuple[str, ...] = ()
    household_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    created_by: str = ""

    def covers(self, village_code: str, household_type: str, state: str) -> bool:
        """Whether a household (its village, category and lifecycle state) is in the campaign."""
        return ((not self.villages or village_code in self.villages)
                and (not self.household_types or household_type in self.household_types)
                and (not self.states or state_group(state) in self.states))

    def completed_by(self, lookback_days: Iterable[date]) -> bool:
        """A look-back visit on or after the campaign's start completes it."""
        return any(d >= self.created_on for d in lookback_days)

    def overdue(self, today: date) -> bool:
        return self.deadline is not None and today > self.deadline

    def to_value(self) -> dict[str, Any]:
        """The campaign fact's value."""
        return {"name": self.name, "created_on": self.created_on.isoformat(),
                "deadline": self.deadline.isoformat() if self.deadline else None, "villages": list(self.villages),
                "household_types": list(self.household_types), "states": list(self.states),
                "sections": list(self.sections), "created_by": self.created_by}


def _day(text: Any, what: str) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        raise InputRefused(f"{what}: '{text}' is not a date (use 2026-05-01)", f"{what}：“{text}”不是有效日期") from None


def _codes(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").split(",")]
    return tuple(sorted({str(v).strip() for v in value if str(v).strip()}))


def campaign_from_value(cid: str, value: Mapping[str, Any]) -> Campaign:
    """A campaign from its fact value (as stored on the laptop or the server)."""
    return Campaign(id=cid, name=str(value.get("name") or ""), created_on=_day(value.get("created_on"), "created_on")
                    or date.min, deadline=_day(value.get("deadline"), "deadline"),
                    villages=_codes(value.get("villages")), household_types=_codes(value.get("household_types")),
                    states=_codes(value.get("states")), sections=_codes(value.get("sections")),
                    created_by=str(value.get("created_by") or ""))


def new_campaign(cid: str, *, name: str, created_on: date, deadline: str | None, villages: Any = (),
                 household_types: Any = (), states: Any = (), sections: Any = (), created_by: str = "",
                 known_villages: Iterable[str] | None = None, known_sections: Iterable[str] | None = None) -> Campaign:
    """Check a campaign a county account defines; refused with a message naming the field."""
    from fieldapp.codes import is_code

    name = name.strip()
    if not name:
        raise InputRefused("give the campaign a name", "请填写活动名称")
    end = _day(deadline, "deadline")
    if end is None:
        raise InputRefused("give the campaign a deadline", "请填写截止日期")
    if end < created_on:
        raise InputRefused(f"the deadline {end} is before today", f"截止日期{end}早于今天")
    c = Campaign(cid, name[:200], created_on, end, _codes(villages), _codes(household_types), _codes(states),
                 _codes(sections), created_by)
    if known_villages is not None:
        unknown = sorted(set(c.villages) - set(known_villages))
        if unknown:
            raise InputRefused(f"unknown village code(s): {', '.join(unknown)}", f"未知的村代码：{'、'.join(unknown)}")
    bad_types = [t for t in c.household_types if not is_code("household_type", t)]
    if bad_types:
        raise InputRefused(f"unknown household category: {', '.join(bad_types)}", f"未知的户类型：{'、'.join(bad_types)}")
    bad_states = [s for s in c.states if s not in STATE_GROUPS]
    if bad_states:
        raise InputRefused(f"unknown monitoring state: {', '.join(bad_states)} ({', '.join(STATE_GROUPS)})",
                           f"未知的监测状态：{'、'.join(bad_states)}")
    if known_sections is not None:
        bad = sorted(set(c.sections) - set(known_sections))
        if bad:
            raise InputRefused(f"unknown form section: {', '.join(bad)}", f"未知的表单部分：{'、'.join(bad)}")
    return c
