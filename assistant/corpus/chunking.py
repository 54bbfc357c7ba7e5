"""Cut documents into passages a reader can check: a paragraph or a few sentences each, with the
heading they sit under. Every passage is an exact slice of its document, so citations quote verbatim.
"""

from __future__ import annotations

from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser, SentenceSplitter
from llama_index.core.schema import TextNode

from assistant.corpus.documents import HEADING, Corpus, CorpusDocument

# Kept out of what BM25 and embeddings see: ids and offsets would only add noise.
_NOT_FOR_SEARCH = ["doc_id", "kind", "url", "start", "end"]


def chunk_corpus(corpus: Corpus, chunk_tokens: int) -> list[TextNode]:
    splitter = SentenceSplitter(chunk_size=chunk_tokens, chunk_overlap=0, paragraph_separator="\n\n")
    nodes: list[TextNode] = []
    for document in corpus.documents:
        nodes.extend(chunk_document(document, splitter))
    return nodes


def chunk_document(document: CorpusDocument, splitter: SentenceSplitter) -> list[TextNode]:
    """Split by Markdown heading first (the section is metadata), then into sentence-aligned chunks."""
    body = document.text[document.body_start :]
    sections = MarkdownNodeParser().get_nodes_from_documents([Document(text=body)])
    nodes: list[TextNode] = []
    cursor = document.body_start
    for section in sections:
        heading, content = split_heading(section.get_content())
        for chunk in splitter.split_text(content):
            start = document.text.find(chunk, cursor)
            if start < 0:  # the splitter normalised something; never cite text that is not there
                continue
            cursor = start + len(chunk)
            nodes.append(make_node(document, heading or document.title, start, cursor))
    for section_name, line in document.extras:
        start = document.text.find(line)
        nodes.append(make_node(document, section_name, start, start + len(line)))
    return nodes


def split_heading(text: str) -> tuple[str | None, str]:
    first, _, rest = text.partition("\n")
    match = HEADING.fullmatch(first.strip())
    if match:
        return match.group(1).strip(), rest
    return None, text


def make_node(document: CorpusDocument, section: str, start: int, end: int) -> TextNode:
    return TextNode(
        id_=f"{document.doc_id}:{start}-{end}",
        text=document.text[start:end],
        metadata={
            "doc_id": document.doc_id,
            "title": document.title,
            "section": section,
            "kind": document.kind,
            "url": document.url or "",
            "start": start,
            "end": end,
        },
        excluded_embed_metadata_keys=_NOT_FOR_SEARCH,
        excluded_llm_metadata_keys=[*_NOT_FOR_SEARCH, "title", "section"],
    )
