"""Fieldapp core: domain, verdict engine, encrypted store, change log. No Qt, no HTTP."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fieldapp")
except PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

APP_NAME = "Fieldapp"
