"""A local OpenAI-compatible HTTP server for tests.

Tests drive the *real* ``openai`` client (and llama-index's OpenAI/OpenAILike
LLMs) against this server, so the whole HTTP path -- request serialisation,
SSE parsing, retries, timeouts, error mapping -- is exercised, while the
replies, faults and recorded requests stay under the test's control.

    with FakeOpenAI() as server:
        server.queue(Fault.status(503), "Second try works [1]")
        client = openai.OpenAI(base_url=server.base_url, api_key="test")
        ...
        assert server.requests[-1]["json"]["model"] == "test-model"
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any, Literal

import pytest

JSON = dict[str, Any]
Reply = Callable[[JSON], str]
FaultKind = Literal[
    "status", "delay", "malformed_json", "stream_cut", "stream_stall", "stream_together", "stream_error"
]

NOT_COVERED = "NOT_COVERED"
EMBEDDING_DIM = 64
GENERATION_PATHS = ("/v1/chat/completions", "/v1/completions")

# "[n] Title" on its own line, then the passage body up to a blank line or the next marker.
_PASSAGE = re.compile(
    r"^[ \t]*\[(\d+)\][ \t]+\S[^\n]*\n"
    r"((?:(?![ \t]*\[\d+\][ \t])[ \t]*\S[^\n]*(?:\n|$))+)",
    re.MULTILINE,
)
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s|$)")
_WORD = re.compile(r"\w+")
_DEFAULT_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    429: "rate_limit_exceeded",
}


@dataclass(frozen=True)
class Fault:
    """A scripted misbehaviour, set as ``server.fault`` or queued with ``server.queue``.

    Build them with the class methods rather than the constructor.
    """

    kind: FaultKind
    code: int = 500
    body: JSON | None = None
    seconds: float = 0.0
    after_chunks: int = 0
    retry_after_ms: float | None = None
    streams: int = 0

    @classmethod
    def status(cls, code: int, body: JSON | None = None, retry_after_ms: float | None = 1) -> Fault:
        """Answer with HTTP ``code`` and an OpenAI-style error body.

        ``retry-after-ms`` (default 1 ms) is sent because the openai client
        ignores ``Retry-After: 0`` and would otherwise back off 0.5-8 s between
        retries, which makes retry tests slow; pass None to omit it.
        A 429 also carries ``Retry-After: 0`` like the real API.
        """
        return cls("status", code=code, body=body, retry_after_ms=retry_after_ms)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Sleep before answering normally, to trigger client timeouts."""
        return cls("delay", seconds=seconds)

    @classmethod
    def malformed_json(cls) -> Fault:
        """Answer 200 with a body (or SSE event) that is not valid JSON."""
        return cls("malformed_json")

    @classmethod
    def stream_cut(cls, after_chunks: int = 1) -> Fault:
        """Streaming only: send ``after_chunks`` SSE events, then drop the connection."""
        return cls("stream_cut", after_chunks=after_chunks)

    @classmethod
    def stream_stall(cls, after_chunks: int = 1, seconds: float = 1.0) -> Fault:
        """Streaming only: send ``after_chunks`` SSE events, pause, then finish normally."""
        return cls("stream_stall", after_chunks=after_chunks, seconds=seconds)

    @classmethod
    def stream_together(cls, streams: int, seconds: float, after_chunks: int = 1) -> Fault:
        """Streaming only: send ``after_chunks`` SSE events, then wait until ``streams`` streams
        wait at once (or ``seconds`` pass: counted in ``server.apart``), then finish normally.

        It shows concurrency without timing: a client that holds fewer streams open at once
        leaves them waiting for the full ``seconds``.
        """
        return cls("stream_together", after_chunks=after_chunks, seconds=seconds, streams=streams)

    @classmethod
    def stream_error(cls, after_chunks: int = 1, message: str = "Scripted fault: model overloaded") -> Fault:
        """Streaming only: send ``after_chunks`` SSE events, then an OpenAI-style error event (as
        the real API does when a stream fails after it started), then end the stream."""
        return cls("stream_error", after_chunks=after_chunks, body=_error_body(500, message)["error"])


