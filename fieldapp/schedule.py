"""When a household is due for its next visit (DOMAIN §10), and how loaded a cadre is.

Pure functions; the numbers come from :class:`~fieldapp.policy.Policy`.
"""

from __future__ import annotations

from datetime import date, timedelta

from fieldapp.policy import Policy

__all__ = ["DEFAULT_ROLE", "next_visit_due", "parse_due", "visit_interval"]

#: Role of the laptop's user when the store names none: the village first secretary.
DEFAULT_ROLE = "first_secretary"


def visit_interval(
    policy: Policy, monitoring_type: str | None, household_type: str | None, role: str | None
) -> int:
    """Days between visits: the shortest of the intervals for the monitoring type,
    the household type and the user's role (``Policy.visit_interval_days``)."""
    return policy.visit_interval_days(monitoring_type or "none", household_type, role)


def parse_due(value: object) -> date | None:
    """A next-visit date entered on a visit (``YYYY-MM-DD``), or ``None`` if absent or not a date."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def next_visit_due(last_visit: date | None, entered: date | None, interval_days: int) -> date | None:
    """The date the next visit is due.

    The next-visit date entered on the latest visit wins (the secretary knows
    the household); otherwise the latest visit plus the policy interval. A
    household never visited has no date: it is due now.
    """
    if entered is not None:
        return entered
    if last_visit is None:
        return None
    return last_visit + timedelta(days=interval_days)
