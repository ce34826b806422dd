"""Typed errors a user can act on.

Each carries a stable ``code`` (the UI maps it to translated text) and a
message in Chinese and English. Anything that is not a ``FieldappError`` is a
bug: the CLI shows it with ``--debug`` only, the GUI in a crash dialog.
"""

from __future__ import annotations

from collections.abc import Sequence


class FieldappError(Exception):
    """Base of every error a user can act on."""

    code = "error"

    def __init__(self, en: str, zh: str | None = None, *, code: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh or en
        if code is not None:
            self.code = code

    def text(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en


class InputRefused(FieldappError):
    """The input was understood but refused (invalid ID, bad JSON, unknown field)."""

    code = "input_refused"


class WrongPassphrase(FieldappError):
    code = "wrong_passphrase"


class StoreMissing(FieldappError):
    code = "store_missing"


class StoreExists(FieldappError):
    code = "store_exists"


class StoreLocked(FieldappError):
    """Another Fieldapp process holds the store."""

    code = "store_locked"


class NotFound(FieldappError):
    code = "not_found"


class ImmutableRecord(FieldappError):
    code = "immutable"


class InvalidTransition(FieldappError):
    code = "invalid_transition"


class ValidationFailed(FieldappError):
    """A record failed validation with at least one ERROR; ``messages`` lists them all."""

    code = "validation_failed"

    def __init__(self, messages: Sequence[object], en: str | None = None, zh: str | None = None) -> None:
        self.messages = list(messages)
        first = messages[0] if messages else None
        en = en or f"validation failed: {getattr(first, 'en', first)}"
        zh = zh or f"校验未通过：{getattr(first, 'zh', first)}"
        super().__init__(en, zh)


class IntegrityAlarm(FieldappError):
    """The same insert-only id arrived with different content."""

    code = "integrity_alarm"


class Cancelled(Exception):
    """The user cancelled a long operation; never shown as an error."""
