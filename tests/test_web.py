"""The web front end without a browser: rendering, the chat service, headers, routes and the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from assistant.answer import Answer, Citation, TextDelta
from assistant.answering.pipeline import Assistant
from assistant.settings import Settings
from assistant.web.limits import Limits, RateLimited
from assistant.web.page import ChatPage, reader_address
from assistant.web.render import answer_html, escape_markdown, plain_markdown, question_html, safe_url
from assistant.web.server import create_app
from assistant.web.service import BUDGET_NOTE, ChatService, Reply
from testkit.aio import collect
from testkit.isolated import make_settings
from testkit.loopback import LiveServer

SECRET = "sk-test-secret-never-in-a-page"
HTML_TAG = re.compile(r"<\s*[a-zA-Z]")


class RecordingLog:
    """The question log's interface, remembering calls (the real store has its own tests)."""

    def __init__(self) -> None:
        self.answers: list[tuple[Answer, str | None, str | None]] = []
        self.feedback: list[tuple[str, bool, str | None]] = []

    def record_answer(
        self, answer: Answer, *, session_id: str | None = None, client: str | None = None
    ) -> str:
        self.answers.append((answer, session_id, client))
        return f"record-{len(self.answers)}"

    def record_feedback(
        self, record_id: str, liked: bool, comment: str | None = None, *, require_durable: bool = False
    ) -> str:
        self.feedback.append((record_id, liked, comment))
        return "feedback"

    def flush(self, timeout: float = 10.0) -> bool:
        return True

    def close(self) -> None:
        pass


def sample_answer(**changes: object) -> Answer:
    citation = Citation(
        1, "aching-back", "The <b>Article</b>", "Dead bug", "Lie *down* <script>x</script>", None
    )
    fields = {
        "question": "q",
        "text": "Keep your back down [1]. Unknown marker [7].",
        "citations": [citation],
    }
    return Answer(**{**fields, **changes})


def fake_request(
    host: str = "10.0.0.5", forwarded: str | None = None, session: str = "s1"
) -> SimpleNamespace:
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return SimpleNamespace(client=SimpleNamespace(host=host), headers=headers, session_hash=session)


@pytest.fixture
def log() -> RecordingLog:
    return RecordingLog()


@pytest.fixture
def service(assistant: Assistant, lean_settings: Settings, log: RecordingLog) -> ChatService:
    return ChatService(assistant, Limits(lean_settings.model_copy(update={"rate_limit_burst": 100})), log)


# ------------------------------------------------------------------ rendering


def test_escaped_text_has_no_html_and_no_markdown_formatting() -> None:
    text = escape_markdown(
        "<img src=x onerror=alert(1)> *bold* [link](javascript:alert(1)) `code`\n# head\n- item"
    )
    assert not HTML_TAG.search(text)
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    for literal in (r"\*bold\*", r"\[link\]", r"\`code\`", r"\# head", r"\- item"):
        assert literal in text


def test_a_chat_message_is_one_html_block_whatever_the_text() -> None:
    """Markdown passes an HTML block with no blank line through untouched: no formatting, no tags."""
    said = question_html("<script>x</script> *bold*\n\n\n# head\n\n- item")
    assert "\n" not in said and "<script>" not in said
    assert said == '<div class="asked">&lt;script&gt;x&lt;/script&gt; *bold*<br># head<br>- item</div>'
    assert "\n" not in answer_html(sample_answer(text="One.\n\nTwo [1]."), key="1")


def test_answer_links_each_citation_to_its_source_card() -> None:
    rendered = answer_html(sample_answer(), key="4")
    assert '<a class="cite" href="#src-4-1" aria-label="source 1">[1]</a>' in rendered
    assert "Unknown marker [7]" in rendered and 'href="#src-4-7"' not in rendered
    assert '<li id="src-4-1" value="1" class="source-card">' in rendered
    assert '<span class="source-title">The &lt;b&gt;Article&lt;/b&gt;</span>' in rendered
    assert '<span class="source-section">Dead bug</span>' in rendered
    assert "<mark>Lie *down* &lt;script&gt;x&lt;/script&gt;</mark>" in rendered
    assert "<script>" not in rendered and "<b>" not in rendered


