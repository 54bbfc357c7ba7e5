"""How well the best retrieved passages answer a question: the signal behind abstaining.

Words: the share of the question's meaningful words (idf-weighted) that a passage, its heading or
the questions it answers contain; words the corpus never uses weigh little (see `query.py`).
Meaning, when an embedding model is loaded: how close the question comes to the passage's closest
sentence or question. The two are fused; `Assistant.should_abstain` compares the result with
`min_evidence`.
"""

from __future__ import annotations

import numpy as np

from assistant.answer import Passage
from assistant.answering.meaning import Meaning, scaled
from assistant.answering.query import AnalyzedQuery
from assistant.answering.routing import question_f1
from assistant.answering.tuning import TUNING
from assistant.text.terms import TermStats, content_terms


def evidence_score(
    query: AnalyzedQuery,
    passages: list[Passage],
    stats: TermStats,
    meaning: Meaning | None = None,
    vector: np.ndarray | None = None,
) -> float:
    """0..1: how well the passages answer the question (1: a passage says just that)."""
    lexical = word_evidence(query, passages)
    top = passages[: TUNING.evidence_passages]
    if any(p.questions for p in top):
        share = TUNING.question_match_share
        lexical = (1 - share) * lexical + share * question_match(query, passages, stats)
    # A document nobody has written questions for yet is judged by its words alone.
    if unasked := [p for p in top if not p.asked]:
        lexical = max(lexical, word_evidence(query, unasked))
    if meaning is None or vector is None or not passages:
        return lexical
    closest = max(meaning.passage_similarity(vector, p) for p in passages[: TUNING.evidence_passages])
    semantic = scaled(closest, TUNING.semantic_low, TUNING.semantic_high)
    return (1 - TUNING.semantic_share) * lexical + TUNING.semantic_share * semantic


def word_evidence(query: AnalyzedQuery, passages: list[Passage]) -> float:
    """Mostly the best single passage; partly the top passages together, for two-part questions."""
    total = query.total_weight
    if not total or not passages:
        return 0.0
    per_passage = [query.matched(passage_terms(p)) for p in passages[: TUNING.evidence_passages]]
    best = max(query.weight_of(terms) for terms in per_passage)
    together = query.weight_of(set().union(*per_passage))
    return (TUNING.best_passage_share * best + (1 - TUNING.best_passage_share) * together) / total


def question_match(query: AnalyzedQuery, passages: list[Passage], stats: TermStats) -> float:
    """How closely the reader's question matches one the passages are known to answer: F1 of the
    weighted words both share. A question about something else that shares a corpus word ("which
    Nike shoes…") matches no such question well: each of them is about more than that word."""
    return max(
        (
            question_f1(query, known, stats)
            for p in passages[: TUNING.evidence_passages]
            for known in p.questions
        ),
        default=0.0,
    )


def answered_by_words(query: AnalyzedQuery, passages: list[Passage], stats: TermStats) -> float:
    """How closely the question matches what the passages answer, by words: the closest written
    question; for a document nobody has written questions for yet, its own words. What an
    out-of-scope question is compared with, without a model (`scope.py`)."""
    inside = question_match(query, passages, stats)
    if unasked := [p for p in passages[: TUNING.evidence_passages] if not p.asked]:
        inside = max(inside, word_evidence(query, unasked))
    return inside


def passage_terms(passage: Passage) -> set[str]:
    return set(content_terms(" ".join([passage.topic, passage.text, *passage.questions])))
