"""Initial county schema: devices, enrollment codes, merged op log, derived state,
quarantine, nonces, imported bundles. Frozen: change the schema in a new revision.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "devices",
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
    op.create_table(
        "enroll_codes",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("villages", sa.Text, nullable=False),
        sa.Column("cadre", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("used_at", sa.String(32)),
        sa.Column("used_by", sa.String(36)),
    )
    op.create_table(
        "ops",
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
    )
    op.create_index("ops_device_seq", "ops", ["device_id", "device_seq"])
    op.create_index("ops_household", "ops", ["household_id", "seq"])
    op.create_index("ops_entity", "ops", ["entity_id"])
    op.create_table(
        "live_values",
        sa.Column("entity", sa.String(16), primary_key=True),
        sa.Column("entity_id", sa.String(36), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("op_id", sa.String(36), primary_key=True),
        sa.Column("hlc", sa.String(24), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("value", sa.Text),
    )
    op.create_index("live_values_entity", "live_values", ["entity_id"])
    op.create_table("superseded", sa.Column("op_id", sa.String(36), primary_key=True))
    op.create_table(
        "facts",
        sa.Column("entity", sa.String(16), primary_key=True),
        sa.Column("entity_id", sa.String(36), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(36)),
    )
    op.create_index("facts_entity_id", "facts", ["entity_id"])
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(36), primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
    )
    op.create_index("households_village", "households", ["village_code"])
    op.create_table(
        "quarantine",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("device_id", sa.String(64)),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary),
    )
    op.create_table(
        "nonces",
        sa.Column("device_id", sa.String(36), primary_key=True),
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bundles",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("seq_from", sa.BigInteger, nullable=False),
        sa.Column("seq_to", sa.BigInteger, nullable=False),
        sa.Column("ops", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for name in ("bundles", "nonces", "quarantine", "households", "facts", "superseded", "live_values", "ops",
                 "enroll_codes", "devices"):
        op.drop_table(name)
