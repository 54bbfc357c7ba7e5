"""Optional LLM judges (`assistant eval --judge`): llama-index's CorrectnessEvaluator and
FaithfulnessEvaluator, cached on disk so a re-run of unchanged answers costs nothing.

Judges add figures to the report; they never decide a case's pass/fail, which stays deterministic.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from llama_index.core.evaluation import CorrectnessEvaluator, EvaluationResult, FaithfulnessEvaluator
from llama_index.core.llms import LLM

from assistant.evaluation.scoring import CaseResult, JudgeVerdict

log = logging.getLogger(__name__)
CACHE_FILE = "eval-judge-cache.json"


class Evaluator(Protocol):
    """What we use of llama-index's `BaseEvaluator`; tests pass a fake."""

    def evaluate(
        self,
        query: str | None = None,
        response: str | None = None,
        contexts: Sequence[str] | None = None,
        **kwargs,
    ) -> EvaluationResult: ...


def build_judges(llm: LLM) -> dict[str, Evaluator]:
    return {"correctness": CorrectnessEvaluator(llm=llm), "faithfulness": FaithfulnessEvaluator(llm=llm)}


class JudgeCache:
    """Verdicts by hash of (judge, model, question, answer, contexts, reference), in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict] = {}
        if path.exists():
            try:
                self.entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                log.warning("Ignoring unreadable judge cache %s: %s", path, error)

    def get(self, key: str) -> JudgeVerdict | None:
        entry = self.entries.get(key)
        return JudgeVerdict(**entry) if entry else None

    def put(self, key: str, verdict: JudgeVerdict) -> None:
        self.entries[key] = {"passing": verdict.passing, "score": verdict.score, "feedback": verdict.feedback}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.entries, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(self.path)


def cache_key(
    kind: str, model: str, question: str, answer: str, contexts: Sequence[str], reference: str
) -> str:
    payload = json.dumps([kind, model, question, answer, list(contexts), reference], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def judge_results(
    results: Sequence[CaseResult],
    judges: Mapping[str, Evaluator],
    model: str,
    cache: JudgeCache,
    on_result: Callable[[CaseResult], None] | None = None,
) -> int:
    """Add each judge's verdict to every answered case; returns how many judge calls were made."""
    calls = 0
    for result in results:
        if not result.answer.abstained and result.answer.text:
            calls += judge_one(result, judges, model, cache)
        if on_result:
            on_result(result)
    cache.save()
    return calls


def judge_one(result: CaseResult, judges: Mapping[str, Evaluator], model: str, cache: JudgeCache) -> int:
    answer = result.answer
    # Faithfulness is judged against what the answer says it rests on: its citations.
    contexts = [c.text for c in answer.citations] or [p.text for p in answer.passages]
    reference = reference_answer(result)
    calls = 0
    for kind, judge in judges.items():
        key = cache_key(kind, model, result.case.question, answer.text, contexts, reference)
        verdict = cache.get(key)
        if verdict is None:
            calls += 1
            verdict = ask_judge(judge, result.case.question, answer.text, contexts, reference)
            if verdict.passing is not None:  # a failed call is retried next run, not cached
                cache.put(key, verdict)
        result.judge[kind] = verdict
    return calls


def ask_judge(
    judge: Evaluator, question: str, answer: str, contexts: list[str], reference: str
) -> JudgeVerdict:
    try:
        outcome = judge.evaluate(
            query=question, response=answer, contexts=contexts, reference=reference or None
        )
    except Exception as error:  # a judge outage must not lose the whole eval run
        log.debug("Judge call failed: %s", error)  # counted and reported once by the caller
        return JudgeVerdict(None, None, f"judge failed: {error}")
    return JudgeVerdict(outcome.passing, outcome.score, outcome.feedback or "")


def reference_answer(result: CaseResult) -> str:
    """The cases carry fact groups, not reference answers; spell the groups out for the judge."""
    groups = [" or ".join(f'"{alt}"' for alt in group) for group in result.case.expect.facts]
    return ("A correct answer mentions " + "; and ".join(groups) + ".") if groups else ""
