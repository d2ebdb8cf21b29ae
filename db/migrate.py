"""Schema by Alembic migrations from the first revision: `eportfx init-db` runs them."""
from pathlib import Path

from alembic import command
from alembic.config import Config

from db import codes
from db.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(db: Database) -> None:
    with db.write_connection() as connection:
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
