"""Cards wait after wrong passwords instead of locking (card.blocked_until).

Revision ID: 0003
Revises: 0002_query_indexes
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002_query_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card") as batch:
        batch.add_column(sa.Column("blocked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("card") as batch:
        batch.drop_column("blocked_until")
