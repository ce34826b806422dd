"""Hybrid logical clock (Kulkarni et al.): physical milliseconds plus a counter.

Encoded as a fixed-width string so that string order is clock order:
``"<ms:13>-<counter:06>"``. Ties between devices are broken by device id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# DESIGN §4: an op more than 24 hours ahead of the receiver is quarantined.
MAX_FUTURE_MS = 24 * 3600 * 1000


def encode(ms: int, counter: int) -> str:
    return f"{ms:013d}-{counter:06d}"


def decode(text: str) -> tuple[int, int]:
    ms, counter = text.split("-")
    return int(ms), int(counter)


@dataclass
class Clock:
    """A device's HLC. ``now`` is injectable so tests control physical time."""

    last: str = encode(0, 0)
    now: Callable[[], int] = lambda: time.time_ns() // 1_000_000

    def tick(self) -> str:
        """Timestamp for a local event."""
        last_ms, last_c = decode(self.last)
        wall = self.now()
        self.last = encode(wall, 0) if wall > last_ms else encode(last_ms, last_c + 1)
        return self.last

    def observe(self, remote: str) -> str:
        """Merge a received timestamp (callers quarantine far-future ones first)."""
        last_ms, last_c = decode(self.last)
        r_ms, r_c = decode(remote)
        wall = self.now()
        top = max(wall, last_ms, r_ms)
        if top == last_ms == r_ms:
            c = max(last_c, r_c) + 1
        elif top == last_ms:
            c = last_c + 1
        elif top == r_ms:
            c = r_c + 1
        else:
            c = 0
        self.last = encode(top, c)
        return self.last

    def too_far_ahead(self, remote: str) -> bool:
        return decode(remote)[0] - self.now() > MAX_FUTURE_MS
