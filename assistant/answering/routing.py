"""Which sentence answers each question written for a passage (`corpus/questions.yaml`), so a
reader's question that matches a written one points at the sentence that answers it, not just at
its passage. "Break length between rounds?" matches a written question about resting between
sets, whose answer is "rest for about a minute between sets", not "after an easy run or on a rest
day", which shares the word "rest".

A question is routed, once per passage, to the sentence of the passage that shares the most of its
meaningful words (idf-weighted), or, with an embedding model, that is closest to it in meaning.
"""

from __future__ import annotations

import math

import numpy as np

from assistant.answer import Passage
from assistant.answering.meaning import Meaning, scaled
from assistant.answering.query import AnalyzedQuery
from assistant.answering.tuning import TUNING
from assistant.text.sentences import split_sentences
from assistant.text.terms import TermStats, content_terms


class QuestionRoutes:
    def __init__(self, stats: TermStats, meaning: Meaning | None = None) -> None:
        self.stats = stats
        self.meaning = meaning
        self.routes: dict[str, list[tuple[int, int]]] = {}  # node id -> [(question, sentence)]

    def answering_sentences(self, passage: Passage) -> list[tuple[int, int]]:
        """(question index, index of the sentence that answers it) for each written question."""
        if passage.node_id not in self.routes:
            sentences = [set(content_terms(s.text)) for s in split_sentences(passage.text)]
            vectors = self.meaning.vectors if self.meaning is not None else None
            closeness = None
            if vectors is not None and passage.node_id in vectors.questions:
                rows, questions = vectors.sentences.get(passage.node_id), vectors.questions[passage.node_id]
                if (
                    rows is not None
                    and len(rows) == len(sentences)
                    and len(questions) == len(passage.questions)
                ):
                    closeness = questions @ rows.T
            routes = []
            for q, question in enumerate(passage.questions):
                if closeness is not None:
                    routes.append((q, int(np.argmax(closeness[q]))))
                    continue
                terms = set(content_terms(question))
                shared = [self.overlap(terms, sentence) for sentence in sentences]
                if shared and max(shared) > 0:
                    routes.append((q, int(np.argmax(shared))))
            self.routes[passage.node_id] = routes
        return self.routes[passage.node_id]

    def overlap(self, question: set[str], sentence: set[str]) -> float:
        shared = sum(self.stats.idf(t) for t in question & sentence)
        return shared / math.sqrt(sum(self.stats.idf(t) for t in sentence) or 1.0)

    def sentence_scores(
        self, query: AnalyzedQuery, passage: Passage, vector: np.ndarray | None = None
    ) -> dict[int, float]:
        """For each sentence a written question is routed to: how closely the reader's question
        matches the closest such question (0..1), by words and, with a model, by meaning."""
        scores: dict[int, float] = {}
        rows = None
        if self.meaning is not None and vector is not None:
            rows = self.meaning.vectors.questions.get(passage.node_id)
        for q, sentence in self.answering_sentences(passage):
            match = question_f1(query, passage.questions[q], self.stats)
            if rows is not None and q < len(rows):
                match = max(match, scaled(float(rows[q] @ vector), TUNING.semantic_low, TUNING.semantic_high))
            scores[sentence] = max(scores.get(sentence, 0.0), match)
        return scores


def question_f1(query: AnalyzedQuery, known: str, stats: TermStats) -> float:
    """F1 of the idf-weighted words the reader's question and a written question share."""
    return terms_f1(query, set(content_terms(known)), stats)


def terms_f1(query: AnalyzedQuery, terms: set[str], stats: TermStats) -> float:
    """`question_f1` with the written question's words already found."""
    total = query.total_weight
    if not terms or not total:
        return 0.0
    recall = query.weight_of(query.matched(terms)) / total
    covered = {t for t in terms if any(t in aliases for aliases in query.aliases.values())}
    precision = sum(stats.idf(t) for t in covered) / (sum(stats.idf(t) for t in terms) or 1.0)
    return 2 * recall * precision / (recall + precision) if recall and precision else 0.0
