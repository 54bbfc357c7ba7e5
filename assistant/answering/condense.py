"""Follow-ups ("and for how long?", "what about the second one?") become standalone questions
before retrieval.

With a model, it rewrites the question. Without one, the question keeps its own words at full
weight and carries context at less: the reader's previous question and the subjects the previous
answer named. "The second one", "the last one", "the other move" are resolved against the subjects
the previous answer listed, in order. A question that names its own subject and points at nothing
stands alone, so it is answered as in a fresh chat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from llama_index.core.llms import LLM

from assistant.answer import Turn
from assistant.answering.focus import points_back
from assistant.answering.generation import GenerationFailed, complete_text
from assistant.answering.prompts import Prompts
from assistant.answering.tuning import TUNING
from assistant.text.terms import content_terms

# Words that point back at something said before.
REFERRING = re.compile(
    r"\b(it|its|it's|that|this|those|these|them|they|one|ones|same|the move|the exercise|there|above|both"
    r"|she|her|hers|he|him|his)\b"
    r"|^\s*(and|what about|how about|also|ok|okay|so|then)\b"
    # "how many each round, then?", "how much is enough?": a quantity of something said before
    r"|\bhow (many|much)\s+(should|can|could|do|does|did|would|will|must|is|are|per|each|in|at|a|an|every)\b"
    # "and the elbows?" with no move named: the elbows of the move the conversation is on
    r"|\bthe (hands?|feet|foot|arms?|legs?|knees?|elbows?|head|chin)\b",
    re.IGNORECASE,
)
ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "final": -1,
    "latter": -1,
    "former": 0,
}
ORDINAL = re.compile(
    rf"\b(?:the\s+)?({'|'.join(ORDINALS)}|other)\s+(one|move|exercise|thing|of (those|these|them)|option)?",
    re.IGNORECASE,
)


# "She", "his": a person the previous answer named, by a name of two or more capitalised words.
PERSON_PRONOUN = re.compile(r"\b(she|her|hers|he|him|his)\b", re.IGNORECASE)
FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


@dataclass(frozen=True)
class Standalone:
    """The question to search with. `carried` is context taken from earlier turns: it narrows the
    search but weighs less than the reader's own new words."""

    question: str
    carried: str = ""

    @property
    def text(self) -> str:
        return f"{self.question} ({self.carried})" if self.carried else self.question


def named_subjects(text: str, subjects: Sequence[str]) -> list[str]:
    """The corpus subjects (section names such as "Bear walks") `text` names, in the order it names them."""
    terms = content_terms(text)
    found = []
    for subject in subjects:
        wanted = content_terms(subject)
        at = [i for i in range(len(terms)) if terms[i : i + len(wanted)] == wanted]
        if wanted and at:
            found.append((at[0], subject))
    return [subject for _, subject in sorted(found)]


def is_follow_up(question: str, history: Sequence[Turn], subjects: Sequence[str]) -> bool:
    if not any(turn.role == "user" for turn in history):
        return False
    if ORDINAL.search(question):
        return True
    if named_subjects(question, subjects) and len(content_terms(question)) > TUNING.short_question_terms:
        # It names its own subject: only an elliptical "and what about X…" borrows the last ask.
        return bool(re.match(r"\s*(and|what about|how about)\b", question, re.IGNORECASE))
    return bool(REFERRING.search(question)) or len(content_terms(question)) <= TUNING.short_question_terms


def resolve_reference(
    question: str, history: Sequence[Turn], subjects: Sequence[str], moves: Sequence[str] = ()
) -> str | None:
    """ "The second one" → the second subject the previous answer listed; "the other one" → the one
    of two listed that the reader's previous question did not name. When the answer listed moves,
    it counts the moves only: a list of moves may open with a line of the session plan."""
    match = ORDINAL.search(question)
    previous_answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    listed = named_subjects(previous_answer, subjects)
    if len(listed_moves := [s for s in listed if s in moves]) >= 2:
        listed = listed_moves
    if not match or not listed:
        return None
    word = match.group(1).lower()
    if word == "other":
        previous_question = next((t.content for t in reversed(history) if t.role == "user"), "")
        asked = set(named_subjects(previous_question, subjects))
        others = [s for s in listed if s not in asked]
        return others[0] if len(others) == 1 or (others and asked) else None
    position = ORDINALS[word]
    return listed[position] if -len(listed) <= position < len(listed) else None


# "Which of those are done face up?", "which ones need a mat?" after an answer that listed moves
# asks which of the moves.
OF_THEM = re.compile(
    r"\b(which|what|how many|any)( ones)? of (them|those|these|the ones)\b|\b(which) ones\b", re.IGNORECASE
)


def of_the_moves(question: str) -> str:
    """The question with "which of them" put as "which of the moves"."""
    return OF_THEM.sub(lambda m: f"{m.group(1) or m.group(4)} of the moves", question)


def condense_deterministic(
    question: str, history: Sequence[Turn], subjects: Sequence[str], moves: Sequence[str] = ()
) -> Standalone:
    """Carry the previous question and the subjects of the previous answer; when the new question
    names (or points at) a subject of its own, the old subjects are not carried."""
    previous = asked_before(history, subjects)
    if points_back(question):  # "Explain.", "list them all": the question before, asked again
        return Standalone(previous)
    answer = next((t.content for t in reversed(history) if t.role == "assistant"), "")
    resolved = resolve_reference(question, history, subjects, moves)
    if len([s for s in named_subjects(answer, subjects) if s in moves]) >= 2:
        question = of_the_moves(question)
    if resolved:
        question = f"{question} ({resolved})"
    own = named_subjects(question, subjects)
    carried = [previous, *named_subjects(answer, subjects)[:1]]
    if PERSON_PRONOUN.search(question):  # "what's her background?": the person the answer named
        carried += dict.fromkeys(FULL_NAME.findall(answer))
    if resolved:  # "the second one" is that subject: the list question before it is no context
        carried = []
    elif own:  # "and crunches?" after a question on another move: ask the same of crunches
        carried = [strip_subjects(previous, subjects)]
    return Standalone(question, " ".join(c for c in carried if c.strip()))


def asked_before(history: Sequence[Turn], subjects: Sequence[str]) -> str:
    """The reader's previous question; when that was itself a follow-up ("and at what time not?"),
    with the question it followed, so a chain of short follow-ups keeps its subject."""
    asked = [i for i, turn in enumerate(history) if turn.role == "user"]
    previous = history[asked[-1]].content
    if len(asked) > 1 and is_follow_up(previous, history[: asked[-1]], subjects):
        return f"{previous} {history[asked[-2]].content}"
    return previous


def strip_subjects(text: str, subjects: Sequence[str]) -> str:
    for subject in subjects:
        for word in subject.split():
            stem = content_terms(word)
            if stem:
                text = re.sub(rf"\b{re.escape(word.lower().rstrip('s'))}\w*", " ", text, flags=re.IGNORECASE)
    return text


def standalone_question(
    question: str,
    history: Sequence[Turn],
    prompts: Prompts,
    llm: LLM | None,
    deadline_s: float,
    subjects: Sequence[str] = (),
    moves: Sequence[str] = (),
) -> Standalone:
    """`subjects`: the corpus's short section names; `moves`: those of them that instruct a move."""
    if not is_follow_up(question, history, subjects):
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
    return condense_deterministic(question, history, subjects, moves)
