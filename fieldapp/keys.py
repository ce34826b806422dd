"""The key hierarchy of a laptop store (DESIGN §3).

A random 256-bit database key is the raw SQLCipher key. It never touches disk
in clear: ``store.key`` (JSON, no personal data) holds it wrapped

* by a key derived from the passphrase with Argon2id (AES-256-GCM), and
* once the county recovery public key is known, by that X25519 key
  (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM), so county IT can recover
  unsynced data when a passphrase is forgotten.

Changing the passphrase re-wraps the same database key; the database itself
is not re-encrypted.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import FieldappError, InputRefused, WrongPassphrase
from fieldapp.fsutil import write_atomic

KEYFILE_VERSION = 1
_AAD_PASS = b"fieldapp/dbkey/passphrase/v1"
_AAD_RECOVERY = b"fieldapp/dbkey/recovery/v1"
_HKDF_INFO = b"fieldapp/dbkey/recovery/hkdf/v1"

# DESIGN §3: never below m=64 MiB, t=3, p=4.
MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
LANES = 4
MAX_MEMORY_KIB = 512 * 1024
TARGET_SECONDS = 0.5
MIN_PASSPHRASE_LEN = 8


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = MIN_ITERATIONS
    lanes: int = LANES

    def derive(self, passphrase: str) -> bytes:
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "salt": b64e(self.salt),
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> KdfParams:
        if d.get("alg") != "argon2id":
            raise FieldappError("unsupported key derivation in store.key", "store.key 的密钥派生算法不受支持")
        params = cls(b64d(d["salt"]), int(d["memory_kib"]), int(d["iterations"]), int(d["lanes"]))
        if params.memory_kib < MIN_MEMORY_KIB or params.iterations < MIN_ITERATIONS:
            raise FieldappError("store.key has key-derivation settings below the minimum", "store.key 的密钥派生参数低于下限")
        return params


def calibrate_kdf(target_seconds: float = TARGET_SECONDS) -> KdfParams:
    """Pick Argon2id settings so that unlocking takes about ``target_seconds`` here.

    Memory grows first (it is what hurts attackers with GPUs), then iterations.
    ``FIELDAPP_KDF=minimum`` keeps the floor, for test suites.
    """
    salt = os.urandom(16)
    if os.environ.get("FIELDAPP_KDF") == "minimum":
        return KdfParams(salt)
    params = KdfParams(salt)
    start = time.perf_counter()
    params.derive("calibration")
    spent = max(time.perf_counter() - start, 1e-3)
    factor = target_seconds / spent
    memory = MIN_MEMORY_KIB
    iterations = MIN_ITERATIONS
    while factor >= 2 and memory * 2 <= MAX_MEMORY_KIB:
        memory *= 2
        factor /= 2
    if factor > 1.3:
        iterations = int(iterations * factor)
    return KdfParams(salt, memory, iterations, LANES)


def _wrap(kek: bytes, secret: bytes, aad: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": b64e(nonce), "ct": b64e(AESGCM(kek).encrypt(nonce, secret, aad))}


def _unwrap(kek: bytes, blob: dict[str, str], aad: bytes) -> bytes:
    return AESGCM(kek).decrypt(b64d(blob["nonce"]), b64d(blob["ct"]), aad)


def recovery_wrap(db_key: bytes, recovery_public: bytes, key_id: str) -> dict[str, str]:
    """Wrap the database key to the county recovery X25519 public key."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recovery_public))
    kek = HKDF(hashes.SHA256(), 32, salt=eph_pub + recovery_public, info=_HKDF_INFO).derive(shared)
    blob = _wrap(kek, db_key, _AAD_RECOVERY + key_id.encode())
    return {"key_id": key_id, "ephemeral": b64e(eph_pub), **blob}


def recovery_unwrap(wrap: dict[str, str], recovery_private: bytes) -> bytes:
    """Recover the database key with the county recovery private key (county IT only)."""
    priv = X25519PrivateKey.from_private_bytes(recovery_private)
    pub = priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    eph_pub = b64d(wrap["ephemeral"])
    shared = priv.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    kek = HKDF(hashes.SHA256(), 32, salt=eph_pub + pub, info=_HKDF_INFO).derive(shared)
    try:
        return _unwrap(kek, wrap, _AAD_RECOVERY + wrap["key_id"].encode())
    except InvalidTag:
        raise InputRefused(
            "this recovery key does not belong to this store's county",
            "该恢复密钥与本机数据所属县不符",
        ) from None


def recovery_key_id(public: bytes) -> str:
    digest = hashes.Hash(hashes.SHA256())
    digest.update(public)
    return digest.finalize()[:8].hex()


