"""The laptop's and the township relay's HTTP client (httpx): enroll, sync, relay.

Plain HTTP is allowed only to loopback (tests); anything else is HTTPS with the
server certificate pinned at enrollment (trust exactly that certificate).
"""

from __future__ import annotations

import json
import os
import secrets
import ssl
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from fieldapp.errors import InputRefused
from fieldapp.keys import recovery_key_id, recovery_wrap
from fieldapp.merge import Op
from fieldapp.oplog import HELD_BY_COUNTY, outbox, outbox_size, trust_counts
from fieldapp.store import Store, utc_now
from sync import bundle as bf
from sync import device as dv
from sync.protocol import request_message

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BATCH_BYTES = 256 * 1024
PULL_LIMIT = 1000
RETRIES = 5
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)
Progress = Callable[[str, int, int], None]


class Unreachable(InputRefused):  # noqa: N818
    code = "server_unreachable"


def check_url(url: str) -> tuple[str, str, int]:
    """Refuse plain HTTP except to loopback; returns (scheme, host, port)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "http":
        if host not in LOOPBACK:
            raise InputRefused(
                "plain http:// is only allowed to 127.0.0.1; use https:// for the county server",
                "只有 127.0.0.1 可以使用 http://；县服务器请使用 https://",
            )
        return "http", host, parts.port or 80
    if parts.scheme != "https" or not host:
        raise InputRefused(f"'{url}' is not a server address (https://host:port)", f"“{url}”不是服务器地址")
    return "https", host, parts.port or 443


def pinned_context(pem: str) -> ssl.SSLContext:
    """A TLS context that trusts exactly the pinned certificate."""
    ctx = ssl.create_default_context(cadata=pem)
    ctx.check_hostname = False
    ctx.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return ctx


def fetch_certificate(host: str, port: int) -> str:
    """The server's certificate (PEM), fetched without trusting it (trust on first use)."""
    return ssl.get_server_certificate((host, port))


def make_http(url: str, pem: str | None, timeout: float = 30.0) -> httpx.Client:
    scheme, _host, _port = check_url(url)
    verify: Any = True
    if scheme == "https":
        if not pem:
            raise InputRefused("no pinned server certificate; enroll again", "没有已固定的服务器证书；请重新登记")
        verify = pinned_context(pem)
    return httpx.Client(base_url=url.rstrip("/"), verify=verify, timeout=timeout, trust_env=False)


def _reason(resp: httpx.Response) -> InputRefused:
    try:
        doc = resp.json()
    except ValueError:
        doc = {}
    if isinstance(doc, dict) and "reason" in doc:
        return InputRefused(str(doc["reason"]), str(doc.get("reason_zh") or doc["reason"]), code=str(doc.get("code", "refused")))
    detail = doc.get("detail") if isinstance(doc, dict) else None
    return InputRefused(f"the county server refused the request ({resp.status_code}): {detail}",
                        f"县服务器拒绝了请求（{resp.status_code}）")


def _request(http: httpx.Client, method: str, path: str, *, retries: int = RETRIES,
             sign: Callable[[str, str, bytes], dict[str, str]] | None = None, body: bytes = b"",
             params: dict[str, Any] | None = None, content_type: str = "application/json") -> httpx.Response:
    """One request with retries and back-off on network errors and 5xx; refusals raise at once."""
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(BACKOFF_S[min(attempt - 1, len(BACKOFF_S) - 1)])
        # The query is part of the signed path (a pull's cursor cannot be changed on the way).
        url_path = f"{path}?{urlencode(params)}" if params else path
        headers = {"content-type": content_type} if body else {}
        if sign is not None:
            headers.update(sign(method, url_path, body))
        try:
            resp = http.request(method, url_path, content=body or None, headers=headers)
        except httpx.TransportError as exc:
            last = exc
            continue
        if resp.status_code == 507:  # out of space: say so, the server is there
            raise _reason(resp)
        if resp.status_code >= 500:
            last = RuntimeError(f"server error {resp.status_code}")
            continue
        if resp.status_code >= 400:
            raise _reason(resp)
        return resp
    raise Unreachable(
        f"the county server cannot be reached ({last}); nothing was lost: run sync again later",
        "无法连接县服务器；数据没有丢失，请稍后再次同步",
    )


