"""What an anonymous client may reach, and how much of the server it may hold.

Gradio serves far more than this product uses (uploads, `file=` downloads and URL fetches,
monitoring, OpenAPI, run history, ...), and with `mount_gradio_app` it skips some of its own
checks. So one ASGI middleware sits in front of everything and lets through only the routes the
chat page, the embed, the widget and the documented API need; everything else is a 404. It also
caps request bodies and, per client address, how many events may be open at once (Gradio's, and
the API's `/ask`, which `web/api.py` answers beside the queue), so one client cannot fill Gradio's
session table (2,000 entries, after which its queue stops for all) or hold the server's answers.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.limits import RateLimiter, client_address

# Routes a mounted chat view needs, relative to its mount path. Found by loading both views in
# Chromium and asking (tests/test_guard.py keeps this honest), plus what gradio_client uses.
PAGE_ROUTES = {
    "GET": re.compile(
        r"/|/config/?|/theme\.css|/assets/[\w.\-/]+|/static/js/iframeResizer\.contentWindow\.min\.js"
        r"|/gradio_api/info/?|/gradio_api/heartbeat/[\w-]+|/gradio_api/queue/data"
    ),
    "POST": re.compile(r"/gradio_api/queue/join|/gradio_api/run/predict"),
}
# The documented API (README: "API"), on the full page only: POST to start, GET to read the result.
API_NAMES = ("chat", "ask", "feedback")
API_ROUTES = {
    "GET": re.compile(rf"/gradio_api/call/(?:{'|'.join(API_NAMES)})/[\w-]+"),
    "POST": re.compile(rf"/gradio_api/call/(?:{'|'.join(API_NAMES)})"),
}
# Routes that start a Gradio event: these count against a client's open events.
EVENT_STARTS = re.compile(r"/gradio_api/(?:queue/join|call/\w+)")
SESSION_HEADROOM = 1_500  # below Gradio's 2,000-entry session table, whose overflow stops the queue
UNREAD_EVENT_TTL_S = 300.0  # a finished result nobody fetched in 5 minutes is dropped


@dataclass(frozen=True)
class GuardLimits:
    """The numbers the guard enforces; from `Settings` (see there for the reasons)."""

    max_body_bytes: int
    max_open_events: int
    events_per_minute: float
    event_burst: int
    trusted_proxies: int


@dataclass
class OpenEvent:
    event_id: str
    session_hash: str
    started: float


@dataclass
class View:
    """One mounted Gradio app: its path and a way to reach its queue (None until it has one).
    `served_beside` holds the ids of events a route of ours serves beside the queue (`web/api.py`)
    while their results are unread; they count against their client like the queue's."""

    path: str
    queue: Callable[[], object | None]
    api: bool
    served_beside: Container[str] = ()
    open_events: dict[str, deque[OpenEvent]] = field(default_factory=dict)


def plain_response(status: int, message: str) -> tuple[Message, Message]:
    body = json.dumps({"detail": message}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body}