def test_source_card_marks_the_cited_sentence_of_a_long_passage() -> None:
    passage = "Runners need a core. Dead bug trains it well. Keep your back flat. Breathe out."
    citation = Citation(1, "notes", "Notes", "Dead bug", passage, None)
    rendered = answer_html(sample_answer(text="Keep your back flat [1].", citations=[citation]), key="1")
    assert "<blockquote>… <mark>Keep your back flat.</mark> …</blockquote>" in rendered
    assert "Runners need a core" not in rendered  # the card quotes, it does not repeat the passage


def test_a_marker_after_the_full_stop_cites_the_sentence_before_it() -> None:
    passage = "Dead bug trains the core. Lie on your back. Keep it flat."
    citation = Citation(1, "notes", "Notes", "Dead bug", passage, None)
    said = "Keep it flat. [1] Something else entirely."
    rendered = answer_html(sample_answer(text=said, citations=[citation]), key="1")
    assert "<mark>Keep it flat.</mark></blockquote>" in rendered


def test_source_link_opens_the_article_at_the_cited_words() -> None:
    passage = (
        "Intro words here. Keeping your back to the ground ensures you're not putting your low back "
        "at risk of injury, says the 90-degree coach. Outro."
    )
    citation = Citation(1, "a", "T", "S", passage, "https://blog.example.com/post")
    said = "Keeping your back to the ground ensures you're not putting your low back at risk [1]."
    rendered = answer_html(sample_answer(text=said, citations=[citation]), key="1")
    href = re.search(r'class="source-link" href="([^"]+)"', rendered).group(1)
    assert href == (
        "https://blog.example.com/post#:~:text=Keeping%20your%20back%20to%20the,"
        "injury%2C%20says%20the%2090%2Ddegree%20coach."  # ',' and '-' escaped: they are syntax here
    )
    assert 'target="_blank" rel="noopener"' in rendered


def test_sources_link_to_web_addresses_and_paths_on_this_server_only() -> None:
    page = Citation(1, "d", "T", "S", "text", "/demo/")
    bad = Citation(2, "d", "T", "S", "text", "javascript:alert(1)")
    rendered = answer_html(sample_answer(text="A [1] B [2]", citations=[page, bad]), "1", site_root="/coach")
    assert 'href="/coach/demo/#:~:text=text"' in rendered
    assert "javascript:" not in rendered and rendered.count("source-link") == 1
    assert safe_url("//evil.example/x") is None and safe_url('https://x.example/"onload') is None


def test_safety_notice_is_a_callout_above_the_answer() -> None:
    rendered = answer_html(sample_answer(safety_notice="See a doctor <now>."), key="1")
    assert rendered.startswith('<div class="reply"><div class="safety-notice" role="note">')
    assert "See a doctor &lt;now&gt;." in rendered


def test_abstention_reads_as_an_answer_not_an_error() -> None:
    rendered = answer_html(
        sample_answer(text="Sorry, that isn't covered.", citations=[], abstained=True), "1"
    )
    assert '<p class="answer not-covered">' in rendered
    assert "chat-note" not in rendered and "error" not in rendered.lower()


def test_sources_are_folded_until_asked_for() -> None:
    assert '<details class="sources"><summary>Sources (1)</summary>' in answer_html(sample_answer(), "1")


def test_api_markdown_has_sources_and_no_html() -> None:
    text = plain_markdown(sample_answer(safety_notice="See a doctor."))
    assert text.startswith("> **Please see a professional.**")
    assert "Keep your back down [1]. Unknown marker [7]." in text
    assert "**Sources**" in text and "1\\. *The &lt;b&gt;Article&lt;/b&gt; — Dead bug*" in text
    assert not HTML_TAG.search(text)


# ------------------------------------------------------------------ the chat service and handlers


