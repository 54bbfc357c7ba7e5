"""Find the passages most likely to answer a question: BM25 alone, or BM25 fused with dense vectors
(llama-index's QueryFusionRetriever, one query, no query rewriting).

Both search a passage's text together with its section heading and the questions it answers
(`corpus/questions.yaml`), so readers' wording finds passages that word things differently. Fusion
is by relative score, weighted towards BM25: on a small corpus of exact wording, a passage that BM25
ranks first for a name ("Alena Luciani") must not be pushed out by passages the embedding model
finds vaguely similar, which is what reciprocal-rank fusion did in the evals.
"""

from __future__ import annotations

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore

from assistant.answer import Passage
from assistant.answering.steps import asks_of_every_move, instructs_a_move
from assistant.answering.tuning import TUNING
from assistant.corpus.index import CorpusIndex, index_nodes, passage_questions
from assistant.text.terms import content_terms


class PassageRetriever:
    def __init__(self, index: CorpusIndex, top_k: int) -> None:
        self.top_k = top_k
        # A list question ("which moves…") is answered from several sections: it gets more passages.
        self.wide_k = top_k * TUNING.list_passages_factor
        # BM25 returns as many passages as asked for (it used to stop at 10).
        index.bm25.similarity_top_k = max(1, min(self.wide_k, index.node_count))
        self.retriever = build_retriever(index, self.wide_k)
        # "The set-up of each exercise" is answered from every move's section, including those
        # that share no word with the question.
        nodes = index_nodes(index)
        # Sections with a short heading of their own ("Crunches"), by the heading's words.
        self.topics = [
            (NodeWithScore(node=node, score=0.0), frozenset(content_terms(node.metadata.get("topic", ""))))
            for node in nodes
            if 0 < len(content_terms(node.metadata.get("topic", ""))) <= 2
        ]
        self.move_sections = [
            NodeWithScore(node=node, score=0.0)
            for node in index_nodes(index)
            if instructs_a_move(node.get_content())
        ]

    def retrieve(self, query: str, wide: bool = False, every_move: bool | None = None) -> list[Passage]:
        """The top passages for `query`, best first (more when `wide`); none when it has no
        searchable words. `every_move`: whether the reader asks something of every move (judged on
        the reader's own words, not on a search text widened with the glossary's "sets" for
        "routine"); by default, judged on `query`."""
        if not content_terms(query):
            return []
        results = self.retriever.retrieve(query)
        passages = [to_passage(result) for result in results if (result.score or 0) > 0]
        passages = passages[: self.wide_k if wide else self.top_k]
        found = {p.node_id for p in passages}
        if every_move is None:
            every_move = wide and asks_of_every_move(query)
        if every_move:
            passages += [to_passage(s) for s in self.move_sections if s.node.node_id not in found]
        named = self.named_sections(query)
        if len(named) >= 2:  # "dead bugs vs crunches": each thing compared has its section
            passages += [
                to_passage(s) for s in named if s.node.node_id not in found | {p.node_id for p in passages}
            ]
        return passages

    def named_sections(self, query: str) -> list[NodeWithScore]:
        """The sections whose short heading ("Dead bug", "Crunches") the question names."""
        words = set(content_terms(query))
        return [s for s, topic in self.topics if topic <= words]


def build_retriever(index: CorpusIndex, top_k: int) -> BaseRetriever:
    if index.vectors is None:
        return index.bm25
    dense = index.vectors.as_retriever(similarity_top_k=top_k * 2)
    return QueryFusionRetriever(
        [index.bm25, dense],
        llm=MockLLM(),  # never called: num_queries=1 means no generated queries
        mode=FUSION_MODES.RELATIVE_SCORE,
        retriever_weights=[TUNING.bm25_weight, 1 - TUNING.bm25_weight],
        similarity_top_k=top_k,
        num_queries=1,
        use_async=False,
    )


def to_passage(result: NodeWithScore) -> Passage:
    meta = result.node.metadata
    return Passage(
        node_id=result.node.node_id,
        doc_id=meta["doc_id"],
        title=meta["title"],
        section=meta["section"],
        text=result.node.get_content(),
        url=meta.get("url") or None,
        start=int(meta["start"]),
        end=int(meta["end"]),
        score=float(result.score or 0.0),
        topic=meta.get("topic", ""),
        questions=tuple(passage_questions(result.node)),
        asked=bool(meta.get("asked")),
    )
