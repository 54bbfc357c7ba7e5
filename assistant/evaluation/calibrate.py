"""Choose `min_evidence` from the eval cases instead of by hand.

Each case's evidence score is computed once (retrieval only); the sweep then only compares numbers,
so a 101-point grid costs no more than one pass over the cases. The pick maximizes the share of
correct decisions (abstain or answer): a wrong refusal fails a reader as surely as a wrong answer,
and F1 on abstaining, the earlier objective, traded many wrong refusals for one caught off-topic
question on sets where most questions are answerable. Among equally good thresholds it takes the
middle of the widest run, which leaves the most room on both sides for the score to drift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.pipeline import Assistant, Evidence
from assistant.evaluation.cases import EvalCase
from assistant.evaluation.metrics import abstention_scores

GRID = tuple(i / 100 for i in range(101))  # 0.00 .. 1.00


@dataclass(frozen=True)
class ScoredCase:
    """A case's expected abstention and its evidence; `abstains_at` is the pipeline's own rule."""

    case_id: str
    should_abstain: bool
    evidence: Evidence

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
        scored.append(ScoredCase(case.id, case.expect.abstain, evidence))
    return scored


def sweep(scored: Sequence[ScoredCase], grid: Sequence[float] = GRID) -> list[CalibrationPoint]:
    expected = [s.should_abstain for s in scored]
    points = []
    for threshold in grid:
        decided = [s.abstains_at(threshold) for s in scored]
        precision, recall, f1 = abstention_scores(expected, decided)
        accuracy = sum(e == d for e, d in zip(expected, decided, strict=True)) / max(len(scored), 1)
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
