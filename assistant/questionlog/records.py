"""The shape of question-log records: from an `Answer` to an outbox record to a database row.

A record is plain JSON (ISO timestamps), so an outbox written by one version can be shipped by
the next. Readers' contact details are redacted (`assistant.questionlog.redact`) before a record is made, so
neither the outbox nor the database ever holds them; otherwise text is kept whole, and only what no
database can store (NUL, lone surrogates) is replaced.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from assistant.answer import Answer
from assistant.questionlog.database import TABLES
from assistant.questionlog.private_files import open_private, private_dir, private_file
from assistant.questionlog.redact import redact, redact_optional

log = logging.getLogger(__name__)
SALT_FILE = "client_salt"
# PostgreSQL text cannot hold NUL, and UTF-8 cannot hold a lone surrogate.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def new_id() -> str:
    return uuid.uuid4().hex


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def storable(value: Any) -> Any:
    """`value` with unstorable characters in every string (however nested) replaced by U+FFFD."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    return value


def answer_record(record_id: str, answer: Answer, session_id: str | None, client: str | None) -> dict:
    """The record for one answer, readers' contact details redacted. `session_id` and
    `client` must already be hashed (`fingerprint`)."""
    return storable(
        {
            "kind": "question",
            "id": record_id,
            "created_at": now_utc().isoformat(),
            "session_id": None if session_id is None else str(session_id),
            "client": client,
            "question": redact(answer.question),
            "standalone_question": redact_optional(answer.standalone_question),
            "answer": redact(answer.text),
            "mode": answer.mode,
            "abstained": bool(answer.abstained),
            "safety_notice": answer.safety_notice,
            "citations": [
                {"n": c.n, "doc_id": c.doc_id, "section": c.section, "text": c.text} for c in answer.citations
            ],
            "fallback_reason": answer.fallback_reason,
            "latency_ms": answer.timings_ms.get("total_ms"),
            "prompt_tokens": answer.usage.prompt_tokens,
            "completion_tokens": answer.usage.completion_tokens,
            "cost_usd": answer.usage.cost_usd,
        }
    )


def feedback_record(feedback_id: str, record_id: str, liked: bool, comment: str | None) -> dict:
    """The record for one thumbs-up/down, the comment's contact details redacted."""
    return storable(
        {
            "kind": "feedback",
            "id": feedback_id,
            "record_id": str(record_id),
            "liked": bool(liked),
            "comment": redact_optional(comment),
            "created_at": now_utc().isoformat(),
        }
    )


def record_to_row(record: dict) -> tuple[str, dict]:
    """(kind, row) for the insert; raises KeyError/ValueError for a line that is not a record."""
    kind = record["kind"]
    if kind not in TABLES:
        raise ValueError(f"unknown record kind {kind!r}")
    row = {column.name: record.get(column.name) for column in TABLES[kind].columns}
    if not isinstance(row["id"], str) or not row["id"]:
        raise ValueError("record without an id")
    row["created_at"] = datetime.fromisoformat(record["created_at"])
    if kind == "question":
        row["citations"] = row["citations"] or []
        for name in ("prompt_tokens", "completion_tokens", "cost_usd"):
            row[name] = row[name] or 0
    return kind, row


def client_fingerprint(client: str, salt: bytes) -> str:
    """A keyed hash of the reader's address: tells repeat visitors apart, cannot be reversed."""
    return hmac.new(salt, client.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def session_fingerprint(session_id: str, salt: bytes) -> str:
    """A keyed hash of the web session id. The access log prints the raw id beside the reader's
    plain address, so storing it as it is would link every hashed address back to its owner.
    The prefix keeps a session's hash from ever equalling an address's."""
    return client_fingerprint(f"session:{session_id}", salt)


def load_client_salt(configured: SecretStr | None, data_dir: Path) -> bytes:
    """The configured salt (replicas on several machines should share one), else one generated
    once per data folder and kept in it."""
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value().encode("utf-8")
    path = data_dir / SALT_FILE
    try:
        return _read_or_create_salt(path)
    except OSError as error:
        log.warning("Cannot keep the client salt in %s (%s); using one for this process only", path, error)
        return secrets.token_bytes(32)


def _read_or_create_salt(path: Path) -> bytes:
    if path.exists():
        private_file(path)  # a salt others can read lets them test guessed addresses
        return path.read_bytes()
    private_dir(path.parent)
    staged = path.with_name(f".{SALT_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = open_private(staged, os.O_WRONLY | os.O_EXCL)
    with os.fdopen(fd, "wb") as file:
        file.write(secrets.token_hex(32).encode("ascii"))
    try:
        os.link(staged, path)  # atomic create-if-absent: two processes starting agree on one salt
    except FileExistsError:
        pass
    finally:
        staged.unlink()
    return path.read_bytes()
