"""The chat page and the blog widget in a real Chromium, against real servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from testkit.browser import (  # noqa: F401  (sites: fixture)
    ANSWER_TIMEOUT_MS,
    Sites,
    ask,
    open_widget,
    save_screenshot,
    sites,
)
from testkit.loopback import LOOPBACK

pytestmark = pytest.mark.slow
XSS = "<script>alert(1)</script> <img src=x onerror=alert(1)> why does my back hurt?"


@pytest.fixture
def context(chromium) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    yield context
    context.close()


def open_chat(context, url: str):
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return page


def test_chat_page_answers_with_visible_citations(context, sites: Sites) -> None:  # noqa: F811
    page = open_chat(context, sites.app.origin + "/")
    page.get_by_role("button", name="Select example 3: How do I do a dead bug?").click()
    answer = page.locator("#chat [data-testid=bot]").last
    answer.locator("details.sources li").first.wait_for(state="attached", timeout=ANSWER_TIMEOUT_MS)

    cite = answer.locator("a.cite").first
    assert cite.is_visible()
    target = cite.get_attribute("href")
    quoted = answer.locator(f"li{target}")
    assert not quoted.is_visible()  # sources stay folded until asked for
    cite.click()
    quoted.wait_for(state="visible")
    assert "back" in quoted.locator("blockquote mark").inner_text().lower()
    assert page.get_by_text("Not medical advice").is_visible()


def test_page_renders_offline_with_every_request_on_loopback(context, sites: Sites) -> None:  # noqa: F811
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = open_chat(context, sites.app.origin + "/")
    ask(page, "Which muscles make up the core?")
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts == {LOOPBACK}, sorted(url for url in requested if LOOPBACK not in url)
    fonts = page.evaluate("getComputedStyle(document.querySelector('#question textarea')).fontFamily")
    assert "system-ui" in fonts


def test_typed_html_and_script_render_as_text(context, sites: Sites) -> None:  # noqa: F811
    dialogs: list[str] = []
    page = open_chat(context, sites.app.origin + "/")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ask(page, XSS)
    user_message = page.locator("#chat [data-testid=user]").last
    assert "<img src=x onerror=alert(1)>" in user_message.inner_text()
    assert "<script>alert(1)</script>" in user_message.inner_text()
    assert page.locator("#chat img, #chat script, #chat [onerror]").count() == 0
    page.wait_for_timeout(300)  # an injected handler would have fired by now
    assert dialogs == []


def test_thumbs_down_with_a_comment_lands_in_the_question_log(context, sites: Sites) -> None:  # noqa: F811
    page = open_chat(context, sites.app.origin + "/")
    question = "How often should runners train their core?"
    ask(page, question)
    page.locator("#chat button[aria-label=Dislike]").last.click()
    page.locator("#feedback-comment textarea").fill("Wanted a weekly plan")
    page.locator("#feedback-send").click()
    page.locator("#feedback-comment textarea").wait_for(state="hidden")

    assert sites.log.flush(timeout=10)
    records = [r for r in sites.log.questions() if r.question == question]
    assert records and records[-1].liked is False
    assert records[-1].comment == "Wanted a weekly plan"


def test_blog_on_another_origin_embeds_the_widget_and_gets_a_cited_answer(context, sites: Sites) -> None:  # noqa: F811
    page = context.new_page()
    frame = open_widget(page, sites.blog.origin + "/")
    ask(frame, "Why does my back ache after long runs?")
    save_screenshot(page, "widget-desktop.png")
    quote = frame.locator("#chat details.sources blockquote").first
    assert not quote.is_visible()  # the compact view keeps sources folded until asked for
    frame.locator("#chat a.cite").first.click()
    quote.wait_for(state="visible")

    frame.locator("#question textarea").press("Escape")  # inside the iframe: relayed to the blog page
    panel = page.locator("[role=dialog][aria-label='Ask the coach']")
    panel.wait_for(state="hidden")
    launcher = page.get_by_role("button", name="Ask the coach")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.hasAttribute('data-runners-coach')")  # focus is back


def test_widget_fills_a_phone_screen_and_closes_with_its_button(chromium, sites: Sites) -> None:  # noqa: F811
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        frame = open_widget(page, sites.blog.origin + "/")
        panel = page.locator("[role=dialog][aria-label='Ask the coach']").bounding_box()
        assert panel and panel["width"] >= 389 and panel["height"] >= 843
        ask(frame, "How do I do a dead bug?")
        assert frame.locator("#chat a.cite").first.is_visible()
        save_screenshot(page, "widget-phone.png")
        page.get_by_role("button", name="Close chat").click()
        page.locator("[role=dialog][aria-label='Ask the coach']").wait_for(state="hidden")
    finally:
        context.close()


def test_a_site_not_allowed_cannot_frame_the_chat(context, sites: Sites) -> None:  # noqa: F811
    policy = httpx.get(sites.app.origin + "/embed/").headers["content-security-policy"]
    assert policy.endswith(f"; frame-ancestors 'self' {sites.blog.origin}")

    blocked: list[str] = []
    page = context.new_page()
    page.on(
        "console", lambda message: blocked.append(message.text) if "frame-ancestors" in message.text else None
    )
    page.goto(sites.other.origin + "/")
    page.wait_for_timeout(1500)
    framed = page.frame_locator("#framed")
    assert framed.locator("#question textarea").count() == 0
    assert blocked, "Chromium should report the frame-ancestors refusal"

    allowed = context.new_page()  # control: the same page from the allowed blog origin works
    allowed.goto(sites.blog.origin + "/frame")
    allowed.frame_locator("#framed").locator("#question textarea").wait_for(timeout=ANSWER_TIMEOUT_MS)
