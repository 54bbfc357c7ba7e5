"""Follow-ups ("how often should I do it?") become standalone questions before retrieval."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from llama_index.core.llms import LLM

from assistant.answering.answer import Turn
from assistant.answering.generation import GenerationFailed, complete_text
from assistant.answering.prompts import Prompts
from assistant.text.terms import content_terms

# Words that point back at something said before.
REFERRING = re.compile(
    r"\b(it|its|it's|that|this|those|these|them|they|one|ones|same|the move|the exercise|there)\b|^(and|what about|how about|also)\b",
    re.IGNORECASE,
)
SHORT_QUESTION_TERMS = 2  # a question with this few meaningful words rarely stands alone


@dataclass(frozen=True)
class Standalone:
    """The question to search with. `carried` is context taken from earlier turns: it narrows the
    search but weighs less than the reader's own new words."""

    question: str
    carried: str = ""

    @property
    def text(self) -> str:
        return f"{self.question} ({self.carried})" if self.carried else self.question


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    if not any(turn.role == "user" for turn in history):
        return False
    return bool(REFERRING.search(question)) or len(content_terms(question)) <= SHORT_QUESTION_TERMS


def condense_deterministic(question: str, history: Sequence[Turn]) -> Standalone:
    """Carry the subject of the reader's previous question into this one."""
    previous = next(turn.content for turn in reversed(history) if turn.role == "user")
    return Standalone(question, previous)


def standalone_question(
    question: str, history: Sequence[Turn], prompts: Prompts, llm: LLM | None, deadline_s: float
) -> Standalone:
    if not is_follow_up(question, history):
        return Standalone(question)
    if llm is not None:
        transcript = "\n".join(f"{turn.role}: {turn.content}" for turn in history[-6:])
        try:
            rewritten = complete_text(
                llm, prompts.condense.format(history=transcript, question=question), deadline_s
            )
        except GenerationFailed:
            rewritten = ""
        if rewritten and len(rewritten) < 500:
            return Standalone(rewritten)
    return condense_deterministic(question, history)
