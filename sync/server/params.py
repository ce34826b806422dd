"""Identifiers that reach a URL, a file name or a form action are checked at the door:
the path parameters of the API and the dashboard take these types."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from fieldapp.opschema import UUID_RE

UUID_PATTERN = UUID_RE.pattern
UuidPath = Annotated[str, Path(pattern=UUID_PATTERN, max_length=36, description="an id (canonical UUID text)")]
AreaCodePath = Annotated[str, Path(pattern=r"^[0-9]{6}([0-9]{3}([0-9]{3})?)?$", description="county, township or village code")]
