"""The migrations (0002_query_indexes among them) build exactly the schema of db/models.py."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from db.models import QUERY_COLUMNS  # also puts the tables on SQLModel.metadata


def test_the_migrated_schema_equals_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    db.dispose()


def test_query_indexes_carry_the_columns_conditions_test(db):
    with db.engine.connect() as connection:
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(connection).get_indexes("declaration")}
    assert indexes["ix_declaration_district_number"][:2] == ["district_code", "number"]
    assert set(QUERY_COLUMNS["declaration"]) <= set(indexes["ix_declaration_district_number"])
    db.dispose()
