"""A durable, append-only local spool: records land here (fsynced) before any database sees them.

Records go to JSONL *segments* under one folder, one JSON object per line. The process appending
holds an exclusive `flock` on its active segment; the database writer `seal`s it (starts a new one)
and may then claim any segment nobody holds, including ones a killed process left behind, and
delete it once every record in it is committed. A torn last line (killed mid-write) is skipped.
Readers' words are in these files: the folder is 0700 and every file in it 0600.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from assistant.questionlog.private_files import open_private, private_dir, private_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no cross-process claims, single process only
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
SEGMENT_SUFFIX = ".jsonl"
REJECTED_FILE = "rejected.jsonl.bad"


@dataclass
class Segment:
    """The records of one claimed segment file; `skipped` counts unreadable (torn) lines."""

    path: Path
    records: list[dict]
    skipped: int = 0


class Spool:
    """Append records durably; hand sealed segments to one writer at a time, across processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = private_dir(folder)
        for path in [*self.segment_paths(), self.folder / REJECTED_FILE]:
            private_file(path)
        self._lock = threading.Lock()
        self._active: int | None = None  # file descriptor of this process's active segment
        self._active_bytes = 0

    def append(self, record: dict) -> None:
        """Write one record as a line and fsync it. Raises OSError when the disk refuses it."""
        # default=str: an odd value type (a numpy float in timings) must not cost the reader's words.
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
        line = (text + "\n").encode("utf-8")
        with self._lock:
            try:
                if self._active is None:
                    self._active = self._open_segment()
                    self._active_bytes = 0
                _write_all(self._active, line)
                os.fsync(self._active)
                self._active_bytes += len(line)
            except OSError:
                # A half-written line must never have the next record glued to it: start afresh.
                self._close_active()
                raise

    def seal(self) -> None:
        """Close the active segment (if it holds anything) so the writer can claim it."""
        with self._lock:
            if self._active is not None and self._active_bytes:
                self._close_active()

    def close(self) -> None:
        with self._lock:
            self._close_active()

    def segment_paths(self) -> list[Path]:
        """Every segment on disk, oldest first (names start with a nanosecond timestamp)."""
        return sorted(self.folder.glob(f"*{SEGMENT_SUFFIX}"))

    @contextmanager
    def claim(self, path: Path) -> Iterator[Segment | None]:
        """The segment's records while holding its lock, or None if another process holds it
        (or it is gone). Delete it with `discard` inside the block once its records are committed."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            yield None
            return
        try:
            if not _try_lock(fd) or not _same_file(fd, path):
                yield None
                return
            yield read_segment(path, fd)
        finally:
            os.close(fd)  # releases the lock

    def discard(self, path: Path) -> None:
        with suppress(FileNotFoundError):
            path.unlink()

    def quarantine(self, record: dict, reason: str) -> None:
        """Keep a record the database refuses for good, so it is never silently lost."""
        line = json.dumps({"reason": reason, "record": record}, ensure_ascii=False) + "\n"
        with self._lock:
            fd = open_private(self.folder / REJECTED_FILE, os.O_WRONLY | os.O_APPEND)
            try:
                _write_all(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def _open_segment(self) -> int:
        name = f"{time.time_ns():020d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SEGMENT_SUFFIX}"
        fd = open_private(self.folder / name, os.O_WRONLY | os.O_APPEND | os.O_EXCL)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        _fsync_dir(self.folder)  # the new file's name must survive a crash too
        return fd

    def _close_active(self) -> None:
        if self._active is not None:
            try:
                os.close(self._active)
            except OSError as error:
                log.warning("Closing a question-log spool segment failed: %s", error)
            self._active = None
            self._active_bytes = 0


def read_segment(path: Path, fd: int) -> Segment:
    """Parse a segment's lines; skip (and count) any line that is not a whole JSON object."""
    with os.fdopen(os.dup(fd), "rb") as file:
        data = file.read()
    records, skipped = [], 0
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            skipped += 1
            continue
        if isinstance(record, dict) and "id" in record and "kind" in record:
            records.append(record)
        else:
            skipped += 1
    if skipped:
        log.warning("Skipped %d unreadable line(s) in question-log spool %s", skipped, path.name)
    return Segment(path, records, skipped)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _try_lock(fd: int) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    """False when the file was deleted (and maybe recreated) between open and lock."""
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
