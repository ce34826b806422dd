"""Dashboard: the last login of each account (account management page) and the
ledger problem a spot-check discrepancy opened (one per sampled visit).
Frozen once released: change the schema in a new revision.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("last_login", sa.String(32)))
    op.add_column("spot_checks", sa.Column("problem_id", sa.String(36)))


def downgrade() -> None:
    with op.batch_alter_table("spot_checks") as batch:
        batch.drop_column("problem_id")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("last_login")