def test_service_logs_each_answer_with_session_and_client(service: ChatService, log: RecordingLog) -> None:
    events = collect(service.stream("How do I do a dead bug?", [], "10.0.0.5", "tab-1"))
    reply = events[-1]
    assert isinstance(reply, Reply) and reply.record_id == "record-1" and reply.answer.citations
    assert log.answers[0][1:] == ("tab-1", "10.0.0.5")


def test_rate_limited_reader_sees_a_message_in_the_chat(
    assistant: Assistant, lean_settings: Settings
) -> None:
    limits = Limits(lean_settings.model_copy(update={"rate_limit_burst": 1, "rate_limit_per_minute": 1}))
    page = ChatPage(ChatService(assistant, limits, RecordingLog()), "t", trusted_proxies=0)
    collect(page.stream_into_chat("How do I do a dead bug?", None, fake_request()))
    *_, (box, chat, _) = collect(page.stream_into_chat("And crunches?", None, fake_request()))
    assert "Please wait" in chat[-1]["content"] and 'class="chat-note"' in chat[-1]["content"]
    assert box == "And crunches?" and len(chat) == 1  # not asked: the question waits in the box
    assert re.search(r'class="countdown" data-seconds="\d+"', chat[-1]["content"])
    with pytest.raises(RateLimited):
        collect(ChatService(assistant, limits, RecordingLog()).stream("q", [], "10.0.0.5", None))


@pytest.mark.parametrize(
    ("question", "message"),
    [("   ", "Please type a question"), ("why " * 2000, "That question is too long")],
)
def test_bad_input_is_a_plain_message_never_a_trace(
    service: ChatService, question: str, message: str
) -> None:
    page = ChatPage(service, "t", trusted_proxies=0)
    *_, (box, chat, conversation) = collect(page.stream_into_chat(question, None, fake_request()))
    assert box == ""
    assert message in chat[-1]["content"] and 'class="chat-note"' in chat[-1]["content"]
    assert "Traceback" not in chat[-1]["content"] and conversation.turns == []


def test_follow_ups_use_the_raw_turns_kept_on_the_server(service: ChatService, log: RecordingLog) -> None:
    page = ChatPage(service, "t", trusted_proxies=0)
    *_, (_, chat, conversation) = collect(
        page.stream_into_chat("How do I do a dead bug?", None, fake_request())
    )
    assert conversation.turns[0] == {"role": "user", "content": "How do I do a dead bug?"}
    assert conversation.records == {1: "record-1"}
    *_, (_, chat, conversation) = collect(
        page.stream_into_chat("how often should I do it?", conversation, fake_request())
    )
    assert log.answers[-1][0].standalone_question != "how often should I do it?"
    assert len(conversation.turns) == 4 and len(chat) == 4


def test_thumbs_are_stored_at_once_and_a_comment_follows(service: ChatService, log: RecordingLog) -> None:
    page = ChatPage(service, "t", trusted_proxies=0)
    *_, (_, _chat, conversation) = collect(
        page.stream_into_chat("How do I do a dead bug?", None, fake_request())
    )
    conversation, box, _ = page.record_thumbs(
        conversation, SimpleNamespace(index=1, liked=False), fake_request()
    )
    assert log.feedback == [("record-1", False, None)] and box["visible"] is True
    page.record_comment("  Too vague  ", conversation, fake_request())
    assert log.feedback[-1] == ("record-1", False, "Too vague")
    page.record_thumbs(conversation, SimpleNamespace(index=0, liked=True), fake_request())  # a question
    page.record_thumbs(conversation, SimpleNamespace(index=1, liked=True), fake_request())  # rated already
    assert len(log.feedback) == 2


def test_the_chat_shown_is_rebuilt_on_the_server_never_read_from_the_browser(service: ChatService) -> None:
    """The page sends no chat value at all: a client cannot slip a file reference into what we echo."""
    page = ChatPage(service, "t", trusted_proxies=0)
    *_, (_, chat, conversation) = collect(
        page.stream_into_chat("How do I do a dead bug?", None, fake_request())
    )
    *_, (_, chat, conversation) = collect(
        page.stream_into_chat({"path": "/etc/passwd"}, conversation, fake_request())
    )
    assert len(chat) == 3 and "plain text" in chat[-1]["content"] and "/etc/passwd" not in str(chat)


