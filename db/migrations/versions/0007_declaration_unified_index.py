"""An index of 报关单号 with 统一编号, so that 统一编号 包含 / 不等于 in 组合查询 is tested on index entries
read in 报关单号 order (a page stops after 20 matches) instead of on every declaration row.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_declaration_number_unified", "declaration", ["number", "unified_no"])


def downgrade():
    op.drop_index("ix_declaration_number_unified", table_name="declaration")
