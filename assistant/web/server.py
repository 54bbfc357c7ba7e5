"""The web server: the chat page at `/`, the compact chat at `/embed`, the blog widget at
`/widget.js`, the demo blog post at `/demo/`, and the headers that decide who may frame what."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.answering.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from assistant.web.api import AskRoute
from assistant.web.brand import Palette, palette
from assistant.web.guard import GuardLimits, RequestGuard, View
from assistant.web.page import STATIC, ChatPage
from assistant.web.service import ChatService, QuestionLog
from assistant.web.shared_limits import open_limits

EMBED_PATH = "/embed"
DEMO_PATH = "/demo"
# The demo post that embeds the widget (README: Blog widget); its script tag loads ../widget.js, so
# served here it works on any port and under any path prefix.
DEMO_POST = PROJECT_ROOT / "examples" / "blog.html"
# The mounted chat views, "/" last: it would shadow every route after it. True: compact.
VIEWS = ((EMBED_PATH, True), ("/", False))
# Our own routes, beside the two views.
EXTRA_ROUTES = {"/widget.js", EMBED_PATH, "/healthz", DEMO_PATH, DEMO_PATH + "/"}
access_log = logging.getLogger("assistant.access")
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")
# Citation clicks, scrolling to each new question, the typing and live-region cues, and the embed's
# focus and messages to the widget.
CHAT_JS = (STATIC / "chat.js").read_text(encoding="utf-8")
WIDGET_JS = (STATIC / "widget.js").read_text(encoding="utf-8")
WIDGET_PALETTE = "/*PALETTE*/ null"  # replaced by the server's brand palette when /widget.js is served
# Allocations between young-generation collections (Python's default is 700). A crowded server
# allocates fast (each streamed chunk, request and task), and most of it dies young by reference
# counting alone; collecting every 700 allocations walks the same live objects again and again.
YOUNG_GC_THRESHOLD = 20_000


def chat_head(brand: Palette) -> str:
    """The page head: the brand palette as CSS variables (a widget's own colour overrides them in
    the embed) and the page's script."""
    return f"<style>:root{{{brand.css()}}}</style>\n<script>\n{CHAT_JS}</script>"


# As tight as Gradio 6 allows: its page boots from an inline config script and inline styles, and its
# front end compiles code at run time (without 'unsafe-eval' the page never leaves "Loading...";
# tests/test_browser.py loads it under this policy). Everything else is this origin only, and no
# plugins, <base> or off-site form posts.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeaders:
    """A Content-Security-Policy on every response: `/embed` may be framed by the allowed blog
    origins, the rest only by this site. A plain ASGI middleware, so streamed responses pass
    untouched."""

    def __init__(self, app: ASGIApp, embed_origins: list[str]) -> None:
        self.app = app
        self.embed_policy = "frame-ancestors " + " ".join(["'self'", *embed_origins])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        embed = path == EMBED_PATH or path.startswith(EMBED_PATH + "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-frame-options"]
                headers.append((b"content-security-policy", self.policy(embed).encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"strict-origin-when-cross-origin"))
                if not embed:
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def policy(self, embed: bool) -> str:
        return f"{CONTENT_POLICY}; " + (self.embed_policy if embed else "frame-ancestors 'self'")


