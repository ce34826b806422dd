"""Server fuzzing from its own OpenAPI document (schemathesis): never a 5xx."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

os.environ["FIELDAPP_KDF"] = "minimum"


def _app():
    from sync.server.app import create_app
    from sync.server.county import County

    return create_app(County(Path(tempfile.mkdtemp(prefix="fuzz-")) / "county", county="370303"), api_docs=True)


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
