"""Stores written by released schemas keep opening: a frozen copy of each is kept here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldapp.schema import SCHEMA_VERSION
from fieldapp.services import Fieldapp
from fieldapp.store import Store

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = {1: ("store-v1", "schema-one fixture", "01900000-0000-7000-8000-000000000001")}


@pytest.mark.parametrize("version", sorted(FIXTURES))
def test_released_store_upgrades_and_keeps_everything(tmp_path, version):
    folder, passphrase, hid = FIXTURES[version]
    home = tmp_path / folder
    shutil.copytree(DATA / folder, home)
    s = Store.open(home, passphrase)
    try:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.integrity_problems() == []
        app = Fieldapp(s)
        d = app.household_detail(hid)
        assert d["head_name"] == "测试户主" and len(d["visits"]) == 1
        assert [p["indicator"] for p in d["problems"]] == ["food"]
        assert app.status()["outbox_pending"] >= 3
    finally:
        s.close()
