"""Generated answers: the model sees numbered passages and must cite them. Streams, under a hard
deadline, so a slow or stalled model costs the reader seconds, not the answer."""

from __future__ import annotations

import asyncio
import json
import math
import queue
import random
import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import ClassVar, TypeVar

import httpx
from llama_index.core.llms import LLM, ChatMessage

from assistant.answer import Passage
from assistant.answering.prompts import Prompts

NOT_COVERED = "NOT_COVERED"
# The model's second opinion on warning signs: a reply that opens with it is not shown (see
# `Assistant.settle_model_reply`).
WARNING_SIGNS_SEEN = "WARNING_SIGNS"
timeout_at = getattr(asyncio, "timeout_at", None)  # Python 3.11+
_DONE = object()
T = TypeVar("T")


class GenerationFailed(Exception):
    """The model gave no usable answer (error, timeout, empty); `reason` is for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def build_messages(question: str, passages: Sequence[Passage], prompts: Prompts) -> list[ChatMessage]:
    numbered = "\n\n".join(
        f"[{n}] {p.title} — {p.section}\n{p.text}" for n, p in enumerate(passages, start=1)
    )
    return [
        ChatMessage(role="system", content=prompts.answer_system),
        ChatMessage(role="user", content=prompts.answer_user.format(passages=numbered, question=question)),
    ]


def stream_reply(llm: LLM, messages: list[ChatMessage], deadline_s: float) -> Iterator[str]:
    """Text deltas from the model, streamed. Raises GenerationFailed on any error or past the deadline."""

    def produce(put: Callable[[object], None]) -> None:
        for chunk in llm.stream_chat(messages):
            if chunk.delta:
                put(chunk.delta)

    return within_deadline(produce, deadline_s)


def complete_text(llm: LLM, prompt: str, deadline_s: float) -> str:
    """One short answer in a single response (used to condense follow-ups), same deadline rules."""

    def produce(put: Callable[[object], None]) -> None:
        put(llm.chat([ChatMessage(role="user", content=prompt)]).message.content or "")

    return "".join(within_deadline(produce, deadline_s)).strip()


def within_deadline(produce: Callable[[Callable[[object], None]], None], deadline_s: float) -> Iterator[str]:
    """Run `produce` in a worker thread and yield what it puts, until done or the deadline passes.
    The thread is what lets the deadline hold while the HTTP client blocks on a stalled stream."""
    items: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            produce(items.put)
            items.put(_DONE)
        except Exception as error:  # handed to the consumer, which decides the fallback
            items.put(error)

    threading.Thread(target=work, daemon=True, name="llm-call").start()
    ends_at = time.monotonic() + deadline_s
    while True:
        remaining = ends_at - time.monotonic()
        try:
            item = items.get(timeout=max(remaining, 0.001))
        except queue.Empty:
            raise GenerationFailed(f"no complete answer within {deadline_s:g} s") from None
        if item is _DONE:
            return
        if isinstance(item, Exception):
            raise GenerationFailed(f"{type(item).__name__}: {item}"[:300])
        yield item


class HeldBackReply:
    """A model reply as it streams. A reply that may still turn out to be NOT_COVERED is held back,
    so a reader never sees the marker flash up before the "not covered" answer replaces it; so is
    one that opens with WARNING_SIGNS, which is replaced by the professional advice."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.shown = 0  # pieces handed out so far

    def add(self, delta: str) -> str:
        """Take one delta; returns the text to show now ("" while held back)."""
        self.pieces.append(delta)
        opening = self.text.strip()
        if any(marker.startswith(opening[: len(marker)]) for marker in (NOT_COVERED, WARNING_SIGNS_SEEN)):
            return ""
        fresh, self.shown = "".join(self.pieces[self.shown :]), len(self.pieces)
        return fresh

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def warned(self) -> bool:
        """Whether the model says the question describes a warning sign (anywhere in its reply: a
        notice costs little, a miss a lot)."""
        return WARNING_SIGNS_SEEN in self.text


