"""The command-line contract (CLI.md), through the real console script."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import HEAD_ID, full_visit_input, household_input, run_cli


def _json(proc):
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_help_and_usage_errors(tmp_path):
    assert run_cli("--help").returncode == 0
    for cmd in (
        "init",
        "demo",
        "check-id",
        "assess",
        "household",
        "visit",
        "conflicts",
        "resolve",
        "status",
        "doctor",
        "backup",
        "restore",
        "passwd",
        "cards",
        "scan",
    ):
        assert run_cli(cmd, "--help").returncode == 0, cmd
    bad = run_cli("check-id")
    assert bad.returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_check_id_json_and_exit_codes():
    ok = _json(run_cli("check-id", "--json", "11010519491231002x"))
    assert ok == {
        **ok,
        "valid": True,
        "birth_date": "1949-12-31",
        "sex": "female",
        "region_code": "110105",
    }
    many = run_cli("check-id", "--json", HEAD_ID, "110105194912310021")
    assert many.returncode == 1
    docs = json.loads(many.stdout)
    assert [d["valid"] for d in docs] == [True, False] and docs[1]["error"]


def test_assess_refuses_bad_input_with_one_line(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"housing": {"grade": "E"}}')
    p = run_cli("assess", str(f))
    assert (
        p.returncode == 1
        and "Traceback" not in p.stderr
        and len(p.stderr.strip().splitlines()) == 1
    )
    f.write_text("{not json")
    p = run_cli("assess", str(f))
    assert p.returncode == 1 and "not valid JSON" in p.stderr


def test_laptop_flow(tmp_path, home):
    assert run_cli("init", "--county", "370303", home=home).returncode == 0
    again = run_cli("init", home=home)
    assert again.returncode == 1 and "already" in again.stderr
    hf = tmp_path / "h.json"
    hf.write_text(json.dumps(household_input(), ensure_ascii=False))
    hid = _json(run_cli("household", "add", "--json-file", str(hf), "--json", home=home))["id"]
    vf = tmp_path / "v.json"
    vf.write_text(
        json.dumps(
            full_visit_input(
                water={
                    "zone": "scarce",
                    "litres_per_person_day": 25,
                    "piped_to_yard": False,
                    "fetch_minutes": 15,
                    "outage_days_12m": 20,
                    "quality": "basic",
                }
            )
        )
    )
    v = _json(run_cli("visit", "add", hid, "--json-file", str(vf), "--json", home=home))
    assert (
        v["verdict"]["indicators"]["water"]["verdict"] == "basic"
        and v["verdict"]["overall"] == "met"
    )
    show = _json(run_cli("household", "show", hid, "--json", home=home))
    assert (
        show["latest"]["water"] == "basic"
        and show["visits"][0]["id"] == v["id"]
        and show["problems"] == []
    )
    assert run_cli("household", "set", hid, "phone", "13900000000", home=home).returncode == 0
    mid = show["members"][0]["id"]
    assert run_cli("household", "set", hid, f"member:{mid}:name", "张叁", home=home).returncode == 0
    bad = run_cli(
        "household", "set", hid, f"member:{mid}:id_number", "110105194912310021", home=home
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    rows = _json(run_cli("household", "list", "--search", "zs", "--json", home=home))
    assert [r["head_name"] for r in rows] == ["张叁"]
    st = _json(run_cli("status", "--json", home=home))
    assert st["outbox_pending"] == st["device_seq"] >= 4 and st["last_acked_seq"] == 0
    assert _json(run_cli("conflicts", "--json", home=home)) == []
    r = run_cli("resolve", f"household:{hid}:phone", "1", home=home)
    assert r.returncode == 1 and "no conflict" in r.stderr
    doc = _json(run_cli("doctor", "--json", home=home))
    assert doc["ok"] is True


def test_visit_add_refuses_bad_values(tmp_path, home):
    run_cli("init", home=home)
    hf = tmp_path / "h.json"
    hf.write_text(json.dumps(household_input(), ensure_ascii=False))
    hid = _json(run_cli("household", "add", "--json-file", str(hf), "--json", home=home))["id"]
    vf = tmp_path / "v.json"
    vf.write_text(
        json.dumps(
            full_visit_input(
                water={"zone": "rich", "litres_per_person_day": -5, "quality": "meets"}
            )
        )
    )
    p = run_cli("visit", "add", hid, "--json-file", str(vf), home=home)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    show = _json(run_cli("household", "show", hid, "--json", home=home))
    assert show["visits"] == []
    p = run_cli("visit", "add", "not-a-household", "--json-file", str(vf), home=home)
    assert p.returncode == 1


def test_wrong_passphrase_and_passwd(tmp_path, home):
    run_cli("init", home=home)
    p = run_cli("status", home=home, passphrase="wrong wrong wrong")
    assert p.returncode == 1 and "wrong passphrase" in p.stderr and "Traceback" not in p.stderr
    p = run_cli("passwd", home=home, env={"FIELDAPP_NEW_PASSPHRASE": "the new passphrase"})
    assert p.returncode == 0
    assert run_cli("status", home=home).returncode == 1
    assert run_cli("status", home=home, passphrase="the new passphrase").returncode == 0


def test_chinese_messages(home):
    run_cli("init", home=home)
    p = run_cli("status", home=home, passphrase="wrong wrong wrong", env={"FIELDAPP_LANG": "zh_CN"})
    assert p.returncode == 1 and "口令不正确" in p.stderr


def test_backup_and_restore(tmp_path, home):
    run_cli("init", home=home)
    hf = tmp_path / "h.json"
    hf.write_text(json.dumps(household_input(), ensure_ascii=False))
    hid = _json(run_cli("household", "add", "--json-file", str(hf), "--json", home=home))["id"]
    usb = tmp_path / "usb"
    path = _json(run_cli("backup", "--to", str(usb), "--json", home=home))["path"]
    data = Path(path).read_bytes()
    assert (
        "张三".encode() not in data
        and HEAD_ID.encode() not in data
        and b"SQLite format 3" not in data
    )
    other = tmp_path / "other-laptop"
    assert run_cli("restore", path, home=other).returncode == 0
    assert _json(run_cli("household", "show", hid, "--json", home=other))["head_name"] == "张三"
    assert run_cli("restore", path, home=other).returncode == 1  # refuses to overwrite
    assert run_cli("restore", path, "--force", home=other).returncode == 0
    truncated = tmp_path / "truncated.fab"
    truncated.write_bytes(data[: len(data) // 2])
    p = run_cli("restore", str(truncated), home=tmp_path / "third")
    assert p.returncode == 1 and "truncated or damaged" in p.stderr
    assert not (tmp_path / "third" / "store.db").exists()
    assert (
        run_cli(
            "restore", path, home=tmp_path / "fourth", passphrase="not the right one"
        ).returncode
        == 1
    )


def test_demo_and_cards_and_scan(tmp_path, home):
    summary = _json(run_cli("demo", "--households", "24", "--seed", "3", "--json", home=home))
    assert summary["households"] == 24 and summary["visits"] > 0
    rows = _json(run_cli("household", "list", "--json", home=home))
    hid = rows[0]["id"]
    out = tmp_path / "cards.pdf"
    doc = _json(
        run_cli(
            "cards", "--out", str(out), "--households", hid, "--layout", "a6", "--json", home=home
        )
    )
    assert doc["cards"] == 1 and out.read_bytes().startswith(b"%PDF")
    assert _json(run_cli("household", "show", hid, "--json", home=home))["card"]["serial"] == 1
    bad = run_cli("scan", "FV1:nonsense", "--json", home=home)
    assert bad.returncode == 1 and json.loads(bad.stdout)["valid"] is False
