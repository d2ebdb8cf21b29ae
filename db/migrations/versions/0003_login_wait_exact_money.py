"""Cards wait after wrong passwords instead of locking (card.blocked_until); exact money on SQLite.

SQLite kept amounts in NUMERIC columns as binary floats; they become whole numbers of the smallest
unit (fen for money, 1/10000 for quantities and prices), which SQLite stores exactly (db.money).
PostgreSQL's NUMERIC columns were exact already and are left as they are.

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

# table → {column: decimal places}
AMOUNTS = {"form": {"collected_amount": 2}, "declaration": {"total": 2},
           "declarationline": {"quantity": 4, "unit_price": 4, "total": 2}}


def upgrade():
    with op.batch_alter_table("card") as batch:
        batch.add_column(sa.Column("blocked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in AMOUNTS.items():
            op.execute(f"UPDATE {table} SET " + ", ".join(
                f"{c} = CAST(ROUND({c} * {10 ** p}) AS INTEGER)" for c, p in columns.items()))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in AMOUNTS.items():
            op.execute(f"UPDATE {table} SET " + ", ".join(
                f"{c} = {c} / {10 ** p}.0" for c, p in columns.items()))
    with op.batch_alter_table("card") as batch:
        batch.drop_column("blocked_until")
