"""Questions and chat history as readers send them, made safe to work with or refused with a
message a reader can act on."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from assistant.answer import Turn
from assistant.errors import InvalidHistory, InvalidQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
MAX_TURN_CHARS = 4000  # earlier answers can be long; beyond this a turn adds nothing to a follow-up


def clean_text(text: str) -> str:
    """Valid UTF-8, normal form, no control or direction-override characters, tidy spaces."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def clean_question(question: object, max_chars: int) -> str:
    if isinstance(question, bytes):
        raise InvalidQuestion("Please send your question as text.")
    if not isinstance(question, str):
        raise InvalidQuestion("Please type a question.")
    if len(question) > max_chars * 4:  # refuse before doing any work on a huge paste
        raise InvalidQuestion(too_long(max_chars))
    text = clean_text(question)
    if not re.search(r"\w", text):
        raise InvalidQuestion("Please type a question, for example: why does my back hurt after runs?")
    if len(text) > max_chars:
        raise InvalidQuestion(too_long(max_chars))
    return text


def too_long(max_chars: int) -> str:
    return f"That question is too long. Please keep it under {max_chars:,} characters."


def clean_history(history: Iterable[object] | None, max_turns: int) -> list[Turn]:
    """Turns as `Turn`s or `{role, content}` dicts; only the last `max_turns` are kept, and only those
    are read, so a history of any length costs the same (the one place history is cut)."""
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)):
        raise InvalidHistory("History must be a list of {role, content} turns.")
    if not max_turns:
        return []
    recent = list(history)[-max_turns:]
    turns: list[Turn] = []
    for position, item in enumerate(recent, start=1):
        role, content = turn_fields(item, position)
        text = clean_text(content)[:MAX_TURN_CHARS]
        if text:
            turns.append(Turn(role, text))
    return turns


def turn_fields(item: object, position: int) -> tuple[str, str]:
    if isinstance(item, Turn):
        return item.role, item.content
    if not isinstance(item, dict):
        raise InvalidHistory(f"History turn {position} must be an object with 'role' and 'content'.")
    role, content = item.get("role"), item.get("content")
    if role not in ("user", "assistant"):
        raise InvalidHistory(f"History turn {position} has role {role!r}; use 'user' or 'assistant'.")
    if not isinstance(content, str):
        raise InvalidHistory(f"History turn {position} needs 'content' as text.")
    return role, content
