"""The monitoring lifecycle: the steps taken on each household (projected from
monitor_step facts), the county's 回头看 campaigns and the look-back visits
that complete them.
Frozen once released: change the schema in a new revision.

Revision ID: 0015
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_steps",
        sa.Column("step_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("village_code", sa.String(12), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("at", sa.String(10), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(40), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
    )
    op.create_index("monitor_steps_household", "monitor_steps", ["household_id"])
    op.create_index("monitor_steps_village", "monitor_steps", ["village_code"])
    op.create_table(
        "campaigns",
        sa.Column("campaign_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("deadline", sa.String(10)),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "lookback_visits",
        sa.Column("visit_id", sa.String(36), primary_key=True),
        sa.Column("household_id", sa.String(36), nullable=False),
        sa.Column("visit_date", sa.String(10), nullable=False),
    )
    op.create_index("lookback_visits_household", "lookback_visits", ["household_id"])


def downgrade() -> None:
    op.drop_index("lookback_visits_household", "lookback_visits")
    op.drop_table("lookback_visits")
    op.drop_table("campaigns")
    op.drop_index("monitor_steps_village", "monitor_steps")
    op.drop_index("monitor_steps_household", "monitor_steps")
    op.drop_table("monitor_steps")
