"""组合查询 indexes: the indexes the query builder reads carry the columns its conditions test, so a
condition on one column is tested inside the index the database chose for another (no row is read
to test it); plus one such index in number order per table, for conditions no index narrows.

Revision ID: 0002_query_indexes
Revises: 0001
"""
from alembic import op

revision = "0002_query_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

FORM = ["enterprise_id", "state", "port_code", "issued_on", "registered_on"]
DECLARATION = ["enterprise_id", "district_code", "exported_on", "declared_on", "currency", "trade_mode",
               "settlement", "total", "status", "fx_slip_issued"]


def _with(columns, leading):
    return leading + [c for c in columns if c not in leading]


# name → (table, leading columns as 0001 made them or None if new, columns after this revision)
INDEXES = {
    "ix_form_enterprise_state_number": ("form", ["enterprise_id", "state", "number"], FORM),
    "ix_form_port_state_number": ("form", ["port_code", "state", "number"], FORM),
    "ix_form_state_number": ("form", ["state", "number"], ["received_at"] + FORM),
    "ix_form_issued_number": ("form", ["issued_on", "number"], FORM),
    "ix_form_registered_number": ("form", ["registered_on", "number"], FORM),
    "ix_form_number_columns": ("form", None, ["number"] + FORM),
    "ix_declaration_exported_number": ("declaration", ["exported_on", "number"], DECLARATION),
    "ix_declaration_declared_number": ("declaration", ["declared_on", "number"], DECLARATION),
    "ix_declaration_district_number": ("declaration", ["district_code", "number"], DECLARATION),
    "ix_declaration_enterprise_number": ("declaration", ["enterprise_id", "number"], DECLARATION),
    "ix_declaration_number_columns": ("declaration", None, ["number"] + DECLARATION),
}


def upgrade():
    for name, (table, before, extra) in INDEXES.items():
        if before:
            op.drop_index(name, table_name=table)
        op.create_index(name, table, _with(extra, before or []))


def downgrade():
    for name, (table, before, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
        if before:
            op.create_index(name, table, before)
