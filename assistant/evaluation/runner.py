"""Run every case through the assistant's one entry point and score it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer
from assistant.answering.pipeline import Assistant
from assistant.errors import AssistantError
from assistant.evaluation.cases import EvalCase
from assistant.evaluation.metrics import Summary
from assistant.evaluation.scoring import CaseResult, failed_to_answer, score_case
from assistant.evaluation.thresholds import Check


@dataclass
class EvalRun:
    """A finished run: what the reports show and what decides the exit code."""

    cases_path: Path
    mode: str
    embeddings: str
    model: str | None
    results: list[CaseResult]
    summary: Summary
    seconds: float
    # Set once the gates and the baseline are applied.
    checks: list[Check] = field(default_factory=list)
    regressions: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def ok(self) -> bool:
        return not self.failed_checks and not self.regressions


def run_cases(
    assistant: Assistant,
    cases: Sequence[EvalCase],
    on_result: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Answer and score each case in order; `on_result` drives a progress bar."""
    results = []
    for case in cases:
        result = run_case(assistant, case)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def run_case(assistant: Assistant, case: EvalCase) -> CaseResult:
    """One case, timed end to end. An error the assistant raises on purpose fails the case only."""
    started = time.perf_counter()
    try:
        answer = assistant.answer(case.question, case.history_dicts())
    except AssistantError as error:
        latency = (time.perf_counter() - started) * 1000
        empty = Answer(question=case.question, text="", mode=assistant.mode)  # type: ignore[arg-type]
        return failed_to_answer(case, empty, f"{type(error).__name__}: {error}", latency)
    latency = (time.perf_counter() - started) * 1000
    return score_case(case, answer, assistant.corpus, latency)
