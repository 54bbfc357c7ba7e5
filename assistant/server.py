"""The web server: the chat page at `/`, the compact chat at `/embed`, the blog widget at
`/widget.js`, and the headers that decide who may frame what."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.limits import Limits
from assistant.pipeline import Assistant
from assistant.settings import Settings
from assistant.web import STATIC, ChatPage, ChatService, QuestionLog

EMBED_PATH = "/embed"
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")
# Citation clicks, scrolling to a new answer, and the embed's Escape and focus handling.
CHAT_HEAD = "<script>\n" + (STATIC / "chat.js").read_text(encoding="utf-8") + "</script>"


class SecurityHeaders:
    """`frame-ancestors` on every response: `/embed` may be framed by the allowed blog origins, the
    rest only by this site. A plain ASGI middleware, so Gradio's streamed responses pass untouched."""

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
        return self.embed_policy if embed else "frame-ancestors 'self'"


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
    from assistant.store import open_question_log

    return open_question_log(settings)


def create_app(
    settings: Settings, assistant: Assistant | None = None, question_log: QuestionLog | None = None
) -> FastAPI:
    """The whole web front end for `settings`; tests pass their own settings (and may pass a ready
    assistant or log). A log opened here is flushed and closed when the server stops."""
    assistant = assistant or Assistant.from_settings(settings)
    owns_log = question_log is None
    question_log = question_log or open_log(settings)
    service = ChatService(assistant, Limits(settings), question_log)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_log:  # a log passed in belongs to the caller
            question_log.flush(timeout=10.0)
            question_log.close()

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(SecurityHeaders, embed_origins=settings.allowed_origins)
    app.add_middleware(BehindProxy, root_path=settings.root_path.rstrip("/"))  # added last: runs first
    add_widget_routes(app, assistant)
    for compact in (True, False):  # "/" last: it would shadow every route after it
        mount_chat(app, ChatPage(service, settings.title, settings.trusted_proxies, compact), settings)
    return app


def add_widget_routes(app: FastAPI, assistant: Assistant) -> None:
    @app.get("/widget.js", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(
            STATIC / "widget.js",
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=600"},
        )

    @app.get(EMBED_PATH, include_in_schema=False)
    def embed_slash() -> RedirectResponse:
        # Relative, so it stays right behind a proxy that serves us under a path prefix.
        return RedirectResponse(EMBED_PATH.strip("/") + "/", status_code=308)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        return JSONResponse({"ok": True, "mode": assistant.mode})


def mount_chat(app: FastAPI, page: ChatPage, settings: Settings) -> None:
    compact = page.compact
    path = EMBED_PATH if compact else "/"
    gr.mount_gradio_app(
        app,
        page.build(settings.web_concurrency),
        path=path,
        theme=chat_theme(),
        css_paths=[STATIC / "chat.css", *([STATIC / "embed.css"] if compact else [])],
        head=CHAT_HEAD,
        footer_links=[] if compact else ["api"],
        run_history=False,
        show_error=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        favicon_path=None,
    )


def serve(settings: Settings) -> None:
    """Run until interrupted. uvicorn's own proxy-header handling is off: the client address comes
    from `trusted_proxies`, and a forged X-Forwarded-For must not reach the rate limit."""
    app = create_app(settings)
    uvicorn.run(
        app, host=settings.server_name, port=settings.server_port, proxy_headers=False, log_level="info"
    )