async def astream_reply(llm: LLM, messages: list[ChatMessage], deadline_s: float) -> AsyncIterator[str]:
    """`stream_reply` for an event loop: the model's async client, no thread per answer, so one
    process can hold hundreds of streams. Past the deadline the HTTP stream is cancelled (not left
    running in a thread). Raises GenerationFailed on any error or past the deadline."""
    ends_at = asyncio.get_running_loop().time() + deadline_s
    deltas = model_deltas(llm, messages)
    try:
        while True:
            try:
                delta = await before(ends_at, deadline_s, anext(deltas))
            except StopAsyncIteration:
                return
            if delta:
                yield delta
    except GenerationFailed:
        raise
    except Exception as error:  # the caller decides the fallback, as with stream_reply
        raise GenerationFailed(f"{type(error).__name__}: {error}"[:300]) from error
    finally:
        await deltas.aclose()


def model_deltas(llm: LLM, messages: list[ChatMessage]) -> AsyncIterator[str]:
    """The reply's text deltas. An OpenAI or OpenAI-compatible chat model is streamed straight over
    its client's HTTP connection pool with the request llama-index would send, reading the
    server-sent events as plain JSON: the openai client's per-request work (parameter transforms,
    request options, typed chunks) and llama-index's wrapping of each chunk cost a crowded server
    more CPU than the rest of an answer. Any other model goes through llama-index."""
    from llama_index.llms.openai import OpenAI  # loaded already whenever such a model is in use

    if isinstance(llm, OpenAI) and llm._use_chat_completions({}) and not llm.modalities:
        endpoint = ChatEndpoint.of(llm._get_aclient())
        if endpoint is not None:
            return endpoint.deltas(llm, messages)
    return llama_index_deltas(llm, messages)


class ChatEndpoint:
    """`{base_url}/chat/completions` of one `AsyncOpenAI` client, with the headers, timeout, retry
    count and `httpx.AsyncClient` (connection pool) the client itself would use. Built once per
    client: the client's headers are fixed for a plain API key."""

    _built: ClassVar[weakref.WeakKeyDictionary] = weakref.WeakKeyDictionary()
    # The openai client's backoff when the server names no delay: 0.5 s doubling, up to 8 s.
    INITIAL_RETRY_DELAY_S = 0.5
    MAX_RETRY_DELAY_S = 8.0
    MAX_RETRY_AFTER_S = 60.0

    def __init__(self, client: object) -> None:
        headers = {**client.auth_headers, **client.default_headers}
        self.headers = {name: value for name, value in headers.items() if isinstance(value, str)}
        read_timeout = client.timeout.read if isinstance(client.timeout, httpx.Timeout) else client.timeout
        if read_timeout is not None:
            self.headers["x-stainless-read-timeout"] = str(read_timeout)
        self.url = str(client.base_url).rstrip("/") + "/chat/completions"
        self.params = dict(client.default_query)
        self.timeout = client.timeout
        self.max_retries = client.max_retries
        self.http: httpx.AsyncClient = client._client

    @classmethod
    def of(cls, client: object) -> ChatEndpoint | None:
        """The endpoint of a plain `AsyncOpenAI` client with a fixed API key; None for clients
        that sign or rewrite each request (Azure, key providers, workload identity, providers),
        which go through llama-index."""
        from openai import AsyncOpenAI

        plain = (
            type(client) is AsyncOpenAI
            and getattr(client, "_api_key_provider", None) is None
            and getattr(client, "_workload_identity_auth", None) is None
            and getattr(client, "_provider_runtime", None) is None
            and client.custom_auth is None
        )
        if not plain:
            return None
        if client not in cls._built:
            cls._built[client] = cls(client)
        return cls._built[client]

    async def deltas(self, llm: LLM, messages: list[ChatMessage]) -> AsyncIterator[str]:
        """Deltas of a chat completion. The JSON body is built by the same llama-index code as
        `llm.astream_chat` (model, messages, temperature, max tokens, extra arguments). Closing
        this generator (past the deadline) closes the HTTP stream."""
        from llama_index.llms.openai.utils import to_openai_message_dicts

        body = {
            "messages": to_openai_message_dicts(messages, model=llm.model),
            **llm._get_model_kwargs(stream=True),
        }
        headers = {**self.headers, **(body.pop("extra_headers", None) or {})}
        params = {**self.params, **(body.pop("extra_query", None) or {})}
        timeout = body.pop("timeout", self.timeout)
        body.update(body.pop("extra_body", None) or {})
        request = self.http.build_request(
            "POST",
            self.url,
            content=json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(),
            headers=headers,
            params=params or None,
            timeout=timeout,
        )
        response = await self.send(request)
        try:
            async for data in sse_data(response.aiter_lines()):
                if data.startswith("[DONE]"):
                    return
                chunk = json.loads(data)
                if isinstance(chunk, dict) and chunk.get("error"):
                    raise ModelStreamError(chunk["error"])
                for choice in chunk.get("choices") or ():
                    if choice.get("index", 0) == 0 and (delta := (choice.get("delta") or {}).get("content")):
                        yield delta
        finally:
            await response.aclose()

    async def send(self, request: httpx.Request) -> httpx.Response:
        """The response, its body still unread, once the status is a success. A connection error,
        timeout or retryable status (408, 409, 429, 5xx) is retried up to `max_retries` times, as
        the openai client does, with its backoff; once the stream's first byte is read, never."""
        retries_left = self.max_retries
        while True:
            request.headers["x-stainless-retry-count"] = str(self.max_retries - retries_left)
            try:
                response = await self.http.send(request, stream=True)
            except httpx.TransportError:
                if not retries_left:
                    raise
                delay = self.retry_delay(retries_left, None)
            else:
                if response.is_success:
                    return response
                await response.aread()
                await response.aclose()
                if not (retries_left and self.should_retry(response)):
                    raise ModelHTTPError(response)
                delay = self.retry_delay(retries_left, response.headers)
            retries_left -= 1
            await asyncio.sleep(delay)

    def should_retry(self, response: httpx.Response) -> bool:
        retry_after = server_retry_after(response.headers)
        if retry_after is not None and retry_after > self.MAX_RETRY_AFTER_S:
            return False
        explicit = response.headers.get("x-should-retry")
        if explicit in ("true", "false"):
            return explicit == "true"
        return response.status_code in (408, 409, 429) or response.status_code >= 500

    def retry_delay(self, retries_left: int, headers: httpx.Headers | None) -> float:
        retry_after = server_retry_after(headers) if headers is not None else None
        if retry_after is not None and 0 < retry_after <= self.MAX_RETRY_AFTER_S:
            return retry_after
        backoff = self.INITIAL_RETRY_DELAY_S * 2.0 ** (self.max_retries - retries_left)
        return min(backoff, self.MAX_RETRY_DELAY_S) * (1 - 0.25 * random.random())


