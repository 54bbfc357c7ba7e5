"""Semantic similarity between a question and the corpus's sentences and questions, with the
embedding model the index was built with (the local MiniLM, or OpenAI's); absent in lean mode.

Word overlap alone lets "a minute of rest" answer "how many minutes…" and misses "my back is
wrecked" ~ "a sore lower back"; meaning is fused with the word scores wherever both exist.
"""

from __future__ import annotations

import logging
from functools import lru_cache

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from assistant.answer import Passage
from assistant.corpus.index import SentenceVectors, unit_rows

log = logging.getLogger(__name__)
# How many recent questions and asks keep their vector (`Meaning.embed`).
QUERY_VECTORS_KEPT = 256


class Meaning:
    def __init__(self, embed_model: BaseEmbedding, vectors: SentenceVectors) -> None:
        self.embed_model = embed_model
        self.vectors = vectors
        # Every sentence and written question of the corpus, stacked: what `closeness` compares with.
        rows = [r for table in (vectors.sentences, vectors.questions) for r in table.values() if len(r)]
        self.everything = np.vstack(rows) if rows else None
        # One answer embeds the same text more than once: an ask is judged in `gather_evidence` and
        # its sentence chosen in `compose_extractive`. Recent texts keep their vector; a failure is
        # not kept, so the next question tries the model again.
        self.query_vector = lru_cache(maxsize=QUERY_VECTORS_KEPT)(self.fresh_query_vector)

    def embed(self, text: str) -> np.ndarray | None:
        """The question's unit vector; None when the model fails (answers go on by words alone)."""
        try:
            return self.query_vector(text)
        except Exception as error:  # a remote embedding API can fail; meaning is an extra signal
            log.warning("Could not embed the question (%s); judging by words alone", error)
            return None

    def fresh_query_vector(self, text: str) -> np.ndarray:
        vector = unit_rows(np.array(self.embed_model.get_query_embedding(text), dtype=np.float32))
        vector.setflags(write=False)  # shared by every caller that asks for this text
        return vector

    def embed_many(self, texts: list[str]) -> np.ndarray:
        return unit_rows(np.array(self.embed_model.get_text_embedding_batch(texts), dtype=np.float32))

    def sentence_similarities(self, vector: np.ndarray, passage: Passage) -> list[float]:
        rows = self.vectors.sentences.get(passage.node_id)
        return [] if rows is None or not len(rows) else (rows @ vector).tolist()

    def closeness(self, vector: np.ndarray) -> float:
        """How close the question comes in meaning to anything the corpus says or a question it
        answers: the abstain signal with a model loaded. Unknown words cost nothing here, so a
        chatty question the corpus answers stays close, and one about another topic does not."""
        return 0.0 if self.everything is None else float(np.max(self.everything @ vector))

    def passage_similarity(self, vector: np.ndarray, passage: Passage) -> float:
        """How close the question is to the passage's closest sentence or question."""
        best = 0.0
        for table in (self.vectors.sentences, self.vectors.questions):
            rows = table.get(passage.node_id)
            if rows is not None and len(rows):
                best = max(best, float(np.max(rows @ vector)))
        return best


def scaled(similarity: float, low: float, high: float) -> float:
    """A cosine similarity mapped onto 0..1 between `low` (unrelated) and `high` (the same)."""
    return min(1.0, max(0.0, (similarity - low) / (high - low)))
