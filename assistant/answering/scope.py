"""Is the question about what the corpus speaks of, or about something else a runner might ask?

A threshold on how close a question comes to the corpus cannot tell "which shoes for a sore back?"
(close: back, sore, runners) from "what makes a runner's back ache?" (answered), nor a long
chatty question the corpus answers from a short one it does not. Closeness to the other side can:
`corpus/out-of-scope.yaml` lists questions runners ask that the corpus does not answer (shoes,
fuelling, plans, other injuries…), and a question that comes closer to one of those than to
anything the corpus says or answers is about something else. Each ask of a many-part question is
judged on its own, so the answerable part of "what length is the session, and how many calories?"
keeps the question. With a model the comparison is by meaning; without, by shared weighted words.
"""

from __future__ import annotations

import numpy as np

from assistant.answering.meaning import Meaning
from assistant.answering.query import AnalyzedQuery
from assistant.answering.routing import terms_f1
from assistant.text.terms import TermStats, content_terms


class Scope:
    def __init__(self, outside: tuple[str, ...], stats: TermStats, meaning: Meaning | None) -> None:
        self.stats = stats
        self.meaning = meaning
        self.outside_terms = [terms for q in outside if (terms := set(content_terms(q)))]
        rows = meaning.vectors.outside if meaning is not None else None
        self.outside_vectors = rows if rows is not None and len(rows) == len(outside) and len(rows) else None

    def margin_by_meaning(self, vector: np.ndarray, inside: float) -> float | None:
        """`inside` (`Meaning.closeness`) minus how close the question comes to an out-of-scope one."""
        if self.outside_vectors is None:
            return None
        return inside - float(np.max(self.outside_vectors @ vector))

    def margin_by_words(self, query: AnalyzedQuery, inside: float) -> float | None:
        """`inside` (the best match with a question the corpus answers, `evidence.question_match`)
        minus the best match with an out-of-scope question, both as F1 of shared weighted words."""
        if not self.outside_terms:
            return None
        return inside - max(terms_f1(query, terms, self.stats) for terms in self.outside_terms)
