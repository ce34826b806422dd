"""Small shared pieces of the sync protocol (no heavy imports)."""

from __future__ import annotations

import hashlib

REQUEST_CONTEXT = "fieldapp-request/v1"


def request_message(method: str, path: str, body: bytes, ts: int, nonce: str) -> bytes:
    """What a device signs for each request: method, path, body SHA-256, time and nonce (DESIGN §5)."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{REQUEST_CONTEXT}\n{method.upper()}\n{path}\n{digest}\n{ts}\n{nonce}".encode()
