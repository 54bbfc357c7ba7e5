"""The question log's outbox: a record is committed to a local SQLite file before it is
acknowledged, and stays there until the database has it.

SQLite gives the durability the log needs without code of its own: a commit survives kill -9 and
power loss (WAL, synchronous=FULL), a write torn by a crash is rolled back when the file next
opens, and processes sharing a data folder append to the same file safely. Records are JSON text,
so what one release accepted the next can ship. Records the database refuses for good move to the
`rejected` table rather than being retried. Readers' words are in this file: it is owner-only and
deleted rows are overwritten on disk (secure_delete).
"""

from __future__ import annotations

import fcntl
import json
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from assistant.questionlog.database import private_sqlite_file

log = logging.getLogger(__name__)
OUTBOX_FILE = "outbox.db"
# How long an append waits for another process's transaction on the file (they take microseconds).
BUSY_S = 5.0
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rejected (seq INTEGER PRIMARY KEY, reason TEXT NOT NULL, record TEXT NOT NULL)",
)


class Outbox:
    """Append records durably; hand them to the writer in order; forget them once shipped.
    Errors from the file are sqlite3.Error (the disk is full or failing, or the file is locked)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_sqlite_file(path)
        # IMMEDIATE: a transaction takes the write lock at once, so appends never deadlock.
        self._conn = sqlite3.connect(
            path, timeout=BUSY_S, isolation_level="IMMEDIATE", check_same_thread=False
        )
        self._lock = threading.Lock()  # one connection, shared by readers' threads and the writer
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON"):
            self._conn.execute(f"PRAGMA {pragma}")
        with self._conn:
            for statement in SCHEMA:
                self._conn.execute(statement)

    def append(self, records: Sequence[dict]) -> None:
        """Commit `records` (all or none); once this returns they survive a crash."""
        # default=str: an odd value type (a numpy float in timings) must not cost the reader's words.
        lines = [(json.dumps(r, ensure_ascii=False, separators=(",", ":"), default=str),) for r in records]
        with self._lock, self._conn:
            self._conn.executemany("INSERT INTO outbox (record) VALUES (?)", lines)

    def pending(self, limit: int) -> list[tuple[int, str]]:
        """The oldest `limit` records not yet shipped, as (seq, JSON text)."""
        with self._lock:
            return self._conn.execute(
                "SELECT seq, record FROM outbox ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()

    def remove(self, seqs: Sequence[int]) -> None:
        """Forget records the database has committed."""
        with self._lock, self._conn:
            self._conn.executemany("DELETE FROM outbox WHERE seq = ?", [(seq,) for seq in seqs])

    def reject(self, seq: int | None, record: str, why: str) -> None:
        """Set a record the database refuses aside, for a person to look at (seq None: one that
        never reached the outbox)."""
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO rejected (reason, record) VALUES (?, ?)", (why, record))
            self._conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def adopt_spool(folder: Path, outbox: Outbox) -> int:
    """Move the records an older release left in its JSONL spool (`spool/*.jsonl`) into the
    outbox, so an upgrade loses none; returns how many. A line torn by a crash is skipped; a
    segment an older release still running holds (its flock) is left for the next start."""
    moved = 0
    for path in sorted(folder.glob("*.jsonl")):
        try:
            with path.open("rb") as file:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                lines = file.read().splitlines()
        except (FileNotFoundError, BlockingIOError):
            continue  # adopted by another process starting beside this one, or still being written
        records, torn = [], 0
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict) and "id" in record and "kind" in record:
                records.append(record)
            elif line.strip():
                torn += 1
        if torn:
            log.warning("Skipped %d unreadable line(s) in the old question-log spool %s", torn, path.name)
        outbox.append(records)
        path.unlink(missing_ok=True)  # adopted twice is harmless: inserts ignore known ids
        moved += len(records)
    return moved
