"""A light async client for the app's HTTP API, as readers' scripts use it: POST
`/gradio_api/call/<name>` starts an event, a GET streams its result as server-sent events. Light
enough that one process plays a hundred readers (a `gradio_client.Client` costs a thread and a
config fetch each)."""

from __future__ import annotations

import json
import re
import ssl
import uuid
from functools import cache

import httpx

REQUEST_TIMEOUT_S = 60.0


class ApiError(Exception):
    """The server refused a call or its stream ended without a result."""


def reader_http(source_address: str | None = None, timeout: float = REQUEST_TIMEOUT_S) -> httpx.AsyncClient:
    """An HTTP client with no cap on open connections (each waiting answer holds two). With
    `source_address` (any 127.x.y.z on loopback), the server and nginx see that address: a reader of
    their own for the rate limit, and for nginx's sticky routing."""
    transport = (
        httpx.AsyncHTTPTransport(local_address=source_address, verify=tls_context())
        if source_address
        else None
    )
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=32)
    return httpx.AsyncClient(transport=transport, limits=limits, timeout=timeout, verify=tls_context())


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context (default verification) for every reader's client. httpx builds a fresh one
    per client otherwise, loading the CA bundle each time (~15 ms of CPU): a hundred readers started
    at once in one event loop would block it for seconds, and the first readers' timers with it."""
    return httpx.create_ssl_context()


def new_session() -> str:
    return uuid.uuid4().hex[:11]


async def call_api(
    http: httpx.AsyncClient,
    base_url: str,
    api: str,
    data: list,
    session: str,
    events: list[str] | None = None,
) -> object:
    """One API call to its end: the value the endpoint returned. Raises ApiError or httpx errors.
    The Gradio event id is appended to `events` (to find the call in a proxy's log)."""
    root = base_url.rstrip("/")
    started = await http.post(f"{root}/gradio_api/call/{api}", json={"data": data, "session_hash": session})
    if started.status_code != 200:
        raise ApiError(f"/{api}: HTTP {started.status_code} {plain(started.text)}")
    event_id = started.json()["event_id"]
    if events is not None:
        events.append(event_id)
    async with http.stream("GET", f"{root}/gradio_api/call/{api}/{event_id}") as stream:
        if stream.status_code != 200:
            raise ApiError(f"/{api} result: HTTP {stream.status_code}")
        event = None
        async for line in stream.aiter_lines():
            if line.startswith("event:"):
                event = line.removeprefix("event:").strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise ApiError(f"/{api} failed: {line[5:].strip()[:160]}")
                return json.loads(line[5:])[0]
    raise ApiError(f"/{api}: the result stream ended without a result")


def plain(body: str) -> str:
    """An error body fit for one line of a report: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]*>", " ", body).split())[:120]
