"""Cut documents into passages a reader can check: a paragraph or a few sentences each, with the
heading they sit under. Every passage is an exact slice of its document, so citations quote verbatim.
"""

from __future__ import annotations

from llama_index.core import Document
from llama_index.core.node_parser import MarkdownNodeParser, SentenceSplitter
from llama_index.core.schema import TextNode

from assistant.corpus.documents import HEADING, Corpus, CorpusDocument
from assistant.corpus.questions import QuestionUnit, unit_span

# Kept out of what BM25 and embeddings see: ids and offsets would only add noise, and a document's
# title is about every passage in it, so it would pull all of them towards the title's words
# ("mistake", "aching", "fix"). `topic` (a real section heading) and `questions` are searched.
_NOT_FOR_SEARCH = ["doc_id", "kind", "url", "start", "end", "title", "section", "asked"]
_NOT_FOR_MODEL = [*_NOT_FOR_SEARCH, "topic", "questions"]


def chunk_corpus(corpus: Corpus, chunk_tokens: int) -> list[TextNode]:
    splitter = SentenceSplitter(chunk_size=chunk_tokens, chunk_overlap=0, paragraph_separator="\n\n")
    nodes: list[TextNode] = []
    for document in corpus.documents:
        units = [u for u in corpus.questions if u.doc_id == document.doc_id]
        nodes.extend(attach_questions(chunk_document(document, splitter), document, units))
    return nodes


def attach_questions(
    nodes: list[TextNode], document: CorpusDocument, units: list[QuestionUnit]
) -> list[TextNode]:
    """Each passage carries the questions of the paragraph or section it is part of."""
    sections: dict[str, tuple[int, int]] = {}
    for node in nodes:
        low, high = sections.get(node.metadata["section"], (node.metadata["start"], node.metadata["end"]))
        sections[node.metadata["section"]] = (
            min(low, node.metadata["start"]),
            max(high, node.metadata["end"]),
        )
    for node in nodes:  # the document has questions written for it (some passages may have none)
        node.metadata["asked"] = bool(units)
    for unit in units:
        start, end = unit_span(unit, document.text, sections)
        for node in nodes:
            if node.metadata["start"] < end and start < node.metadata["end"]:
                node.metadata["questions"] = "\n".join(
                    filter(None, [node.metadata["questions"], *unit.questions])
                )
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
            "topic": "" if section == document.title else section,
            "questions": "",
        },
        excluded_embed_metadata_keys=_NOT_FOR_SEARCH,
        excluded_llm_metadata_keys=_NOT_FOR_MODEL,
    )
