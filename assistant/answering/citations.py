"""`[n]` markers: numbering an answer's citations, repairing a model's, and checking that every
citation quotes its document verbatim."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import Citation, Passage
from assistant.corpus.documents import Corpus

# The one `[n]` marker: ours are single numbers; a model may write a list ("[1, 2]"), which
# `repair_citations` splits. Every reader of markers (web rendering, scoring) uses this one.
MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def marker_numbers(group: str) -> list[int]:
    """The numbers one marker's group stands for: "2" -> [2], "1, 3" -> [1, 3]."""
    return [int(raw) for raw in group.split(",")]


def cite_sentences(
    chosen: Sequence[tuple[int, str]], passages: Sequence[Passage]
) -> tuple[str, list[Citation]]:
    """Join extractive sentences; a run of sentences from one passage ends with its marker once."""
    numbers: dict[int, int] = {}
    parts = []
    for position, (rank, sentence) in enumerate(chosen):
        n = numbers.setdefault(rank, len(numbers) + 1)
        last_of_run = position + 1 == len(chosen) or chosen[position + 1][0] != rank
        parts.append(f"{sentence} [{n}]" if last_of_run else sentence)
    return " ".join(parts), [to_citation(n, passages[rank]) for rank, n in numbers.items()]


def repair_citations(text: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """Keep markers that point at a passage, drop the rest, and renumber in order of first use."""
    numbers: dict[int, int] = {}

    def renumber(match: re.Match) -> str:
        kept = []
        for given in marker_numbers(match.group(1)):
            if 1 <= given <= len(passages):
                kept.append(numbers.setdefault(given, len(numbers) + 1))
        return "".join(f"[{n}]" for n in dict.fromkeys(kept))

    repaired = MARKER.sub(renumber, text)
    repaired = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", repaired)).strip()
    return repaired, [to_citation(n, passages[given - 1]) for given, n in numbers.items()]


def to_citation(n: int, passage: Passage) -> Citation:
    return Citation(n, passage.doc_id, passage.title, passage.section, passage.text, passage.url)


def invalid_citations(citations: Sequence[Citation], corpus: Corpus) -> list[str]:
    """Citations whose text is not, word for word, in the document they name."""
    problems = []
    for citation in citations:
        document = corpus.by_id(citation.doc_id)
        if document is None:
            problems.append(f"[{citation.n}] names unknown document '{citation.doc_id}'")
        elif citation.text not in document.text:
            problems.append(f"[{citation.n}] does not quote '{citation.doc_id}' verbatim")
    return problems


def cited_numbers(text: str) -> set[int]:
    return {n for match in MARKER.finditer(text) for n in marker_numbers(match.group(1))}
