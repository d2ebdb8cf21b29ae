"""练习's query log: the 组合查询 an operator card ran in demo mode (business, 查询项目 and operators),
indexed by card.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "querylog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("business", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("conditions", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["card.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_querylog_card_id", "querylog", ["card_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_querylog_card_id", table_name="querylog")
    op.drop_table("querylog")
