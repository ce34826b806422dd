"""USB bundles: sealed, signed files of ops (docs/bundle-format.md is the spec).

A bundle is a magic line, a clear JSON header, the AES-256-GCM chunks of the
sealed body (X25519 + HKDF-SHA256 key, STREAM nonces with a final flag) and an
outer Ed25519 signature by the sender. The sealed body holds the manifest, the
inner signature over it, and the compressed ops. No Qt, no HTTP, no database:
callers give keys and get :class:`Opened` bundles or a :class:`BundleRefused`.
"""

from __future__ import annotations

import hashlib
import json
import lzma
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import InputRefused
from fieldapp.fsutil import atomic_writer, write_atomic
from fieldapp.merge import Op

MAGIC = b"fieldapp-bundle/v1\n"
FORMAT_VERSION = 1
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
SIG_SIZE = 64
MAX_HEADER = 4096
MAX_MANIFEST = 64 * 1024
MAX_PAYLOAD_OUT = 1024 * 1024 * 1024  # bytes of ops a payload may unpack to
MAX_RATIO = 60  # JSON ops compress about 10:1 with xz; far beyond that is a bomb
HKDF_INFO = b"fieldapp-bundle/v1 payload key"
OUTER_CONTEXT = b"fieldapp-bundle/v1 outer\n"
INNER_CONTEXT = b"fieldapp-bundle/v1 manifest\n"
KINDS = ("uplink", "downlink")
SUFFIX = ".fab"


# ----- keys -----------------------------------------------------------------------
def raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    """The raw 32-byte public key of a private key."""
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    """The raw 32-byte private key."""
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def key_id(public: bytes) -> str:
    """Short id of a public key: first 8 bytes of its SHA-256, hex."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class Sender:
    """What a reader knows about a bundle's sender (from the device list or enrollment)."""

    sign_public: bytes
    status: str = "active"  # active | revoked
    revoked_at: str | None = None


# ----- refusals ---------------------------------------------------------------------
class BundleRefused(InputRefused):  # noqa: N818
    """A bundle was not imported; ``code`` says why, ``en``/``zh`` say it to a clerk."""

    code = "bundle_refused"


_REASONS: dict[str, tuple[str, str]] = {
    "not_a_bundle": (
        "This file is not a Fieldapp data bundle. Nothing was imported.",
        "该文件不是 Fieldapp 数据包，未导入任何数据。",
    ),
    "newer_format": (
        "This bundle was made by a newer Fieldapp; update Fieldapp here, then import it again. Nothing was imported.",
        "该数据包由更新版本的 Fieldapp 生成；请先升级本机的 Fieldapp 再导入。未导入任何数据。",
    ),
    "truncated": (
        "The bundle file is incomplete (the copy to the USB stick was cut short). Nothing was imported. "
        "Ask the laptop's user to export it again.",
        "数据包文件不完整（拷贝到U盘时中断）。未导入任何数据。请让笔记本使用人重新导出。",
    ),
    "damaged": (
        "The bundle file is damaged (its contents fail the checks). Nothing was imported. Ask for a new export.",
        "数据包文件已损坏（内容校验不通过）。未导入任何数据。请重新导出。",
    ),
    "wrong_county": (
        "This bundle is for another county ({other}), not this one ({ours}). Nothing was imported.",
        "该数据包属于其他县（{other}），不是本县（{ours}）。未导入任何数据。",
    ),
    "wrong_recipient": (
        "This bundle was sealed for a different recipient, so it cannot be opened here. Nothing was imported.",
        "该数据包是发给其他接收方的，本机无法打开。未导入任何数据。",
    ),
    "unknown_device": (
        "This bundle comes from a laptop that is not enrolled with this county. Nothing was imported.",
        "该数据包来自未在本县登记的笔记本。未导入任何数据。",
    ),
    "revoked_device": (
        "This bundle comes from a laptop whose access was revoked{when}. Nothing was imported; contact county IT.",
        "该数据包来自已被停用的笔记本{when_zh}。未导入任何数据；请联系县里信息员。",
    ),
    "already_imported": (
        "This bundle was already imported; nothing to do.",
        "该数据包已经导入过，无需重复导入。",
    ),
    "clock_ahead": (
        "The laptop's clock was about {days} day(s) ahead when this bundle was made, so its data was set aside "
        "(quarantined) and nothing was imported. Set the laptop's date and time right; county IT will review "
        "the set-aside data.",
        "生成该数据包时笔记本的时钟快了约 {days} 天，数据已被隔离，未导入。请校正笔记本的日期和时间；"
        "隔离的数据由县里信息员核查。",
    ),
    "inflated": (
        "The bundle unpacks to far more data than it holds (more than {limit}); it is damaged or made to "
        "exhaust the server. Nothing was imported.",
        "数据包解压后的数据量远超其本身（超过 {limit}），已损坏或为恶意构造。未导入任何数据。",
    ),
    "wrong_kind": (
        "This is not the right kind of bundle for this step ({kind}). Nothing was imported.",
        "数据包类型不对（{kind}），未导入任何数据。",
    ),
}


