"""Give memory back to the system after a big load.

Loading 20,000 households or the village overview builds large temporary
lists in the worker; Python frees them, but glibc keeps the freed heap pages
mapped, so the process stays as large as its peak. ``malloc_trim(0)`` returns
them. Elsewhere (Windows, macOS, musl) this is a no-op.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Callable

_TRIM: list[Callable[[int], int] | None] = []


def _trim_fn() -> Callable[[int], int] | None:
    if not _TRIM:
        fn = None
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                fn = getattr(libc, "malloc_trim", None)
            except OSError:
                fn = None
        _TRIM.append(fn)
    return _TRIM[0]


def release_memory() -> bool:
    """Collect garbage and hand freed heap pages back; True if the heap could be trimmed."""
    gc.collect()
    fn = _trim_fn()
    if fn is None:
        return False
    fn(0)
    return True