def first_passage(text: str) -> tuple[int, str] | None:
    """Return (number, body) of the first non-empty ``[n] Title`` passage in ``text``."""
    match = _PASSAGE.search(text.replace("\r\n", "\n"))
    if match is None:
        return None
    body = " ".join(line.strip() for line in match.group(2).splitlines())
    return int(match.group(1)), body


def first_sentence(text: str) -> str:
    """Naive sentence split: up to the first ``.``, ``!`` or ``?`` followed by space/end."""
    match = _FIRST_SENTENCE.match(text)
    return match.group(1) if match else text


def prompt_texts(request: JSON) -> list[str]:
    """Prompt strings of a chat or completions request, most recent message first.

    Passages usually sit in the last user message, so it is searched first.
    """
    if "messages" in request:
        return [_content_text(message.get("content")) for message in reversed(request["messages"])]
    prompt = request.get("prompt", "")
    return [prompt] if isinstance(prompt, str) else [str(part) for part in prompt]


def _content_text(content: Any) -> str:
    """Flatten a message content (string or list of typed parts) to text."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def default_reply(request: JSON) -> str:
    """Answer like a grounded assistant: first sentence of the first passage, cited.

    Returns ``NOT_COVERED`` when the prompt holds no passage.
    """
    for text in prompt_texts(request):
        passage = first_passage(text)
        if passage is not None:
            number, body = passage
            return f"{first_sentence(body)} [{number}]"
    return NOT_COVERED


def embed(text: str, dim: int = EMBEDDING_DIM) -> list[float]:
    """Deterministic bag-of-words hashing embedding, L2-normalised.

    Same text gives the same vector and shared words raise cosine similarity,
    which is enough for retrieval tests without a model.
    """
    vector = [0.0] * dim
    for token in _WORD.findall(text.lower()) or [""]:
        digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
        index = int.from_bytes(digest[:4], "little") % dim
        vector[index] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def split_chunks(text: str) -> list[str]:
    """Split a reply into word-sized pieces whose concatenation is exactly ``text``."""
    return [piece for piece in re.split(r"(?<=\s)(?=\S)", text) if piece] or [""]


def _word_count(texts: list[str]) -> int:
    """Rough token count used for the ``usage`` block."""
    return sum(len(text.split()) for text in texts)


def _error_body(code: int, message: str) -> JSON:
    """OpenAI-shaped error payload, which the client parses into ``APIStatusError.body``."""
    error_type = _DEFAULT_ERROR_TYPES.get(code, "server_error")
    return {"error": {"message": message, "type": error_type, "param": None, "code": error_type}}


def closed_port_url() -> str:
    """A base_url on a local port where nothing listens, to test connection errors."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class FakeOpenAI:
    """OpenAI-compatible server on 127.0.0.1 (ephemeral port) in a daemon thread.

    Generation replies come from ``queue``d items first (one per chat/completions
    request; a queued ``Fault`` is answered with ``reply``'s text), then from the
    ``reply`` callable. ``fault`` applies to every request that has no queued
    fault, embeddings and models included. ``requests`` records every request as
    ``{"method", "path", "headers" (lower-cased names), "json"}``.
    """

    def __init__(self, reply: Reply = default_reply, model: str = "test-model") -> None:
        self.reply: Reply = reply
        self.model = model
        self.fault: Fault | None = None
        self.requests: list[JSON] = []
        self.hangups = 0  # responses the client hung up on before they were fully written
        self.apart = 0  # `stream_together` streams that gave up waiting for the others
        self._queue: deque[str | Fault] = deque()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._gatherings: dict[int, threading.Barrier] = {}
        self._ids = count(1)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        """The ``/v1`` URL to give to ``openai.OpenAI(base_url=...)`` or ``api_base``."""
        if self._httpd is None:
            raise RuntimeError("FakeOpenAI is not started")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        """Bind and serve in a daemon thread; a short poll interval keeps close() fast."""
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; wakes handlers sleeping in delay/stall faults so this returns at once."""
        self._closing.set()
        with self._lock:
            for gathering in self._gatherings.values():
                gathering.abort()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def queue(self, *items: str | Fault) -> None:
        """Script the next generation requests, one item per request, in order."""
        with self._lock:
            self._queue.extend(items)

    def _sleep(self, seconds: float) -> bool:
        """Interruptible sleep for faults; True when the server is closing meanwhile."""
        return self._closing.wait(seconds)

    def _wait_together(self, fault: Fault) -> bool:
        """Wait for ``fault.streams`` streams at once; True when the server is closing meanwhile."""
        with self._lock:
            gathering = self._gatherings.setdefault(fault.streams, threading.Barrier(fault.streams))
        try:
            gathering.wait(fault.seconds)
        except threading.BrokenBarrierError:
            with self._lock:
                self.apart += 1
        return self._closing.is_set()

    def _record(self, method: str, path: str, headers: dict[str, str], body: JSON | None) -> None:
        """Keep a request for assertions (``server.requests``)."""
        with self._lock:
            self.requests.append({"method": method, "path": path, "headers": headers, "json": body})

    def _next_action(self, path: str) -> tuple[str | None, Fault | None]:
        """Pop the scripted (reply, fault) for a request; reply None means "use ``reply``"."""
        item: str | Fault | None = None
        with self._lock:
            if path in GENERATION_PATHS and self._queue:
                item = self._queue.popleft()
        if isinstance(item, Fault):
            return None, item
        return item, self.fault

    def _next_id(self, prefix: str) -> str:
        """Unique response id, shaped like the real API's."""
        return f"{prefix}-fake{next(self._ids)}"


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its FakeOpenAI and never joins handler threads."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = (
        256  # listen backlog: a hundred clients connecting at once must not wait on SYN retries
    )

    def __init__(self, address: tuple[str, int], handler: type[_Handler], app: FakeOpenAI) -> None:
        self.app = app
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    """Routes OpenAI endpoints; every response closes the connection to avoid keep-alive races."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def handle(self) -> None:
        """Clients that hang up (timeouts, cut streams) are expected, not errors."""
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            with self.app._lock:
                self.app.hangups += 1

    def do_GET(self) -> None:
        """GET carries no body."""
        self._dispatch(None)

    def do_POST(self) -> None:
        """Parse the JSON body; anything else is recorded as None and answered 400."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        self._dispatch(body if isinstance(body, dict) else None)

    @property
    def app(self) -> FakeOpenAI:
        """The FakeOpenAI owning this server, which holds the script and the records."""
        return self.server.app

    @property
    def path_only(self) -> str:
        """Request path without query string or trailing slash, for routing."""
        return self.path.split("?", 1)[0].rstrip("/")

    def _dispatch(self, body: JSON | None) -> None:
        """Record, apply the pre-response fault, then route to the endpoint."""
        path = self.path_only
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.app._record(self.command, path, headers, body)
        if self.command == "POST" and body is None:
            self._send_json(400, _error_body(400, "Request body must be a JSON object"))
            return
        reply, fault = self.app._next_action(path)
        if fault is not None and fault.kind == "status":
            self._send_fault_status(fault)
            return
        if fault is not None and fault.kind == "delay" and self.app._sleep(fault.seconds):
            return
        self._route(path, body or {}, reply, fault)

    def _route(self, path: str, body: JSON, reply: str | None, fault: Fault | None) -> None:
        if (self.command, path) == ("GET", "/v1/models"):
            self._send_json(200, self._models())
        elif self.command == "POST" and path == "/v1/embeddings":
            self._send_json(200, self._embeddings(body), fault)
        elif self.command == "POST" and path in GENERATION_PATHS:
            text = self.app.reply(body) if reply is None else reply
            self._generate(path, body, text, fault)
        else:
            self._send_json(404, _error_body(404, f"Unknown endpoint {self.command} {path}"))

    # --- responses -------------------------------------------------------

    def _send_fault_status(self, fault: Fault) -> None:
        headers = {}
        if fault.code == 429:
            headers["Retry-After"] = "0"
        if fault.retry_after_ms is not None:
            headers["retry-after-ms"] = str(fault.retry_after_ms)
        body = fault.body or _error_body(fault.code, f"Scripted fault: HTTP {fault.code}")
        self._send_json(fault.code, body, headers=headers)

    def _send_json(
        self, code: int, payload: JSON, fault: Fault | None = None, headers: dict[str, str] | None = None
    ) -> None:
        """Send a complete JSON body with Content-Length (or broken JSON for malformed_json)."""
        data = json.dumps(payload).encode()
        if fault is not None and fault.kind == "malformed_json":
            data = data[: len(data) // 2]
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _generate(self, path: str, body: JSON, text: str, fault: Fault | None) -> None:
        chat = path == "/v1/chat/completions"
        usage = _usage(prompt_texts(body), text)
        model = body.get("model", self.app.model)
        response_id = self.app._next_id("chatcmpl" if chat else "cmpl")
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = _stream_events(chat, response_id, model, text, usage if include_usage else None)
            self._send_stream(events, fault)
        else:
            self._send_json(200, _completion(chat, response_id, model, text, usage), fault)

    def _send_stream(self, events: list[JSON], fault: Fault | None) -> None:
        """Write SSE events with chunked transfer encoding, applying stream faults.

        Chunked encoding (as the real API uses) lets a cut stream look like one:
        the client sees the connection end before the terminating chunk.
        """
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        payloads = [json.dumps(event) for event in events] + ["[DONE]"]
        if fault is not None and fault.kind == "malformed_json":
            payloads[0] = payloads[0][: len(payloads[0]) // 2]
        for index, payload in enumerate(payloads):
            if fault is not None and index == fault.after_chunks and self._interrupt(fault):
                return
            self._write_chunk(f"data: {payload}\n\n".encode())
        self.wfile.write(b"0\r\n\r\n")

    def _interrupt(self, fault: Fault) -> bool:
        """Apply a mid-stream fault; True means stop writing (cut, error, or server closing)."""
        if fault.kind == "stream_cut":
            return True
        if fault.kind == "stream_error":
            self._write_chunk(f"data: {json.dumps({'error': fault.body})}\n\n".encode())
            self.wfile.write(b"0\r\n\r\n")
            return True
        if fault.kind == "stream_together":
            return self.app._wait_together(fault)
        return fault.kind == "stream_stall" and self.app._sleep(fault.seconds)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _models(self) -> JSON:
        model = {"id": self.app.model, "object": "model", "created": 0, "owned_by": "fake-openai"}
        return {"object": "list", "data": [model]}

    def _embeddings(self, body: JSON) -> JSON:
        """Embed each input; honours ``encoding_format``, which the openai client sets to base64."""
        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else [str(item) for item in inputs]
        dim = int(body.get("dimensions") or EMBEDDING_DIM)
        as_base64 = body.get("encoding_format") == "base64"
        data = [
            {"object": "embedding", "index": index, "embedding": _encode(embed(text, dim), as_base64)}
            for index, text in enumerate(texts)
        ]
        tokens = _word_count(texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return {"object": "list", "data": data, "model": body.get("model", self.app.model), "usage": usage}


def _encode(vector: list[float], as_base64: bool) -> list[float] | str:
    """Floats, or base64 of little-endian float32 as the real API sends for base64."""
    if not as_base64:
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _usage(prompts: list[str], text: str) -> JSON:
    prompt_tokens, completion_tokens = _word_count(prompts), _word_count([text])
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _completion(chat: bool, response_id: str, model: str, text: str, usage: JSON) -> JSON:
    """Non-streaming ``chat.completion`` or legacy ``text_completion`` body."""
    choice: JSON = {"index": 0, "finish_reason": "stop", "logprobs": None}
    if chat:
        choice["message"] = {"role": "assistant", "content": text}
    else:
        choice["text"] = text
    return {
        "id": response_id,
        "object": "chat.completion" if chat else "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": usage,
    }


def _stream_events(chat: bool, response_id: str, model: str, text: str, usage: JSON | None) -> list[JSON]:
    """Chunk objects for a streamed reply: deltas, a finish chunk, then usage if requested."""
    created = int(time.time())
    base = {
        "id": response_id,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": model,
    }

    def chunk(piece: str | None, index: int) -> JSON:
        finish = "stop" if piece is None else None
        choice: JSON = {"index": 0, "finish_reason": finish, "logprobs": None}
        if chat:
            delta: JSON = {} if piece is None else {"content": piece}
            if index == 0:
                delta["role"] = "assistant"
            choice["delta"] = delta
        else:
            choice["text"] = piece or ""
        return {**base, "choices": [choice]}

    pieces: list[str | None] = [*split_chunks(text), None]
    events = [chunk(piece, index) for index, piece in enumerate(pieces)]
    if usage is not None:
        events.append({**base, "choices": [], "usage": usage})
    return events


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI, closed after the test."""
    with FakeOpenAI() as server:
        yield server
