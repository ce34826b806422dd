"""Shared test setup: offscreen Qt, the minimum (still policy-compliant) key
derivation so that each test's fresh store unlocks quickly, and fixtures that
create real SQLCipher stores in temporary folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["FIELDAPP_KDF"] = "minimum"
os.environ.setdefault("FIELDAPP_LANG", "en")
# A county's first set-up writes its recovery key file protected by this passphrase.
os.environ.setdefault("FIELDAPP_RECOVERY_PASSPHRASE", "county recovery key passphrase")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASS = "correct horse battery"
HEAD_ID = "11010519491231002X"


@pytest.fixture(scope="session")
def pg_cluster():
    """One private PostgreSQL cluster for the whole session (tests/pg.py)."""
    from pg import Cluster, pg_bin

    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries are missing (/usr/lib/postgresql/*/bin): apt-get install postgresql")
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def county(tmp_path: Path):
    """An in-process county server state (SQLite) for county 370303."""
    from sync.server.county import County

    c = County(tmp_path / "county", county="370303")
    yield c
    c.close()


@pytest.fixture
def server(tmp_path: Path):
    """A real ``fieldapp serve`` on 127.0.0.1 with a SQLite database."""
    from servers import CountyServer

    s = CountyServer(tmp_path / "county-server")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def store(home: Path):
    from fieldapp.store import Store

    s = Store.create(home, PASS, county="370303")
    yield s
    s.close()


@pytest.fixture
def app(store):
    from fieldapp.services import Fieldapp

    a = Fieldapp(store, actor="张书记")
    return a


def household_input(**over):
    data = {
        "village_code": "370303102201",
        "group": "1组",
        "address": "东街1号",
        "phone": "13800000001",
        "members": [
            {"name": "张三", "id_number": HEAD_ID, "relation": "head"},
        ],
    }
    data.update(over)
    return data


def full_visit_input(**over):
    doc = {
        "household": {"is_tuopin": True, "members": [{"schooling": "graduated", "medical_insurance": "resident",
                                                      "serious_illness_insurance": True, "health": ["healthy"], "labour": "ordinary"}]},
        "food": {"staple_ok": True, "protein_ok": True},
        "clothing": {"seasonal_ok": True, "bedding_ok": True},
        "housing": {"grade": "A", "renovation": "none", "safe_alternative": False},
        "water": {"zone": "rich", "litres_per_person_day": 80, "piped_to_yard": True, "fetch_minutes": 0,
                  "outage_days_12m": 0, "quality": "meets"},
        "income": {"net_income_yuan": 40000, "household_size": 1, "rigid_spending_yuan": 0,
                   "last_year_net_income_yuan": 38000},
    }
    doc.update(over)
    return doc


def run_cli(*args: str, home: Path | None = None, passphrase: str = PASS, stdin: str | None = None, env: dict | None = None):
    """Run the real ``fieldapp`` console script in a subprocess."""
    import subprocess

    e = dict(os.environ)
    e["FIELDAPP_PASSPHRASE"] = passphrase
    if home is not None:
        e["FIELDAPP_HOME"] = str(home)
    e.update(env or {})
    exe = Path(sys.executable).parent / "fieldapp"
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, encoding="utf-8", env=e,
                          timeout=600)
