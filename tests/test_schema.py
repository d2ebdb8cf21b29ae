"""The schema is built by the migrations alone, and they match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import db.models  # noqa: F401
from db import migrate


def test_migrations_build_exactly_the_models(db):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_init_db_is_idempotent(db):
    assert migrate.init_db(db) == 0
    assert migrate.init_db(db) == 0
    with db.engine.connect() as connection:
        assert "form" in inspect(connection).get_table_names()


def test_every_form_lookup_has_an_index(db):
    """Each lookup the screens make is the leading part of some index (the rest of an index may carry
    the columns other conditions test)."""
    with db.engine.connect() as connection:
        indexes = [tuple(i["column_names"]) for i in inspect(connection).get_indexes("form")]
    for columns in [("enterprise_id", "state", "number"), ("port_code", "state", "number"), ("state", "number"),
                    ("issued_on", "number"), ("state", "registered_on"), ("state", "submitted_at")]:
        assert any(index[:len(columns)] == columns for index in indexes), columns
