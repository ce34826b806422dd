"""Make the bundle test vectors in tests/vectors/bundles/ (fixed keys; run once, commit).

    python -m sync.vectors tests/vectors/bundles
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from fieldapp.hlc import encode
from fieldapp.merge import FACT_FIELD, Op
from sync import bundle as bf

COUNTY = "370303"
DEVICE = "01900000-0000-7000-8000-000000000001"
REVOKED = "01900000-0000-7000-8000-000000000002"
CREATED = 1_780_000_000_000  # 2026-05-28, a fixed "now" for the vectors
NOW_MS = CREATED
HOUSEHOLD = "01900000-0000-7000-8000-00000000aaaa"

KEYS = {
    "county_box": "11" * 32,
    "other_county_box": "12" * 32,
    "device_sign": "21" * 32,
    "revoked_sign": "22" * 32,
    "ephemeral": "31" * 32,
}


def ops_for(device: str, base_ms: int, n: int = 3) -> list[Op]:
    out = [Op(op_id=f"01900000-0000-7000-9000-{1:012d}" if device == DEVICE else f"01900000-0000-7000-9100-{1:012d}",
              device_id=device, device_seq=1, hlc=encode(base_ms, 0), entity="household", entity_id=HOUSEHOLD,
              field=FACT_FIELD, value={"village_code": "370303102201", "group": "1组"}, county=COUNTY)]
    for i in range(2, n + 1):
        prefix = "9000" if device == DEVICE else "9100"
        out.append(Op(op_id=f"01900000-0000-7000-{prefix}-{i:012d}", device_id=device, device_seq=i,
                      hlc=encode(base_ms + i, 0), entity="household", entity_id=HOUSEHOLD, field="phone",
                      value=f"1380000000{i}", supersedes=(out[-1].op_id,) if i > 2 else (), county=COUNTY))
    return out


def make(folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    k = {n: bytes.fromhex(v) for n, v in KEYS.items()}
    county_pub = bf.raw_public(bf.load_x25519(k["county_box"]))
    other_pub = bf.raw_public(bf.load_x25519(k["other_county_box"]))
    dev = bf.load_ed25519(k["device_sign"])
    rev = bf.load_ed25519(k["revoked_sign"])

    def seal(sender: str, key: Any, recipient: bytes, ops: list[Op], county: str = COUNTY) -> bytes:
        return bf.seal_bundle(kind="uplink", county=county, sender=sender, sign_key=key, recipient_public=recipient,
                              ops=ops, created_ms=CREATED, ephemeral=bf.load_x25519(k["ephemeral"])).data

    valid = seal(DEVICE, dev, county_pub, ops_for(DEVICE, CREATED - 3_600_000))
    files: dict[str, tuple[bytes, str]] = {
        "valid.fab": (valid, "ok"),
        "truncated.fab": (valid[: len(valid) // 2], "truncated"),
        "truncated_signature.fab": (valid[:-10], "truncated"),
        "bitflip_body.fab": (valid[:-200] + bytes([valid[-200] ^ 0x01]) + valid[-199:], "damaged"),
        "bitflip_signature.fab": (valid[:-1] + bytes([valid[-1] ^ 0x80]), "damaged"),
        "extra_bytes.fab": (valid + b"\x00", "damaged"),
        "not_a_bundle.fab": (b"PK\x03\x04 this is a zip file\n", "not_a_bundle"),
        "newer_format.fab": (b"fieldapp-bundle/v9\n{}\n", "newer_format"),
        "other_county.fab": (
            bf.seal_bundle(kind="uplink", county="370304", sender=DEVICE, sign_key=dev, recipient_public=other_pub,
                           ops=[], created_ms=CREATED, ephemeral=bf.load_x25519(k["ephemeral"])).data,
            "wrong_county"),
        "wrong_recipient.fab": (seal(DEVICE, dev, other_pub, ops_for(DEVICE, CREATED - 3_600_000)), "wrong_recipient"),
        "revoked_device.fab": (seal(REVOKED, rev, county_pub, ops_for(REVOKED, CREATED - 3_600_000)), "revoked_device"),
        "clock_ahead.fab": (seal(DEVICE, dev, county_pub, ops_for(DEVICE, CREATED + 2 * 86_400_000, 4)), "clock_ahead"),
    }
    index: dict[str, Any] = {
        "county": COUNTY,
        "now_ms": NOW_MS,
        "keys": KEYS,
        "devices": {
            DEVICE: {"sign_public": bf.raw_public(dev).hex(), "status": "active"},
            REVOKED: {"sign_public": bf.raw_public(rev).hex(), "status": "revoked", "revoked_at": "2026-05-01T00:00:00Z"},
        },
        "vectors": [],
    }
    for name, (data, expect) in files.items():
        (folder / name).write_bytes(data)
        index["vectors"].append({"file": name, "expect": expect})
    (folder / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return index


if __name__ == "__main__":
    make(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/vectors/bundles"))
