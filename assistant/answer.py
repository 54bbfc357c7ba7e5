"""The one result type every front end shares: what the CLI prints, the page renders, the log stores
and the evals score."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Mode = Literal["extractive", "llm"]


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of a corpus document; `text` is `document.text[start:end]` exactly."""

    node_id: str
    doc_id: str
    title: str
    section: str
    text: str
    url: str | None
    start: int
    end: int
    score: float = 0.0
    topic: str = ""  # its section heading, when it has one of its own (not the document's title)
    questions: tuple[str, ...] = ()  # questions it answers (doc2query): search text, never quoted
    asked: bool = False  # its document has questions written for it in `questions.yaml`


@dataclass(frozen=True)
class Citation:
    """A passage an answer rests on, numbered as its `[n]` marker in the answer text."""

    n: int
    doc_id: str
    title: str
    section: str
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Usage:
    """Model tokens spent on an answer (zero in extractive mode), counted with tiktoken."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class Answer:
    """A finished answer. `text` carries `[n]` markers that refer to `citations`."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    safety_notice: str | None = None
    mode: Mode = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    passages: list[Passage] = field(default_factory=list)
    standalone_question: str | None = None
    fallback_reason: str | None = None

    def to_dict(self) -> dict:
        """The public JSON shape (`assistant ask --json`, the question log, eval reports)."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "safety_notice": self.safety_notice,
            "mode": self.mode,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "usage": asdict(self.usage),
        }


@dataclass(frozen=True)
class TextDelta:
    """A piece of answer text while it streams; the final `Answer` follows and replaces it."""

    text: str
