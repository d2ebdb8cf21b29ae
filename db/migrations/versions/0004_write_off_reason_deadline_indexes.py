"""核销's 差额原因 on the form; indexes under the bureau's 即将到期 lists (soonest first).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("form") as batch:
        batch.add_column(sa.Column("difference_reason", sa.String(length=200), nullable=True))
    op.create_index("ix_form_state_registered_number", "form", ["state", "registered_on", "number"])


def downgrade():
    op.drop_index("ix_form_state_registered_number", table_name="form")
    with op.batch_alter_table("form") as batch:
        batch.drop_column("difference_reason")
