"""Roster on-ramp: the county's administrative divisions (code -> name), roster
uploads waiting for confirmation (in the database, so a preview survives a
restart and works behind several workers) and the remembered header mapping.
Frozen once released: change the schema in a new revision.

Revision ID: 0011
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "divisions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
    )
    op.create_table(
        "roster_uploads",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("mapping", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "roster_headers",
        sa.Column("header", sa.String(200), primary_key=True),
        sa.Column("field", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("roster_headers")
    op.drop_table("roster_uploads")
    op.drop_table("divisions")
