"""The stand-in model both pipelines talk to: `tests/fake_openai.FakeOpenAI` on loopback, answering
like the fake's default (the first sentence of the first passage it was given, cited), and reading
llama-index's "Source n:" context as well as our "[n] Title" passages, so neither side is
penalised for its prompt layout. Every reply is kept, for completion-token counts."""

from __future__ import annotations

import re
import threading

from testkit.fake_openai import JSON, default_reply, first_sentence, prompt_texts

# CitationQueryEngine's template: an example block, then the real sources between "------" lines.
SOURCES_BLOCK = re.compile(r"\n------\n(.*)\n------\n", re.DOTALL)
SOURCE = re.compile(r"^Source (\d+):\n(.*?)(?=^Source \d+:\n|\Z)", re.DOTALL | re.MULTILINE)
# Our follow-up prompt (prompts/condense.md) ends with the reader's last message.
LAST_MESSAGE = re.compile(r"^Last message: (.*)$", re.MULTILINE)


def stand_in_reply(request: JSON) -> str:
    """First sentence of the first passage plus its marker; a follow-up to rewrite comes back
    unchanged (what the condense prompt asks for when the model cannot improve it)."""
    for text in prompt_texts(request):
        sources = SOURCES_BLOCK.search(text)
        source = SOURCE.search(sources.group(1)) if sources else None
        if source is not None:
            body = " ".join(line.strip() for line in source.group(2).splitlines() if line.strip())
            return f"{first_sentence(body)} [{source.group(1)}]"
        follow_up = LAST_MESSAGE.search(text)
        if follow_up is not None and "Standalone question:" in text:
            return follow_up.group(1).strip()
    return default_reply(request)


class RecordingReply:
    """A `reply` callable for FakeOpenAI that remembers what it said, in order."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: JSON) -> str:
        text = stand_in_reply(request)
        with self._lock:
            self.replies.append(text)
        return text
