"""Locate the read-only files under ``resources/`` in a checkout, an install or a frozen bundle."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@lru_cache(maxsize=64)
def _load_json_cached(path: str) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def load_json(*parts: str) -> Any:
    """Load a JSON resource (cached; callers must not mutate the result)."""
    return _load_json_cached(str(resource_path(*parts)))
