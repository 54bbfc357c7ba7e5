"""Is the question about what the corpus speaks of, or about something else a runner might ask?

A threshold on how close a question comes to the corpus cannot tell "which shoes for a sore back?"
(close: back, sore, runners) from "what makes a runner's back ache?" (answered), nor a long
chatty question the corpus answers from a short one it does not. Closeness to the other side can:
`corpus/out-of-scope.yaml` lists questions runners ask that the corpus does not answer (shoes,
fuelling, plans, other injuries…), and a question that comes closer to one of those than to
anything the corpus says or answers is about something else. Each ask of a many-part question is
judged on its own, so the answerable part of "what length is the session, and what does it burn?"
keeps the question. With a model the comparison is by meaning; without, by shared weighted words.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import numpy as np

from assistant.answer import Passage
from assistant.answering.evidence import answered_by_words
from assistant.answering.meaning import Meaning
from assistant.answering.query import AnalyzedQuery
from assistant.answering.routing import terms_f1
from assistant.answering.tuning import TUNING
from assistant.text.rarity import english_rarity
from assistant.text.terms import TermStats, content_terms, content_words


class Scope:
    def __init__(
        self,
        outside: tuple[str, ...],
        stats: TermStats,
        meaning: Meaning | None,
        other_senses: tuple[str, ...] = (),
    ) -> None:
        """`outside`: questions on runners' other topics; `other_senses`: questions on other things
        in the corpus's words ("my dog pulls on the lead"; their vectors follow `outside`'s). By
        words those share the corpus's very words, so without a model one counts only through a
        word the corpus never uses ("windscreen", "grout"): see `names_elsewhere`."""
        self.stats = stats
        self.meaning = meaning
        self.outside_terms = [terms for q in outside if (terms := set(content_terms(q)))]
        self.sense_terms = [terms for q in other_senses if (terms := set(content_terms(q)))]
        self.outside_df = Counter(t for terms in self.outside_terms + self.sense_terms for t in terms)
        rows = meaning.vectors.outside if meaning is not None else None
        expected = len(outside) + len(other_senses)
        self.outside_vectors = rows if rows is not None and len(rows) == expected and len(rows) else None
        self.first_other_sense = len(outside)  # the rows after `outside`'s are `other_senses`'

    def in_another_sense(self, vector: np.ndarray) -> bool:
        """Whether the question comes closest to a question on another thing in the corpus's words
        (a dead bug on the windowsill) rather than to one on runners' other topics."""
        if self.outside_vectors is None:
            return False
        return int(np.argmax(self.outside_vectors @ vector)) >= self.first_other_sense

    def margin_by_meaning(self, vector: np.ndarray, inside: float) -> float | None:
        """`inside` (`Meaning.closeness`) minus how close the question comes to an out-of-scope one."""
        if self.outside_vectors is None:
            return None
        return inside - float(np.max(self.outside_vectors @ vector))

    def margin_by_words(self, query: AnalyzedQuery, passages: list[Passage]) -> float | None:
        """How much closer the question comes to what the passages answer (`evidence.answered_by_words`)
        than to the closest out-of-scope question, both as F1 of shared weighted words, with the
        words only the other side uses weighed as what they are (`with_outside_words`)."""
        if not self.outside_terms:
            return None
        query = self.with_outside_words(query)
        inside = answered_by_words(query, passages, self.stats)
        outside = [
            terms_f1(query, terms, self.stats)
            for terms in self.outside_terms
            if self.names_elsewhere(query, terms)
        ] + [
            terms_f1(query, terms, self.stats)
            for terms in self.sense_terms
            if self.names_elsewhere(query, terms, by_corpus_words=False)
        ]
        return inside - max(outside, default=0.0)

    def names_elsewhere(self, query: AnalyzedQuery, terms: set[str], by_corpus_words: bool = True) -> bool:
        """Whether a question elsewhere shares enough with the question to say it is on that topic:
        a word the corpus never uses ("handstand", "deadlift"), or several words
        (`Tuning.outside_shared_words`). One word the corpus uses too ("seconds" in "hold a
        handstand for a few seconds") is no sign of another topic: the corpus speaks of it. A
        question in another sense of the corpus's words shares those by design, so for one of
        those (`by_corpus_words=False`) only a word the corpus never uses counts."""
        shared = query.matched(terms)
        if any(not any(self.stats.df.get(alias) for alias in query.aliases[t]) for t in shared):
            return True
        return by_corpus_words and len(shared) >= TUNING.outside_shared_words

    def with_outside_words(self, query: AnalyzedQuery) -> AnalyzedQuery:
        """The question with its words the corpus never uses but the questions elsewhere do
        weighed as the specific words they are there. A word unknown to the corpus weighs little in
        a question (`query.py`: slang and filler say nothing either way), but "ibuprofen", "carbs" or
        "treadmill" are things runners ask about elsewhere: such a word weighs like the rarest corpus
        word, scaled by how rare it is among the questions elsewhere (one used by many of them
        says less about which topic a question is on). Everyday English words stay as they are
        (`Tuning.outside_word_rarity`)."""
        n = len(self.outside_terms) + len(self.sense_terms)
        rarest = math.log(1 + (n + 1) / 0.5)
        spelling = {stem: word for word, stem in content_words(query.text)}
        weights = dict(query.weights)
        for term, aliases in query.aliases.items():
            uses = self.outside_df.get(term, 0)
            if not uses or any(self.stats.df.get(s) for s in aliases):
                continue
            if english_rarity(spelling.get(term, term)) < TUNING.outside_word_rarity:
                continue
            share = math.log(1 + (n + 1) / (uses + 0.5)) / rarest
            weight = TUNING.outside_word_weight * share * self.stats.unseen_idf
            weights[term] = max(weights[term], weight * (1.0 if term in query.own else TUNING.carried_weight))
        return dataclasses.replace(query, weights=weights)
