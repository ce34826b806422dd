"""Fieldapp core: domain, verdict engine, encrypted store, change log. No Qt, no HTTP."""

from __future__ import annotations

APP_NAME = "Fieldapp"
_FALLBACK_VERSION = "0.1.0"  # a source tree without an install, or a bundle without metadata


def __getattr__(name: str) -> str:
    # The version is read from the installed metadata on first use only:
    # importlib.metadata costs ~20 ms, which start-up should not pay.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("fieldapp")
        except PackageNotFoundError:
            value = _FALLBACK_VERSION
        globals()["__version__"] = value
        return value
    raise AttributeError(name)
