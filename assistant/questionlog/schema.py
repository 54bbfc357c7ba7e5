"""Brings the question log's database to the schema this code expects, with Alembic, at start.

A database at the newest revision costs one query to confirm, without importing Alembic (the
SQLite default must open fast). A database made before migrations existed (tables, no
`alembic_version`) is stamped at the baseline, the schema of release 5715e69, and upgraded from
there, so an old log is upgraded in place with nothing lost. PostgreSQL replicas starting
together take turns on an advisory lock.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from assistant.questionlog.database import SchemaMismatch, failure

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"  # the schema of release 5715e69, made with create_all before migrations
HEAD = "0002"  # the newest revision in migrations/versions; a test keeps the two in step
PG_LOCK = 0x715E_C0DE  # advisory lock id that serialises migrations across replicas


def upgrade_schema(engine: Engine) -> None:
    """Create or upgrade the tables. Raises StoreUnavailable when the database cannot be reached
    (retry later), SchemaMismatch when it cannot be brought in line (a person must act)."""
    try:
        with engine.connect() as conn:
            if current_revision(conn) == HEAD:
                return
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_LOCK})
            run_migrations(conn)
    except SQLAlchemyError as error:
        raise failure(error, "upgrade the question log's tables") or SchemaMismatch(str(error)) from None


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def run_migrations(conn: Connection) -> None:
    """Apply the revisions `conn`'s database lacks, inside the caller's transaction."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    try:
        if current_revision(conn) is None and inspect(conn).has_table("questions"):
            command.stamp(config, BASELINE)  # tables from before migrations: they are the baseline
        command.upgrade(config, "head")
    except CommandError as error:  # e.g. a revision from a newer release this code does not know
        raise SchemaMismatch(
            f"Cannot upgrade the question log's tables: {error}. A newer release may have written them:"
            " run that release, or point this one at another database."
        ) from None
