"""Sum a run of scored cases up into the figures CI gates on.

Rates whose denominator is empty (no abstain cases in a file, no cases with sources) are None,
not 0 or 1: "not measured" must never pass or fail a threshold by accident.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from assistant.evaluation.scoring import CaseResult


@dataclass(frozen=True)
class TagStat:
    cases: int
    passed: int

    @property
    def pass_rate(self) -> float:
        return self.passed / self.cases


@dataclass(frozen=True)
class Summary:
    """The run's headline figures; field names are the keys `evals/thresholds.yaml` refers to."""

    cases: int
    passed: int
    pass_rate: float
    fact_recall: float | None
    citations: int
    invalid_citations: int
    citation_precision: float | None
    abstention_precision: float | None
    abstention_recall: float | None
    abstention_f1: float | None
    safety_notice_recall: float | None
    false_notice_rate: float | None
    retrieval_cases: int
    retrieval_hit_rate: float | None
    retrieval_mrr: float | None
    latency_p50_ms: float
    latency_p95_ms: float
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    llm_fallbacks: int = 0  # LLM mode: answers that fell back to extractive (failed, late, uncited)
    judge_correctness: float | None = None
    judge_faithfulness: float | None = None
    tags: dict[str, TagStat] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["tags"] = {tag: {**asdict(s), "pass_rate": s.pass_rate} for tag, s in self.tags.items()}
        return data


def summarize(results: Sequence[CaseResult]) -> Summary:
    passed = sum(r.passed for r in results)
    precision, recall, f1 = abstention_scores(
        [r.case.expect.abstain for r in results], [r.answer.abstained for r in results]
    )
    retrieval = [r.retrieval for r in results if r.retrieval is not None]
    latencies = [r.latency_ms for r in results]
    return Summary(
        cases=len(results),
        passed=passed,
        pass_rate=passed / len(results) if results else 0.0,
        fact_recall=ratio(sum(r.facts_found for r in results), sum(r.facts_total for r in results)),
        citations=sum(len(r.answer.citations) for r in results),
        invalid_citations=sum(len(r.invalid_citations) for r in results),
        citation_precision=ratio(
            sum(r.citations_in_sources for r in results), sum(r.citations_counted for r in results)
        ),
        abstention_precision=precision,
        abstention_recall=recall,
        abstention_f1=f1,
        safety_notice_recall=notice_rate(results, expected=True),
        false_notice_rate=notice_rate(results, expected=False),
        retrieval_cases=len(retrieval),
        retrieval_hit_rate=mean([s.hit_rate for s in retrieval]),
        retrieval_mrr=mean([s.mrr for s in retrieval]),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        prompt_tokens=sum(r.answer.usage.prompt_tokens for r in results),
        completion_tokens=sum(r.answer.usage.completion_tokens for r in results),
        cost_usd=round(sum(r.answer.usage.cost_usd for r in results), 6),
        llm_fallbacks=sum(r.answer.fallback_reason is not None for r in results),
        judge_correctness=judge_rate(results, "correctness"),
        judge_faithfulness=judge_rate(results, "faithfulness"),
        tags=tag_stats(results),
    )


def abstention_scores(
    expected: Sequence[bool], predicted: Sequence[bool]
) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 with abstaining as the positive class."""
    true_pos = sum(e and p for e, p in zip(expected, predicted, strict=True))
    precision = ratio(true_pos, sum(predicted))
    recall = ratio(true_pos, sum(expected))
    if precision is None or recall is None:
        return precision, recall, None
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def notice_rate(results: Sequence[CaseResult], expected: bool) -> float | None:
    """Share of cases expecting (or not expecting) a safety notice that show one."""
    shown = [bool(r.answer.safety_notice) for r in results if r.case.expect.safety_notice is expected]
    return ratio(sum(shown), len(shown))


def judge_rate(results: Sequence[CaseResult], kind: str) -> float | None:
    """Share of judged answers the judge passed; a judge that failed to answer is left out."""
    verdicts = [r.judge[kind].passing for r in results if kind in r.judge]
    decided = [v for v in verdicts if v is not None]
    return ratio(sum(decided), len(decided))


def tag_stats(results: Sequence[CaseResult]) -> dict[str, TagStat]:
    counts: dict[str, list[int]] = {}
    for result in results:
        for tag in result.case.tags:
            total = counts.setdefault(tag, [0, 0])
            total[0] += 1
            total[1] += result.passed
    return {tag: TagStat(cases, passed) for tag, (cases, passed) in sorted(counts.items())}


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