def signer(store: Store) -> Callable[[str, str, bytes], dict[str, str]]:
    sign_key, _box = dv.device_keys(store)
    device_id = store.device_id

    def sign(method: str, path: str, body: bytes) -> dict[str, str]:
        ts = int(time.time())
        nonce = secrets.token_hex(16)
        sig = sign_key.sign(request_message(method, path, body, ts, nonce))
        return {"x-fieldapp-device": device_id, "x-fieldapp-time": str(ts), "x-fieldapp-nonce": nonce,
                "x-fieldapp-signature": sig.hex()}

    return sign


# ----- enrollment -----------------------------------------------------------------------
def enroll(app: Any, server: str, code: str, fingerprint: str | None = None) -> dict[str, Any]:
    """Enroll this laptop: send its public keys and the recovery wrap, keep the county's answer."""
    store: Store = app.store
    if dv.is_enrolled(store):
        raise InputRefused("this laptop is already enrolled", "本机已经登记过")
    scheme, host, port = check_url(server)
    pem = None
    if scheme == "https":
        pem = fetch_certificate(host, port)
        got = _fingerprint(pem)
        if fingerprint and fingerprint.replace(":", "").lower() != got:
            raise InputRefused(
                f"the server's certificate fingerprint is {got}, not the one given; do not enroll (wrong server?)",
                "服务器证书指纹与给定的不一致；请勿登记（可能连错了服务器）",
            )
    with make_http(server, pem) as http:
        info = _request(http, "GET", "/api/v1/info").json()
        recovery_public = bytes.fromhex(info["recovery_public"])
        wrap = recovery_wrap(store.db_key, recovery_public, recovery_key_id(recovery_public))
        body = json.dumps({"code": code, "device_id": store.device_id, **dv.public_keys(store),
                           "recovery_wrap": wrap}).encode()
        doc = _request(http, "POST", "/api/v1/enroll", body=body, retries=1).json()
    dv.save_enrollment(store, doc, server.rstrip("/"), pem)
    if store.keyfile is not None:
        store.set_recovery_key(recovery_public)
    return {"device_id": store.device_id, "county": doc["county"], "villages": doc["villages"], "cadre": doc["cadre"],
            "server": server, "fingerprint": _fingerprint(pem) if pem else None}


def _fingerprint(pem: str) -> str:
    import hashlib

    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


# ----- sync -------------------------------------------------------------------------------
def _batches(ops: list[Op], limit_bytes: int) -> list[list[Op]]:
    out: list[list[Op]] = []
    cur: list[Op] = []
    size = 0
    for op in ops:
        n = len(bf.canonical(op.to_json())) + 1
        if cur and size + n > limit_bytes:
            out.append(cur)
            cur, size = [], 0
        cur.append(op)
        size += n
    if cur:
        out.append(cur)
    return out


def reconcile(app: Any, http: httpx.Client, retries: int = RETRIES) -> int:
    """Before pushing: learn which of this laptop's sequence numbers the county already received,
    and move unsent ops off numbers taken by others (after a restore from an old backup)."""
    store: Store = app.store
    acked = dv.acked_seq(store)
    upto = min(max(acked, int(store.meta("device_seq", "0") or 0)), acked + 100_000)  # the server's range cap
    doc = _request(http, "GET", "/api/v1/seqs", sign=signer(store), params={"after": acked, "upto": upto},
                   retries=retries).json()
    return dv.renumber_taken(store, {int(s): str(i) for s, i in doc["ops"]}, int(doc["top_seq"]),
                             int(doc["acked_seq"]))


def push(app: Any, http: httpx.Client, batch_bytes: int = BATCH_BYTES, progress: Progress | None = None,
         retries: int = RETRIES) -> dict[str, Any]:
    """Send the outbox in byte-sized batches; each answer's ack is recorded before the next batch."""
    store: Store = app.store
    sign = signer(store)
    sent = 0
    pending = outbox(store, limit=5000)
    total = outbox_size(store)
    quarantined = None
    while pending:
        batch = _batches(pending, batch_bytes)[0]
        body = json.dumps({"ops": [op.to_json() for op in batch]}, ensure_ascii=False, separators=(",", ":")).encode()
        doc = _request(http, "POST", "/api/v1/push", sign=sign, body=body, retries=retries).json()
        before = dv.acked_seq(store)
        after = dv.ack(store, int(doc["acked_seq"]))
        sent += len(batch)
        if progress:
            progress("push", sent, total)
        store.set_meta(HELD_BY_COUNTY, str(int(doc.get("held", 0) or 0)))
        if doc.get("code") == "clock_ahead":
            quarantined = InputRefused(doc["reason"], doc.get("reason_zh") or doc["reason"], code="clock_ahead")
            break
        if after <= before and after < batch[-1].device_seq:
            raise InputRefused(
                "the county server did not acknowledge the data sent; nothing was lost, try again later",
                "县服务器没有确认收到的数据；数据没有丢失，请稍后重试",
            )
        pending = outbox(store, limit=5000)
    if quarantined is not None:
        raise quarantined
    return {"pushed": sent, "acked_seq": dv.acked_seq(store)}


