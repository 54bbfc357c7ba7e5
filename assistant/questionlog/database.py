"""The question log's tables and the few statements it needs, for SQLite and PostgreSQL alike,
and what a failure means: the database is away (retry) or code and schema disagree (stop).

The tables here are the schema at the newest migration (`assistant.questionlog.schema` applies
them). Inserts are idempotent (insert-or-ignore on the uuid primary key), so an outbox shipped
twice, or by two processes at once, can never duplicate a record.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from assistant.errors import AssistantError, ConfigError
from assistant.questionlog.private_files import open_private, private_dir, private_file

log = logging.getLogger(__name__)
SQLITE_FILE = "questions.db"
# SQLite's companions of the database file; they hold readers' questions too.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
# How long SQLite waits on another connection's lock before the writer backs off and retries.
SQLITE_BUSY_MS = 1000
PG_CONNECT_TIMEOUT_S = 3

# Words in a driver's message that mean a table or column is missing, not that the server is away
# (SQLite reports both as OperationalError).
SCHEMA_WORDS = ("no such table", "no such column", "has no column", "does not exist", "undefined")


class StoreUnavailable(AssistantError):
    """The question log's database cannot be reached (down, locked, full) right now; retry later."""


class SchemaMismatch(AssistantError):
    """The database's schema and this code disagree: a retry cannot help, a person must act."""


metadata = MetaData()
questions = Table(
    "questions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("session_id", Text),
    Column("client", String(64)),
    Column("question", Text, nullable=False),
    Column("standalone_question", Text),
    Column("answer", Text, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("safety_notice", Text),
    Column("citations", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
    Column("fallback_reason", Text),
    Column("latency_ms", Float),
    Column("prompt_tokens", Integer, nullable=False, default=0),
    Column("completion_tokens", Integer, nullable=False, default=0),
    Column("cost_usd", Float, nullable=False, default=0.0),
)
# No foreign key to questions: a replica may commit feedback before another commits the question.
feedback = Table(
    "feedback",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("record_id", String(32), nullable=False, index=True),
    Column("liked", Boolean, nullable=False),
    Column("comment", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)
TABLES = {"question": questions, "feedback": feedback}


def postgres_url(configured: str | None) -> str | None:
    """The SQLAlchemy (psycopg 3) URL when DATABASE_URL names a PostgreSQL, else None. The question
    log and the shared limits (`web/shared_limits.py`) both read DATABASE_URL through this."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if configured and configured.startswith(prefix):
            return "postgresql+psycopg://" + configured[len(prefix) :]
    return None


def database_url(configured: str | None, data_dir: Path) -> str:
    """The SQLAlchemy URL: the configured PostgreSQL one (on psycopg 3), or SQLite in data_dir."""
    if not configured:
        private_dir(data_dir)
        return f"sqlite:///{data_dir / SQLITE_FILE}"
    if postgres := postgres_url(configured):
        return postgres
    if configured.startswith("sqlite:///"):
        return configured
    scheme = configured.split("://", 1)[0] if "://" in configured else configured[:20]
    raise ConfigError(
        f"DATABASE_URL must start with postgresql:// (or sqlite:///), not {scheme!r}. "
        "Unset it to keep the question log in SQLite under the data folder."
    )


def build_engine(url: str) -> Engine:
    """An engine that fails fast when the database is away, so the writer can back off."""
    try:
        if url.startswith("sqlite"):
            prepare_sqlite_file(url)
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        return create_engine(
            url, pool_pre_ping=True, pool_size=2, connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S}
        )
    except ImportError:
        raise ConfigError(
            "DATABASE_URL points at PostgreSQL but psycopg 3 is not installed: "
            "pip install 'runner-assistant[postgres]'"
        ) from None
    except SQLAlchemyError as error:
        raise ConfigError(f"DATABASE_URL is not a usable database URL: {error}") from None


def prepare_sqlite_file(url: str) -> None:
    """Create the database file owner-only (0600) before SQLite does, and tighten one an older
    version left readable. SQLite gives its -wal and -shm files the database file's mode."""
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    if url.startswith("sqlite:///") and path and path != ":memory:" and Path(path).parent.is_dir():
        private_sqlite_file(Path(path))  # else SQLite's own error says it better on first connect


def private_sqlite_file(database: Path) -> None:
    """Create (or tighten) an SQLite file and its companions owner-only."""
    os.close(open_private(database, os.O_RDWR))
    for suffix in SQLITE_COMPANIONS:
        private_file(database.with_name(database.name + suffix))


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed batch survives power loss, since its outbox records are deleted next.
        cursor.execute("PRAGMA synchronous=FULL")
        # Purged questions are overwritten on disk, not left readable in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def insert_ignoring_duplicates(conn: Connection, kind: str, rows: Sequence[dict]) -> None:
    """Insert rows, skipping any whose id is already there (idempotent replay)."""
    if not rows:
        return
    table = TABLES[kind]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["id"])
    conn.execute(statement, list(rows))


def select_questions(conn: Connection, since: datetime | None) -> list[tuple[dict, dict | None]]:
    """Each question row with its latest feedback row (or None), oldest question first."""
    query = select(questions).order_by(questions.c.created_at, questions.c.id)
    if since is not None:
        query = query.where(questions.c.created_at >= since)
    rows = [dict(row._mapping) for row in conn.execute(query)]
    latest: dict[str, dict] = {}
    if rows:
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), 500):
            chunk = select(feedback).where(feedback.c.record_id.in_(ids[start : start + 500]))
            for row in conn.execute(chunk):
                found = dict(row._mapping)
                found["created_at"] = as_utc(found["created_at"])
                held = latest.get(found["record_id"])
                if held is None or (found["created_at"], found["id"]) > (held["created_at"], held["id"]):
                    latest[found["record_id"]] = found
    for row in rows:
        row["created_at"] = as_utc(row["created_at"])
    return [(row, latest.get(row["id"])) for row in rows]