def refuse(code: str, **kw: Any) -> BundleRefused:
    """Build the refusal for ``code`` with its clerk-readable texts."""
    en, zh = _REASONS[code]
    return BundleRefused(en.format(**kw), zh.format(**kw), code=code)


def revoked(revoked_at: str | None) -> BundleRefused:
    """The refusal for a bundle from a revoked device."""
    when = f" on {revoked_at[:10]}" if revoked_at else ""
    when_zh = f"（{revoked_at[:10]} 停用）" if revoked_at else ""
    return refuse("revoked_device", when=when, when_zh=when_zh)


# ----- canonical JSON -----------------------------------------------------------------
def canonical(doc: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_ops(ops: list[Op]) -> bytes:
    """The bare ops as JSON lines (what the payload compresses)."""
    return b"".join(canonical(op.to_json()) + b"\n" for op in ops)


def compress(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE, preset=6)


class Inflated(ValueError):
    """The payload unpacks past its output cap or its ratio cap (a decompression bomb)."""


def decompress(data: bytes, limit: int = MAX_PAYLOAD_OUT, ratio: int = MAX_RATIO) -> bytes:
    """Unpack an xz payload, refusing it as soon as the output passes ``limit`` bytes or
    ``ratio`` times the packed size (plus 1 MiB): memory stays bounded whatever the input."""
    cap = min(limit, ratio * len(data) + (1 << 20))
    dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    parts: list[bytes] = []
    size = 0
    chunk = data
    while not dec.eof:
        part = dec.decompress(chunk, max_length=min(8 << 20, cap - size + 1))
        chunk = b""
        size += len(part)
        if size > cap:
            raise Inflated(f"payload unpacks past {cap} bytes")
        parts.append(part)
        if not part and dec.needs_input:
            break
    if not dec.eof or dec.unused_data:
        raise ValueError("payload stream incomplete")
    return b"".join(parts)


# ----- sealing ----------------------------------------------------------------------
def _nonce(counter: int, final: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _payload_key(shared: bytes, eph_public: bytes, recipient_public: bytes) -> bytes:
    if shared == bytes(32):
        raise ValueError("low-order point")
    return HKDF(hashes.SHA256(), 32, salt=eph_public + recipient_public, info=HKDF_INFO).derive(shared)


def _seal(plain: bytes, key: bytes, aad: bytes) -> bytes:
    aead = AESGCM(key)
    parts = []
    n = max(1, -(-len(plain) // CHUNK_SIZE))
    for i in range(n):
        chunk = plain[i * CHUNK_SIZE:(i + 1) * CHUNK_SIZE]
        parts.append(aead.encrypt(_nonce(i, i == n - 1), chunk, aad))
    return b"".join(parts)


def _open_sealed(sealed: bytes, key: bytes, aad: bytes) -> bytes:
    aead = AESGCM(key)
    full = CHUNK_SIZE + TAG_SIZE
    out = []
    pos, i = 0, 0
    while True:
        chunk = sealed[pos:pos + full]
        last = pos + full >= len(sealed)
        if len(chunk) < TAG_SIZE:
            raise refuse("truncated")
        try:
            out.append(aead.decrypt(_nonce(i, last), chunk, aad))
        except InvalidTag:
            if last and len(chunk) == full:
                # A full chunk that opens as non-final: the file stops at a chunk boundary.
                try:
                    aead.decrypt(_nonce(i, False), chunk, aad)
                except InvalidTag:
                    raise refuse("damaged") from None
                raise refuse("truncated") from None
            raise refuse("damaged") from None
        if last:
            return b"".join(out)
        pos += full
        i += 1


# ----- writing ------------------------------------------------------------------------
@dataclass
class Written:
    """A bundle made in memory: its bytes, manifest and SHA-256."""

    data: bytes
    manifest: dict[str, Any]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def seal_bundle(
    *,
    kind: str,
    county: str,
    sender: str,
    sign_key: Ed25519PrivateKey,
    recipient_public: bytes,
    ops: list[Op],
    extra: dict[str, Any] | None = None,
    prev_bundle_hash: str = "",
    schema_version: int = 1,
    created_ms: int | None = None,
    ephemeral: X25519PrivateKey | None = None,
) -> Written:
    """Make a bundle of ``ops`` from ``sender``, sealed to ``recipient_public``.

    Args:
        kind: ``uplink`` (device to county) or ``downlink`` (county to device).
        county: the county code every op names.
        sender: the sender's id (a device id, or ``county:<code>``).
        sign_key: the sender's Ed25519 key (signs manifest and file).
        recipient_public: the recipient's X25519 public key.
        ops: the ops carried, in order.
        extra: more signed manifest fields (acks, cursors).
        prev_bundle_hash: SHA-256 of the sender's previous bundle, or "".
        schema_version: the sender's store schema version.
        created_ms: creation time (ms since the epoch), for fixed test vectors.
        ephemeral: the ephemeral X25519 key, for fixed test vectors only.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    created_ms = int(time.time() * 1000) if created_ms is None else created_ms
    payload = compress(encode_ops(ops))
    seqs = [op.device_seq for op in ops]
    hlcs = [op.hlc for op in ops]
    sign_public = raw_public(sign_key)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "kind": kind,
        "county": county,
        "sender": sender,
        "key_id": key_id(sign_public),
        "recipient_key_id": key_id(recipient_public),
        "seq_from": min(seqs) if seqs else 0,
        "seq_to": max(seqs) if seqs else 0,
        "hlc_min": min(hlcs) if hlcs else "",
        "hlc_max": max(hlcs) if hlcs else "",
        "schema_version": schema_version,
        "prev_bundle_hash": prev_bundle_hash,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "payload_bytes": len(payload),
        "compression": "xz",
        "counts": {"ops": len(ops), "attachments": sum(1 for op in ops if op.entity == "attachment")},
        "created_ms": created_ms,
        **(extra or {}),
    }
    mbytes = canonical(manifest)
    inner_sig = sign_key.sign(INNER_CONTEXT + mbytes)
    plain = struct.pack(">I", len(mbytes)) + mbytes + inner_sig + payload
    eph = ephemeral or X25519PrivateKey.generate()
    eph_public = raw_public(eph)
    key = _payload_key(eph.exchange(X25519PublicKey.from_public_bytes(recipient_public)), eph_public, recipient_public)
    n_chunks = max(1, -(-len(plain) // CHUNK_SIZE))
    header = {
        "format": FORMAT_VERSION,
        "kind": kind,
        "county": county,
        "sender": sender,
        "key_id": key_id(sign_public),
        "recipient_key_id": key_id(recipient_public),
        "ephemeral": eph_public.hex(),
        "chunk_size": CHUNK_SIZE,
        "sealed_bytes": len(plain) + n_chunks * TAG_SIZE,
    }
    head = MAGIC + canonical(header) + b"\n"
    sealed = _seal(plain, key, hashlib.sha256(head).digest())
    body = head + sealed
    outer = sign_key.sign(OUTER_CONTEXT + hashlib.sha256(body).digest())
    return Written(body + outer, manifest)


# ----- reading ------------------------------------------------------------------------
@dataclass
class Outer:
    """The clear part of a bundle, checked for completeness and sender signature."""

    header: dict[str, Any]
    head: bytes
    sealed: bytes
    sha256: str


@dataclass
class Opened:
    """A fully verified bundle."""

    header: dict[str, Any]
    manifest: dict[str, Any]
    ops: list[Op]
    sha256: str
    payload: bytes = field(repr=False, default=b"")


def parse_header(data: bytes) -> tuple[dict[str, Any], int, int]:
    """The header of a bundle from its first bytes (at most ``len(MAGIC) + MAX_HEADER`` needed):
    (header, length of the magic and header line, total length the whole file must have).

    Raises:
        BundleRefused: not_a_bundle, newer_format, truncated (too few bytes yet) or damaged.
    """
    if len(data) < len(MAGIC):
        if MAGIC.startswith(data):
            raise refuse("truncated")
        raise refuse("not_a_bundle")
    if not data.startswith(MAGIC):
        if data.startswith(b"fieldapp-bundle/"):
            raise refuse("newer_format")
        raise refuse("not_a_bundle")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        raise refuse("truncated" if len(data) < len(MAGIC) + MAX_HEADER else "damaged")
    try:
        header = json.loads(data[len(MAGIC):end].decode("utf-8"))
        if not isinstance(header, dict):
            raise ValueError("header")
        fmt = int(header["format"])
        sealed_bytes = int(header["sealed_bytes"])
        for name in ("kind", "county", "sender", "key_id", "recipient_key_id", "ephemeral"):
            if not isinstance(header[name], str):
                raise ValueError(name)
        bytes.fromhex(header["ephemeral"])
        if int(header["chunk_size"]) != CHUNK_SIZE or sealed_bytes < TAG_SIZE:
            raise ValueError("sizes")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise refuse("damaged") from None
    if fmt > FORMAT_VERSION:
        raise refuse("newer_format")
    if fmt != FORMAT_VERSION or header["kind"] not in KINDS:
        raise refuse("damaged")
    return header, end + 1, end + 1 + sealed_bytes + SIG_SIZE


def parse_outer(data: bytes) -> Outer:
    """Split a bundle into header and sealed body; refuse if it is not whole.

    Raises:
        BundleRefused: not_a_bundle, newer_format, truncated or damaged.
    """
    header, head_len, total = parse_header(data)
    head = data[:head_len]
    sealed_bytes = total - head_len - SIG_SIZE
    if len(data) < total:
        raise refuse("truncated")
    if len(data) > total:
        raise refuse("damaged")
    return Outer(header, head, data[len(head):len(head) + sealed_bytes], hashlib.sha256(data).hexdigest())


def verify_outer(data: bytes, outer: Outer, sign_public: bytes) -> None:
    """Check the sender's outer signature (what a relay can check without opening)."""
    verify_outer_digest(outer.header, hashlib.sha256(data[:-SIG_SIZE]).digest(), data[-SIG_SIZE:], sign_public)


def verify_outer_digest(header: dict[str, Any], body_sha256: bytes, sig: bytes, sign_public: bytes) -> None:
    """The outer signature over the SHA-256 of everything before it (a stream can be hashed as it arrives)."""
    if key_id(sign_public) != header["key_id"]:
        raise refuse("damaged")
    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(sig, OUTER_CONTEXT + body_sha256)
    except InvalidSignature:
        raise refuse("damaged") from None


def check_outer(
    data: bytes, *, county: str | None, senders: Callable[[str], Sender | None], kind: str | None = None
) -> Outer:
    """Everything that can be checked without opening: completeness, county, sender, signature."""
    outer = parse_outer(data)
    h = outer.header
    if kind is not None and h["kind"] != kind:
        raise refuse("wrong_kind", kind=h["kind"])
    sender = senders(h["sender"])
    if sender is None:
        if county is not None and h["county"] != county:
            raise refuse("wrong_county", other=h["county"] or "?", ours=county)
        raise refuse("unknown_device")
    verify_outer(data, outer, sender.sign_public)
    if county is not None and h["county"] != county:
        raise refuse("wrong_county", other=h["county"] or "?", ours=county)
    if sender.status == "revoked":
        raise revoked(sender.revoked_at)
    return outer


class BundleStream:
    """Checks a bundle while its bytes arrive (an upload, a file read in chunks), so that junk,
    foreign and unsigned data is refused before it is held: the header after the first few KiB
    (kind, county, known and active sender, declared size within ``limit``), the outer signature
    over the SHA-256 of the stream at the end. The bytes wait in a spool file (they are sealed)."""

    def __init__(self, *, county: str | None, senders: Callable[[str], Sender | None], kind: str | None,
                 limit: int, keep: bool = True) -> None:
        import tempfile

        self.county, self.senders, self.kind, self.limit = county, senders, kind, limit
        self.keep = keep
        self.spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - closed by finish()
        self.hasher = hashlib.sha256()
        self.head = bytearray()
        self.tail = bytearray()
        self.header: dict[str, Any] | None = None
        self.sender: Sender | None = None
        self.total = 0
        self.seen = 0

    def _check_header(self) -> None:
        try:
            header, _head_len, total = parse_header(bytes(self.head))
        except BundleRefused as exc:
            if exc.code == "truncated" and len(self.head) < len(MAGIC) + MAX_HEADER:
                return  # wait for more bytes
            raise
        if self.kind is not None and header["kind"] != self.kind:
            raise refuse("wrong_kind", kind=header["kind"])
        if self.county is not None and header["county"] != self.county:
            raise refuse("wrong_county", other=header["county"] or "?", ours=self.county)
        sender = self.senders(header["sender"])
        if sender is None:
            raise refuse("unknown_device")
        if sender.status == "revoked":
            raise revoked(sender.revoked_at)
        if total > self.limit:
            raise BundleTooLarge(self.limit)
        self.header, self.sender, self.total = header, sender, total

    def feed(self, chunk: bytes) -> None:
        if self.header is None:
            self.head += chunk[: len(MAGIC) + MAX_HEADER]
            self._check_header()
        self.seen += len(chunk)
        if self.header is not None and self.seen > self.total:
            raise refuse("damaged")
        if self.seen > self.limit:
            raise BundleTooLarge(self.limit)
        # Everything but the last SIG_SIZE bytes is signed: hash all but a held-back tail.
        if self.keep:
            self.spool.write(chunk)
        data = bytes(self.tail) + chunk
        self.hasher.update(data[:-SIG_SIZE])
        self.tail = bytearray(data[-SIG_SIZE:])

    def finish(self) -> bytes:
        """The whole bundle, once its outer signature holds; refuses a short or unsigned stream."""
        try:
            if self.header is None or self.sender is None:
                raise refuse("truncated" if len(self.head) and MAGIC.startswith(bytes(self.head[:len(MAGIC)]))
                             else "not_a_bundle")
            if self.seen < self.total:
                raise refuse("truncated")
            verify_outer_digest(self.header, self.hasher.digest(), bytes(self.tail), self.sender.sign_public)
            if not self.keep:
                return b""
            self.spool.seek(0)
            return self.spool.read()
        finally:
            self.spool.close()

    def close(self) -> None:
        self.spool.close()


class BundleTooLarge(BundleRefused):  # noqa: N818
    code = "too_large"

    def __init__(self, limit: int) -> None:
        mib = max(1, limit // (1 << 20))
        super().__init__(f"the bundle is larger than {mib} MiB; export smaller bundles",
                         f"数据包超过 {mib} MiB；请分多次导出")


def open_bundle(
    data: bytes,
    *,
    recipient_private: X25519PrivateKey,
    county: str | None,
    senders: Callable[[str], Sender | None],
    kind: str | None = None,
) -> Opened:
    """Verify and open a bundle completely; nothing is applied here.

    Raises:
        BundleRefused: with the code of the first check that failed.
    """
    outer = check_outer(data, county=county, senders=senders, kind=kind)
    h = outer.header
    recipient_public = raw_public(recipient_private)
    if h["recipient_key_id"] != key_id(recipient_public):
        raise refuse("wrong_recipient")
    sender = senders(h["sender"])
    assert sender is not None
    eph_public = bytes.fromhex(h["ephemeral"])
    try:
        shared = recipient_private.exchange(X25519PublicKey.from_public_bytes(eph_public))
        key = _payload_key(shared, eph_public, recipient_public)
    except ValueError:
        raise refuse("damaged") from None
    plain = _open_sealed(outer.sealed, key, hashlib.sha256(outer.head).digest())
    try:
        (mlen,) = struct.unpack(">I", plain[:4])
        if mlen > MAX_MANIFEST or len(plain) < 4 + mlen + SIG_SIZE:
            raise ValueError("manifest size")
        mbytes = plain[4:4 + mlen]
        inner_sig = plain[4 + mlen:4 + mlen + SIG_SIZE]
        payload = plain[4 + mlen + SIG_SIZE:]
        Ed25519PublicKey.from_public_bytes(sender.sign_public).verify(inner_sig, INNER_CONTEXT + mbytes)
        manifest = json.loads(mbytes.decode("utf-8"))
        for name in ("kind", "county", "sender", "key_id", "recipient_key_id"):
            if manifest[name] != h[name]:
                raise ValueError(name)
        if manifest["payload_sha256"] != hashlib.sha256(payload).hexdigest():
            raise ValueError("payload hash")
        try:
            unpacked = decompress(payload)
        except Inflated:
            mib = min(MAX_PAYLOAD_OUT, MAX_RATIO * len(payload) + (1 << 20)) // (1 << 20)
            raise refuse("inflated", limit=f"{mib} MiB") from None
        lines = unpacked.splitlines()
        ops = [Op.from_json(json.loads(line)) for line in lines if line]
        if len(ops) != int(manifest["counts"]["ops"]):
            raise ValueError("count")
        if manifest["kind"] == "uplink":
            for op in ops:
                if op.device_id != manifest["sender"] or op.county != manifest["county"]:
                    raise ValueError("foreign op")
                if not manifest["seq_from"] <= op.device_seq <= manifest["seq_to"]:
                    raise ValueError("seq range")
    except (InvalidSignature, ValueError, KeyError, TypeError, AttributeError, struct.error, UnicodeDecodeError,
            lzma.LZMAError):
        raise refuse("damaged") from None
    return Opened(h, manifest, ops, outer.sha256, payload)


# ----- files --------------------------------------------------------------------------
def uplink_name(device_id: str, seq_to: int, created_ms: int) -> str:
    return f"fieldapp-up-{device_id}-{seq_to:09d}-{created_ms}{SUFFIX}"


def downlink_name(device_id: str) -> str:
    return f"fieldapp-down-{device_id}{SUFFIX}"


def write_bundle_file(folder: Path, name: str, data: bytes, verify: Callable[[bytes], None]) -> Path:
    """Write ``data`` as ``folder/name``: ``.part``, fsync, read back, verify, rename, fsync folder.

    Nothing relies on rename being atomic (FAT sticks): a reader checks the file
    itself, so a half-renamed or half-written file is refused as truncated.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    def read_back(part: Path) -> None:
        back = part.read_bytes()
        if hashlib.sha256(back).digest() != hashlib.sha256(data).digest():
            raise InputRefused(
                f"the copy on {folder} reads back different from what was written; try another USB stick",
                f"写入 {folder} 的文件读回后与原文件不同；请换一个U盘重试",
            )
        verify(back)

    write_atomic(folder / name, data, read_back)
    return folder / name


def check_file(path: Path, *, county: str | None, senders: Callable[[str], Sender | None], kind: str | None,
               limit: int = 512 * (1 << 20)) -> dict[str, Any]:
    """Check a bundle file as a stream (header, sender, size, outer signature) without holding it:
    a relay or the county refuses a 1 GiB junk file after its first chunk. Returns the header."""
    stream = BundleStream(county=county, senders=senders, kind=kind, limit=limit, keep=False)
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                stream.feed(chunk)
        stream.finish()
    except OSError as exc:
        raise InputRefused(f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}") from None
    finally:
        stream.close()
    assert stream.header is not None
    return stream.header


def copy_file(src: Path, folder: Path, name: str) -> Path:
    """Copy a (checked) bundle file into ``folder`` in chunks, atomically, verified by its hash."""
    digest = hashlib.sha256()
    with open(src, "rb") as fh, atomic_writer(Path(folder) / name, lambda part: _same_hash(part, digest)) as out:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return Path(folder) / name


def _same_hash(path: Path, digest: Any) -> None:
    back = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            back.update(chunk)
    if back.digest() != digest.digest():
        raise refuse("damaged")


def read_file(path: Path) -> bytes:
    """Read a bundle file, with a clear refusal when it is missing."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputRefused(f"file not found: {path}", f"找不到文件：{path}") from None
    except OSError as exc:
        raise InputRefused(f"cannot read {path}: {exc.strerror}", f"无法读取 {path}：{exc.strerror}") from None


def load_ed25519(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def load_x25519(raw: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(raw)
