"""Hostile text from the corpus, and from readers, stays text: in the chat page and in the blog
widget, proven in a real Chromium.

The corpus is trusted, but it is edited by people and pasted from the web, so a document with
markup in it must never run as code on a reader's page. The app here serves the real corpus plus
one hostile document whose section a question retrieves and cites.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from assistant.web.server import create_app
from testkit.browser import blog_page, static_pages
from testkit.isolated import make_settings
from testkit.loopback import LiveServer, free_port
from tests.conftest import CORPUS

T = TypeVar("T")

pytestmark = pytest.mark.slow
ANSWER_TIMEOUT_MS = 20_000
TEST_TIMEOUT_S = 120  # one test's browser work, end to end
HOSTILE_QUESTION = "How do I do a Pallof press?"
HOSTILE_DOCUMENT = """\
---
title: "Pallof press notes <img src=x onerror=alert('title')>"
kind: notes
url: "javascript:alert(1)"
---

# Pallof press notes <svg onload=alert('heading')>

## Pallof press <script>alert('section')</script>

The Pallof press trains your core to resist rotation <script>alert('corpus')</script> so hold the \
band at your chest and press it straight out. During each Pallof press hold <img src=x \
onerror=alert(1)> keep your hips square and your ribs down. Watch the Pallof press demo here: \
[click me](javascript:alert(1)) and <a href="javascript:alert(2)">this Pallof press link</a>. A \
Pallof press set is <iframe src="javascript:alert(3)"></iframe> ten slow presses per side with \
<javascript:alert(4)> ![Pallof press](javascript:alert(5)) control. Each Pallof press video is at \
https://evil.example/pallof?x=1 or www.evil.example/press, questions to coach@evil.example.
"""
# What a reader must see, character for character, where the hostile passage is quoted.
HOSTILE_TEXT = (
    "<script>alert('corpus')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(2)">this Pallof press link</a>',
    "Pallof press notes <img src=x onerror=alert('title')>",
    "https://evil.example/pallof?x=1",  # plain URLs and emails show as text, never as live links
    "www.evil.example/press",
    "coach@evil.example",
)
HOSTILE_QUESTION_TYPED = (
    '[click me](javascript:alert(1)) <a href="javascript:alert(2)">here</a> <img src=x onerror=alert(3)> '
    "<javascript:alert(4)> ![pic](javascript:alert(5)) [ref][x]\n\n[x]: javascript:alert(6) "
    "<svg onload=alert(7)> javascript:alert(8) [y](javascript&#58;alert(9)) [z](&#106;avascript:alert(10)) "
    "&lt;b&gt; how do I do a dead bug?"
)
# Everything in the chat that could run code or navigate to script: handlers, script-capable
# elements, and links that are not our own: a `#src-…` citation anchor, or a source card's "Open in
# the article" link to the cited document's own page (the shipped corpus's `url: /demo/`).
INJECTED_JS = """() => {
  const chat = document.querySelector('#chat');
  const all = [...chat.querySelectorAll('*')];
  const show = el => el.outerHTML.slice(0, 160);
  return {
    handlers: all.filter(el => [...el.attributes].some(a => /^on/i.test(a.name))).map(show),
    elements: [...chat.querySelectorAll('script, iframe, object, embed, img, svg [onload], svg[onload]')]
      .filter(el => !el.closest('button')).map(show),
    javascript_urls: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .filter(el => ['href', 'src', 'action', 'formaction']
        .some(name => /^\\s*javascript:/i.test(el.getAttribute(name) || ''))).map(show),
    foreign_links: [...chat.querySelectorAll('a[href]')]
      .filter(a => !a.getAttribute('href').startsWith('#src-'))
      .filter(a => !(a.classList.contains('source-link') && a.getAttribute('href').startsWith('/demo/#')))
      .map(a => a.getAttribute('href')),
  };
}"""


@dataclass
class HostileSites:
    app: LiveServer
    blog: LiveServer


def hostile_corpus(folder: Path) -> Path:
    """The real corpus files plus the hostile document, in a folder of their own."""
    folder.mkdir()
    for path in CORPUS.iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    (folder / "pallof-press.md").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSites]:
    root = tmp_path_factory.mktemp("hostile")
    blog_port = free_port()
    settings = make_settings(
        root / "data",
        corpus_dir=hostile_corpus(root / "corpus"),
        allowed_origins=[f"http://127.0.0.1:{blog_port}"],
        rate_limit_per_minute=600,
        rate_limit_burst=100,
    )
    app = LiveServer(create_app(settings)).start()
    blog = LiveServer(static_pages({"/": blog_page(app.origin)}), blog_port).start()
    yield HostileSites(app, blog)
    blog.stop()
    app.stop()


def with_page(browser, check: Callable[..., T], *args: object) -> T:
    """A page that records every dialog (from any frame) and dismisses it, closed afterwards."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    try:
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        return check(page, *args)
    finally:
        context.close()