def server_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds the server asks to wait (`retry-after-ms`, else `retry-after` in seconds)."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        try:
            seconds = float(headers.get(name)) / scale
        except (TypeError, ValueError):
            continue
        if math.isfinite(seconds):
            return seconds
    return None


async def sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The data of each server-sent event (a blank line ends one; `data:` lines join with a
    newline; comments and other fields are skipped), as the openai client decodes them."""
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value.removeprefix(" "))
    if data:
        yield "\n".join(data)


async def llama_index_deltas(llm: LLM, messages: list[ChatMessage]) -> AsyncIterator[str]:
    chunks = await llm.astream_chat(messages)
    try:
        async for chunk in chunks:
            yield chunk.delta or ""
    finally:
        await chunks.aclose()


class ModelHTTPError(Exception):
    """The model server answered the request with an error status (after any retries)."""

    def __init__(self, response: httpx.Response) -> None:
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            error = None
        message = error.get("message") if isinstance(error, dict) else None
        detail = message if isinstance(message, str) and message else response.text[:200]
        super().__init__(f"HTTP {response.status_code} - {detail}")
        self.status_code = response.status_code


class ModelStreamError(Exception):
    """The model server reported an error inside a stream that had started well."""

    def __init__(self, error: object) -> None:
        message = error.get("message") if isinstance(error, dict) else None
        super().__init__(message if isinstance(message, str) and message else "an error during streaming")


async def before(ends_at: float, deadline_s: float, step: Awaitable[T]) -> T:
    """Await `step` unless the loop's clock passes `ends_at` first (then GenerationFailed).
    Called once per streamed chunk: `asyncio.timeout_at` (3.11+) awaits in the same task, where
    `wait_for` (3.10) wraps every chunk in a task of its own, which cost a crowded server as much
    CPU as parsing the chunk."""
    try:
        if timeout_at is None:
            remaining = ends_at - asyncio.get_running_loop().time()
            return await asyncio.wait_for(step, max(remaining, 0.001))
        async with timeout_at(ends_at):
            return await step
    except asyncio.TimeoutError:
        raise GenerationFailed(f"no complete answer within {deadline_s:g} s") from None
