"""Exports counted across server processes (table exportlease); cards waiting after wrong passwords
found by an index (card.blocked_until), for the data centre's 已锁定 list.

Revision ID: 0006
Revises: 0004
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("exportlease",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("card_id", sa.Integer(), nullable=False),
                    sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_exportlease_card_id", "exportlease", ["card_id"])
    op.create_index("ix_card_blocked_until", "card", ["blocked_until"])


def downgrade():
    op.drop_index("ix_card_blocked_until", table_name="card")
    op.drop_index("ix_exportlease_card_id", table_name="exportlease")
    op.drop_table("exportlease")
