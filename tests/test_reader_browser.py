"""The reader's experience in a real Chromium: where new answers land on a phone, the widget's
focus, citations that open the article at the cited sentence (or highlight it on the page the
widget sits on), no Gradio tooling on reader pages, and axe-core's accessibility scan."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.browser import (
    ANSWER_TIMEOUT_MS,
    DESKTOP,
    PHONE,
    Sites,
    ask,
    axe_violations,
    new_page,
    open_widget,
    save_screenshot,
    sites,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.slow
# Three questions with long answers, the middle one with warning signs (a safety notice first).
LONG_QUESTIONS = (
    "Why does my back ache after long runs?",
    "My back hurts and my leg goes numb when I run, what should I do?",
    "How do I do a dead bug?",
)
IN_VIEW = """(el, box) => { const r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    return r.top >= b.top - 1 && r.top < b.bottom - 20; }"""
IN_WIDGET = "() => document.activeElement && document.activeElement.hasAttribute('data-runners-coach')"


@pytest.fixture(params=["desktop", "phone"])
def screen(request: pytest.FixtureRequest, chromium) -> Iterator[tuple[str, object]]:
    with new_page(chromium, PHONE if request.param == "phone" else DESKTOP) as page:
        yield request.param, page


def newest_question_in_view(where) -> bool:
    log = where.locator("#chat [role=log]").element_handle()
    return bool(where.locator("#chat [data-testid=user]").last.evaluate(IN_VIEW, log))


def test_each_new_question_comes_into_view_with_its_answer(screen, sites: Sites) -> None:  # noqa: F811
    name, page = screen
    page.goto(sites.app.origin + "/")
    page.wait_for_selector("#question textarea")
    width = page.locator(".gradio-container").bounding_box()["width"]
    for question in (*LONG_QUESTIONS, "Which muscles make up the core?"):
        ask(page, question)
        page.wait_for_timeout(300)
        assert newest_question_in_view(page), f"{question!r} is off-screen on {name}"
        assert page.locator("#chat [data-testid=bot]").last.evaluate(
            "(el) => el.getBoundingClientRect().top < window.innerHeight - 120"
        ), "its answer starts below the fold"
    # The layout holds still: same column width, the whole app in one screen, disclaimer visible.
    assert page.locator(".gradio-container").bounding_box()["width"] == width
    assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    assert page.get_by_text("Not medical advice").is_visible()
    assert page.locator("#question textarea").is_visible()


def test_chat_after_three_long_answers_screenshots(screen, sites: Sites) -> None:  # noqa: F811
    name, page = screen
    page.goto(sites.app.origin + "/")
    page.wait_for_selector("#question textarea")
    for question in LONG_QUESTIONS:
        ask(page, question)
    page.locator("#chat [data-testid=bot]").last.locator("a.cite").first.click()  # opens its sources
    page.wait_for_timeout(600)
    page.mouse.move(0, 0)
    assert newest_question_in_view(page) or page.locator("#chat li.source-card.cited").is_visible()
    save_screenshot(page, f"chat-{name}.png", docs_name=f"screenshot-chat-{name}.png")


def test_reader_pages_show_no_gradio_tooling(chromium, sites: Sites) -> None:  # noqa: F811
    with new_page(chromium, DESKTOP) as page:
        page.goto(sites.app.origin + "/")
        page.wait_for_selector("#question textarea")
        assert page.get_by_text("Use via API").count() == 0
        ask(page, "How do I do a dead bug?")
        # The reader's own words carry no copy or thumbs; the answer does.
        user_row = page.locator("#chat .message-row.user-row").last
        assert not user_row.locator("xpath=following-sibling::*[1]").locator("button").first.is_visible()
        answer_buttons = page.locator("#chat .bot-row").last.locator("xpath=following-sibling::*[1]")
        assert answer_buttons.locator("[aria-label=Like]").is_visible()


def test_widget_first_open_puts_the_cursor_in_the_question_box(chromium, sites: Sites) -> None:  # noqa: F811
    with new_page(chromium, DESKTOP) as page:
        frame = open_widget(page, sites.blog.origin + "/")
        page.wait_for_function(IN_WIDGET)
        frame.locator("#question textarea:focus").wait_for(timeout=5_000)
        page.keyboard.type("dead bug")  # typing goes where the reader expects
        assert frame.locator("#question textarea").input_value() == "dead bug"


def test_focus_stays_in_the_open_widget_and_escape_returns_it(chromium, sites: Sites) -> None:  # noqa: F811
    with new_page(chromium, PHONE) as page:
        frame = open_widget(page, sites.blog.origin + "/")
        frame.locator("#question textarea:focus").wait_for(timeout=ANSWER_TIMEOUT_MS)
        for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
            page.keyboard.press(key)
            page.wait_for_timeout(60)
            assert page.evaluate(IN_WIDGET), f"focus left the open panel after {key}"
        page.keyboard.press("Escape")
        page.locator("[role=dialog][aria-label='Ask the coach']").wait_for(state="hidden")
        launcher = page.get_by_role("button", name="Ask the coach")
        assert launcher.evaluate("(el) => el.getRootNode().activeElement === el")


def test_source_link_opens_the_article_at_the_cited_sentence(chromium, sites: Sites) -> None:  # noqa: F811
    with new_page(chromium, DESKTOP) as page:
        context = page.context
        page.goto(sites.app.origin + "/")
        page.wait_for_selector("#question textarea")
        ask(page, "How do I do a dead bug?")  # cited from the trainer notes, far down the demo post
        answer = page.locator("#chat [data-testid=bot]").last
        answer.locator("a.cite").last.click()
        card = answer.locator("li.source-card").last
        card.wait_for(state="visible")
        marked = card.locator("mark").inner_text()
        link = card.locator("a.source-link")
        assert "/demo/#:~:text=" in link.get_attribute("href")
        with context.expect_page() as opened:
            link.click()
        article = opened.value
        article.wait_for_load_state()
        article.wait_for_function("() => window.scrollY > 0", timeout=5_000)
        first_words = " ".join(marked.split()[:4])
        passage = article.locator("article p, article li").filter(has_text=first_words).first
        assert passage.evaluate(
            "(el) => { const r = el.getBoundingClientRect(); "
            "return r.bottom > 0 && r.top < window.innerHeight; }"
        )


def test_widget_on_the_article_highlights_the_cited_passage(chromium, sites: Sites) -> None:  # noqa: F811
    with new_page(chromium, DESKTOP) as page:
        context = page.context
        frame = open_widget(page, sites.app.origin + "/demo/")  # the demo post, served by the app
        ask(frame, "Why does my back ache after long runs?")
        answer = frame.locator("#chat [data-testid=bot]").last
        answer.locator("a.cite").first.click()
        card = answer.locator("li.source-card").first
        card.wait_for(state="visible")
        marked = " ".join(card.locator("mark").inner_text().split())
        pages_before = len(context.pages)
        card.locator("a.source-link").click()
        page.wait_for_function("() => CSS.highlights.has('runners-coach')", timeout=5_000)
        highlighted = page.evaluate(
            "() => [...CSS.highlights.get('runners-coach')][0].toString().replace(/\\s+/g, ' ')"
        )
        assert (
            highlighted.split()[:4] == marked.split()[:4] and highlighted.split()[-2:] == marked.split()[-2:]
        )
        assert len(context.pages) == pages_before  # highlighted here, not opened in a new tab
        page.wait_for_timeout(800)  # the smooth scroll settles
        assert page.evaluate(
            "() => { const r = [...CSS.highlights.get('runners-coach')][0].getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }"
        )
        save_screenshot(page, "widget-highlight.png", docs_name="screenshot-widget.png")


@pytest.mark.parametrize("where", ["/", "/embed/", "widget"])
def test_no_critical_or_serious_accessibility_violations(screen, sites: Sites, where: str) -> None:  # noqa: F811
    name, page = screen
    if where == "widget":
        chat = open_widget(page, sites.blog.origin + "/")
        scans = lambda: [page, page.frames[-1]]  # noqa: E731  (the blog page and the chat in it)
    else:
        page.goto(sites.app.origin + where)
        chat = page
        page.wait_for_selector("#question textarea")
        scans = lambda: [page]  # noqa: E731
    page.wait_for_timeout(300)
    found = {"empty": [v for target in scans() for v in axe_violations(target)]}
    for question in LONG_QUESTIONS:
        ask(chat, question)
    chat.locator("#chat [data-testid=bot]").last.locator("a.cite").first.click()  # sources open
    page.wait_for_timeout(300)
    found["after answers"] = [v for target in scans() for v in axe_violations(target)]
    assert found == {"empty": [], "after answers": []}, f"{where} on {name}"
