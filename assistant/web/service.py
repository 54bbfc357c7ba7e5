"""Questions from the web, through the limits to the assistant and into the question log, and the
ratings readers give the answers. Knows nothing about Gradio, so tests drive it directly."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from anyio import CapacityLimiter, to_thread

from assistant.answer import Answer, TextDelta
from assistant.answering.pipeline import Assistant
from assistant.errors import AssistantError
from assistant.web.limits import Limits
from assistant.web.render import escape_markdown, plain_markdown

log = logging.getLogger(__name__)
BUDGET_NOTE = "Today's allowance of written answers is used up, so this answer quotes the passages directly."
# The comment box holds 2,000 characters; the server refuses more rather than cutting a reader's words.
MAX_COMMENT_CHARS = 2_000
COMMENT_TOO_LONG = f"Please keep your comment under {MAX_COMMENT_CHARS:,} characters."
ALREADY_RATED = "That answer has been rated already, or it is not one this server gave."
MAX_RATEABLE = 50_000  # answers whose record ids are remembered for one rating each
BAD_RECORD_ID = "That is not the record id of an answer; use the one /ask returned."
RECORD_ID = re.compile(r"[0-9a-f]{32}")  # uuid4 hex, as assistant.questionlog.records.new_id makes them


class FeedbackRefused(AssistantError):
    """A rating or comment that cannot be taken (already rated, unknown answer, too long)."""

    input_error = True


class QuestionLog(Protocol):
    """What the web needs from `assistant.questionlog.store.QuestionLog` (no call blocks on the database)."""

    def record_answer(
        self, answer: Answer, *, session_id: str | None = ..., client: str | None = ...
    ) -> str: ...

    def record_feedback(
        self, record_id: str, liked: bool, comment: str | None = ..., *, require_durable: bool = ...
    ) -> str:
        """With `require_durable`, raises an `AssistantError` unless the record reached the disk."""

    def flush(self, timeout: float = ...) -> bool: ...

    def close(self) -> None: ...


@dataclass
class Reply:
    """The end of one answer: what to show, and the log record a thumbs up/down refers to."""

    answer: Answer
    record_id: str
    note: str | None


class ChatService:
    """Questions from the web, through the limits to the assistant and into the question log.
    Knows nothing about Gradio, so tests can drive it directly.

    Answers run on the server's event loop, so one process holds many readers waiting on the
    model; what blocks (retrieval and extractive answers, bounded by `cpu_slots`; the limits when
    they ask PostgreSQL; the log's fsync) runs in worker threads."""

    def __init__(
        self, assistant: Assistant, limits: Limits, question_log: QuestionLog, cpu_slots: int = 8
    ) -> None:
        self.assistant = assistant
        self.limits = limits
        self.question_log = question_log
        self.cpu = CapacityLimiter(cpu_slots)
        # Record ids handed out and not yet rated: each answer takes one rating, and only ids this
        # server gave out are accepted (bounded; the oldest are forgotten first).
        self.rateable: OrderedDict[str, None] = OrderedDict()
        self.rateable_lock = threading.Lock()

    async def stream(
        self, question: str, history: list[dict], client: str | None, session_id: str | None
    ) -> AsyncIterator[TextDelta | Reply]:
        """Text deltas while a model writes, then a `Reply`. Raises `AssistantError`s for readers."""
        turns = sum(turn["role"] == "user" for turn in history)
        if self.limits.blocking:
            use_model = await to_thread.run_sync(self.admit, client, turns)
        else:  # in memory: microseconds, cheaper than a trip to a worker thread and back
            use_model = self.admit(client, turns)
        note = BUDGET_NOTE if self.assistant.settings.llm_enabled() and not use_model else None
        answer = None
        async for event in self.assistant.astream(question, history, use_model, self.cpu):
            if isinstance(event, Answer):
                answer = event
            else:
                yield event
        assert answer is not None
        yield await to_thread.run_sync(self.logged_reply, answer, client, session_id, note)

    def admit(self, client: str | None, turns_so_far: int) -> bool:
        """Through the limits (or an `AssistantError`); whether the answer may use the model."""
        self.limits.admit(client, turns_so_far)
        return self.limits.use_model()

    def logged_reply(
        self, answer: Answer, client: str | None, session_id: str | None, note: str | None
    ) -> Reply:
        """Count the answer's spend, log it, and remember its record id for one rating."""
        self.limits.record(answer)
        record_id = self.question_log.record_answer(answer, session_id=session_id, client=client)
        with self.rateable_lock:
            self.rateable[record_id] = None
            while len(self.rateable) > MAX_RATEABLE:
                self.rateable.popitem(last=False)
        return Reply(answer, record_id, note)

    async def finished_reply(self, question: str, client: str | None, session_id: str | None) -> Reply:
        """One question, no history, answered to the end. Raises `AssistantError`s for readers."""
        return [e async for e in self.stream(question, [], client, session_id) if isinstance(e, Reply)][-1]

    async def answer_markdown(self, question: str, client: str | None, session_id: str | None) -> str:
        """One question, no history: the finished answer as Markdown, or the reader-facing problem."""
        try:
            reply = await self.finished_reply(question, client, session_id)
        except AssistantError as problem:
            return escape_markdown(str(problem))
        return plain_markdown(reply.answer, reply.note)

    async def answer_with_record(self, question: str, client: str | None, session_id: str | None) -> dict:
        """Like `answer_markdown`, plus the log record id an API caller's feedback refers to
        (None when the question was refused, so there is nothing to rate)."""
        try:
            reply = await self.finished_reply(question, client, session_id)
        except AssistantError as problem:
            return {"markdown": escape_markdown(str(problem)), "record_id": None}
        return {"markdown": plain_markdown(reply.answer, reply.note), "record_id": reply.record_id}

    def rate(self, record_id: str, liked: bool, client: str | None, comment: str | None = None) -> None:
        """A reader's thumbs on an answer this server gave: once per answer, and counted against the
        reader's rate limit like a question. Raises `AssistantError`s for readers."""
        with self.rateable_lock:
            if record_id not in self.rateable:
                raise FeedbackRefused(ALREADY_RATED)
            self.limits.admit(client)
            del self.rateable[record_id]
        try:
            self.question_log.record_feedback(record_id, liked, comment, require_durable=True)
        except AssistantError:
            with self.rateable_lock:  # not kept: the reader may try again
                self.rateable[record_id] = None
            raise

    def comment(self, record_id: str, liked: bool, comment: str, client: str | None) -> None:
        """A comment on an answer already rated. Too long is refused, not cut: a reader's words are
        kept whole or handed back."""
        comment = comment.strip()
        if len(comment) > MAX_COMMENT_CHARS:
            raise FeedbackRefused(COMMENT_TOO_LONG)
        if comment:
            self.limits.admit(client)
            self.question_log.record_feedback(record_id, liked, comment, require_durable=True)

    def api_feedback(self, record_id: object, liked: object, comment: object, client: str | None) -> str:
        """Thumbs from an API caller: "ok", or why not."""
        if not isinstance(record_id, str) or not RECORD_ID.fullmatch(record_id):
            return BAD_RECORD_ID
        if not isinstance(liked, bool) or not isinstance(comment, str | None):
            return "Send liked as true or false, and comment as text."
        if comment and len(comment.strip()) > MAX_COMMENT_CHARS:
            return COMMENT_TOO_LONG
        try:
            self.rate(record_id, liked, client, (comment or "").strip() or None)
        except AssistantError as problem:
            return str(problem)
        return "ok"
