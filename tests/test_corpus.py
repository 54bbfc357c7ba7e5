"""Loading the corpus: the shipped documents, and what happens to files that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.corpus.documents import load_corpus
from assistant.errors import CorpusError
from tests.conftest import CORPUS

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "source" / "aching-back-article.txt"


def test_ships_the_article_and_the_trainer_notes_with_ids_from_file_stems() -> None:
    corpus = load_corpus(CORPUS)
    assert [d.doc_id for d in corpus.documents] == ["aching-back", "trainer-notes"]
    assert corpus.problems == ()
    article, notes = corpus.documents
    assert article.kind == "article" and notes.kind == "notes"
    assert article.title.startswith("The Number One Mistake That Gives Runners an Aching Back")


def test_article_keeps_every_paragraph_verbatim_and_drops_page_furniture() -> None:
    article = load_corpus(CORPUS).by_id("aching-back")
    assert article is not None
    if SOURCE.exists():  # the raw article lives beside the repository, in shared/source
        paragraphs = [p.strip() for p in SOURCE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        body = [p for p in paragraphs if "Experts In This Article" not in p and "Loading More Posts" not in p]
        for paragraph in body:
            assert paragraph.replace("Loading More Posts...", "").strip() in article.text
    assert "Loading More Posts" not in article.text
    assert "Experts In This Article" not in article.text[article.body_start :]


def test_experts_box_becomes_citable_metadata() -> None:
    article = load_corpus(CORPUS).by_id("aching-back")
    assert article is not None
    assert article.metadata["experts"] == [
        "Traci Copeland, Nike Master Trainer, yoga instructor, and fitness model"
    ]
    section, line = article.extras[0]
    assert section == "Experts In This Article" and line in article.text


def write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_malformed_files_are_reported_by_name_and_skipped(tmp_path: Path) -> None:
    write(tmp_path, "good.md", "---\ntitle: Good\n---\n\nCore work helps runners.\n")
    write(tmp_path, "bad-yaml.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    write(tmp_path, "list-front-matter.md", "---\n- a\n- b\n---\n\nText.\n")
    write(tmp_path, "never-closed.md", "---\ntitle: x\n\nText without the closing fence.\n")
    write(tmp_path, "empty.txt", "   \n")
    write(tmp_path, "binary.txt", b"\x00\x01\x02PNG")
    write(tmp_path, "latin1.txt", "caf\xe9".encode("latin-1"))
    write(tmp_path, "good.txt", "A duplicate id.")
    write(tmp_path, "notes.yaml", "not: a document")  # not a corpus format: ignored silently
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["good"]
    reasons = {p.path.name: p.reason for p in corpus.problems}
    assert set(reasons) == {
        "bad-yaml.md",
        "list-front-matter.md",
        "never-closed.md",
        "empty.txt",
        "binary.txt",
        "latin1.txt",
        "good.txt",
    }
    assert "YAML" in reasons["bad-yaml.md"]
    assert "binary" in reasons["binary.txt"]
    assert "duplicate id 'good'" in reasons["good.txt"]


def test_html_files_become_documents_with_headings_as_sections(tmp_path: Path) -> None:
    write(
        tmp_path,
        "plank.html",
        "<html><head><title>Plank guide</title><script>alert(1)</script></head>"
        "<body><h2>Side plank</h2><p>Stack your feet and lift your hips.</p></body></html>",
    )
    document = load_corpus(tmp_path).documents[0]
    assert document.title == "Plank guide"
    assert "## Side plank" in document.text and "alert" not in document.text


def test_a_folder_without_usable_documents_is_a_clear_error(tmp_path: Path) -> None:
    write(tmp_path, "empty.md", "")
    with pytest.raises(CorpusError, match="No usable documents"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "missing")
