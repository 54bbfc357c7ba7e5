"""Optional LLM judges: verdicts are cached on disk so a re-run of unchanged answers costs nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from llama_index.core.evaluation import EvaluationResult

from assistant.answer import Answer, Citation
from assistant.evaluation.cases import EvalCase
from assistant.evaluation.judge import JudgeCache, judge_results
from assistant.evaluation.metrics import summarize
from assistant.evaluation.scoring import CaseResult


class CountingJudge:
    """Stands in for CorrectnessEvaluator / FaithfulnessEvaluator; records what it was asked."""

    def __init__(self, passing: bool) -> None:
        self.passing = passing
        self.calls: list[dict] = []

    def evaluate(
        self,
        query: str | None = None,
        response: str | None = None,
        contexts: Sequence[str] | None = None,
        **kwargs,
    ) -> EvaluationResult:
        self.calls.append({"query": query, "response": response, "contexts": contexts, **kwargs})
        return EvaluationResult(
            query=query, response=response, passing=self.passing, score=4.0, feedback="ok"
        )


def results(answer_text: str = "Ab work matters. [1]") -> list[CaseResult]:
    case = EvalCase.model_validate(
        {
            "id": "c",
            "question": "Why does my back hurt?",
            "expect": {"abstain": False, "facts": [["ab work", "core"]]},
        }
    )
    answer = Answer(
        question=case.question,
        text=answer_text,
        citations=[Citation(1, "aching-back", "t", "s", "a lack of ab work may be to blame")],
    )
    abstained = Answer(question="q", text="Not covered.", abstained=True)
    abstain_case = EvalCase.model_validate({"id": "a", "question": "q", "expect": {"abstain": True}})
    return [CaseResult(case, answer, True, []), CaseResult(abstain_case, abstained, True, [])]


def test_rerun_of_unchanged_answers_calls_no_judge(tmp_path: Path) -> None:
    judges = {"correctness": CountingJudge(True), "faithfulness": CountingJudge(False)}
    path = tmp_path / "cache.json"
    assert judge_results(results(), judges, "m", JudgeCache(path)) == 2  # abstentions are not judged
    again = results()
    assert judge_results(again, judges, "m", JudgeCache(path)) == 0
    assert again[0].judge["correctness"].passing is True and again[0].judge["faithfulness"].passing is False
    summary = summarize(again)
    assert (summary.judge_correctness, summary.judge_faithfulness) == (1.0, 0.0)


def test_changed_answer_or_model_is_judged_afresh(tmp_path: Path) -> None:
    judges = {"correctness": CountingJudge(True)}
    path = tmp_path / "cache.json"
    judge_results(results(), judges, "m", JudgeCache(path))
    assert judge_results(results("Something else. [1]"), judges, "m", JudgeCache(path)) == 1
    assert judge_results(results(), judges, "other-model", JudgeCache(path)) == 1


def test_judges_get_the_citations_and_a_reference_from_the_fact_groups(tmp_path: Path) -> None:
    judge = CountingJudge(True)
    judge_results(results(), {"correctness": judge}, "m", JudgeCache(tmp_path / "cache.json"))
    call = judge.calls[0]
    assert call["contexts"] == ["a lack of ab work may be to blame"]
    assert call["reference"] == 'A correct answer mentions "ab work" or "core".'


def test_failed_judge_call_is_not_cached(tmp_path: Path) -> None:
    class Broken:
        def evaluate(self, **kwargs: object) -> EvaluationResult:
            raise TimeoutError("judge timed out")

    path = tmp_path / "cache.json"
    judged = results()
    judge_results(judged, {"correctness": Broken()}, "m", JudgeCache(path))
    assert judged[0].judge["correctness"].passing is None
    assert summarize(judged).judge_correctness is None
    assert judge_results(results(), {"correctness": CountingJudge(True)}, "m", JudgeCache(path)) == 1
