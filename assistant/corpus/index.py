"""The searchable index: BM25 always, dense vectors when an embedding model is available.

Persisted under `data_dir/index/<key>`, where the key hashes the corpus and every setting that
shapes the index, so a restart loads instantly and an edited corpus rebuilds itself. A cache that
fails to load is rebuilt; a new cache is written to a temporary folder and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from llama_index.core import StorageContext, VectorStoreIndex, load_index_from_storage
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from assistant.components import EmbeddingChoice
from assistant.corpus.chunking import chunk_corpus
from assistant.corpus.documents import Corpus
from assistant.text.sentences import split_sentences
from assistant.text.terms import TermStats

log = logging.getLogger(__name__)
INDEX_FORMAT = 5  # bump when the layout or chunking logic changes, to retire old caches
MANIFEST = "manifest.json"


@dataclass
class SentenceVectors:
    """Unit-length embeddings of every sentence of every passage and of the questions it answers,
    so answering can judge meaning sentence by sentence without re-embedding the corpus."""

    sentences: dict[str, np.ndarray] = field(default_factory=dict)  # node id -> one row per sentence
    questions: dict[str, np.ndarray] = field(default_factory=dict)  # node id -> one row per question
    # One row per out-of-scope question (`Corpus.outside`), in file order.
    outside: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))


@dataclass
class CorpusIndex:
    key: str
    bm25: BM25Retriever
    vectors: VectorStoreIndex | None
    stats: TermStats
    node_count: int
    build_seconds: float | None  # None when loaded from cache
    embed_model: BaseEmbedding | None = None
    sentence_vectors: SentenceVectors | None = None


def search_text(node: TextNode) -> str:
    """What a passage is about for word statistics: its heading, the questions it answers, its text."""
    meta = node.metadata
    return f"{meta.get('topic', '')}\n{meta.get('questions', '')}\n{node.get_content()}"


def passage_questions(node: TextNode) -> list[str]:
    return [q for q in str(node.metadata.get("questions", "")).split("\n") if q]


def embed_sentences(
    nodes: Sequence[TextNode], embed_model: BaseEmbedding, outside: Sequence[str] = ()
) -> SentenceVectors:
    texts: list[str] = list(outside)
    spans: list[tuple[str, str, int, int]] = []
    for node in nodes:
        for kind, parts in (
            ("sentences", [s.text for s in split_sentences(node.get_content())]),
            ("questions", passage_questions(node)),
        ):
            spans.append((node.node_id, kind, len(texts), len(texts) + len(parts)))
            texts.extend(parts)
    matrix = (
        unit_rows(np.array(embed_model.get_text_embedding_batch(texts), dtype=np.float32)) if texts else None
    )
    vectors = SentenceVectors()
    if outside and matrix is not None:
        vectors.outside = matrix[: len(outside)]
    for node_id, kind, start, end in spans:
        rows = matrix[start:end] if matrix is not None else np.zeros((0, 1), dtype=np.float32)
        getattr(vectors, kind)[node_id] = rows
    return vectors


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-9)


def index_key(corpus: Corpus, chunk_tokens: int, embeddings: EmbeddingChoice) -> str:
    spec = f"{INDEX_FORMAT}|{corpus.fingerprint()}|{chunk_tokens}|{embeddings.name}"
    return hashlib.sha256(spec.encode()).hexdigest()[:20]


def load_or_build_index(
    corpus: Corpus,
    cache_root: Path,
    chunk_tokens: int,
    embeddings: EmbeddingChoice,
    embed_model: BaseEmbedding | None,
    force: bool = False,
) -> CorpusIndex:
    key = index_key(corpus, chunk_tokens, embeddings)
    folder = cache_root / key
    if folder.is_dir() and not force:
        try:
            return load_index(folder, key, embed_model)
        except Exception as error:  # any damage to the cache means: rebuild it
            log.warning("Index cache %s is unreadable (%s); rebuilding", folder, error)
    return build_index(corpus, folder, key, chunk_tokens, embed_model)


def build_index(
    corpus: Corpus, folder: Path, key: str, chunk_tokens: int, embed_model: BaseEmbedding | None
) -> CorpusIndex:
    started = time.perf_counter()
    nodes = chunk_corpus(corpus, chunk_tokens)
    # The retriever's own cap is set per query by `PassageRetriever` from `top_k`.
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=len(nodes))
    vectors = VectorStoreIndex(nodes, embed_model=embed_model) if embed_model is not None else None
    sentence_vectors = (
        embed_sentences(nodes, embed_model, corpus.outside + corpus.other_senses)
        if embed_model is not None
        else None
    )
    stats = TermStats(search_text(node) for node in nodes)
    seconds = time.perf_counter() - started
    try:
        persist_index(folder, bm25, vectors, stats, len(nodes), sentence_vectors)
    except OSError as error:  # a read-only or full disk costs start-up time, not answers
        log.warning("Could not write the index cache to %s: %s", folder, error)
    return CorpusIndex(key, bm25, vectors, stats, len(nodes), seconds, embed_model, sentence_vectors)


def persist_index(
    folder: Path,
    bm25: BM25Retriever,
    vectors: VectorStoreIndex | None,
    stats: TermStats,
    count: int,
    sentence_vectors: SentenceVectors | None = None,
) -> None:
    staging = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        bm25.persist(str(staging / "bm25"), show_progress=False)
        if vectors is not None:
            vectors.storage_context.persist(persist_dir=str(staging / "vectors"))
        if sentence_vectors is not None:
            arrays = {
                f"{kind}|{node_id}": rows
                for kind in ("sentences", "questions")
                for node_id, rows in getattr(sentence_vectors, kind).items()
            }
            np.savez(staging / "sentences.npz", **arrays, outside=sentence_vectors.outside)
        (staging / "stats.json").write_text(json.dumps(stats.to_dict()))
        # Written last: a folder without a manifest is a half-written cache.
        (staging / MANIFEST).write_text(json.dumps({"format": INDEX_FORMAT, "nodes": count}))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def load_index(folder: Path, key: str, embed_model: BaseEmbedding | None) -> CorpusIndex:
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest.get("format") != INDEX_FORMAT:
        raise ValueError("old index format")
    bm25 = BM25Retriever.from_persist_dir(str(folder / "bm25"), show_progress=False)
    vectors = sentence_vectors = None
    if embed_model is not None:
        storage = StorageContext.from_defaults(persist_dir=str(folder / "vectors"))
        vectors = load_index_from_storage(storage, embed_model=embed_model)
        sentence_vectors = SentenceVectors()
        with np.load(folder / "sentences.npz") as arrays:
            for name in arrays.files:
                if name == "outside":
                    sentence_vectors.outside = arrays[name]
                    continue
                kind, node_id = name.split("|", 1)
                getattr(sentence_vectors, kind)[node_id] = arrays[name]
    stats = TermStats.from_dict(json.loads((folder / "stats.json").read_text()))
    if len(bm25.corpus) != manifest["nodes"]:
        raise ValueError("node count does not match the manifest")
    nodes = int(manifest["nodes"])
    return CorpusIndex(key, bm25, vectors, stats, nodes, None, embed_model, sentence_vectors)


def index_nodes(index: CorpusIndex) -> list[TextNode]:
    """All passages of the index, for callers that need to look beyond retrieval (evals, tests)."""
    from llama_index.core.vector_stores.utils import metadata_dict_to_node

    return [metadata_dict_to_node(entry) for entry in index.bm25.corpus]
