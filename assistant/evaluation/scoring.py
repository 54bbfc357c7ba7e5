"""Score one answer against one case: pass or fail, with a reason a person can act on per failure.

Scoring needs only an `Answer` and the corpus, never the pipeline, so the scorer itself is tested
with fabricated answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from llama_index.core.evaluation.retrieval.metrics import resolve_metrics

from assistant.answer import Answer
from assistant.answering.citations import MARKER, cited_numbers, invalid_citations
from assistant.corpus.documents import Corpus
from assistant.evaluation.cases import EvalCase

# Curly quotes and dashes vary between the corpus, a model's answer and a case author's keyboard;
# they are not what a fact check is about.
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_SPACE = re.compile(r"\s+")
RETRIEVAL_METRICS = ("hit_rate", "mrr")


@dataclass(frozen=True)
class RetrievalScore:
    """Doc-level retrieval quality for a case with `sources`: passages ranked best first."""

    hit_rate: float
    mrr: float


@dataclass(frozen=True)
class JudgeVerdict:
    """One LLM judge's opinion (see `judge.py`); `score` is 1-5 for correctness, 0/1 otherwise."""

    passing: bool | None
    score: float | None
    feedback: str = ""


@dataclass
class CaseResult:
    """Everything the metrics and reports need about one case."""

    case: EvalCase
    answer: Answer
    passed: bool
    reasons: list[str]
    facts_found: int = 0
    facts_total: int = 0
    invalid_citations: list[str] = field(default_factory=list)
    # Citation precision against `sources`: counted only for cases that list sources.
    citations_in_sources: int = 0
    citations_counted: int = 0
    retrieval: RetrievalScore | None = None
    latency_ms: float = 0.0
    judge: dict[str, JudgeVerdict] = field(default_factory=dict)


def score_case(case: EvalCase, answer: Answer, corpus: Corpus, latency_ms: float = 0.0) -> CaseResult:
    """Check the answer against every expectation of the case and collect the reasons it fails."""
    expect = case.expect
    invalid = invalid_citations(answer.citations, corpus)
    reasons = [*abstention_reasons(case, answer), *safety_reasons(case, answer)]
    reasons += [f"invalid citation: {problem}" for problem in invalid]
    found = 0
    if not expect.abstain and not answer.abstained:
        missing = missing_fact_groups(expect.facts, answer)
        found = len(expect.facts) - len(missing)
        reasons += [fact_reason(group, answer) for group in missing]
        reasons += source_reasons(expect.sources, answer)
        reasons += marker_reasons(answer)
    in_sources, counted = citation_precision_counts(expect.sources, answer)
    return CaseResult(
        case=case,
        answer=answer,
        passed=not reasons,
        reasons=reasons,
        facts_found=found,
        facts_total=0 if expect.abstain else len(expect.facts),
        invalid_citations=invalid,
        citations_in_sources=in_sources,
        citations_counted=counted,
        retrieval=retrieval_score(case, answer),
        latency_ms=latency_ms,
    )


def failed_to_answer(case: EvalCase, answer: Answer, error: str, latency_ms: float) -> CaseResult:
    """A case whose question the assistant refused with an error (e.g. InvalidQuestion)."""
    return CaseResult(
        case,
        answer,
        passed=False,
        reasons=[f"raised {error}"],
        facts_total=0 if case.expect.abstain else len(case.expect.facts),
        latency_ms=latency_ms,
    )


def abstention_reasons(case: EvalCase, answer: Answer) -> list[str]:
    if case.expect.abstain and not answer.abstained:
        return ["answered, but should abstain"]
    if answer.abstained and not case.expect.abstain:
        return ["abstained, but the corpus answers this"]
    return []


def safety_reasons(case: EvalCase, answer: Answer) -> list[str]:
    if case.expect.safety_notice and not answer.safety_notice:
        return ["safety notice missing"]
    if answer.safety_notice and not case.expect.safety_notice:
        return ["safety notice shown, but the question has no warning signs"]
    return []


def normalize(text: str) -> str:
    """Lower case, straight quotes, single spaces, no `[n]` markers: what a fact check compares."""
    return _SPACE.sub(" ", MARKER.sub(" ", text.translate(_TYPOGRAPHY).casefold())).strip()


def contains_any(text: str, alternatives: Sequence[str]) -> bool:
    haystack = normalize(text)
    return any(normalize(alternative) in haystack for alternative in alternatives)


def missing_fact_groups(facts: Sequence[Sequence[str]], answer: Answer) -> list[Sequence[str]]:
    """Fact groups none of whose alternatives the answer text contains (the notice does not count)."""
    return [group for group in facts if not contains_any(answer.text, group)]


def fact_reason(group: Sequence[str], answer: Answer) -> str:
    """Name the group, and say whether retrieval or answer composition lost it (where to look)."""
    retrieved = any(contains_any(passage.text, group) for passage in answer.passages)
    where = "retrieved but not in the answer" if retrieved else "not in the retrieved passages"
    return f"missing fact: one of [{' | '.join(group)}] ({where})"


def source_reasons(sources: Sequence[str], answer: Answer) -> list[str]:
    cited = {citation.doc_id for citation in answer.citations}
    if not answer.citations:
        return ["answer cites nothing"]
    return [f"missing source: '{doc_id}' is not cited" for doc_id in sources if doc_id not in cited]


def marker_reasons(answer: Answer) -> list[str]:
    """`[n]` markers in the text that point at no citation: a reader would click into nothing."""
    numbers = {citation.n for citation in answer.citations}
    return [f"marker [{n}] points at no citation" for n in sorted(cited_numbers(answer.text) - numbers)]


def citation_precision_counts(sources: Sequence[str], answer: Answer) -> tuple[int, int]:
    """(citations whose document is in `sources`, citations counted); (0, 0) without sources."""
    if not sources:
        return 0, 0
    return sum(citation.doc_id in sources for citation in answer.citations), len(answer.citations)


def retrieval_score(case: EvalCase, answer: Answer) -> RetrievalScore | None:
    """Hit rate and reciprocal rank of the first passage from a `sources` document, with
    llama-index's metrics; None for abstain cases and cases without sources (nothing to find)."""
    if case.expect.abstain or not case.expect.sources:
        return None
    retrieved = [passage.doc_id for passage in answer.passages]
    if not retrieved:
        return RetrievalScore(0.0, 0.0)
    hit_rate, mrr = (
        metric().compute(expected_ids=list(case.expect.sources), retrieved_ids=retrieved).score
        for metric in resolve_metrics(list(RETRIEVAL_METRICS))
    )
    return RetrievalScore(hit_rate, mrr)
