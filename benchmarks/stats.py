"""p50/p95 and "median of several runs", the one way every benchmark here summarises timings. The
percentile itself is the eval suite's (`assistant.evaluation.metrics.percentile`), so "p95" means the
same thing in every report of the project."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from assistant.evaluation.metrics import percentile


def p50_p95(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"p50": round(percentile(samples_ms, 50), 3), "p95": round(percentile(samples_ms, 95), 3)}


def median_of_runs(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Each key's median across runs (e.g. the median p95 of five runs), so one noisy run cannot
    move the figure."""
    return {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}


def median(values: Sequence[float], digits: int = 3) -> float:
    return round(statistics.median(values), digits)
