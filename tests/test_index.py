"""Chunking and the cached index."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.components import EmbeddingChoice
from assistant.corpus.chunking import chunk_corpus
from assistant.corpus.documents import load_corpus
from assistant.corpus.index import index_nodes, load_or_build_index
from tests.conftest import CORPUS

NO_EMBEDDINGS = EmbeddingChoice("none", "none")


def test_every_chunk_is_an_exact_slice_of_its_document_with_section_metadata() -> None:
    corpus = load_corpus(CORPUS)
    nodes = chunk_corpus(corpus, 200)
    assert len(nodes) >= 10
    for node in nodes:
        meta = node.metadata
        document = corpus.by_id(meta["doc_id"])
        assert document is not None
        assert document.text[meta["start"] : meta["end"]] == node.text
        assert meta["title"] == document.title and meta["section"]
    sections = {n.metadata["section"] for n in nodes if n.metadata["doc_id"] == "trainer-notes"}
    assert {"Dead bug", "Crunches", "Shoulder taps", "Bear walks", "The session plan"} <= sections


def test_chunks_are_a_paragraph_or_a_few_sentences() -> None:
    nodes = chunk_corpus(load_corpus(CORPUS), 200)
    words = [len(n.text.split()) for n in nodes if n.metadata["section"] != "Experts In This Article"]
    assert max(words) <= 180 and min(words) >= 10


def test_index_is_cached_and_an_edited_corpus_rebuilds_itself(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    cache = tmp_path / "cache"
    first = load_or_build_index(load_corpus(corpus_dir), cache, 200, NO_EMBEDDINGS, None)
    again = load_or_build_index(load_corpus(corpus_dir), cache, 200, NO_EMBEDDINGS, None)
    assert first.build_seconds is not None and again.build_seconds is None and again.key == first.key

    (corpus_dir / "hill-sprints.md").write_text("# Hill sprints\n\nSprint up a short hill ten times.\n")
    edited = load_or_build_index(load_corpus(corpus_dir), cache, 200, NO_EMBEDDINGS, None)
    assert edited.key != first.key and edited.build_seconds is not None
    assert any(n.metadata["doc_id"] == "hill-sprints" for n in index_nodes(edited))


def test_a_corrupt_or_half_written_cache_is_rebuilt(tmp_path: Path) -> None:
    corpus = load_corpus(CORPUS)
    built = load_or_build_index(corpus, tmp_path, 200, NO_EMBEDDINGS, None)
    folder = tmp_path / built.key
    (folder / "stats.json").write_text("{not json")
    rebuilt = load_or_build_index(corpus, tmp_path, 200, NO_EMBEDDINGS, None)
    assert rebuilt.build_seconds is not None and rebuilt.node_count == built.node_count
    (folder / "manifest.json").unlink()  # as if the process died before the manifest was written
    assert load_or_build_index(corpus, tmp_path, 200, NO_EMBEDDINGS, None).build_seconds is not None
    assert not list(tmp_path.glob("*.tmp-*"))
