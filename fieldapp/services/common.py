"""Small helpers the service modules share (JSON, dates, ages)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from fieldapp.errors import InputRefused

# The latest final visit of each household (exactly one row per household, even on equal times).
LATEST_VISITS = (
    "SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY household_id"
    " ORDER BY visited_at DESC, id DESC) AS rn FROM visit WHERE status = 'final') WHERE rn = 1"
)


def loads_json(text: str | None, default: Any = None) -> Any:
    if text is None:
        return default
    return json.loads(text)


def now_local() -> datetime:
    return datetime.now(UTC).astimezone()


def parse_dt(text: str) -> datetime:
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputRefused(f"'{text}' is not a date and time (use 2026-05-01T10:30)", f"“{text}”不是有效的日期时间（例如 2026-05-01T10:30）") from None
    return dt


def age_on(birth: str | None, on: date) -> int | None:
    if not birth:
        return None
    try:
        b = date.fromisoformat(birth)
    except ValueError:
        return None
    return on.year - b.year - ((on.month, on.day) < (b.month, b.day))


def parse_day(text: str | None, what: str = "date") -> date | None:
    """A YYYY-MM-DD (or ISO date-time) text as a date; None for empty."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InputRefused(f"{what}: '{text}' is not a date (use 2026-05-01)",
                           f"{what}：“{text}”不是有效日期（例如 2026-05-01）") from None
