"""Real servers on loopback and a real Chromium, for the web and widget tests.

`LiveServer` (from testkit.loopback) runs any ASGI app (our chat, or a page pretending to be a blog)
in a thread on a free 127.0.0.1 port, so one test run holds several origins at once. Chromium is
`CHROMIUM_PATH`, Debian's, or Playwright's own; tests that need it (or axe-core) skip only when it
is not installed (.ci/run installs both).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from assistant.questionlog.store import QuestionLog, open_question_log
from assistant.settings import PROJECT_ROOT
from assistant.web.server import create_app
from testkit.isolated import make_settings
from testkit.loopback import LOOPBACK, LiveServer, free_port

CHROMIUM = Path("/usr/bin/chromium")  # Debian's
# axe-core (npm, MPL-2.0), installed by .ci/run: `npm install --prefix .cache/axe axe-core@4`.
AXE_SCRIPT = PROJECT_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 20_000
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
WIDGET_FRAME = "iframe[title='Ask the coach chat']"
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DOCS = PROJECT_ROOT / "docs"


def static_pages(pages: dict[str, str]) -> Starlette:
    """A site serving fixed HTML pages: the blog that embeds the widget, or a site that must not."""

    def route(html: str):
        async def page(_request: object) -> HTMLResponse:
            return HTMLResponse(html)

        return page

    return Starlette(routes=[Route(path, route(html)) for path, html in pages.items()])


def blog_page(app_origin: str) -> str:
    """examples/blog.html as shipped, pointed at the test's assistant."""
    html = (PROJECT_ROOT / "examples" / "blog.html").read_text(encoding="utf-8")
    return html.replace('src="../widget.js"', f'src="{app_origin}/widget.js"')


def framing_page(embed_url: str) -> str:
    return f'<!doctype html><title>Another site</title><iframe id="framed" src="{embed_url}"></iframe>'


def save_screenshot(page: object, name: str, docs_name: str | None = None) -> Path:
    """Into test-artifacts/screenshots (gitignored). With UPDATE_DOCS_SCREENSHOTS=1, `docs_name` also
    refreshes the README's copy in docs/ (opt-in, so a test run leaves the work tree clean)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))  # type: ignore[attr-defined]
    if docs_name and os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / docs_name)
    return path


def chromium_path(playwright: object) -> str | None:
    """The browser to drive: `CHROMIUM_PATH` when set, else Debian's, else Playwright's own
    (`playwright install chromium`); None when there is none."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), CHROMIUM):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    bundled = Path(playwright.chromium.executable_path)  # type: ignore[attr-defined]
    return str(bundled) if bundled.is_file() else None


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = chromium_path(playwright)
        if path is None:
            pytest.skip("no Chromium: set CHROMIUM_PATH, or apt-get install chromium")
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def axe_violations(where: object, impacts: tuple[str, ...] = ("critical", "serious")) -> list[dict]:
    """axe-core's violations of `impacts` on a page or frame: rule id, impact and the first nodes."""
    if not AXE_SCRIPT.is_file():
        pytest.skip(f"axe-core is not installed at {AXE_SCRIPT} (.ci/run installs it from npm)")
    where.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    found = where.evaluate(  # type: ignore[attr-defined]
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [v for v in found if v["impact"] in impacts]


@dataclass
class Sites:
    """The assistant, a blog allowed to embed it, and a site that is not, each its own origin."""

    app: LiveServer
    blog: LiveServer
    other: LiveServer
    log: QuestionLog


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    blog_port, other_port = free_port(), free_port()
    blog_origin = f"http://{LOOPBACK}:{blog_port}"
    settings = make_settings(
        tmp_path_factory.mktemp("web"),
        allowed_origins=[blog_origin],
        rate_limit_per_minute=600,
        rate_limit_burst=100,
    )
    log = open_question_log(settings)
    app = LiveServer(create_app(settings, question_log=log)).start()
    embed = f"{app.origin}/embed/"
    blog = LiveServer(static_pages({"/": blog_page(app.origin), "/frame": framing_page(embed)}), blog_port)
    other = LiveServer(static_pages({"/": framing_page(embed)}), other_port)
    running = Sites(app, blog.start(), other.start(), log)
    yield running
    for server in (other, blog, app):
        server.stop()
    log.close()


@contextlib.contextmanager
def new_page(chromium: object, screen: dict) -> Iterator[object]:
    """A page in a fresh browser context (`PHONE` or `DESKTOP`), closed afterwards."""
    context = chromium.new_context(**screen)  # type: ignore[attr-defined]
    try:
        yield context.new_page()
    finally:
        context.close()


def ask(where: object, question: str) -> object:
    """Type a question into the chat (a page or a frame), wait until its answer is complete, and
    return that answer's message."""
    messages = where.locator("#chat [data-testid=bot]")  # type: ignore[attr-defined]
    answers_before = messages.count()
    where.locator("#question textarea").fill(question)  # type: ignore[attr-defined]
    where.locator("#question textarea").press("Enter")  # type: ignore[attr-defined]
    answer = messages.nth(answers_before)
    answer.locator(".reply:not(.streaming), .chat-note").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return answer


def open_widget(page: object, url: str) -> object:
    """The page at `url` with the widget opened: the chat's frame, once its question box is there."""
    page.goto(url)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Ask the coach").click()  # type: ignore[attr-defined]
    frame = page.frame_locator(WIDGET_FRAME)  # type: ignore[attr-defined]
    frame.locator("#question textarea").wait_for(timeout=ANSWER_TIMEOUT_MS)
    return frame
