"""The quality gates of `evals/thresholds.yaml`: a min and/or max per summary figure.

Kept in a file rather than in code so raising a bar is a one-line, reviewable change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.evaluation.cases import describe
from assistant.evaluation.errors import EvalInputError
from assistant.evaluation.metrics import Summary
from assistant.settings import PROJECT_ROOT

DEFAULT_THRESHOLDS = PROJECT_ROOT / "evals" / "thresholds.yaml"
GATEABLE = {f.name for f in dataclasses.fields(Summary) if f.name != "tags"}


class Bound(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Bound:
        if self.min is None and self.max is None:
            raise ValueError("give a min, a max or both")
        return self


@dataclass(frozen=True)
class Check:
    """One gate applied to one figure. `value` None means not measured on these cases: skipped."""

    metric: str
    value: float | None
    bound: Bound

    @property
    def ok(self) -> bool:
        if self.value is None:
            return True
        low_ok = self.bound.min is None or self.value >= self.bound.min
        return low_ok and (self.bound.max is None or self.value <= self.bound.max)

    @property
    def wanted(self) -> str:
        parts = [f">= {self.bound.min:g}" if self.bound.min is not None else ""]
        parts.append(f"<= {self.bound.max:g}" if self.bound.max is not None else "")
        return " and ".join(p for p in parts if p)


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> dict[str, Bound]:
    """Bounds by summary field name. Raises `EvalInputError` for unknown figures or bad bounds."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise EvalInputError(f"Cannot read thresholds file {path}: {error}") from None
    if not isinstance(raw, dict):
        raise EvalInputError(f"{path}: expected a mapping of metric: {{min, max}}")
    unknown = sorted(set(raw) - GATEABLE)
    if unknown:
        raise EvalInputError(f"{path}: unknown metric(s) {unknown}; known: {', '.join(sorted(GATEABLE))}")
    bounds = {}
    for metric, spec in raw.items():
        try:
            bounds[metric] = Bound.model_validate(spec)
        except ValidationError as error:
            raise EvalInputError(f"{path}: {metric}: {'; '.join(describe(error))}") from None
    return bounds


def check_thresholds(summary: Summary, bounds: dict[str, Bound]) -> list[Check]:
    return [Check(metric, getattr(summary, metric), bound) for metric, bound in bounds.items()]
