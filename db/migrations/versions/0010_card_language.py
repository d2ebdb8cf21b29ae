"""The language each card's screens are shown in (中文 / English, the header's switch); empty is 中文.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table("card") as batch:
        batch.drop_column("language")
