"""Compare a run with an earlier `report.json`: a case that passed there and fails now is a regression,
even when the pass rate still clears its threshold."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from assistant.evaluation.errors import EvalInputError
from assistant.evaluation.scoring import CaseResult


def load_baseline(path: Path) -> dict[str, bool]:
    """Pass/fail by case id from a report.json written by `assistant eval --report`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(case["id"]): bool(case["passed"]) for case in data["cases"]}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EvalInputError(f"Cannot read baseline {path}: {error}") from None
    except (KeyError, TypeError) as error:
        raise EvalInputError(f"Baseline {path} is not an eval report.json (missing {error})") from None


def regressions(results: Iterable[CaseResult], baseline: dict[str, bool]) -> list[str]:
    """Ids of cases that passed in the baseline and fail now; cases new since then are not counted."""
    return [r.case.id for r in results if baseline.get(r.case.id) and not r.passed]
