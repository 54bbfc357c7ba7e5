"""The question log's writer: one background thread per process ships the outbox to the database.

Answers never wait for it: a reader's request commits to the outbox and wakes this thread. While
the database is down, locked or full it retries with capped exponential backoff and the outbox
grows. When the code and the schema disagree, or the writer itself fails, it stops at once with an
error, since a retry cannot help; the records wait in the outbox for a release that fixes it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.questionlog.database import (
    SchemaMismatch,
    StoreUnavailable,
    failure,
    insert_ignoring_duplicates,
    reason,
)
from assistant.questionlog.outbox import Outbox
from assistant.questionlog.schema import upgrade_schema

log = logging.getLogger(__name__)
BATCH = 500  # records per transaction
POLL_S = 2.0  # how often to look for records another process put in a shared outbox
WARN_EVERY_S = 60.0  # while the database is away, repeat the same warning at most this often
FLUSH_RETRY_S = 0.2  # how often to retry while a caller waits in flush()
HOUSEKEEPING_EVERY_S = 24 * 3600.0  # the retention purge: daily is plenty for days of retention


class Writer:
    """One thread per process. `flush` waits for a clean pass that started after it was called."""

    def __init__(
        self,
        outbox: Outbox,
        engine: Engine,
        to_row: Callable[[dict], tuple[str, dict]],
        *,
        retry_initial_s: float = 0.1,
        retry_max_s: float = 30.0,
        memory_limit: int = 1000,
        housekeeping: Callable[[], None] | None = None,
        schema_ready: bool = False,
    ) -> None:
        self.outbox, self.engine, self.to_row = outbox, engine, to_row
        self.retry_initial_s, self.retry_max_s = retry_initial_s, retry_max_s
        self.memory_limit, self.housekeeping = memory_limit, housekeeping
        self.schema_ready = schema_ready
        self.stopped_by: Exception | None = None  # what stopped the writer for good
        self._cond = threading.Condition()
        self._pending = self._urgent = self._stopping = False
        self._started = self._clean = 0  # passes started; the last one that wrote everything
        self._flush_waiters = 0
        self._memory: list[dict] = []  # records the outbox could not take (disk trouble)
        self._failures = 0
        self._retry_delay = 0.0  # current backoff; 0 while the database answers
        self._next_housekeeping = 0.0  # monotonic time; the first pass does it at once
        self._last_warning: tuple[str, float] | None = None
        self._thread = threading.Thread(target=self._run, name="question-log-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self) -> None:
        """A record was appended: write it soon (not before the backoff ends if the DB is away)."""
        with self._cond:
            self._pending = True
            self._cond.notify_all()

    def keep_in_memory(self, record: dict) -> bool:
        """Last resort when the outbox cannot be written: hold the record for the next pass.
        False (and the record refused, with a warning) once `memory_limit` records are held.

        When full, the *new* record is refused rather than the oldest dropped: the loss is then
        logged beside the disk error that caused it, and the oldest are the first a reader's
        feedback refers to. Memory is no durability (a kill loses it): callers that must know pass
        `require_durable` to `QuestionLog`, and nothing of theirs is held here."""
        with self._cond:
            refused = len(self._memory) >= self.memory_limit
            if not refused:
                self._memory.append(record)
                self._pending = True
                self._cond.notify_all()
        if refused:
            log.warning(
                "Question-log record %s dropped: the outbox's disk refuses writes and %d records "
                "already wait in memory (ASSISTANT_LOG_MEMORY_BACKLOG)",
                record.get("id"),
                self.memory_limit,
            )
        return not refused

    def flush(self, timeout: float) -> bool:
        if self.stopped_by is not None:
            return False
        if not self._thread.is_alive():
            return self._safe_pass()
        with self._cond:
            target = self._started + 1
            self._urgent = True
            self._flush_waiters += 1
            self._cond.notify_all()
            try:
                done = lambda: self._clean >= target or self.stopped_by is not None  # noqa: E731
                return self._cond.wait_for(done, timeout) and self.stopped_by is None
            finally:
                self._flush_waiters -= 1

    def stop(self, timeout: float) -> bool:
        """One last pass, then the thread ends. True if the thread finished within `timeout`."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def memory_backlog(self) -> list[dict]:
        """Take every record held in memory (the caller appends them to the outbox)."""
        with self._cond:
            held, self._memory = self._memory, []
        return held

    def _run(self) -> None:
        delay = 0.0  # first pass at once: ship what an earlier process left in the outbox
        while True:
            with self._cond:
                # While the database is away, new records do not cut the backoff short.
                wake = lambda: self._urgent or self._stopping or (self._pending and not self._failures)  # noqa: E731
                self._cond.wait_for(wake, delay)
                self._pending = self._urgent = False
                self._started += 1
                number, stopping = self._started, self._stopping
            clean = self._safe_pass()
            with self._cond:
                if clean:
                    self._clean = number
                self._cond.notify_all()
                waiting = self._flush_waiters > 0
            if stopping or self.stopped_by is not None:
                return
            delay = POLL_S if clean else self._backoff(waiting)

    def _backoff(self, flush_waiting: bool) -> float:
        """The wait before the next try: doubling up to the cap, but brisk while someone waits in
        flush(). Brisk tries do not grow the backoff, or an outage watched by flush() would leave
        the writer asleep for the full cap once the database is back."""
        if flush_waiting:
            return min(self._retry_delay or self.retry_initial_s, FLUSH_RETRY_S)
        self._retry_delay = min(self.retry_max_s, self._retry_delay * 2 or self.retry_initial_s)
        return self._retry_delay

    def _safe_pass(self) -> bool:
        try:
            self._pass()
        except StoreUnavailable as error:
            self._failures += 1
            self._warn(str(error))
            return False
        except Exception as error:  # the schema disagrees, or a bug: retrying cannot help
            self.stopped_by = error
            log.error(
                "The question log stopped writing to its database: %s. Nothing is lost: records "
                "wait in %s and are written when a release that fixes this starts.",
                error,
                self.outbox.path,
                exc_info=not isinstance(error, SchemaMismatch),
            )
            return False
        if self._failures:
            log.info("Question log database reachable again; waiting records written")
        self._failures, self._retry_delay, self._last_warning = 0, 0.0, None
        return True

    def _pass(self) -> None:
        """Ship the outbox, oldest first, then what is held in memory."""
        if not self.schema_ready:
            upgrade_schema(self.engine)
            self.schema_ready = True
        self._housekeep()
        try:
            while batch := self.outbox.pending(BATCH):
                self._commit(batch)
                self.outbox.remove([seq for seq, _ in batch])
                if len(batch) < BATCH:
                    break
        except sqlite3.OperationalError as error:  # the outbox itself is locked or its disk fails
            raise StoreUnavailable(f"Cannot read the outbox: {error}") from None
        with self._cond:
            held = list(self._memory)  # they stay counted against the cap until committed
        self._commit([(None, json.dumps(record, default=str)) for record in held])
        with self._cond:
            del self._memory[: len(held)]  # newer ones were appended after them

    def _housekeep(self) -> None:
        """The housekeeping job (retention purge) on the first pass and daily after. A database
        that is away retries it next pass; any other failure waits a day, logged."""
        if self.housekeeping is None or time.monotonic() < self._next_housekeeping:
            return
        try:
            self.housekeeping()
        except StoreUnavailable:
            raise
        except Exception as error:  # never let housekeeping stop records from being written
            log.error("Question-log housekeeping failed: %s: %s", type(error).__name__, error)
        self._next_housekeeping = time.monotonic() + HOUSEKEEPING_EVERY_S

    def _commit(self, items: Sequence[tuple[int | None, str]]) -> None:
        """All of `items` (seq, JSON text) in one transaction; a row the database refuses, or a
        record that is not one, is set aside alone."""
        rows = []
        for seq, text in items:
            try:
                rows.append((seq, text, *self.to_row(json.loads(text))))
            except (KeyError, TypeError, ValueError) as error:
                self._set_aside(seq, text, f"unreadable: {error}")
        try:
            self._insert(rows)
        except SQLAlchemyError as error:
            self._raise_unless_the_rows_are_at_fault(error)
            for row in rows:
                try:
                    self._insert([row])
                except SQLAlchemyError as error:
                    self._raise_unless_the_rows_are_at_fault(error)
                    self._set_aside(row[0], row[1], reason(error))

    def _insert(self, rows: Sequence[tuple[int | None, str, str, dict]]) -> None:
        with self.engine.begin() as conn:
            for kind in ("question", "feedback"):
                insert_ignoring_duplicates(conn, kind, [row for _, _, k, row in rows if k == kind])

    def _raise_unless_the_rows_are_at_fault(self, error: SQLAlchemyError) -> None:
        problem = failure(error, "write to the question log")
        if problem is not None:
            raise problem from None

    def _set_aside(self, seq: int | None, text: str, why: str) -> None:
        log.error("Question log refused a record (%s); kept in the outbox's rejected table", why)
        self.outbox.reject(seq, text, why)

    def _warn(self, why: str) -> None:
        now = time.monotonic()
        if self._last_warning and self._last_warning[0] == why and now - self._last_warning[1] < WARN_EVERY_S:
            return
        self._last_warning = (why, now)
        log.warning("Question log cannot reach its database (%s); records wait in %s", why, self.outbox.path)