def generate_recovery_keypair() -> tuple[bytes, bytes]:
    """A county recovery key pair (private, public), raw 32-byte encodings."""
    priv = X25519PrivateKey.generate()
    return (
        priv.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
        priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
    )


@dataclass
class KeyFile:
    """The contents of ``store.key``: wrapped copies of the database key, nothing else."""

    kdf: KdfParams
    passphrase_wrap: dict[str, str]
    recovery: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, passphrase: str, db_key: bytes, params: KdfParams | None = None) -> KeyFile:
        check_passphrase_strength(passphrase)
        params = params or calibrate_kdf()
        return cls(params, _wrap(params.derive(passphrase), db_key, _AAD_PASS))

    def unlock(self, passphrase: str) -> bytes:
        try:
            return _unwrap(self.kdf.derive(passphrase), self.passphrase_wrap, _AAD_PASS)
        except InvalidTag:
            raise WrongPassphrase(
                "wrong passphrase: the store was not opened (nothing was changed); check the keyboard layout and try again",
                "口令不正确，数据未打开（文件未改动）；请检查输入法和大小写后重试",
            ) from None

    def rewrap(self, db_key: bytes, new_passphrase: str, params: KdfParams | None = None) -> KeyFile:
        check_passphrase_strength(new_passphrase)
        params = params or calibrate_kdf()
        return KeyFile(params, _wrap(params.derive(new_passphrase), db_key, _AAD_PASS), self.recovery, dict(self.extra))

    def with_recovery(self, db_key: bytes, recovery_public: bytes) -> KeyFile:
        wrap = recovery_wrap(db_key, recovery_public, recovery_key_id(recovery_public))
        return KeyFile(self.kdf, self.passphrase_wrap, wrap, dict(self.extra))

    def to_bytes(self) -> bytes:
        doc = {
            "format": "fieldapp-keyfile",
            "version": KEYFILE_VERSION,
            "kdf": self.kdf.to_json(),
            "passphrase_wrap": self.passphrase_wrap,
            "recovery_wrap": self.recovery,
            **self.extra,
        }
        return json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        try:
            doc = json.loads(data.decode("utf-8"))
            if doc.get("format") != "fieldapp-keyfile":
                raise ValueError("format")
            extra = {k: v for k, v in doc.items() if k not in {"format", "version", "kdf", "passphrase_wrap", "recovery_wrap"}}
            return cls(KdfParams.from_json(doc["kdf"]), doc["passphrase_wrap"], doc.get("recovery_wrap"), extra)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise FieldappError(
                "store.key is damaged; restore it from a backup or ask county IT for recovery",
                "密钥文件 store.key 已损坏；请从备份恢复或联系县里信息员恢复",
                code="keyfile_damaged",
            ) from None

    def save(self, path: Path) -> None:
        write_atomic(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        return cls.from_bytes(Path(path).read_bytes())


RECOVERY_KEY_KIND = "county-recovery-key"


def seal_recovery_private(private: bytes, public: bytes, passphrase: str, county: str) -> bytes:
    """The county recovery private key as a file for the county to keep offline: the key wrapped
    under a passphrase (Argon2id, as a laptop's store key), with the public key and county named."""
    kf = KeyFile.create(passphrase, private)
    kf.extra = {"kind": RECOVERY_KEY_KIND, "county": county, "recovery_public": public.hex(),
                "key_id": recovery_key_id(public)}
    return kf.to_bytes()


def open_recovery_private(data: bytes, passphrase: str) -> bytes:
    """The recovery private key from its passphrase-protected file.

    Raises:
        InputRefused: not a county recovery key file; WrongPassphrase: wrong passphrase.
    """
    try:
        kf = KeyFile.from_bytes(data)
    except FieldappError:
        kf = None
    if kf is None or kf.extra.get("kind") != RECOVERY_KEY_KIND:
        raise InputRefused("this is not a county recovery key file", "该文件不是县级恢复密钥文件")
    return kf.unlock(passphrase)


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LEN:
        raise InputRefused(
            f"the passphrase must be at least {MIN_PASSPHRASE_LEN} characters",
            f"口令至少需要 {MIN_PASSPHRASE_LEN} 个字符",
            code="weak_passphrase",
        )


def passphrase_strength(passphrase: str) -> int:
    """A rough 0-4 strength score for the first-run hint (length and character classes)."""
    if len(passphrase) < MIN_PASSPHRASE_LEN:
        return 0
    classes = sum(
        [
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
            any(ord(c) > 127 for c in passphrase),
        ]
    )
    score = 1 + (len(passphrase) >= 12) + (len(passphrase) >= 16) + (classes >= 3)
    return min(score, 4)
