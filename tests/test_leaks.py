"""Nothing personal in clear: after `fieldapp demo`, no member name, ID number or
phone number appears in any file the app wrote, and plain sqlite3 cannot open it."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from conftest import run_cli


def _needles(n: int, seed: int) -> set[bytes]:
    from fieldapp.demo_data import generate_households

    out: set[bytes] = set()
    for dh in generate_households(n, seed=seed, today=date.today()):
        h = dh.household
        out.add(h["phone"].encode())
        for m in h["members"]:
            out.add(m["id_number"].encode())
            # Only needles of 6 bytes or more: a 4-byte one (a two-character name in GBK
            # or UTF-16) turns up by chance in a megabyte of ciphertext about once in five runs.
            for enc in ("utf-8", "gbk", "utf-16-le"):
                b = m["name"].encode(enc)
                if len(b) >= 6:
                    out.add(b)
            if m.get("phone"):
                out.add(m["phone"].encode())
    return out


def test_no_personal_data_in_clear(tmp_path):
    home = tmp_path / "home"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)}
    p = run_cli("demo", "--households", "150", "--seed", "11", home=home, env=env)
    assert p.returncode == 0, p.stderr
    for args in (["household", "list", "--search", "zs"], ["status"], ["doctor"], ["backup", "--to", str(tmp_path / "usb")],
                 ["cards", "--out", str(tmp_path / "usb" / "cards.pdf"), "--layout", "a4"]):
        assert run_cli(*args, home=home, env=env).returncode == 0, args
    needles = _needles(150, 11)
    assert len(needles) > 300
    files = [f for f in [*home.rglob("*"), *tmp.rglob("*"), *(tmp_path / "usb").glob("*.fab")] if f.is_file()]
    names = {f.name for f in home.iterdir()}
    assert "store.db" in names and "store.key" in names
    for f in files:
        data = f.read_bytes()
        hits = [n for n in needles if n in data]
        assert not hits, f"{f.name} holds personal data in clear: {hits[:3]}"
    conn = sqlite3.connect(str(home / "store.db"))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        raise AssertionError("plain sqlite3 opened the store")
    except sqlite3.DatabaseError:
        pass
    assert not list(Path(tmp).rglob("*")), "the app left files in the temp folder"
