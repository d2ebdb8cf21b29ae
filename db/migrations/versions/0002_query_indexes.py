"""indexes for 组合查询 on the declaration's code, status and amount fields

Revision ID: 0002_query_indexes
Revises: 0001
"""
from alembic import op

revision = "0002_query_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_declaration_currency_number": ["currency", "number"],
    "ix_declaration_trade_number": ["trade_mode", "number"],
    "ix_declaration_settlement_number": ["settlement", "number"],
    "ix_declaration_status_number": ["status", "number"],
    "ix_declaration_slip_number": ["fx_slip_issued", "number"],
    "ix_declaration_total": ["total"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "declaration", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="declaration")
