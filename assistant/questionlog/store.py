"""The question log: every answer and every thumbs-up/down, kept so the owner can see what readers
asked and where the corpus falls short.

Recording never blocks on (or fails because of) the database: a record is committed to a local
SQLite outbox first (`assistant.questionlog.outbox`), and a background thread
(`assistant.questionlog.writer`) ships it to SQLite or PostgreSQL, whose tables are migrated when
the log opens (`assistant.questionlog.schema`). A record not yet shipped when the process stops
is shipped on next start. When the outbox's disk refuses a record (full, failing) it is held in
memory, up to a cap, and is lost if the process is killed: callers that tell someone "saved"
pass `require_durable=True`.

Privacy: contact details are redacted before a record is made (`assistant.questionlog.redact`), readers'
addresses and session ids are kept only as salted hashes, files are owner-only, and questions
older than `log_retention_days` are purged when the log opens (and daily) or by `assistant purge`.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.answer import Answer
from assistant.errors import AssistantError, ConfigError
from assistant.questionlog.database import (
    SchemaMismatch,
    StoreUnavailable,
    build_engine,
    database_url,
    delete_older_than,
    failure,
    select_questions,
)
from assistant.questionlog.outbox import OUTBOX_FILE, Outbox, adopt_spool
from assistant.questionlog.private_files import private_dir
from assistant.questionlog.records import (
    answer_record,
    client_fingerprint,
    feedback_record,
    load_client_salt,
    new_id,
    record_to_row,
    session_fingerprint,
)
from assistant.questionlog.redact import redact_optional
from assistant.questionlog.schema import upgrade_schema
from assistant.questionlog.writer import Writer
from assistant.settings import Settings

log = logging.getLogger(__name__)
OLD_SPOOL_DIR = "spool"  # where releases before the outbox kept unwritten records
CLOSE_TIMEOUT_S = 5.0


class RecordNotKept(AssistantError):
    """A record could not be written to disk (the data folder's disk refused it), so nobody may be
    told it was saved. `record_id` is the id it would have had; the message is fit for a reader."""

    def __init__(self, message: str, record_id: str) -> None:
        super().__init__(message)
        self.record_id = record_id


FEEDBACK_NOT_KEPT = "Sorry, your feedback could not be saved just now. Please try again in a few minutes."
ANSWER_NOT_KEPT = "This answer could not be saved, so it cannot be rated; the answer itself is complete."


@dataclass(frozen=True)
class Purged:
    """What a retention purge deleted."""

    questions: int
    feedback: int


@dataclass
class QuestionRecord:
    """One logged answer as stored, with the reader's latest feedback on it (if any)."""

    id: str
    created_at: datetime
    question: str
    answer: str
    mode: str
    abstained: bool
    session_id: str | None = None  # salted hash of the web session id, never the id itself
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
        outbox: Outbox,
        client_salt: bytes,
        *,
        memory_backlog: int = 1000,
        retention_days: float = 0,
        schema_ready: bool = False,
    ) -> None:
        """`memory_backlog`: records held in memory while the outbox's disk refuses them.
        `retention_days`: questions older than this are purged on the first write pass and daily
        after (0 keeps them forever). `schema_ready`: the tables are migrated already."""
        self.engine = engine
        self.outbox = outbox
        self.client_salt = client_salt
        self.retention_days = retention_days
        self.writer = Writer(
            outbox,
            engine,
            record_to_row,
            memory_limit=memory_backlog,
            housekeeping=self._purge_expired if retention_days > 0 else None,
            schema_ready=schema_ready,
        )
        self._closed = False
        self._close_lock = threading.Lock()
        self.writer.start()
        atexit.register(self.close)

    def record_answer(
        self,
        answer: Answer,
        *,
        session_id: str | None = None,
        client: str | None = None,
        require_durable: bool = False,
    ) -> str:
        """Log an answer; returns its record id (uuid4 hex) for feedback. Never blocks on the
        database. `client` (the reader's address) and `session_id` are kept only as salted hashes.
        Never raises unless `require_durable`: then `RecordNotKept` if the record did not reach
        disk (it is not held in memory either, so nothing unconfirmed lingers)."""

        def record(record_id: str) -> dict:
            fingerprint = client_fingerprint(client, self.client_salt) if client else None
            return answer_record(record_id, answer, self.session_key(session_id), fingerprint)

        return self._keep(record, require_durable, ANSWER_NOT_KEPT)

    def record_feedback(
        self, record_id: str, liked: bool, comment: str | None = None, *, require_durable: bool = False
    ) -> str:
        """Log a thumbs-up/down (and optional comment) on a recorded answer; returns its id.
        Never raises unless `require_durable`: then `RecordNotKept` if the feedback did not reach
        disk, so an API caller is never told "ok" for feedback a crash could lose."""
        return self._keep(
            lambda feedback_id: feedback_record(feedback_id, record_id, liked, comment),
            require_durable,
            FEEDBACK_NOT_KEPT,
        )

    def session_key(self, session_id: str | None) -> str | None:
        """How a web session id is stored: a salted hash, never the id the access log prints."""
        return None if session_id is None else session_fingerprint(str(session_id), self.client_salt)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything recorded so far is in the database (True), or `timeout` passes."""
        return self.writer.flush(timeout)

    def close(self) -> None:
        """Write what can be written within a few seconds; the rest stays in the outbox for next start."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        if not self.writer.stop(CLOSE_TIMEOUT_S):
            return  # still writing: the process's exit ends it, what it has not shipped stays
        held = self.writer.memory_backlog()
        try:
            self.outbox.append(held)
        except sqlite3.Error as error:
            log.error("Lost %d question-log record(s) held in memory at shutdown: %s", len(held), error)
        self.outbox.close()
        self.engine.dispose()

    def questions(self, since: datetime | None = None) -> list[QuestionRecord]:
        """Logged answers (asked at or after `since`, UTC if naive), oldest first, with feedback.
        Reads the database: call `flush()` first to include records still in the outbox.
        Raises StoreUnavailable, or SchemaMismatch when the tables cannot be brought in line."""
        if since is not None:
            since = since.replace(tzinfo=timezone.utc) if since.tzinfo is None else since
        upgrade_schema(self.engine)
        try:
            with self.engine.connect() as conn:
                rows = select_questions(conn, since.astimezone(timezone.utc) if since else None)
        except SQLAlchemyError as error:
            raise failure(error, "read the question log") or StoreUnavailable(str(error)) from None
        return [to_question_record(row, latest) for row, latest in rows]

    def _keep(self, make: Callable[[str], dict], require_durable: bool, not_kept: str) -> str:
        """Commit `make(new id)` to the outbox and return the id. If the outbox's disk refuses it,
        raise RecordNotKept when `require_durable`, else hold it in memory (if there is room): a
        kill -9 would lose it. Any other failure is logged, never raised to the reader."""
        record_id = new_id()
        try:
            record = make(record_id)
            self.outbox.append([record])
            self.writer.notify()
            return record_id
        except (OSError, sqlite3.Error) as error:
            log.error("Question-log outbox write failed (%s); record %s not kept on disk", error, record_id)
            if not require_durable:
                self.writer.keep_in_memory(record)
        except Exception as error:  # no record text in the message: it may hold PII
            log.error("Could not log record %s: %s: %s", record_id, type(error).__name__, error)
        if require_durable:
            raise RecordNotKept(not_kept, record_id)
        return record_id

    def _purge_expired(self) -> None:
        """The writer's housekeeping: the retention purge (StoreUnavailable: retried)."""
        purged = purge_older_than(self.engine, self.retention_days)
        if purged.questions or purged.feedback:
            log.info(
                "Question log: purged %d question(s) and %d feedback older than %g days",
                purged.questions,
                purged.feedback,
                self.retention_days,
            )


