"""Times are stored in UTC and shown in the county's time zone (Asia/Shanghai unless configured).

The zone is ``time_zone`` in the county's ``county.json``, or the environment
variable ``FIELDAPP_TIME_ZONE``, else Asia/Shanghai. Stored times come as ISO
text: UTC with ``Z`` (the server's own), or with an offset (a laptop's visit times).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone_of(data: Path | None) -> ZoneInfo:
    """The county's zone; an unknown name falls back to Asia/Shanghai."""
    name = os.environ.get("FIELDAPP_TIME_ZONE", "")
    cfg = Path(data) / "county.json" if data is not None else None
    if not name and cfg is not None and cfg.exists():
        with open(cfg, encoding="utf-8") as fh:
            name = str(json.load(fh).get("time_zone") or "")
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def parse(value: str | None) -> datetime | None:
    """An aware datetime from stored ISO text (naive text is UTC); None for empty or unreadable text."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def local(value: str | None, zone: ZoneInfo) -> datetime | None:
    """The moment in the county's zone, as a naive datetime (what a spreadsheet cell holds)."""
    dt = parse(value)
    return None if dt is None else dt.astimezone(zone).replace(tzinfo=None)


def local_text(value: str | None, zone: ZoneInfo, seconds: bool = False) -> str:
    """``YYYY-MM-DD HH:MM`` in the county's zone; "—" when there is no time."""
    dt = local(value, zone)
    if dt is None:
        return value or "—"
    return dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def day(value: str | None) -> date | None:
    """A stored ISO day (birth date, deadline) as a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