def delete_older_than(conn: Connection, cutoff: datetime) -> tuple[int, int]:
    """Delete questions asked before `cutoff` and the feedback on them (and any feedback itself
    older, whose question is gone). Returns (questions, feedback) deleted."""
    old_questions = select(questions.c.id).where(questions.c.created_at < cutoff)
    on_old = or_(feedback.c.record_id.in_(old_questions), feedback.c.created_at < cutoff)
    # Look before deleting: a DELETE takes SQLite's write lock even when it matches nothing.
    if conn.execute(select(feedback.c.id).where(on_old).limit(1)).first() is None and (
        conn.execute(old_questions.limit(1)).first() is None
    ):
        return 0, 0
    rated = conn.execute(delete(feedback).where(on_old)).rowcount
    asked = conn.execute(delete(questions).where(questions.c.created_at < cutoff)).rowcount
    return asked, rated


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; everything stored is UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def failure(error: SQLAlchemyError, doing: str) -> AssistantError | None:
    """What a database error means: StoreUnavailable (down, locked, full: retry), SchemaMismatch
    (a table or column missing, a statement the schema refuses), or None for a row the database
    refuses (a bad value), which only that row should pay for."""
    why = reason(error)
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return StoreUnavailable(f"Cannot {doing}: {why}")
    missing = any(word in why.lower() for word in SCHEMA_WORDS)
    if isinstance(error, (OperationalError, InterfaceError, DisconnectionError)) and not missing:
        return StoreUnavailable(f"Cannot {doing}: {why}")
    if missing or isinstance(error, ProgrammingError):
        return SchemaMismatch(f"Cannot {doing}: the database's schema does not match this code ({why})")
    return None


def reason(error: BaseException) -> str:
    """The first line of the driver's message: enough to act on, no stack trace."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
