"""Ops held by the county (quarantine with reason: malformed, outside the device's villages,
sequence reuse), one op per (device_id, device_seq) in the merged log, and the
login throttle (failed logins per account and per address).
Frozen once released: change the schema in a new revision.

Ops stored before this revision that reuse a device's sequence number stay in
the log (the county state was built from them) but give up their number: it
becomes negative, which no laptop accepts, and a copy is listed as held with
reason ``sequence_reuse`` so the county sees them.

Revision ID: 0010
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0015"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "held_ops",
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
    )
    op.create_index("held_ops_device_seq", "held_ops", ["device_id", "device_seq"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.BigInteger, nullable=False),
        sa.Column("locked_until", sa.BigInteger, nullable=False),
    )
    op.create_index("held_ops_status", "held_ops", ["status", "id"])
    conn = op.get_bind()
    dups = conn.execute(sa.text(
        "SELECT o.seq, o.op_id, o.device_id, o.device_seq, o.household_id, o.received_at FROM ops o"
        " WHERE EXISTS (SELECT 1 FROM ops p WHERE p.device_id = o.device_id AND p.device_seq = o.device_seq"
        " AND p.seq < o.seq)")).all()
    for seq, op_id, device_id, device_seq, household_id, received_at in dups:
        conn.execute(sa.text("UPDATE ops SET device_seq = :neg WHERE seq = :seq"), {"neg": -int(seq), "seq": seq})
        conn.execute(sa.text(
            "INSERT INTO held_ops (sender, device_id, device_seq, op_id, household_id, reason, detail, op,"
            " received_at, status) VALUES (:d, :d, :s, :o, :h, 'sequence_reuse', :detail, '{}', :r, 'stored')"),
            {"d": device_id, "s": device_seq, "o": op_id, "h": household_id, "r": received_at,
             "detail": f"stored before sequence numbers were unique; kept in the log as seq -{seq}"})
    op.drop_index("ops_device_seq", "ops")
    op.create_index("ops_device_seq", "ops", ["device_id", "device_seq"], unique=True)


def downgrade() -> None:
    op.drop_index("ops_device_seq", "ops")
    op.create_index("ops_device_seq", "ops", ["device_id", "device_seq"])
    op.drop_table("login_throttle")
    op.drop_index("held_ops_status", "held_ops")
    op.drop_index("held_ops_device_seq", "held_ops")
    op.drop_table("held_ops")
