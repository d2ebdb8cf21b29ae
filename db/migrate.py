"""Schema by Alembic migrations from the first revision: `eportfx init-db` runs them."""
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from db import codes
from db.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaNewerThanCode(RuntimeError):
    """The database was migrated by a newer release than this one: upgrading the code is the way out."""


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def code_heads() -> frozenset[str]:
    """The newest revision(s) this release knows."""
    return frozenset(ScriptDirectory.from_config(_config()).get_heads())


@cache
def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions())


def database_heads(connection) -> frozenset[str]:
    """The revision(s) the database is at; empty for a database never migrated."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def schema_problem(db: Database) -> str | None:
    """None when the database answers and its schema is at this release's newest revision; else why not.
    Raises the driver's error when the database does not answer."""
    with db.engine.connect() as connection:
        found = database_heads(connection)
    if found == code_heads():
        return None
    return (f"schema at {', '.join(sorted(found)) or 'nothing'}, this release expects "
            f"{', '.join(sorted(code_heads()))} (eportfx init-db)")


def upgrade(db: Database) -> None:
    with db.write_connection() as connection:
        unknown = database_heads(connection) - known_revisions()
        if unknown:
            raise SchemaNewerThanCode(
                f"the database is at revision {', '.join(sorted(unknown))}, newer than this release of eportfx "
                f"(newest known: {', '.join(sorted(code_heads()))}); install the release that migrated it, "
                "or a newer one, and run init-db again. Nothing was changed.")
        command.upgrade(_config(connection), "head")


def revision(db: Database, message: str) -> None:
    """Write a new migration by comparing the models with the database (developers only)."""
    with db.write_connection() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def init_db(db: Database) -> int:
    """Idempotent: migrate to the newest schema, then fill empty code tables. Returns codes added."""
    upgrade(db)
    with db.write() as session:
        return codes.load_defaults(session)
