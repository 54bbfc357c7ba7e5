"""The Gradio chat: the full page at `/` and the compact `/embed` view the blog widget frames.

Everything shown goes through `web/render.py`, which builds each message as escaped HTML (readers'
words and corpus passages always show as text); Gradio's own sanitizer stays on as a second line of
defence. What the server acts on lives in `Conversation`, never in a value the browser sends.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer import TextDelta
from assistant.errors import AssistantError
from assistant.web.limits import RateLimited, client_address
from assistant.web.render import (
    answer_html,
    notice_html,
    question_html,
    streaming_html,
    text,
    typing_html,
)
from assistant.web.service import ChatService

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
EXAMPLES = (
    "Why does my back ache after long runs?",
    "Which muscles make up the core?",
    "How do I do a dead bug?",
    "How often should runners train their core?",
)
INTRO = "Answers come only from our article and trainer notes, and cite the passages they rest on."
WELCOME = "**Ask about core strength and back pain for runners.** Try one of these:"
NOT_ADVICE = "Not medical advice. For pain, numbness or an injury, see a doctor or physiotherapist."
NOT_TEXT = "Please send your question as plain text."
TROUBLE = "Sorry, something went wrong on our side while answering. Please try again in a moment."
# After a thumbs up or down, bring the optional comment box into view (static/chat.js).
SHOW_COMMENT_BOX = "() => window.runnersCoach && window.runnersCoach.showCommentBox()"


@dataclass
class Conversation:
    """One browser tab's chat, kept on the server. The chat the page shows is rebuilt from here on
    every event: the server never reads back what the browser holds in its chat component (a
    client can put anything there, file references included)."""

    shown: list[dict] = field(default_factory=list)  # the chat messages as the page renders them
    turns: list[dict] = field(default_factory=list)  # the raw turns follow-ups are answered from
    records: dict[int, str] = field(default_factory=dict)  # chat message index -> log record id
    pending: tuple[str, bool] | None = None  # the answer (and thumbs) a comment will be attached to


def pick_example(data: gr.SelectData) -> str:
    """The example the reader clicked, looked up by position: its text comes from this server."""
    index = data.index
    return EXAMPLES[index] if isinstance(index, int) and 0 <= index < len(EXAMPLES) else ""


def header_html(title: str, compact: bool) -> str:
    """The page's heading: a compact bar with the avatar on the full page; in the widget's frame,
    whose bar already shows the title, a heading for screen readers only."""
    if compact:
        return f'<h1 class="visually-hidden">{text(title)}</h1>'
    return (
        '<header class="masthead"><span class="avatar" aria-hidden="true"></span>'
        f"<div><h1>{text(title)}</h1><p>{text(INTRO)}</p></div></header>"
    )


def reader_address(request: gr.Request | None, trusted_proxies: int) -> str | None:
    if request is None:
        return None
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), trusted_proxies)


class ChatPage:
    """Builds one view's Blocks and holds its event handlers, which adapt Gradio values to
    `ChatService`. `compact` is the `/embed` view: no header, the chat fills the frame."""

    def __init__(
        self,
        service: ChatService,
        title: str,
        trusted_proxies: int,
        compact: bool = False,
        site_root: str = "",
    ) -> None:
        self.service = service
        self.title = title
        self.trusted_proxies = trusted_proxies
        self.compact = compact
        self.site_root = site_root  # the public path prefix, for source links to pages on this server

    async def stream_into_chat(
        self, message: object, conversation: Conversation | None, request: gr.Request
    ) -> AsyncIterator[tuple[str, list[dict], Conversation]]:
        """Stream one answer into the chat; problems become a plain message in the chat."""
        conversation = conversation or Conversation()
        chat = conversation.shown
        if not isinstance(message, str):
            chat.append({"role": "assistant", "content": notice_html(NOT_TEXT)})
            yield "", list(chat), conversation
            return
        if message.strip():
            chat.append({"role": "user", "content": question_html(message)})
        chat.append({"role": "assistant", "content": typing_html()})
        yield "", list(chat), conversation
        key, written = str(len(chat)), ""
        try:
            client = reader_address(request, self.trusted_proxies)
            async for event in self.service.stream(message, conversation.turns, client, request.session_hash):
                if isinstance(event, TextDelta):
                    written += event.text
                    chat[-1] = {"role": "assistant", "content": streaming_html(written)}
                else:
                    chat[-1] = {
                        "role": "assistant",
                        "content": answer_html(event.answer, key, event.note, self.site_root),
                    }
                    conversation.records[len(chat) - 1] = event.record_id
                    conversation.turns += [
                        {"role": "user", "content": event.answer.question},
                        {"role": "assistant", "content": event.answer.text},
                    ]
                yield "", list(chat), conversation
        except RateLimited as problem:  # not asked yet: the question goes back in the box
            if message.strip():
                del chat[-2]
            chat[-1] = {"role": "assistant", "content": notice_html(str(problem), problem.retry_after_s)}
            yield message, list(chat), conversation
        except AssistantError as problem:
            chat[-1] = {"role": "assistant", "content": notice_html(str(problem))}
            yield "", list(chat), conversation
        except Exception:
            log.exception("Answering a web question failed")
            chat[-1] = {"role": "assistant", "content": notice_html(TROUBLE)}
            yield "", list(chat), conversation

    def record_thumbs(
        self, conversation: Conversation | None, data: gr.LikeData, request: gr.Request
    ) -> tuple[Conversation, Any, Any]:
        """Store the thumbs at once (one per answer), then offer the optional comment box."""
        conversation = conversation or Conversation()
        index = data.index[0] if isinstance(data.index, list | tuple) and data.index else data.index
        record_id = conversation.records.get(index) if isinstance(index, int) else None
        if record_id is None or not isinstance(data.liked, bool):
            return conversation, gr.update(visible=False), gr.update()
        try:
            self.service.rate(record_id, data.liked, reader_address(request, self.trusted_proxies))
        except AssistantError as problem:
            gr.Info(str(problem))
            return conversation, gr.update(visible=False), gr.update()
        conversation.pending = (record_id, data.liked)
        label = "Thanks! Anything to add? (optional)" if data.liked else "Thanks. What was wrong? (optional)"
        return conversation, gr.update(visible=True), gr.update(label=label, value="")

    def record_comment(
        self, comment: object, conversation: Conversation | None, request: gr.Request
    ) -> tuple[Conversation, Any, Any]:
        """Attach the comment to the answer just rated; a refused one stays in the box."""
        conversation = conversation or Conversation()
        if conversation.pending and isinstance(comment, str) and comment.strip():
            record_id, liked = conversation.pending
            try:
                self.service.comment(record_id, liked, comment, reader_address(request, self.trusted_proxies))
            except AssistantError as problem:
                gr.Warning(str(problem))
                return conversation, gr.update(), gr.update()
            gr.Info("Thanks for your feedback.")
        conversation.pending = None
        return conversation, gr.update(visible=False), ""

    def new_chat(self) -> tuple[list, None, Any]:
        return [], None, gr.update(visible=False)

    async def api_chat(self, message: str, request: gr.Request) -> str:
        """Answer one question from the runner's-core corpus; Markdown with the cited sources."""
        client = reader_address(request, self.trusted_proxies)
        return await self.service.answer_markdown(message, client, getattr(request, "session_hash", None))

    async def api_ask(self, message: str, request: gr.Request) -> dict:
        """Answer one question; JSON with the Markdown answer and the `record_id` /feedback takes."""
        client = reader_address(request, self.trusted_proxies)
        return await self.service.answer_with_record(message, client, getattr(request, "session_hash", None))

    def api_feedback(self, record_id: str, liked: bool, request: gr.Request, comment: str = "") -> str:
        """Thumbs up (liked=true) or down, with an optional comment, on an answer from /ask."""
        client = reader_address(request, self.trusted_proxies)
        return self.service.api_feedback(record_id, liked, comment, client)

    def build(self, concurrency: int = 8, queue_size: int = 100) -> gr.Blocks:
        compact = self.compact
        # Both views fill the screen: the conversation scrolls inside, the header (on the full page)
        # and the question box and disclaimer stay in view, on a phone as on a desktop.
        with gr.Blocks(
            title=self.title,
            analytics_enabled=False,
            fill_height=True,
            fill_width=True,
            elem_classes=["coach", "compact" if compact else "full"],
        ) as blocks:
            conversation = gr.State(None)
            gr.HTML(header_html(self.title, compact), elem_id="masthead", js_on_load=None)
            chatbot = gr.Chatbot(
                label="Conversation",
                elem_id="chat",
                show_label=False,
                height=None,
                min_height=0,
                autoscroll=False,  # static/chat.js brings each new question to the top instead
                scale=1,
                layout="bubble",
                placeholder=WELCOME,
                examples=[{"text": q} for q in EXAMPLES],
                latex_delimiters=[],
                sanitize_html=True,
                allow_tags=False,
                feedback_options=("Like", "Dislike"),
                buttons=["copy"],
                group_consecutive_messages=False,
            )
            with gr.Row(equal_height=True, elem_classes=["ask-row"]):
                question = gr.Textbox(
                    label="Your question",
                    elem_id="question",
                    show_label=False,
                    placeholder="Ask about your core and back…",
                    scale=5,
                    max_lines=4,
                    autofocus=not compact,
                    submit_btn="Ask",
                )
            with gr.Group(visible=False, elem_id="feedback") as feedback_box:
                comment = gr.Textbox(
                    label="Anything to add? (optional)",
                    elem_id="feedback-comment",
                    max_lines=3,
                    max_length=2000,
                )
                with gr.Row():
                    send = gr.Button(
                        "Send feedback",
                        size="sm",
                        variant="primary",
                        scale=0,
                        min_width=140,
                        elem_id="feedback-send",
                    )
                    skip = gr.Button("No thanks", size="sm", scale=0, min_width=110, elem_id="feedback-skip")
            with gr.Row(elem_classes=["footer-row"]):
                gr.Markdown(NOT_ADVICE, elem_id="not-advice", elem_classes=["not-advice"])
                new_chat = gr.Button("New chat", size="sm", scale=0, elem_id="new-chat")

            answer_io = dict(
                fn=self.stream_into_chat,
                inputs=[question, conversation],
                outputs=[question, chatbot, conversation],
                api_visibility="private",
                show_progress="hidden",
            )
            question.submit(**answer_io)
            example = chatbot.example_select(
                pick_example, None, question, api_visibility="private", queue=False
            )
            example.then(**answer_io)
            chatbot.like(
                self.record_thumbs,
                [conversation],
                [conversation, feedback_box, comment],
                api_visibility="private",
            ).then(None, js=SHOW_COMMENT_BOX)
            for trigger in (send.click, comment.submit):
                trigger(
                    self.record_comment,
                    [comment, conversation],
                    [conversation, feedback_box, comment],
                    api_visibility="private",
                )
            skip.click(
                lambda: gr.update(visible=False), None, feedback_box, api_visibility="private", queue=False
            )
            chatbot.clear(lambda: None, None, conversation, api_visibility="private", queue=False)
            new_chat.click(
                self.new_chat,
                None,
                [chatbot, conversation, feedback_box],
                api_visibility="private",
                queue=False,
            )
            if not compact:
                gr.api(self.api_chat, api_name="chat")
                gr.api(self.api_ask, api_name="ask")
                gr.api(self.api_feedback, api_name="feedback")
        # One queue per mounted view; answers run side by side up to `concurrency`, and at most
        # `queue_size` wait (then a plain "busy"), far below Gradio's 2,000-session table.
        blocks.queue(default_concurrency_limit=concurrency, max_size=queue_size)
        # The queue also runs at most `max_thread_count` events at once, whatever the concurrency
        # limits: `launch(max_threads=40)` sets it, and a mounted app keeps that default of 40,
        # which held all but 40 answers waiting on the model. Gradio's thread limiter for sync
        # handlers (`blocks.max_threads`) stays at 40: async answers hold no thread.
        blocks._queue.max_thread_count = max(concurrency, blocks.max_threads)
        return blocks
