"""The question log's background writer: moves spooled records into the database in batches.

It never holds up an answer: readers' requests only append to the spool and wake this thread.
While the database is away it retries with capped exponential backoff; the spool keeps growing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from sqlalchemy import Engine
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    SQLAlchemyError,
)

from assistant.questionlog.database import create_schema, insert_ignoring_duplicates
from assistant.questionlog.spool import Spool

log = logging.getLogger(__name__)
ROWS_PER_STATEMENT = 500
# While the database is down, repeat the same warning at most this often.
WARN_EVERY_S = 60.0
# How often to retry while a caller waits in flush().
FLUSH_RETRY_S = 0.2
# How often housekeeping (the retention purge) runs in a long-lived process: daily is plenty for
# a retention counted in days.
HOUSEKEEPING_EVERY_S = 24 * 3600.0


class DatabaseUnavailable(Exception):
    """The database could not be reached or was locked; the records stay spooled for a retry."""


class SpoolWriter:
    """One thread per process. `flush` waits for a full pass that started after it was called."""

    def __init__(
        self,
        spool: Spool,
        engine: Engine,
        to_row: Callable[[dict], tuple[str, dict]],
        retry_initial_s: float = 0.1,
        retry_max_s: float = 30.0,
        poll_s: float = 2.0,
        batch_window_s: float = 0.02,
        memory_limit: int = 1000,
        housekeeping: Callable[[], None] | None = None,
    ) -> None:
        self.spool = spool
        self.engine = engine
        self.to_row = to_row
        self.retry_initial_s, self.retry_max_s = retry_initial_s, retry_max_s
        self.poll_s, self.batch_window_s = poll_s, batch_window_s
        self._cond = threading.Condition()
        self._pending = self._urgent = self._stopping = False
        self._cycles_started = self._last_clean_cycle = 0
        self._flush_waiters = 0
        self._memory: list[dict] = []  # records the spool could not take (disk trouble)
        self._memory_in_flight = 0  # of those, how many a pass is committing right now
        self.memory_limit = memory_limit
        self.housekeeping = housekeeping
        self._next_housekeeping = 0.0  # monotonic time; the first pass does it at once
        self._schema_ready = False
        self._failures = 0
        self._retry_delay = 0.0  # current backoff; 0 while the database answers
        self._last_warning: tuple[str, float] | None = None
        self._thread = threading.Thread(target=self._run, name="question-log-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self) -> None:
        """A record was spooled: write it soon (not before the backoff ends if the DB is down)."""
        with self._cond:
            self._pending = True
            self._cond.notify_all()

    def keep_in_memory(self, record: dict) -> bool:
        """Last resort when the spool cannot be written: hold the record for the next pass.
        False (and the record refused, with a warning) once `memory_limit` records are held.

        When full, the *new* record is refused rather than the oldest dropped: the loss is then
        logged at the moment it happens, beside the disk error that caused it, instead of a record
        accepted minutes ago vanishing later; and the oldest are the first a reader's feedback
        refers to. Memory is no durability either way (a kill loses it all): callers that must
        know pass `require_durable` to `QuestionLog` and nothing of theirs is held here."""
        with self._cond:
            if len(self._memory) + self._memory_in_flight >= self.memory_limit:
                refused = True
            else:
                refused = False
                self._memory.append(record)
                self._pending = True
                self._cond.notify_all()
        if refused:
            log.warning(
                "Question-log record %s dropped: the spool's disk refuses writes and %d records "
                "already wait in memory (ASSISTANT_LOG_MEMORY_BACKLOG)",
                record.get("id"),
                self.memory_limit,
            )
        return not refused

    def flush(self, timeout: float) -> bool:
        if not self._thread.is_alive():
            return self._safe_pass()
        with self._cond:
            target = self._cycles_started + 1
            self._urgent = True
            self._flush_waiters += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: self._last_clean_cycle >= target, timeout)
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
        """Take every record held in memory (the caller writes or spools them)."""
        with self._cond:
            held, self._memory = self._memory, []
        return held

    def _run(self) -> None:
        delay = 0.0  # first pass at once: replay whatever an earlier process left in the spool
        while True:
            with self._cond:
                if self._failures:
                    self._cond.wait_for(lambda: self._urgent or self._stopping, delay)
                else:
                    self._cond.wait_for(lambda: self._pending or self._urgent or self._stopping, delay)
                    if self._pending and not (self._urgent or self._stopping):
                        self._cond.wait_for(lambda: self._urgent or self._stopping, self.batch_window_s)
                self._pending = self._urgent = False
                self._cycles_started += 1
                cycle, stopping = self._cycles_started, self._stopping
            clean = self._safe_pass()
            with self._cond:
                if clean:
                    self._last_clean_cycle = cycle
                self._cond.notify_all()
                waiting = self._flush_waiters > 0
            if stopping:
                return
            delay = self.poll_s if clean else self._backoff(waiting)

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
        except DatabaseUnavailable as error:
            self._failures += 1
            self._warn(str(error))
            return False
        except Exception as error:  # a bug must not kill the thread; the records stay spooled
            self._failures += 1
            self._warn(f"unexpected {type(error).__name__}: {error}")
            return False
        if self._failures:
            log.info("Question log database reachable again; spooled records written")
        self._failures, self._retry_delay, self._last_warning = 0, 0.0, None
        return True

    def _pass(self) -> None:
        """Write every claimable segment, oldest first, deleting each once committed."""
        self._ensure_schema()
        self._housekeep()
        self.spool.seal()
        for path in self.spool.segment_paths():
            with self.spool.claim(path) as segment:
                if segment is None:
                    continue  # another live process holds it
                self._commit(segment.records)
                self.spool.discard(path)
        with self._cond:
            held, self._memory = self._memory, []
            self._memory_in_flight = len(held)
        try:
            self._commit(held)
        except DatabaseUnavailable:
            with self._cond:
                self._memory[:0] = held
            raise
        finally:
            with self._cond:
                self._memory_in_flight = 0

    def _housekeep(self) -> None:
        """Run the housekeeping job (retention purge) on the first pass and daily after. A
        database that is away retries it next pass; any other failure waits a day, logged."""
        if self.housekeeping is None or time.monotonic() < self._next_housekeeping:
            return
        try:
            self.housekeeping()
        except SQLAlchemyError as error:
            self._raise_if_unavailable(error)
            log.error("Question-log housekeeping failed: %s", reason(error))
        except Exception as error:  # never let housekeeping stop records from being written
            log.error("Question-log housekeeping failed: %s: %s", type(error).__name__, error)
        self._next_housekeeping = time.monotonic() + HOUSEKEEPING_EVERY_S

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        try:
            create_schema(self.engine)
        except SQLAlchemyError as error:
            raise DatabaseUnavailable(f"cannot create the tables: {reason(error)}") from None
        self._schema_ready = True

    def _commit(self, records: Sequence[dict]) -> None:
        """All of `records` in one transaction; a row the database refuses is quarantined alone."""
        rows = self._rows(records)
        try:
            with self.engine.begin() as conn:
                for kind in ("question", "feedback"):
                    kind_rows = [row for _, row_kind, row in rows if row_kind == kind]
                    for start in range(0, len(kind_rows), ROWS_PER_STATEMENT):
                        insert_ignoring_duplicates(conn, kind, kind_rows[start : start + ROWS_PER_STATEMENT])
        except SQLAlchemyError as error:
            self._raise_if_unavailable(error)
            self._commit_one_by_one(rows)

    def _commit_one_by_one(self, rows: Sequence[tuple[dict, str, dict]]) -> None:
        for record, kind, row in rows:
            try:
                with self.engine.begin() as conn:
                    insert_ignoring_duplicates(conn, kind, [row])
            except SQLAlchemyError as error:
                self._raise_if_unavailable(error)
                log.error(
                    "Question log refused record %s (%s); kept in the spool's rejected file",
                    record.get("id"),
                    reason(error),
                )
                self.spool.quarantine(record, reason(error))

    def _rows(self, records: Sequence[dict]) -> list[tuple[dict, str, dict]]:
        """(record, kind, row) for each record; one that cannot be read is set aside, not retried."""
        rows = []
        for record in records:
            try:
                kind, row = self.to_row(record)
            except (KeyError, TypeError, ValueError) as error:
                log.error("Unreadable question-log record %s (%s); kept aside", record.get("id"), error)
                self.spool.quarantine(record, f"unreadable: {error}")
                continue
            rows.append((record, kind, row))
        return rows

    def _raise_if_unavailable(self, error: SQLAlchemyError) -> None:
        if is_unavailable(error):
            if isinstance(error, ProgrammingError):
                self._schema_ready = False  # a table went missing: create it again next pass
            raise DatabaseUnavailable(reason(error)) from None

    def _warn(self, why: str) -> None:
        now = time.monotonic()
        if self._last_warning and self._last_warning[0] == why and now - self._last_warning[1] < WARN_EVERY_S:
            return
        self._last_warning = (why, now)
        log.warning("Question log cannot reach its database (%s); records wait in %s", why, self.spool.folder)


def is_unavailable(error: SQLAlchemyError) -> bool:
    """Worth retrying later (down, locked, a table missing), as opposed to a row it refuses."""
    if isinstance(error, (OperationalError, InterfaceError, DisconnectionError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    text = str(getattr(error, "orig", error)).lower()
    return isinstance(error, ProgrammingError) and ("does not exist" in text or "no such table" in text)


def reason(error: BaseException) -> str:
    """The first line of the driver's message: enough to act on, no stack trace."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