def pull(app: Any, http: httpx.Client, progress: Progress | None = None, retries: int = RETRIES) -> dict[str, Any]:
    """Fetch the ops of this laptop's villages since its cursor and apply each page in one transaction."""
    store: Store = app.store
    sign = signer(store)
    got = applied = 0
    mine_after = dv.own_complete_seq(store)
    while True:
        cursor = int(store.meta(dv.PULL_CURSOR, "0") or 0)
        params = {"cursor": cursor, "limit": PULL_LIMIT, "mine_after": mine_after}
        doc = _request(http, "GET", "/api/v1/pull", sign=sign, params=params, retries=retries).json()
        with store.tx():
            counts = dv.apply_remote(app, dv.decode_ops(store, doc["ops"]))
            store.set_meta(HELD_BY_COUNTY, str(int(doc.get("held", 0) or 0)))
            store.set_meta(dv.PULL_CURSOR, str(max(cursor, int(doc["cursor"]))))
            dv.ack(store, int(doc["acked_seq"]))
        got += len(doc["ops"])
        applied += counts["applied"]
        if progress:
            progress("pull", got, got)
        if not doc["more"]:
            return {"pulled": got, "applied": applied}


def sync(app: Any, batch_bytes: int = BATCH_BYTES, progress: Progress | None = None,
         retries: int = RETRIES, *, wrap_http: Callable[[httpx.Client], Any] | None = None,
         cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Push, then pull; returns counts and the acked seq.

    ``wrap_http`` lets a caller (the GUI) interpose on each request, e.g. to check
    for cancel and release its store lock while waiting on the network;
    ``cancelled`` is checked between push and pull.
    """
    from fieldapp.errors import Cancelled

    store: Store = app.store
    dv.require_enrolled(store)
    url = store.meta("server_url") or ""
    with make_http(url, store.meta(dv.CERT_PEM)) as raw_http:
        http = wrap_http(raw_http) if wrap_http is not None else raw_http
        renumbered = reconcile(app, http, retries)
        pushed = push(app, http, batch_bytes, progress, retries)
        if cancelled is not None and cancelled():
            raise Cancelled("sync cancelled")
        pulled = pull(app, http, progress, retries)
    store.set_meta("last_sync", utc_now())
    return {**pushed, **pulled, "renumbered": renumbered, "outbox_pending": len(outbox(store)),
            **trust_counts(store)}


# ----- township relay -------------------------------------------------------------------------
def relay(server: str, usb: Path | None, pem: str | None = None, queue: Path | None = None) -> dict[str, Any]:
    """The township office's relay (DESIGN §5).

    Checks every uplink bundle on the stick against the county's device list
    (signature, county, revocation: it never needs a key that could open a
    bundle), queues the good ones in ``queue``, uploads the queue when the county
    can be reached, and writes each device's latest downlink bundle onto the
    stick. Offline, it works from the device list it saved last time and keeps
    the queue for the next run (``fieldapp relay --server URL`` without ``--usb``
    just uploads the queue).
    """

    if usb is not None:
        usb = Path(usb)
        if not usb.is_dir():
            raise InputRefused(f"{usb} is not a folder", f"{usb} 不是文件夹")
    queue = Path(queue) if queue is not None else Path("relay-queue")
    queue.mkdir(parents=True, exist_ok=True)
    (queue / "refused").mkdir(exist_ok=True)
    cache = queue / "county.json"
    results: list[dict[str, Any]] = []
    devices_seen: set[str] = set()
    sender_of: dict[str, str] = {}  # bundle file -> the device that signed it (for the relay window)
    proof: dict[str, str] = {}  # device -> SHA-256 of one of its bundles on the stick
    with make_http(server, pem) as http:
        try:
            info = _request(http, "GET", "/api/v1/info", retries=1).json()
            devices = _request(http, "GET", "/api/v1/devices", retries=1).json()
            bf.write_bundle_file(queue, cache.name, json.dumps({"info": info, "devices": devices}).encode(),
                                 lambda back: json.loads(back))
            online = True
        except Unreachable:
            if not cache.exists():
                raise InputRefused(
                    "the county server cannot be reached and this office has no device list yet; "
                    "connect once, then bundles can be checked and queued offline",
                    "无法连接县服务器，本办公室也还没有设备名单；请先联网一次，之后可离线核验并暂存数据包",
                ) from None
            saved = json.loads(cache.read_text("utf-8"))
            info, devices = saved["info"], saved["devices"]
            online = False
        known = {d["device_id"]: bf.Sender(bytes.fromhex(d["sign_public"]), d["status"], d.get("revoked_at"))
                 for d in devices}
        for path in sorted(usb.glob("fieldapp-up-*" + bf.SUFFIX)) if usb is not None else []:
            try:  # read as a stream: a huge junk file is refused after its first chunk
                header = bf.check_file(path, county=info["county"], senders=known.get, kind="uplink")
            except bf.BundleRefused as exc:
                results.append({"file": path.name, "status": "refused", "code": exc.code, "reason": exc.en,
                                "reason_zh": exc.zh})
                continue
            devices_seen.add(header["sender"])
            sender_of[path.name] = str(header["sender"])
            proof[str(header["sender"])] = _file_sha256(path).hex()
            queued = queue / path.name
            if not (queued.exists() and _file_sha256(queued) == _file_sha256(path)):
                bf.copy_file(path, queue, path.name)
            if not online:
                results.append({"file": path.name, "status": "queued",
                                "reason": "kept in the office queue; it is uploaded when the county can be reached",
                                "reason_zh": "已暂存在本办公室，联网后自动上传"})
        if online:
            for path in sorted(queue.glob("fieldapp-up-*" + bf.SUFFIX)):
                try:
                    resp = http.post("/api/v1/bundles", content=_file_chunks(path),
                                     headers={"content-type": "application/octet-stream"})
                except httpx.TransportError:
                    results.append({"file": path.name, "status": "queued",
                                    "reason": "the connection dropped; the bundle stays queued",
                                    "reason_zh": "连接中断，数据包仍在暂存队列中"})
                    continue
                doc = resp.json()
                if resp.status_code == 200:
                    results.append({"file": path.name, **doc})
                    path.unlink()
                elif resp.status_code >= 500:
                    results.append({"file": path.name, "status": "queued", "reason": f"server error {resp.status_code}",
                                    "reason_zh": "服务器出错，数据包仍在暂存队列中"})
                else:
                    results.append({"file": path.name, "status": "refused", "code": doc.get("code"),
                                    "reason": doc.get("reason"), "reason_zh": doc.get("reason_zh")})
                    os.replace(path, queue / "refused" / path.name)
        downlinks = []
        if online and usb is not None:
            county_sign = bytes.fromhex(info["county_sign_public"])
            for device_id in sorted(devices_seen):
                # The county gives a device's downlink only to whoever shows one of its bundles (by hash).
                resp = http.get(f"/api/v1/devices/{device_id}/downlink", params={"bundle": proof[device_id]})
                if resp.status_code != 200:
                    continue

                def verify(back: bytes) -> None:
                    bf.verify_outer(back, bf.parse_outer(back), county_sign)

                out = bf.write_bundle_file(usb, bf.downlink_name(device_id), resp.content, verify)
                downlinks.append(str(out))
    pending = sorted(p.name for p in queue.glob("fieldapp-up-*" + bf.SUFFIX))
    for r in results:
        if r["file"] in sender_of:
            r.setdefault("device", sender_of[r["file"]])
    return {"online": online, "uploaded": results, "downlinks": downlinks, "queued": pending}


def _file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        yield from iter(lambda: fh.read(size), b"")


def _file_sha256(path: Path) -> bytes:
    import hashlib

    digest = hashlib.sha256()
    for chunk in _file_chunks(path):
        digest.update(chunk)
    return digest.digest()


def upload_ok(results: list[dict[str, Any]]) -> bool:
    """Nothing refused: every bundle was imported, had been already, or waits in the queue."""
    return all(r.get("status") in ("imported", "already_imported", "queued") for r in results)


def _env_pem() -> str | None:
    path = os.environ.get("FIELDAPP_SERVER_CERT")
    return Path(path).read_text("utf-8") if path else None
