"""Indexes under the enterprise's lists by urgency (备案 / 交单 15 天内到期, 企业交单): its forms by state
and 备案日期, its declarations by 出口日期.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_form_enterprise_state_registered", "form", ["enterprise_id", "state", "registered_on", "number"])
    op.create_index("ix_declaration_enterprise_exported", "declaration", ["enterprise_id", "exported_on", "form_id"])


def downgrade():
    op.drop_index("ix_declaration_enterprise_exported", table_name="declaration")
    op.drop_index("ix_form_enterprise_state_registered", table_name="form")