def open_question_log(settings: Settings) -> QuestionLog:
    """The log chosen by settings: PostgreSQL when DATABASE_URL is set, else SQLite in data_dir,
    its tables migrated to this release. Raises ConfigError for an unusable DATABASE_URL or data
    folder, SchemaMismatch when the tables cannot be migrated; a database that is merely away is
    fine (the writer migrates it once it answers)."""
    try:
        private_dir(settings.data_dir)
        engine = build_engine(database_url(settings.database_url, settings.data_dir))
        salt = load_client_salt(settings.client_hash_salt, settings.data_dir)
        outbox = Outbox(settings.data_dir / OUTBOX_FILE)
        adopt_spool(settings.data_dir / OLD_SPOOL_DIR, outbox)
    except (OSError, sqlite3.Error) as error:
        raise unwritable(settings, error) from None
    try:
        upgrade_schema(engine)
        ready = True
    except StoreUnavailable as error:
        log.warning("%s; the question log keeps records until it can", error)
        ready = False
    except SchemaMismatch:
        outbox.close()
        engine.dispose()
        raise
    return QuestionLog(
        engine,
        outbox,
        salt,
        memory_backlog=settings.log_memory_backlog,
        retention_days=settings.log_retention_days,
        schema_ready=ready,
    )


def purge_expired(settings: Settings, older_than_days: float | None = None) -> Purged:
    """`assistant purge`: delete what is older than the retention (or `older_than_days`) now,
    without starting a writer. Raises StoreUnavailable, or ConfigError for bad settings."""
    days = settings.log_retention_days if older_than_days is None else older_than_days
    try:
        private_dir(settings.data_dir)
        engine = build_engine(database_url(settings.database_url, settings.data_dir))
    except OSError as error:
        raise unwritable(settings, error) from None
    try:
        return purge_older_than(engine, days)
    finally:
        engine.dispose()


def purge_older_than(engine: Engine, days: float) -> Purged:
    """Delete questions older than `days` and their feedback. Raises StoreUnavailable if the
    database cannot be reached, SchemaMismatch if its tables cannot be brought in line."""
    if not days > 0:
        raise ConfigError(f"A purge needs a positive number of days, not {days:g} (0 keeps everything).")
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    upgrade_schema(engine)
    try:
        with engine.begin() as conn:
            asked, rated = delete_older_than(conn, cutoff)
    except SQLAlchemyError as error:
        raise failure(error, "purge the question log") or StoreUnavailable(str(error)) from None
    return Purged(asked, rated)


def unwritable(settings: Settings, error: Exception) -> ConfigError:
    why = getattr(error, "strerror", None) or error
    return ConfigError(
        f"The question log needs a writable data folder ({settings.data_dir}): {why}. "
        "Set ASSISTANT_DATA_DIR to one."
    )


def to_question_record(row: dict, latest: dict | None) -> QuestionRecord:
    """A stored row as a record, its readers' words redacted again: rows stored before redaction
    existed must not show contact details in a report either."""
    words = {name: redact_optional(row[name]) for name in ("question", "answer", "standalone_question")}
    return QuestionRecord(
        **{**row, **words},
        liked=latest["liked"] if latest else None,
        comment=redact_optional(latest["comment"]) if latest else None,
        feedback_at=latest["created_at"] if latest else None,
    )