def ask(where, question: str):
    """Type a question into the chat (page or frame); the finished answer's message."""
    answers_before = where.locator("#chat [data-testid=bot]").count()
    where.locator("#question textarea").fill(question)
    where.locator("#question textarea").press("Enter")
    answer = where.locator("#chat [data-testid=bot]").nth(answers_before)
    answer.locator(".reply:not(.streaming), .chat-note").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return answer


def open_widget_frame(page, blog: LiveServer):
    """The blog post with the widget opened: the `/embed/` frame inside it."""
    page.goto(blog.origin + "/")
    page.get_by_role("button", name="Ask the coach").click()
    page.frame_locator("iframe[title='Ask the coach chat']").locator("#question textarea").wait_for(
        timeout=ANSWER_TIMEOUT_MS
    )
    return next(frame for frame in page.frames if re.search(r"/embed/", frame.url))


def assert_nothing_ran(page, where) -> None:
    """No injected element, handler or javascript: URL in the chat, and no dialog ever opened.
    A control alert from the same document proves the dialog listener would have seen one."""
    found = where.evaluate(INJECTED_JS)
    assert found == {"handlers": [], "elements": [], "javascript_urls": [], "foreign_links": []}
    page.wait_for_timeout(500)  # an injected handler or timer would have fired by now
    assert page.dialogs == []
    where.evaluate("() => setTimeout(() => alert('control'), 0)")
    page.wait_for_timeout(300)
    assert page.dialogs == ["control"]


def assert_hostile_text_visible(answer) -> None:
    """The source card quotes only the sentences the answer cites, so not every hostile snippet is
    on screen; those that are read character for character (the rest are proven inert by
    `assert_nothing_ran`: no element, handler, javascript: URL or foreign link anywhere)."""
    shown = answer.inner_text()
    for text in ("<script>alert('corpus')</script>", "Pallof press notes <img src=x onerror=alert('title')>"):
        assert text in shown, text
    assert sum(text in shown for text in HOSTILE_TEXT) >= 2
    assert answer.locator("a.source-link").count() == 0  # its url is javascript:


def chat_page_shows_hostile_passage_as_text(page, sites: HostileSites) -> None:
    page.goto(sites.app.origin + "/")
    answer = ask(page, HOSTILE_QUESTION)
    answer.locator("a.cite").first.click()  # our own citation link still works: it opens the sources
    answer.locator("details.sources blockquote").first.wait_for(state="visible")
    assert "Pallof press" in answer.locator("li .source-title").first.inner_text()
    assert_hostile_text_visible(answer)
    assert_nothing_ran(page, page)


def widget_shows_hostile_passage_as_text(page, sites: HostileSites) -> None:
    frame = open_widget_frame(page, sites.blog)
    answer = ask(frame, HOSTILE_QUESTION)
    answer.locator("a.cite").first.click()  # sources are folded until a [n] is clicked
    answer.locator("details.sources blockquote").first.wait_for(state="visible")
    assert_hostile_text_visible(answer)
    assert_nothing_ran(page, frame)
    assert_nothing_ran_on_the_blog(page)


def widget_shows_typed_links_and_html_as_text(page, sites: HostileSites) -> None:
    frame = open_widget_frame(page, sites.blog)
    ask(frame, HOSTILE_QUESTION_TYPED)
    typed = frame.locator("#chat [data-testid=user]").last.inner_text()
    for text in ("[click me](javascript:alert(1))", '<a href="javascript:alert(2)">here</a>', "<svg onload"):
        assert text in typed, text
    assert "[x]: javascript:alert(6)" in typed
    assert "[y](javascript&#58;alert(9))" in typed and "&lt;b&gt;" in typed  # entities stay as typed
    assert_nothing_ran(page, frame)


def test_hostile_corpus_passage_is_plain_text_in_the_chat_page(chromium, hostile_sites: HostileSites) -> None:
    with_page(chromium, chat_page_shows_hostile_passage_as_text, hostile_sites)


def test_hostile_corpus_passage_is_plain_text_in_the_widget(chromium, hostile_sites: HostileSites) -> None:
    with_page(chromium, widget_shows_hostile_passage_as_text, hostile_sites)


def test_links_and_html_typed_into_the_widget_stay_text(chromium, hostile_sites: HostileSites) -> None:
    with_page(chromium, widget_shows_typed_links_and_html_as_text, hostile_sites)


def assert_nothing_ran_on_the_blog(page) -> None:
    """The widget's host page gains only the launcher and the frame: no javascript: link there."""
    bad = page.evaluate(
        "() => [...document.querySelectorAll('[href], [src]')]"
        ".filter(el => /^\\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') || ''))"
        ".length"
    )
    assert bad == 0