class AccessLog:
    """One line per request: method, path without its query, status and time to the response's
    headers (a streamed answer goes on after that). No client address and no query string (Gradio
    puts session ids there), so the log links nothing to a reader."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, logged = time.perf_counter(), False

        def log_line(status: int) -> None:
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %s %.0f ms", scope["method"], scope["path"], status, elapsed_ms)

        async def send_logging_status(message: Message) -> None:
            nonlocal logged
            if message["type"] == "http.response.start" and not logged:
                logged = True
                log_line(message["status"])  # before the client can see the response
            await send(message)

        try:
            await self.app(scope, receive, send_logging_status)
        finally:
            if not logged:  # the app failed before it answered
                log_line(500)


class BehindProxy:
    """Serve under a public path prefix (GRADIO_ROOT_PATH, e.g. /assistant), whether or not the
    proxy strips it: like `uvicorn --root-path`, but part of the app, so any server running it (and
    every mounted Gradio view) builds its links with the prefix."""

    def __init__(self, app: ASGIApp, root_path: str) -> None:
        self.app = app
        self.root_path = root_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.root_path and scope["type"] in ("http", "websocket"):
            path = scope["path"]
            if path != self.root_path and not path.startswith(self.root_path + "/"):
                path = self.root_path + path
            scope = {**scope, "root_path": self.root_path, "path": path}
        await self.app(scope, receive, send)


def chat_theme() -> gr.themes.Base:
    """System fonts only: the page must render with no request leaving the server."""
    return gr.themes.Soft(primary_hue="orange", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def open_log(settings: Settings) -> QuestionLog:
    from assistant.questionlog.store import open_question_log

    return open_question_log(settings)


def create_app(
    settings: Settings, assistant: Assistant | None = None, question_log: QuestionLog | None = None
) -> FastAPI:
    """The whole web front end for `settings`; tests pass their own settings (and may pass a ready
    assistant or log). A log opened here is flushed and closed when the server stops."""
    assistant = assistant or Assistant.from_settings(settings)
    owns_log = question_log is None
    question_log = question_log or open_log(settings)
    service = ChatService(assistant, open_limits(settings), question_log, settings.web_concurrency)
    site_root = settings.root_path.rstrip("/")
    pages = {
        path: ChatPage(service, settings.title, settings.trusted_proxies, compact, site_root)
        for path, compact in VIEWS
    }

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_log:  # a log passed in belongs to the caller
            question_log.flush(timeout=10.0)
            question_log.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    views = {path: page.build(settings.web_streams, settings.queue_max_size) for path, page in pages.items()}
    brand = palette(settings.brand_color)
    # The API's /ask, served beside Gradio's queue (web/api.py says why).
    ask = AskRoute(service, settings.trusted_proxies, settings.web_streams, settings.queue_max_size)
    # Before the mounts: "/" shadows all after it.
    app.router.routes.extend(ask.routes())
    add_widget_routes(app, assistant, list(views.values()), brand)
    for path, blocks in views.items():
        mount_chat(app, blocks, path, brand)
    # Middleware runs in the reverse of the order added: prefix, headers, log, then the guard.
    guard_views = [
        View(path, queue_of(blocks), api=path == "/", served_beside=ask if path == "/" else ())
        for path, blocks in views.items()
    ]
    app.add_middleware(
        RequestGuard, limits=guard_limits(settings), views=guard_views, extra_routes=EXTRA_ROUTES
    )
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders, embed_origins=settings.allowed_origins)
    app.add_middleware(BehindProxy, root_path=settings.root_path.rstrip("/"))
    return app


def queue_of(blocks: gr.Blocks) -> Callable[[], object | None]:
    return lambda: getattr(blocks, "_queue", None)


def guard_limits(settings: Settings) -> GuardLimits:
    return GuardLimits(
        max_body_bytes=settings.max_request_bytes,
        max_open_events=settings.max_open_events_per_client,
        events_per_minute=settings.events_per_minute,
        event_burst=settings.event_burst,
        trusted_proxies=settings.trusted_proxies,
    )


def add_widget_routes(app: FastAPI, assistant: Assistant, views: list[gr.Blocks], brand: Palette) -> None:
    script = WIDGET_JS.replace(WIDGET_PALETTE, json.dumps(brand.__dict__))

    @app.get("/widget.js", include_in_schema=False)
    def widget() -> Response:
        return Response(
            script, media_type="text/javascript", headers={"Cache-Control": "public, max-age=600"}
        )

    @app.get(DEMO_PATH + "/", include_in_schema=False)
    def demo() -> HTMLResponse:
        return HTMLResponse(DEMO_POST.read_text(encoding="utf-8"))

    @app.get(DEMO_PATH, include_in_schema=False)
    def demo_slash() -> RedirectResponse:
        return RedirectResponse(DEMO_PATH.strip("/") + "/", status_code=308)

    @app.get(EMBED_PATH, include_in_schema=False)
    def embed_slash() -> RedirectResponse:
        # Relative, so it stays right behind a proxy that serves us under a path prefix.
        return RedirectResponse(EMBED_PATH.strip("/") + "/", status_code=308)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        """Fails (503) when a view's queue has stopped, so a supervisor restarts the process."""
        stopped = any(getattr(getattr(blocks, "_queue", None), "stopped", False) for blocks in views)
        return JSONResponse({"ok": not stopped, "mode": assistant.mode}, status_code=503 if stopped else 200)


def mount_chat(app: FastAPI, blocks: gr.Blocks, path: str, brand: Palette) -> None:
    gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        theme=chat_theme(),
        css_paths=[STATIC / "chat.css"],
        head=chat_head(brand),
        footer_links=[],  # a reader's page: no "Use via API" (README: Web chat documents the API)
        run_history=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        favicon_path=None,
        # Gradio would read GRADIO_ROOT_PATH itself and apply it a second time inside the mount;
        # BehindProxy already serves every route under that prefix.
        root_path="",
    )


def settle_heap() -> None:
    """Keep the collector's pauses short in a server process: what is alive once the app is built
    (the index, the corpus, Gradio's blocks, the libraries: ~400,000 objects) lives as long as the
    process, so it goes to the permanent generation (`gc.freeze`) instead of being walked by every
    full collection (0.1-0.3 s each, with the event loop, and so every reader, stopped)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_GC_THRESHOLD, *gc.get_threshold()[1:])


def serve(settings: Settings, on_ready: Callable[[], None] | None = None) -> None:
    """Run until interrupted; `on_ready` is called once the server answers (the index built and
    the port open), so a URL printed then works when clicked. uvicorn's own proxy-header handling
    is off: the client address comes from `trusted_proxies`, and a forged X-Forwarded-For must not
    reach the rate limit."""
    app = create_app(settings)
    settle_heap()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.server_name,
            port=settings.server_port,
            proxy_headers=False,
            log_level="warning",
            access_log=False,  # AccessLog writes one without client addresses
        )
    )
    if on_ready:
        threading.Thread(target=call_when_started, args=(server, on_ready), daemon=True).start()
    server.run()


def call_when_started(server: uvicorn.Server, on_ready: Callable[[], None]) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        on_ready()