def test_reader_address_honours_the_trusted_proxy_count() -> None:
    request = fake_request(host="10.0.0.1", forwarded="6.6.6.6, 203.0.113.7")
    assert reader_address(request, 0) == "10.0.0.1"
    assert reader_address(request, 1) == "203.0.113.7"
    assert reader_address(None, 1) is None


def test_spent_budget_turns_answers_extractive_with_a_note(llm_assistant: Assistant) -> None:
    settings = llm_assistant.settings.model_copy(update={"daily_llm_token_budget": 10})
    service = ChatService(llm_assistant, Limits(settings), RecordingLog())
    first = collect(service.stream("How do I do a dead bug?", [], "c", None))
    assert any(isinstance(e, TextDelta) for e in first) and first[-1].answer.mode == "llm"
    second = collect(service.stream("How do I do a dead bug?", [], "c", None))
    assert second[-1].answer.mode == "extractive" and second[-1].note == BUDGET_NOTE
    assert not any(isinstance(e, TextDelta) for e in second)


# ------------------------------------------------------------------ the server


@pytest.fixture
def client_for(tmp_path: Path, assistant: Assistant) -> Iterator:
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        settings = make_settings(tmp_path, **overrides)
        client = TestClient(create_app(settings, assistant=assistant, question_log=RecordingLog()))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_embed_may_be_framed_by_allowed_origins_only(client_for) -> None:
    client = client_for()
    embed = client.get("/embed/")
    assert embed.status_code == 200
    assert embed.headers["content-security-policy"].endswith(
        "; frame-ancestors 'self' http://localhost:* http://127.0.0.1:*"
    )
    assert "x-frame-options" not in embed.headers
    page = client.get("/")
    assert page.headers["content-security-policy"].endswith("; frame-ancestors 'self'")
    assert page.headers["x-frame-options"] == "SAMEORIGIN"

    blog = client_for(allowed_origins="https://blog.example.com, https://*.example.org")
    assert (
        blog.get("/embed/")
        .headers["content-security-policy"]
        .endswith("; frame-ancestors 'self' https://blog.example.com https://*.example.org")
    )


def test_widget_script_is_served_and_no_secret_reaches_the_browser(client_for) -> None:
    client = client_for(openai_api_key=SECRET)
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert "embed/" in widget.text
    for path in ("/", "/embed/", "/config", "/embed/config", "/widget.js", "/gradio_api/info"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.text, path


def test_embed_without_slash_redirects_relatively(client_for) -> None:
    response = client_for().get("/embed", follow_redirects=False)
    assert response.status_code == 308 and response.headers["location"] == "embed/"


def test_root_path_behind_a_proxy_reaches_gradio(client_for) -> None:
    client = client_for(root_path="/assistant")
    assert client.get("/config").json()["root"].endswith("/assistant")
    assert client.get("/embed/config").json()["root"].endswith("/assistant/embed")


def test_page_is_titled_and_has_no_analytics(client_for) -> None:
    client = client_for(title="Coach <Beta>")
    config = client.get("/config").json()
    assert config["title"] == "Coach <Beta>" and config["analytics_enabled"] is False
    assert "Coach &lt;Beta&gt;" in client.get("/").text


def test_official_client_gets_a_cited_markdown_answer(tmp_path: Path, assistant: Assistant) -> None:
    from gradio_client import Client

    settings = make_settings(tmp_path)
    server = LiveServer(create_app(settings, assistant=assistant, question_log=RecordingLog())).start()
    try:
        client = Client(server.origin + "/", verbose=False, download_files=False)
        answer = client.predict("How do I do a dead bug?", api_name="/chat")
        assert "[1]" in answer and "**Sources**" in answer and "Dead bug" in answer
        problem = client.predict("", api_name="/chat")
        assert "Please type a question" in problem
        client.close()
    finally:
        server.stop()
