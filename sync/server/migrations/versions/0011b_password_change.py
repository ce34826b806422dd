"""Dashboard accounts: ``must_change`` marks an account whose password someone else
set (created or reset on the dashboard); it changes the password at its next login.
Issue 11's second revision (its first, 0011, had already landed when this was needed).
Frozen once released: change the schema in a new revision.

Revision ID: 0011b
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011b"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("must_change", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("must_change")
