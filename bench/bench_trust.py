"""Sync trust boundary figures (issue 10): server ingest with validation and
authorisation; peak server RSS for a 1 GiB chunked upload (push and bundle) and
for a validly signed bundle bomb, next to the idle server; peak relay RSS for a
1 GiB file on the stick."""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from common import WORK, save_results  # noqa: E402

os.environ["FIELDAPP_KDF"] = "minimum"
FIELDAPP = str(Path(sys.executable).parent / "fieldapp")
GiB = 1 << 30
MiB = 1 << 20
VILLAGE = "370303102201"


def log(msg: str) -> None:
    print(msg, flush=True)


SIGNED_LOOKING = {"x-fieldapp-device": "01900000-0000-7000-8000-000000000009", "x-fieldapp-time": "1",
                  "x-fieldapp-nonce": "abcdefgh12345678", "x-fieldapp-signature": "00"}


def main() -> int:
    import httpx
    from bench_sync import ingest, laptop_ops
    from servers import chunked_upload
    from servers import peak_rss_mib as peak_mib

    from fieldapp.services import Fieldapp
    from fieldapp.store import Store
    from sync import bundle as bf
    from sync.client import enroll
    from sync.device import export_uplink

    WORK.mkdir(parents=True, exist_ok=True)
    figures: dict = {}
    rows: list[tuple[str, str, str, str]] = []
    os.environ.setdefault("BENCH_SYNC_HOUSEHOLDS", "1500")
    app, ops = laptop_ops(WORK / "trust-laptop")
    db = WORK / "trust-ingest.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    rate, raw = ingest(f"sqlite:///{db}", WORK / "trust-ingest", app, ops)
    app.store.close()
    figures["ingest_sqlite"] = {"ops_per_s": round(rate), "raw_ops_per_s": round(raw), "ratio": round(rate / raw, 2)}
    rows.append(("server ingest with op validation and village authorisation, SQLite", f"{rate:,.0f} ops/s",
                 f"{rate / raw:.2f}x raw bulk insert ({raw:,.0f}/s)", ">= 10,000 ops/s"))
    data = WORK / "trust-county"
    shutil.rmtree(data, ignore_errors=True)
    from pg import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([FIELDAPP, "serve", "--data", str(data), "--county", "370303", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/api/v1/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        idle = peak_mib(proc.pid)
        t = time.perf_counter()
        push_status, _ = chunked_upload(port, "/api/v1/push", GiB, b"x" * MiB, SIGNED_LOOKING)
        after_push = peak_mib(proc.pid)
        junk_status, _ = chunked_upload(port, "/api/v1/bundles", GiB, b"\0" * MiB)
        after_junk = peak_mib(proc.pid)
        log(f"1 GiB chunked push -> {push_status}, junk bundle -> {junk_status} ({time.perf_counter() - t:.1f} s)")
        # A bundle bomb, validly signed by an enrolled laptop.
        lap = WORK / "trust-bomb-laptop"
        shutil.rmtree(lap, ignore_errors=True)
        from conftest import PASS, household_input

        bomb_app = Fieldapp(Store.create(lap, PASS, county="370303"), actor="bench")
        admin = subprocess.run([FIELDAPP, "admin", "--data", str(data), "enroll-code", "--village", VILLAGE,
                                "--cadre", "bench"], capture_output=True, text=True, encoding="utf-8", check=True)
        enroll(bomb_app, url, admin.stdout.strip())
        bomb_app.add_household(household_input())
        packer = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=6)
        bomb = b"".join(packer.compress(b"\n" * (16 * MiB)) for _ in range(48)) + packer.flush()
        real_compress = bf.compress
        bf.compress = lambda _data: bomb  # type: ignore[assignment]
        try:
            path, _n = export_uplink(bomb_app, WORK / "trust-usb")
        finally:
            bf.compress = real_compress  # type: ignore[assignment]
        bomb_app.store.close()
        r = httpx.post(url + "/api/v1/bundles", content=path.read_bytes(), timeout=120)
        after_bomb = peak_mib(proc.pid)
        log(f"bundle bomb ({path.stat().st_size // 1024} KiB -> 768 MiB): {r.status_code} {r.json().get('code')}")
        # The relay with a 1 GiB file on the stick.
        stick = WORK / "trust-stick"
        shutil.rmtree(stick, ignore_errors=True)
        stick.mkdir()
        with open(stick / f"fieldapp-up-{'0' * 8}-000000001-1{bf.SUFFIX}", "wb") as fh:
            block = os.urandom(MiB)
            for _ in range(1024):
                fh.write(block)
        relay = subprocess.Popen([FIELDAPP, "relay", "--server", url, "--usb", str(stick), "--queue",
                                  str(WORK / "trust-queue"), "--json"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, env={**os.environ, "FIELDAPP_HOME": str(WORK / "trust-relay")})
        relay_peak = 0.0
        while relay.poll() is None:  # VmHWM only grows: the last reading before exit is the peak
            with contextlib.suppress(OSError, RuntimeError):
                relay_peak = max(relay_peak, peak_mib(relay.pid))
            time.sleep(0.02)
        log(f"relay with a 1 GiB file: exit {relay.returncode}, peak RSS {relay_peak:.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)
    figures["server_rss_mib"] = {"idle": round(idle), "after_1gib_chunked_push": round(after_push),
                                 "after_1gib_chunked_junk_bundle": round(after_junk),
                                 "after_bundle_bomb": round(after_bomb), "relay_1gib_file": round(relay_peak)}
    rows.append(("server peak RSS: 1 GiB chunked push / junk bundle / 768 MiB bundle bomb",
                 f"{after_push:.0f} / {after_junk:.0f} / {after_bomb:.0f} MiB", f"idle server {idle:.0f} MiB",
                 "refused without reading the whole body"))
    rows.append(("relay peak RSS with a 1 GiB file on the stick", f"{relay_peak:.0f} MiB", "streamed", "< 200 MiB"))
    save_results("trust", figures, rows)
    for row in rows:
        log(" | ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
