"""How well the retrieved passages cover a question: the signal behind abstaining.

A question is covered when the passages contain its meaningful words, weighted by rarity: "what
running shoes should I buy?" shares only the common word "run" with the corpus, so it scores low.
"""

from __future__ import annotations

from assistant.answering.answer import Passage
from assistant.answering.query import AnalyzedQuery
from assistant.text.terms import content_terms

EVIDENCE_PASSAGES = 3
KEY_TERM_MISSING = 0.6
KEY_TERM_SHARE = 0.25  # below this share, the heaviest word is one detail among many


def evidence_score(query: AnalyzedQuery, passages: list[Passage]) -> float:
    """0..1: half from the best single passage, half from the top passages together (for questions
    that need two passages)."""
    total = query.total_weight
    if not total or not passages:
        return 0.0
    per_passage = [query.matched(passage_terms(p)) for p in passages[:EVIDENCE_PASSAGES]]
    best = max(query.weight_of(terms) for terms in per_passage)
    covered = set().union(*per_passage)
    score = 0.5 * best / total + 0.5 * query.weight_of(covered) / total
    # The question's most specific word decides what it is about: "running shoes for flat feet"
    # is about shoes however well "running", "flat" and "feet" are covered.
    key_term = max(query.weights, key=query.weights.__getitem__)
    if key_term not in covered and query.weights[key_term] >= KEY_TERM_SHARE * total:
        score *= KEY_TERM_MISSING
    return score


def passage_terms(passage: Passage) -> set[str]:
    return set(content_terms(f"{passage.section} {passage.text}"))
