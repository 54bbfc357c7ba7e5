"""Percentiles and "median of several runs", the one way every benchmark here summarises timings."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty sample; no interpolation, so a p95 is
    always a latency that was actually observed."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def p50_p95(samples_ms: Sequence[float]) -> dict[str, float]:
    return {"p50": round(percentile(samples_ms, 0.5), 3), "p95": round(percentile(samples_ms, 0.95), 3)}


def median_of_runs(runs: Sequence[dict[str, float]]) -> dict[str, float]:
    """Each key's median across runs (e.g. the median p95 of five runs), so one noisy run cannot
    move the figure."""
    return {key: round(statistics.median(run[key] for run in runs), 3) for key in runs[0]}


def median(values: Sequence[float], digits: int = 3) -> float:
    return round(statistics.median(values), digits)
