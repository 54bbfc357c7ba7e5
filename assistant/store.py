"""The question log: every answer and every thumbs-up/down, kept so the owner can see what readers
asked and where the corpus falls short.

Recording never blocks on (or fails because of) the database: a record is fsynced to a local
spool first (`assistant.spool`), and a background thread (`assistant.store_writer`) moves it into
SQLite or PostgreSQL. A record not yet written when the process stops is replayed on next start.
"""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.answer import Answer
from assistant.errors import AssistantError, ConfigError
from assistant.settings import Settings
from assistant.spool import Spool
from assistant.store_db import build_engine, create_schema, database_url, select_questions
from assistant.store_records import (
    answer_record,
    client_fingerprint,
    feedback_record,
    load_client_salt,
    new_id,
    record_to_row,
)
from assistant.store_writer import SpoolWriter, reason

log = logging.getLogger(__name__)
SPOOL_DIR = "spool"
CLOSE_TIMEOUT_S = 5.0


class StoreUnavailable(AssistantError):
    """The question log's database cannot be read right now."""


@dataclass
class QuestionRecord:
    """One logged answer as stored, with the reader's latest feedback on it (if any)."""

    id: str
    created_at: datetime
    question: str
    answer: str
    mode: str
    abstained: bool
    session_id: str | None = None
    client: str | None = None  # salted hash of the reader's address, never the address
    standalone_question: str | None = None
    safety_notice: str | None = None
    citations: list[dict] = field(default_factory=list)
    fallback_reason: str | None = None
    latency_ms: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    liked: bool | None = None
    comment: str | None = None
    feedback_at: datetime | None = None


class QuestionLog:
    """Record answers and feedback from any thread; read them back for reports."""

    def __init__(
        self,
        engine: Engine,
        spool_dir: Path,
        client_salt: bytes,
        *,
        retry_initial_s: float = 0.1,
        retry_max_s: float = 30.0,
    ) -> None:
        self.engine = engine
        self.spool = Spool(spool_dir)
        self.client_salt = client_salt
        self.writer = SpoolWriter(
            self.spool, engine, record_to_row, retry_initial_s=retry_initial_s, retry_max_s=retry_max_s
        )
        self._closed = False
        self._close_lock = threading.Lock()
        self.writer.start()
        atexit.register(self.close)

    def record_answer(
        self, answer: Answer, *, session_id: str | None = None, client: str | None = None
    ) -> str:
        """Log an answer; returns its record id (uuid4 hex) for feedback. Never blocks on the
        database and never raises. `client` is the reader's address: only a salted hash is kept."""
        record_id = new_id()
        try:
            fingerprint = client_fingerprint(client, self.client_salt) if client else None
            self._accept(answer_record(record_id, answer, session_id, fingerprint))
        except Exception as error:
            log.error("Could not log the answer to %r: %s", getattr(answer, "question", "?")[:80], error)
        return record_id

    def record_feedback(self, record_id: str, liked: bool, comment: str | None = None) -> str:
        """Log a thumbs-up/down (and optional comment) on a recorded answer. Never raises."""
        feedback_id = new_id()
        try:
            self._accept(feedback_record(feedback_id, record_id, liked, comment))
        except Exception as error:
            log.error("Could not log feedback on %s: %s", record_id, error)
        return feedback_id

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far is in the database (True), or `timeout` passes."""
        return self.writer.flush(timeout)

    def close(self) -> None:
        """Write what can be written within a few seconds; the rest stays spooled for next start."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        finished = self.writer.stop(CLOSE_TIMEOUT_S)
        for record in self.writer.memory_backlog():
            self._spool_or_drop(record)
        self.spool.close()
        if finished:
            self.engine.dispose()

    def questions(self, since: datetime | None = None) -> list[QuestionRecord]:
        """Logged answers (asked at or after `since`, UTC if naive), oldest first, with feedback.
        Reads the database: call `flush()` first to include records still in the spool."""
        if since is not None:
            since = since.replace(tzinfo=timezone.utc) if since.tzinfo is None else since
        try:
            create_schema(self.engine)
            with self.engine.connect() as conn:
                rows = select_questions(conn, since.astimezone(timezone.utc) if since else None)
        except SQLAlchemyError as error:
            raise StoreUnavailable(f"Cannot read the question log: {reason(error)}") from None
        return [to_question_record(row, latest) for row, latest in rows]

    def _accept(self, record: dict) -> None:
        try:
            self.spool.append(record)
        except OSError as error:
            log.error("Question-log spool write failed (%s); holding the record in memory", error)
            self.writer.keep_in_memory(record)
            return
        self.writer.notify()

    def _spool_or_drop(self, record: dict) -> None:
        try:
            self.spool.append(record)
        except OSError as error:
            log.error("Lost question-log record %s at shutdown: %s", record.get("id"), error)


def open_question_log(settings: Settings) -> QuestionLog:
    """The log chosen by settings: PostgreSQL when DATABASE_URL is set, else SQLite in data_dir.
    Raises ConfigError for an unusable DATABASE_URL; a database that is merely down is fine."""
    try:
        engine = build_engine(database_url(settings.database_url, settings.data_dir))
        salt = load_client_salt(settings.client_hash_salt, settings.data_dir)
        return QuestionLog(engine, settings.data_dir / SPOOL_DIR, salt)
    except OSError as error:
        raise ConfigError(
            f"The question log needs a writable data folder ({settings.data_dir}): {error.strerror or error}. "
            "Set ASSISTANT_DATA_DIR to one."
        ) from None


def to_question_record(row: dict, latest: dict | None) -> QuestionRecord:
    return QuestionRecord(
        **{name: row[name] for name in QUESTION_COLUMNS},
        liked=latest["liked"] if latest else None,
        comment=latest["comment"] if latest else None,
        feedback_at=latest["created_at"] if latest else None,
    )


QUESTION_COLUMNS = (
    "id",
    "created_at",
    "question",
    "answer",
    "mode",
    "abstained",
    "session_id",
    "client",
    "standalone_question",
    "safety_notice",
    "citations",
    "fallback_reason",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
)