def carries_a_file(body: bytes) -> bool:
    """Whether a JSON body holds anything Gradio would treat as a file (a dict with a "path").
    No input of this product is a file, and for a mounted app Gradio copies such a path into its
    cache without checking it, so the guard refuses the request before Gradio parses it."""
    try:
        stack = [json.loads(body)] if body else []
    except ValueError:
        return False  # not JSON: Gradio refuses it on its own
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "path" in value or "url" in value or "meta" in value:
                return True
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app a body already read, then the connection's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class RequestGuard:
    """404 for routes the product does not use, 413 for oversized bodies, 429/503 when a client
    holds too many events or the server is near Gradio's session ceiling."""

    def __init__(
        self,
        app: ASGIApp,
        limits: GuardLimits,
        views: list[View],
        extra_routes: set[str],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.limits = limits
        # Longest mount path first, so "/embed" wins over "/".
        self.views = sorted(views, key=lambda v: len(v.path), reverse=True)
        self.extra_routes = extra_routes
        self.clock = clock
        self.event_rate = RateLimiter(limits.events_per_minute, limits.event_burst, clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the product uses none
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", "")) or "/"
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        view, inner = self.route(method, path)
        if view is None and not (method == "GET" and path in self.extra_routes):
            await self.refuse(send, 404, "Not Found")
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limits.max_body_bytes):
            await self.refuse(send, 413, "Request too large.")
            return
        if method != "POST":
            await self.app(scope, receive, send)
            return
        body = await self.read_body(receive)  # small by the cap; read whole so it can be checked
        if body is None:
            await self.refuse(send, 413, "Request too large.")
            return
        if carries_a_file(body):
            await self.refuse(send, 400, "This assistant takes text only.")
            return
        if view is not None and EVENT_STARTS.fullmatch(inner):
            await self.start_event(view, scope, replaying(body, receive), body, send)
            return
        await self.app(scope, replaying(body, receive), send)

    def route(self, method: str, path: str) -> tuple[View | None, str]:
        """The view a path belongs to and the path inside it, if the product uses that route."""
        for view in self.views:
            if view.path != "/" and path != view.path and not path.startswith(view.path + "/"):
                continue
            inner = path if view.path == "/" else path[len(view.path) :] or "/"
            page = PAGE_ROUTES.get(method)
            api = API_ROUTES.get(method) if view.api else None
            if (page and page.fullmatch(inner)) or (api and api.fullmatch(inner)):
                return view, inner
            return None, inner
        return None, path

    async def start_event(self, view: View, scope: Scope, receive: Receive, body: bytes, send: Send) -> None:
        """Admit a new Gradio event only while this client and the server have room for it."""
        client = self.client(scope)
        refusal = self.admission_problem(view, client)
        if refusal:
            await self.refuse(send, *refusal)
            return
        try:
            session_hash = json.loads(body).get("session_hash")
        except (ValueError, AttributeError):
            session_hash = None
        status, reply = 0, b""

        async def watch(message: Message) -> None:
            nonlocal status, reply
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and status == 200:
                reply += message.get("body", b"")
            await send(message)

        await self.app(scope, receive, watch)
        try:
            event_id = json.loads(reply).get("event_id") if status == 200 else None
        except (ValueError, AttributeError):
            event_id = None
        if isinstance(event_id, str):
            session = session_hash if isinstance(session_hash, str) else event_id
            view.open_events.setdefault(client, deque()).append(OpenEvent(event_id, session, self.clock()))

    async def read_body(self, receive: Receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            size += len(message.get("body", b""))
            if size > self.limits.max_body_bytes:
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)

    def admission_problem(self, view: View, client: str) -> tuple[int, str] | None:
        queue = view.queue()
        self.forget_finished(view, queue)
        if len(view.open_events.get(client, ())) >= self.limits.max_open_events:
            return 429, "Too many questions at once from your address. Please wait for your answers."
        if self.event_rate.wait_seconds(client) > 0:
            return 429, "Too many requests from your address. Please wait a moment."
        sessions = getattr(queue, "pending_messages_per_session", {})
        if len(sessions) >= SESSION_HEADROOM:
            return 503, "The assistant is very busy. Please try again in a minute."
        return None

    def forget_finished(self, view: View, queue: object | None) -> None:
        """Drop events Gradio no longer holds; drop results nobody fetched after a while (from
        Gradio's tables too, so they stop taking a session slot). Events served beside the queue
        are held until their route lets them go (it drops unread results itself)."""
        pending = getattr(queue, "pending_event_ids_session", {})
        running = getattr(queue, "event_ids_to_events", {})
        held = set(running).union(*pending.values()) if pending else set(running)
        now = self.clock()
        for client in list(view.open_events):
            kept = deque()
            for event in view.open_events[client]:
                if event.event_id in view.served_beside:
                    kept.append(event)
                    continue
                if event.event_id not in held:
                    continue
                if now - event.started > UNREAD_EVENT_TTL_S and event.event_id not in running:
                    getattr(queue, "pending_messages_per_session", {}).pop(event.session_hash, None)
                    pending.pop(event.session_hash, None)
                    continue
                kept.append(event)
            if kept:
                view.open_events[client] = kept
            else:
                del view.open_events[client]

    def client(self, scope: Scope) -> str:
        peer = scope["client"][0] if scope.get("client") else None
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for")
        address = client_address(
            peer, forwarded.decode("latin-1") if forwarded else None, self.limits.trusted_proxies
        )
        return address or "unknown"

    @staticmethod
    async def refuse(send: Send, status: int, message: str) -> None:
        start, body = plain_response(status, message)
        await send(start)
        await send(body)
