"""The API's `/ask`, answered beside Gradio's queue.

Scripts call `POST /gradio_api/call/ask` with `{"data": [question], "session_hash"?}`, get back
`{"event_id"}`, and read the answer from `GET /gradio_api/call/ask/{event_id}` as server-sent events
(`event: complete` / `data: [{"markdown", "record_id"}]`): Gradio's own protocol. Through Gradio
each call also costs its queue's dispatch, its event and session tables and its message stream,
about half of the server's CPU per answer with a hundred readers at once. This route speaks the same
protocol and calls `ChatService` directly; the chat page, the embed, `/chat`, `/feedback` and
`gradio_client` (which joins the queue) stay on Gradio.

What Gradio's queue gave the route is kept here: at most `streams` answers run at once and at most
`queue_size` wait for a turn (then 503); a result is held until it is read, and one nobody read
within 5 minutes is dropped. While it is held, `web/guard.py` counts it against its client's open
events, as it counts Gradio's. The guard in front does the rest, as for every route: the body cap,
the refusal of file objects, the per-address request rate.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from assistant.web.guard import UNREAD_EVENT_TTL_S
from assistant.web.limits import client_address
from assistant.web.service import ChatService

log = logging.getLogger(__name__)
ASK = "/gradio_api/call/ask"
HEARTBEAT_S = 15.0  # as Gradio's result stream: a quiet connection is not closed by a proxy
HEARTBEAT = b"event: heartbeat\ndata: null\n\n"
FAILED = b'event: error\ndata: {"error": null}\n\n'  # what Gradio sends (show_error off)
BUSY = "The assistant is very busy. Please try again in a minute."
BAD_BODY = 'Send JSON like {"data": ["your question"]}, with an optional "session_hash" text.'


@dataclass
class AskEvent:
    """One started answer, held until its result is read."""

    task: asyncio.Task[dict | None]
    started: float
    reading: bool = False


def question_of(body: object) -> tuple[object, str | None] | None:
    """The question and session hash of a start request, or None when the body is not one. The
    question itself may be anything: `ChatService` answers a non-text one with its own message."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list) or not body["data"]:
        return None
    session = body.get("session_hash")
    if session is not None and not isinstance(session, str):
        return None
    return body["data"][0], session


def complete(result: dict | None) -> bytes:
    if result is None:
        return FAILED
    return f"event: complete\ndata: {json.dumps([result])}\n\n".encode()


class AskRoute:
    """`POST /gradio_api/call/ask` and its result stream, on the server's event loop."""

    def __init__(
        self,
        service: ChatService,
        trusted_proxies: int,
        streams: int,
        queue_size: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self.trusted_proxies = trusted_proxies
        self.slots = asyncio.Semaphore(streams)
        self.queue_size = queue_size
        self.waiting = 0  # started answers not yet holding a slot
        self.clock = clock
        self.events: dict[str, AskEvent] = {}  # oldest first

    def __contains__(self, event_id: object) -> bool:
        """Whether an event's result is still held (the guard counts those per client)."""
        return event_id in self.events

    def routes(self) -> list[Route]:
        return [
            Route(ASK, self.start, methods=["POST"], include_in_schema=False),
            Route(ASK + "/{event_id}", self.result, methods=["GET"], include_in_schema=False),
        ]

    async def start(self, request: Request) -> Response:
        try:
            asked = question_of(json.loads(await request.body()))
        except ValueError:
            asked = None
        if asked is None:
            return JSONResponse({"detail": BAD_BODY}, status_code=422)
        self.forget_unread()
        if self.waiting >= self.queue_size:
            return JSONResponse({"detail": BUSY}, status_code=503)
        question, session = asked
        event_id = uuid.uuid4().hex
        peer = request.client.host if request.client else None
        client = client_address(peer, request.headers.get("x-forwarded-for"), self.trusted_proxies)
        self.waiting += 1
        task = asyncio.create_task(self.answer(question, client, session or event_id))
        self.events[event_id] = AskEvent(task, self.clock())
        return JSONResponse({"event_id": event_id})

    async def answer(self, question: object, client: str | None, session: str) -> dict | None:
        """The reply `/ask` documents, once a slot is free; None if answering failed unexpectedly."""
        try:
            await self.slots.acquire()
        finally:
            self.waiting -= 1
        try:
            return await self.service.answer_with_record(question, client, session)
        except Exception:
            log.exception("Answering an API question failed")
            return None
        finally:
            self.slots.release()

    async def result(self, request: Request) -> Response:
        event_id = request.path_params["event_id"]
        event = self.events.get(event_id)
        if event is None or event.reading:  # unknown, already read, or being read
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        event.reading = True
        return StreamingResponse(self.stream(event_id, event), media_type="text/event-stream")

    async def stream(self, event_id: str, event: AskEvent) -> AsyncIterator[bytes]:
        """Heartbeats while the answer is written, then the result. A reader who leaves before it
        arrives drops the event and stops its answer, as Gradio does."""
        delivered = False
        try:
            while not event.task.done():
                await asyncio.wait((event.task,), timeout=HEARTBEAT_S)
                if not event.task.done():
                    yield HEARTBEAT
            yield complete(event.task.result())
            delivered = True
        finally:
            self.events.pop(event_id, None)
            if not delivered:
                event.task.cancel()

    def forget_unread(self) -> None:
        """Drop finished results nobody read within `UNREAD_EVENT_TTL_S`. Events are kept in the
        order they started, so this looks no further than the first young one."""
        cutoff = self.clock() - UNREAD_EVENT_TTL_S
        expired = []
        for event_id, event in self.events.items():
            if event.started > cutoff:
                break
            if event.task.done():
                expired.append(event_id)
        for event_id in expired:
            del self.events[event_id]
