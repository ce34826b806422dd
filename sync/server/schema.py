"""The county server's tables (SQLAlchemy Core). Alembic migrations create them;
this module describes the current shape for queries."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

devices = sa.Table(
    "devices", metadata,
    sa.Column("device_id", sa.String(36), primary_key=True),
    sa.Column("county", sa.String(12), nullable=False),
    sa.Column("sign_public", sa.String(64), nullable=False),
    sa.Column("box_public", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("villages", sa.Text, nullable=False),
    sa.Column("cadre", sa.Text, nullable=False),
    sa.Column("hw_seq", sa.BigInteger, nullable=False),
    sa.Column("confirmed_cursor", sa.BigInteger, nullable=False),
    sa.Column("recovery_wrap", sa.Text),
    sa.Column("enrolled_at", sa.String(32), nullable=False),
    sa.Column("revoked_at", sa.String(32)),
    sa.Column("last_seen", sa.String(32)),
)

enroll_codes = sa.Table(
    "enroll_codes", metadata,
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("villages", sa.Text, nullable=False),
    sa.Column("cadre", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("used_at", sa.String(32)),
    sa.Column("used_by", sa.String(36)),
)

ops = sa.Table(
    "ops", metadata,
    sa.Column("seq", BigId, primary_key=True, autoincrement=True),
    sa.Column("op_id", sa.String(36), nullable=False, unique=True),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("device_seq", sa.BigInteger, nullable=False),
    sa.Column("hlc", sa.String(24), nullable=False),
    sa.Column("county", sa.String(12), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("entity_id", sa.String(36), nullable=False),
    sa.Column("field", sa.String(64), nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("supersedes", sa.Text, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("household_id", sa.String(36)),
    sa.Column("received_at", sa.String(32), nullable=False),
    sa.Index("ops_device_seq", "device_id", "device_seq", unique=True),
    sa.Index("ops_household", "household_id", "seq"),
    sa.Index("ops_entity", "entity_id"),
)

live_values = sa.Table(
    "live_values", metadata,
    sa.Column("entity", sa.String(16), primary_key=True),
    sa.Column("entity_id", sa.String(36), primary_key=True),
    sa.Column("field", sa.String(64), primary_key=True),
    sa.Column("op_id", sa.String(36), primary_key=True),
    sa.Column("hlc", sa.String(24), nullable=False),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("value", sa.Text),
    sa.Index("live_values_entity", "entity_id"),
)

superseded = sa.Table(
    "superseded", metadata,
    sa.Column("op_id", sa.String(36), primary_key=True),
)

facts = sa.Table(
    "facts", metadata,
    sa.Column("entity", sa.String(16), primary_key=True),
    sa.Column("entity_id", sa.String(36), primary_key=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("household_id", sa.String(36)),
    sa.Index("facts_entity_id", "entity_id"),
)

households = sa.Table(
    "households", metadata,
    sa.Column("household_id", sa.String(36), primary_key=True),
    sa.Column("village_code", sa.String(12), nullable=False),
    sa.Index("households_village", "village_code"),
)

quarantine = sa.Table(
    "quarantine", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("device_id", sa.String(64)),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("received_at", sa.String(32), nullable=False),
    sa.Column("data", sa.LargeBinary),
)

held_ops = sa.Table(
    "held_ops", metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("sender", sa.String(64), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("device_seq", sa.BigInteger, nullable=False),
    sa.Column("op_id", sa.String(36)),
    sa.Column("household_id", sa.String(36)),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("op", sa.Text, nullable=False),
    sa.Column("received_at", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.String(32)),
    sa.Index("held_ops_device_seq", "device_id", "device_seq"),
    sa.Index("held_ops_status", "status", "id"),
)

login_throttle = sa.Table(
    "login_throttle", metadata,
    sa.Column("key", sa.String(160), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_at", sa.BigInteger, nullable=False),
    sa.Column("locked_until", sa.BigInteger, nullable=False),
)

nonces = sa.Table(
    "nonces", metadata,
    sa.Column("device_id", sa.String(36), primary_key=True),
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("ts", sa.BigInteger, nullable=False),
)

bundles = sa.Table(
    "bundles", metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("device_id", sa.String(36), nullable=False),
    sa.Column("seq_from", sa.BigInteger, nullable=False),
    sa.Column("seq_to", sa.BigInteger, nullable=False),
    sa.Column("ops", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.String(32), nullable=False),
)
