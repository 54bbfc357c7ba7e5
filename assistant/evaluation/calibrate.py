"""Choose the abstain threshold (`min_evidence` by words, `min_closeness` by meaning) from the dev
sets instead of by hand.

Each case's evidence and its extractive answer are computed once; the sweep then only compares
numbers, so a 101-point grid costs no more than one pass over the cases. The pick maximizes the
share of cases the decision gets right: an off-topic case declined, or an answerable case answered
*with its facts*. Answering a question whose answer misses its facts anyway gains nothing, while a
wrongly answered off-topic question is a sure failure; counting every answer as right (the earlier
objective) pushed the threshold down to answer questions the composer then failed. Among equally
good thresholds it takes the middle of the widest run, which leaves the most room for drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.pipeline import Assistant, Evidence
from assistant.evaluation.cases import EvalCase
from assistant.evaluation.metrics import abstention_scores
from assistant.evaluation.scoring import missing_fact_groups

GRID = tuple(i / 100 for i in range(101))  # 0.00 .. 1.00


@dataclass(frozen=True)
class ScoredCase:
    """A case's expected abstention and its evidence; `abstains_at` is the pipeline's own rule.
    `answer_holds`: whether answering it (not abstaining) gives an answer with the case's facts."""

    case_id: str
    should_abstain: bool
    evidence: Evidence
    answer_holds: bool = True

    def abstains_at(self, threshold: float) -> bool:
        return self.evidence.abstains_at(threshold)


@dataclass(frozen=True)
class CalibrationPoint:
    threshold: float
    precision: float | None
    recall: float | None
    f1: float
    accuracy: float = 0.0  # share of cases decided right: the objective


@dataclass(frozen=True)
class Calibration:
    points: list[CalibrationPoint]
    chosen: float
    plateau: tuple[float, float]  # the run of best-F1 thresholds the choice sits in
    scored: list[ScoredCase]

    @property
    def best(self) -> CalibrationPoint:
        return next(p for p in self.points if p.threshold == self.plateau[0])


def score_cases(assistant: Assistant, cases: Sequence[EvalCase]) -> list[ScoredCase]:
    """Retrieval only: the evidence score each case's question gets, before any answer."""
    scored = []
    for case in cases:
        evidence = assistant.gather_evidence(case.question, case.history_dicts())
        holds = False
        if not case.expect.abstain:
            answer = assistant.extractive(evidence)
            holds = not answer.abstained and not missing_fact_groups(case.expect.facts, answer)
        scored.append(ScoredCase(case.id, case.expect.abstain, evidence, holds))
    return scored


def sweep(scored: Sequence[ScoredCase], grid: Sequence[float] = GRID) -> list[CalibrationPoint]:
    expected = [s.should_abstain for s in scored]
    points = []
    for threshold in grid:
        decided = [s.abstains_at(threshold) for s in scored]
        precision, recall, f1 = abstention_scores(expected, decided)
        right = [
            decided if s.should_abstain else not decided and s.answer_holds
            for s, decided in zip(scored, decided, strict=True)
        ]
        accuracy = sum(right) / max(len(scored), 1)
        points.append(CalibrationPoint(threshold, precision, recall, f1 or 0.0, accuracy))
    return points


def best_plateau(points: Sequence[CalibrationPoint]) -> tuple[int, int]:
    """Indices (first, last) of the widest contiguous run of maximal accuracy; the lowest run on a tie."""
    top = max(p.accuracy for p in points)
    best: tuple[int, int] = (-1, -2)
    start = None
    for i, point in enumerate([*points, None]):
        if point is not None and point.accuracy == top:
            start = i if start is None else start
        elif start is not None:
            if i - 1 - start > best[1] - best[0]:
                best = (start, i - 1)
            start = None
    return best


def choose_threshold(points: Sequence[CalibrationPoint]) -> tuple[float, tuple[float, float]]:
    """The midpoint of the best plateau, rounded to 2 decimals (halves round up), and the plateau."""
    first, last = best_plateau(points)
    low, high = points[first].threshold, points[last].threshold
    hundredths = (round(low * 100) + round(high * 100) + 1) // 2
    return hundredths / 100, (low, high)


def calibrate(assistant: Assistant, cases: Sequence[EvalCase]) -> Calibration:
    scored = score_cases(assistant, cases)
    points = sweep(scored)
    chosen, plateau = choose_threshold(points)
    return Calibration(points, chosen, plateau, scored)
