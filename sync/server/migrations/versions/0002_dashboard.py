"""Dashboard: derived state per household/member/visit/problem (projected from
the op log), villages, admin accounts and sessions, access log, spot checks.
Frozen once released: change the schema in a new revision.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INDICATORS = ("food", "clothing", "education", "medical", "housing", "water", "income")


def upgrade() -> None:
    op.create_table(
        "hh_state",
        sa.Column("household_id", sa.String(36), primary_key=True),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("township_code", sa.String(9), nullable=False),
        sa.Column("grp", sa.Text, nullable=False, server_default=""),
        sa.Column("address", sa.Text, nullable=False, server_default=""),
        sa.Column("phone", sa.String(32), nullable=False, server_default=""),
        sa.Column("household_type", sa.String(32), nullable=False, server_default="ordinary"),
        sa.Column("monitoring_type", sa.String(32), nullable=False, server_default="none"),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("roster_no", sa.String(64)),
        sa.Column("head_name", sa.Text, nullable=False, server_default=""),
        sa.Column("members", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cadre", sa.Text, nullable=False, server_default=""),
        sa.Column("last_visit_id", sa.String(36)),
        sa.Column("last_visit_at", sa.String(40)),
        sa.Column("overall", sa.String(16)),
        *[sa.Column(f"v_{i}", sa.String(16)) for i in INDICATORS],
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("hh_state_village", "hh_state", ["village_code", "monitoring_type"])
    op.create_index("hh_state_township", "hh_state", ["township_code"])
    op.create_index("hh_state_roster_no", "hh_state", ["roster_no"])
    op.create_table(
        "member_state",
        sa.Column("member_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("id_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("relation", sa.String(32), nullable=False, server_default="other"),
        sa.Column("sex", sa.String(8)),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("phone", sa.String(32), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("member_state_household", "member_state", ["household_id", "position"])
    op.create_index("member_state_id_number", "member_state", ["id_number"])
    op.create_table(
        "visit_state",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("visited_at", sa.String(40), nullable=False),
        sa.Column("visit_date", sa.String(10), nullable=False),
        sa.Column("visitor", sa.Text, nullable=False, server_default=""),
        sa.Column("device_id", sa.String(36), nullable=False, server_default=""),
        sa.Column("overall", sa.String(16)),
        sa.Column("verdicts", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("visit_state_household", "visit_state", ["household_id", "visited_at"])
    op.create_index("visit_state_day", "visit_state", ["visit_date", "village_code"])
    op.create_table(
        "problem_state",
        sa.Column("problem_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("indicator", sa.String(32), nullable=False, server_default=""),
        sa.Column("category", sa.String(32), nullable=False, server_default=""),
        sa.Column("source", sa.String(32), nullable=False, server_default=""),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("opened_at", sa.String(40), nullable=False),
        sa.Column("deadline", sa.String(40)),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("closed_at", sa.String(40)),
    )
    op.create_index("problem_state_village", "problem_state", ["village_code", "status"])
    op.create_index("problem_state_household", "problem_state", ["household_id"])
    op.create_table(
        "conflict_state",
        sa.Column("entity", sa.String(16), primary_key=True),
        sa.Column("entity_id", sa.String(36), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("values_count", sa.Integer, nullable=False),
    )
    op.create_index("conflict_state_village", "conflict_state", ["village_code"])
    op.create_table(
        "villages",
        sa.Column("village_code", sa.String(12), primary_key=True),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("township_name", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "accounts",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("township", sa.String(9)),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
        sa.Column("households", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("access_log_at", "access_log", ["at"])
    op.create_table(
        "access_log_households",
        sa.Column("log_id", sa.BigInteger, primary_key=True),
        sa.Column("household_id", sa.String(36), primary_key=True),
    )
    op.create_index("access_log_households_hh", "access_log_households", ["household_id"])
    op.create_table(
        "spot_check_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("drawn_at", sa.String(32), nullable=False),
        sa.Column("drawn_by", sa.String(64), nullable=False),
        sa.Column("visits", sa.Integer, nullable=False),
        sa.Column("rate", sa.Float, nullable=False),
    )
    op.create_table(
        "spot_checks",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("outcome", sa.String(16)),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(64)),
        sa.Column("recorded_at", sa.String(32)),
    )
    op.create_index("spot_checks_day", "spot_checks", ["day", "village_code"])
    op.create_table(
        "projection_meta",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("projection_meta", "spot_checks", "spot_check_days", "access_log_households", "access_log",
                 "sessions", "accounts", "villages", "conflict_state", "problem_state", "visit_state",
                 "member_state", "hh_state"):
        op.drop_table(name)
