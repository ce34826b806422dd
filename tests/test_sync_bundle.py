"""USB bundles: the committed vectors, truncation, bit flips, replays, foreign,
revoked and clock-ahead bundles; export is not delivery; size vs gzip."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from conftest import PASS, household_input
from servers import enrolled_laptop

from fieldapp.hlc import encode
from fieldapp.merge import Op
from fieldapp.oplog import outbox_size, trust_counts
from fieldapp.services import Fieldapp
from fieldapp.store import Store
from sync import bundle as bf
from sync import device as dv

VECTORS = Path(__file__).parent / "vectors" / "bundles"
INDEX = json.loads((VECTORS / "index.json").read_text("utf-8"))
VILLAGE = "370303102201"


def _senders(name: str) -> bf.Sender | None:
    d = INDEX["devices"].get(name)
    return None if d is None else bf.Sender(bytes.fromhex(d["sign_public"]), d["status"], d.get("revoked_at"))


def _county_box() -> object:
    return bf.load_x25519(bytes.fromhex(INDEX["keys"]["county_box"]))


@pytest.mark.parametrize("vector", INDEX["vectors"], ids=lambda v: v["file"])
def test_vector(vector: dict) -> None:
    data = (VECTORS / vector["file"]).read_bytes()
    expect = vector["expect"]
    if expect in ("ok", "clock_ahead"):
        opened = bf.open_bundle(data, recipient_private=_county_box(), county=INDEX["county"], senders=_senders)
        assert opened.manifest["counts"]["ops"] == len(opened.ops) > 0
        from sync.server.ingest import days_ahead

        assert bool(days_ahead(opened.ops, INDEX["now_ms"])) == (expect == "clock_ahead")
        return
    with pytest.raises(bf.BundleRefused) as err:
        bf.open_bundle(data, recipient_private=_county_box(), county=INDEX["county"], senders=_senders)
    assert err.value.code == expect
    assert err.value.en and err.value.zh and err.value.en != err.value.zh


# ----- the county importing the vectors ----------------------------------------------------
@pytest.fixture
def vector_county(tmp_path: Path):
    from sync.server.county import County

    data = tmp_path / "county"
    data.mkdir()
    (data / "box.key").write_text(INDEX["keys"]["county_box"], "ascii")
    c = County(data, county=INDEX["county"])
    for device_id, d in INDEX["devices"].items():
        code = c.create_enroll_code([VILLAGE], "vector")
        c.enroll(code, device_id, d["sign_public"], "00" * 32, None)
        if d["status"] == "revoked":
            c.revoke(device_id)
    yield c
    c.close()


def test_county_imports_only_the_valid_vector(vector_county) -> None:
    c = vector_county
    now = INDEX["now_ms"]
    outcomes = {}
    for v in INDEX["vectors"]:
        data = (VECTORS / v["file"]).read_bytes()
        try:
            outcomes[v["file"]] = c.import_bundle(data, now_ms=now)["status"]
        except bf.BundleRefused as exc:
            outcomes[v["file"]] = exc.code
    assert outcomes["valid.fab"] == "imported"
    assert outcomes["clock_ahead.fab"] == "quarantined"
    for v in INDEX["vectors"]:
        if v["expect"] not in ("ok", "clock_ahead"):
            assert outcomes[v["file"]] == v["expect"], v
    stats = c.stats()
    assert stats["ops"] == 3 and stats["quarantined"] == 1
    again = c.import_bundle((VECTORS / "valid.fab").read_bytes(), now_ms=now)
    assert again["status"] == "already_imported" and "already" in again["reason"] and again["reason_zh"]
    assert c.stats()["ops"] == 3


# ----- real laptops ------------------------------------------------------------------------------
@pytest.fixture
def laptop(county, tmp_path: Path):
    app = enrolled_laptop(county, tmp_path / "lap")
    yield app
    app.store.close()


def _uplink(app: Fieldapp, folder: Path) -> bytes:
    path, _n = dv.export_uplink(app, folder)
    assert not list(folder.glob("*.part"))
    return path.read_bytes()


def test_truncated_at_random_offsets(county, laptop, tmp_path: Path) -> None:
    hid = laptop.add_household(household_input())
    laptop.add_attachment(hid, random.Random(1).randbytes(150_000))  # several chunks
    data = _uplink(laptop, tmp_path / "usb")
    rnd = random.Random(4)
    cuts = sorted({0, 5, len(bf.MAGIC), len(data) - 1, len(data) - 64, *(rnd.randrange(len(data)) for _ in range(40))})
    for cut in cuts:
        with pytest.raises(bf.BundleRefused) as err:
            county.import_bundle(data[:cut])
        assert err.value.code == "truncated", cut
    assert county.stats()["ops"] == 0
    assert county.import_bundle(data)["status"] == "imported"


def test_bit_flips_are_refused(county, laptop, tmp_path: Path) -> None:
    laptop.add_household(household_input())
    data = _uplink(laptop, tmp_path / "usb")
    rnd = random.Random(7)
    for _ in range(60):
        pos = rnd.randrange(len(data))
        bad = data[:pos] + bytes([data[pos] ^ (1 << rnd.randrange(8))]) + data[pos + 1:]
        with pytest.raises(bf.BundleRefused) as err:
            county.import_bundle(bad)
        assert err.value.code in {"damaged", "truncated", "not_a_bundle", "newer_format", "unknown_device"}, pos
    assert county.stats()["ops"] == 0


def test_replay_revoked_and_foreign(county, laptop, tmp_path: Path) -> None:
    from sync.server.county import County

    laptop.add_household(household_input())
    data = _uplink(laptop, tmp_path / "usb")
    assert county.import_bundle(data)["status"] == "imported"
    replay = county.import_bundle(data)
    assert replay["status"] == "already_imported" and replay["stored"] == 0
    other = County(tmp_path / "other", county="370304")
    try:
        with pytest.raises(bf.BundleRefused) as err:
            other.import_bundle(data)
        assert err.value.code in ("unknown_device", "wrong_county")
    finally:
        other.close()
    laptop.set_household_field(laptop.list_households()[0]["id"], "phone", "13911112222")
    later = _uplink(laptop, tmp_path / "usb")
    county.revoke(laptop.store.device_id)
    with pytest.raises(bf.BundleRefused) as err:
        county.import_bundle(later)
    assert err.value.code == "revoked_device" and "revoked" in err.value.en and "停用" in err.value.zh
    assert county.stats()["ops"] == 2


def test_clock_two_days_ahead_is_quarantined(county, laptop, tmp_path: Path) -> None:
    laptop.store.clock.now = lambda: 1_780_000_000_000 + 2 * 86_400_000
    laptop.add_household(household_input())
    data = _uplink(laptop, tmp_path / "usb")
    res = county.import_bundle(data, now_ms=1_780_000_000_000)
    assert res["status"] == "quarantined" and "clock" in res["reason"] and "时钟" in res["reason_zh"]
    assert county.stats() | {} == {**county.stats(), "ops": 0, "quarantined": 1}


def test_export_is_not_delivery_and_downlink_acks(county, laptop, tmp_path: Path) -> None:
    laptop.add_household(household_input())
    pending = outbox_size(laptop.store)
    assert pending == 2
    data = _uplink(laptop, tmp_path / "usb")
    _uplink(laptop, tmp_path / "usb2")  # a re-export carries the same ops again
    assert outbox_size(laptop.store) == pending
    assert county.import_bundle(data)["acked_seq"] == 2
    assert outbox_size(laptop.store) == pending  # still nothing until the ack comes back
    res = dv.import_downlink(laptop, county.downlink(laptop.store.device_id))
    assert res["status"] == "imported" and res["acked_seq"] == 2
    assert outbox_size(laptop.store) == 0


def test_downlink_is_all_or_nothing_and_for_one_device(county, laptop, tmp_path: Path) -> None:
    other = enrolled_laptop(county, tmp_path / "lap2")
    try:
        hid = other.add_household(household_input())
        county.push(other.store.device_id, __import__("fieldapp.oplog", fromlist=["outbox"]).outbox(other.store))
        with pytest.raises(bf.BundleRefused) as err:
            dv.import_downlink(other, county.downlink(laptop.store.device_id))
        assert err.value.code == "wrong_recipient"
        # A downlink carrying an op far in the future is refused whole.
        good = county.downlink(laptop.store.device_id)
        sign = county.keys.sign
        ops = bf.open_bundle(good, recipient_private=dv.device_keys(laptop.store)[1], county="370303",
                             senders=lambda _n: bf.Sender(bf.raw_public(sign)), kind="downlink").ops
        future = Op(**{**ops[-1].__dict__, "op_id": "01900000-0000-7000-8000-0000000000ff", "field": "phone",
                       "hlc": encode(laptop.store.clock.now() + 3 * 86_400_000, 0), "value": "1", "supersedes": ()})
        bad = bf.seal_bundle(kind="downlink", county="370303", sender="county:370303", sign_key=sign,
                             recipient_public=bf.raw_public(dv.device_keys(laptop.store)[1]), ops=[*ops, future],
                             extra={"device_id": laptop.store.device_id, "ack_seq": 0, "cursor": 99}).data
        # A downlink carrying an op far in the future: that op is set aside, the rest applies.
        got = dv.import_downlink(laptop, bad)
        assert got["status"] == "imported" and got["set_aside"] == 1
        assert [h["id"] for h in laptop.list_households()] == [hid]
        assert laptop.household_record(hid)["phone"] != "1"
        assert trust_counts(laptop.store)["set_aside"] == 1
        assert dv.import_downlink(laptop, good)["status"] == "already_imported"
    finally:
        other.store.close()


def test_bundle_size_ratio(tmp_path: Path, capsys) -> None:
    from fieldapp.demo import build_demo
    from fieldapp.oplog import outbox

    build_demo(tmp_path / "demo", PASS, households=30, seed=3)
    store = Store.open(tmp_path / "demo", PASS)
    try:
        ops = outbox(store)
    finally:
        store.close()
    sign = bf.load_ed25519(bytes(32))
    box = bf.load_x25519(bytes([9]) * 32)
    data = bf.seal_bundle(kind="uplink", county="370303", sender="d", sign_key=sign, recipient_public=bf.raw_public(box),
                          ops=ops).data
    bare = gzip.compress(bf.encode_ops(ops), compresslevel=6)
    ratio = len(data) / len(bare)
    with capsys.disabled():
        print(f"\nbundle size: {len(ops)} ops, bundle {len(data)} B, gzip of bare ops {len(bare)} B, ratio {ratio:.3f}")
    assert ratio <= 1.2
