"""Owner-only files for what the question log keeps: readers' questions, the outbox, the salt.

Modes are set with chmod after creating, so they do not depend on the process's umask, and
files an older version left readable by others are tightened whenever the log opens. A file
this user may write but not chmod (another owner's) is used as it is, with a warning.
"""

from __future__ import annotations

import logging
import os
from contextlib import suppress
from pathlib import Path

log = logging.getLogger(__name__)
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) if needed and make it owner-only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    _chmod(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Make an existing file owner-only (0600); a file that is not there is fine."""
    with suppress(FileNotFoundError):
        _chmod(path, PRIVATE_FILE)


def open_private(path: Path, flags: int) -> int:
    """`os.open` with O_CREAT, the new (or existing) file set to 0600 whatever the umask."""
    fd = os.open(path, flags | os.O_CREAT, PRIVATE_FILE)
    try:
        _chmod(fd, PRIVATE_FILE)
    except OSError:
        os.close(fd)
        raise
    return fd


def _chmod(target: Path | int, mode: int) -> None:
    try:
        os.chmod(target, mode)
    except PermissionError as error:
        log.warning("Cannot make %s owner-only (mode %o): %s", target, mode, error.strerror)
