"""The county server's data at rest: the data folder 0700, key, config and
database files 0600 and written atomically; the county recovery *private* key
never in the data folder: the first set-up writes it once, passphrase-protected,
beside it, and ``fieldapp recover`` takes that file to reopen a laptop."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

from conftest import PASS, run_cli

from fieldapp.store import Store


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_at_rest_and_recovery_key_off_the_server(tmp_path: Path) -> None:
    from sync.server.county import County, recovery_key_path

    data = tmp_path / "county-data"
    c = County(data, county="370303")
    try:
        assert c.keys.recovery_written == recovery_key_path(data, "370303")
        files = sorted(p for p in data.iterdir() if p.is_file())
        modes = {p.name: oct(mode(p)) for p in files}
        print(f"data folder {oct(mode(data))}; files {modes}")
        assert mode(data) == 0o700
        assert all(mode(p) == 0o600 for p in files), modes
        assert {"county.db", "sign.key", "box.key", "card.key", "recovery.pub", "county.json"} <= set(modes)
        assert "recovery.key" not in modes and not any(p.name.endswith(".part") for p in files)
        key_file = c.keys.recovery_written
        assert key_file is not None and key_file.parent != data and mode(key_file) == 0o600
        doc = json.loads(key_file.read_text("utf-8"))
        assert doc["kind"] == "county-recovery-key" and doc["recovery_public"] == c.keys.recovery_public.hex()
        # A laptop of the county forgets its passphrase; county IT reopens it with the key file.
        home = tmp_path / "laptop"
        Store.create(home, PASS, county="370303", recovery_public=c.keys.recovery_public).close()
    finally:
        c.close()
    again = County(data)  # a restart writes no second key file
    assert again.keys.recovery_written is None
    again.close()
    wrong = run_cli("recover", "--recovery-key", str(key_file), home=home,
                    env={"FIELDAPP_RECOVERY_PASSPHRASE": "not the passphrase at all", "FIELDAPP_NEW_PASSPHRASE": "x" * 16})
    out = run_cli("recover", "--recovery-key", str(key_file), home=home,
                  env={"FIELDAPP_NEW_PASSPHRASE": "a brand new passphrase"})
    print(f"recover with a wrong key passphrase: exit {wrong.returncode}; with the right one: exit {out.returncode}")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    assert out.returncode == 0, out.stderr
    Store.open(home, "a brand new passphrase").close()


def test_an_old_private_key_moves_out_of_the_data_folder(tmp_path: Path) -> None:
    from fieldapp.keys import generate_recovery_keypair
    from sync.server.county import County

    data = tmp_path / "old"
    County(data, county="370303").close()
    (data / "recovery.pub").unlink()
    for p in tmp_path.glob("old-county-*"):
        p.unlink()
    priv, pub = generate_recovery_keypair()
    (data / "recovery.key").write_text(priv.hex())
    c = County(data)
    try:
        assert not (data / "recovery.key").exists() and c.keys.recovery_public == pub
        assert c.keys.recovery_written is not None and c.keys.recovery_written.exists()
    finally:
        c.close()


def test_first_set_up_needs_the_recovery_passphrase(tmp_path: Path) -> None:
    from servers import FIELDAPP

    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_RECOVERY_PASSPHRASE"}
    out = subprocess.run([FIELDAPP, "admin", "--data", str(tmp_path / "new"), "--county", "370303", "stats"],
                         capture_output=True, text=True, timeout=60, env=env)
    print(f"first set-up without the recovery passphrase: exit {out.returncode}: {out.stderr.strip()[:160]}")
    assert out.returncode != 0 and "FIELDAPP_RECOVERY_PASSPHRASE" in out.stderr and "Traceback" not in out.stderr
