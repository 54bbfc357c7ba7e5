"""Tokens per answer, and what they buy: every eval question through ours (LLM mode, and
extractive) and through the stock pipeline, both talking to the same stand-in model. Prompt tokens
are counted from the requests the fake server actually received, with tiktoken."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.answering.pipeline import Assistant
from assistant.corpus.documents import Corpus
from assistant.evaluation.cases import EvalCase
from assistant.evaluation.runner import run_case
from assistant.evaluation.scoring import CaseResult, score_case
from assistant.text.tokens import encoding_for
from benchmarks.baseline import StockPipeline, build_stock_pipeline, stock_answer, stock_llm
from benchmarks.ours import our_assistant
from benchmarks.standin import RecordingReply
from testkit.fake_openai import GENERATION_PATHS, FakeOpenAI

ENCODING_MODEL = "gpt-4o-mini"  # o200k_base, the encoding our usage figures use for unknown models
# OpenAI's chat format adds about 3 tokens per message and 3 to prime the reply; counted so that a
# two-message prompt (ours) and a one-message prompt (stock) compare as billed.
PER_MESSAGE, PER_REPLY = 3, 3
STAND_IN = (
    "tests/fake_openai.FakeOpenAI on loopback: replies with the first sentence of the first passage "
    "it was given plus its [n] marker; a follow-up to rewrite comes back unchanged"
)


@dataclass
class QuestionCost:
    case_id: str
    prompt_tokens: int
    completion_tokens: int
    model_calls: int
    passed: bool
    reasons: list[str] = field(default_factory=list)


def count(text: str) -> int:
    return len(encoding_for(ENCODING_MODEL).encode(text, disallowed_special=()))


def request_prompt_tokens(body: dict) -> int:
    """Tokens of one chat (or completions) request as sent."""
    if "messages" in body:
        messages = body["messages"]
        return sum(count(content_text(m.get("content"))) + PER_MESSAGE for m in messages) + PER_REPLY
    return count(str(body.get("prompt", "")))


def content_text(content: object) -> str:
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def costed(
    answer_case: Callable[[EvalCase], CaseResult], server: FakeOpenAI, recorder: RecordingReply
) -> Callable[[EvalCase], QuestionCost]:
    """Wrap a case runner so each question's model traffic is read off the server."""

    def run(case: EvalCase) -> QuestionCost:
        requests_before, replies_before = len(server.requests), len(recorder.replies)
        result = answer_case(case)
        sent = [r for r in server.requests[requests_before:] if r["path"] in GENERATION_PATHS]
        replies = recorder.replies[replies_before:]
        return QuestionCost(
            case.id,
            sum(request_prompt_tokens(r["json"] or {}) for r in sent),
            sum(count(reply) for reply in replies),
            len(sent),
            result.passed,
            result.reasons,
        )

    return run


def ours_runner(assistant: Assistant) -> Callable[[EvalCase], CaseResult]:
    return lambda case: run_case(assistant, case)


def stock_runner(pipeline: StockPipeline, corpus: Corpus) -> Callable[[EvalCase], CaseResult]:
    def run(case: EvalCase) -> CaseResult:
        started = time.perf_counter()
        answer = stock_answer(pipeline, case.question)  # the stock engine takes no history
        return score_case(case, answer, corpus, (time.perf_counter() - started) * 1000)

    return run


def summarize_costs(costs: Sequence[QuestionCost]) -> dict[str, object]:
    prompts = [c.prompt_tokens for c in costs]
    called = [c for c in costs if c.model_calls]
    calls = sum(c.model_calls for c in costs)
    return {
        "questions": len(costs),
        "pass_rate": round(sum(c.passed for c in costs) / len(costs), 4),
        "prompt_tokens_mean": round(statistics.mean(prompts), 1),
        "prompt_tokens_median": statistics.median(prompts),
        "completion_tokens_mean": round(statistics.mean(c.completion_tokens for c in costs), 1),
        "questions_sent_to_model": len(called),
        "model_calls": calls,
        "prompt_tokens_per_call": round(sum(prompts) / calls, 1) if calls else 0.0,
        "per_question": [asdict(c) for c in costs],
    }


def measure_tokens(cases: Sequence[EvalCase], corpus: Corpus, data_root: Path, local: bool) -> dict:
    """Ours (LLM and extractive) and stock, lean (BM25) and, with the local extra, dense."""
    pairs = [("lean", "none", "bm25")] + ([("local", "local", "vector")] if local else [])
    systems: dict[str, dict] = {}
    ratios: dict[str, dict] = {}
    for label, embeddings, stock_kind in pairs:
        recorder = RecordingReply()
        with FakeOpenAI(reply=recorder) as server:
            ours = our_assistant(data_root / label, embeddings, server.base_url)
            run = costed(ours_runner(ours), server, recorder)
            systems[f"ours_llm_{label}"] = summarize_costs([run(c) for c in cases])
            extractive = our_assistant(data_root / label, embeddings)
            run = costed(ours_runner(extractive), server, recorder)
            systems[f"ours_extractive_{label}"] = summarize_costs([run(c) for c in cases])
            pipeline = build_stock_pipeline(corpus_dir(corpus), stock_kind, stock_llm(server.base_url))
            run = costed(stock_runner(pipeline, corpus), server, recorder)
            systems[f"stock_{stock_kind}"] = summarize_costs([run(c) for c in cases])
        ratios[label] = token_ratios(systems[f"ours_llm_{label}"], systems[f"stock_{stock_kind}"])
    return {"encoding": "o200k_base", "stand_in": STAND_IN, "systems": systems, "ratios": ratios}


def token_ratios(ours: dict, stock: dict) -> dict[str, float]:
    return {
        "prompt_tokens_ratio": round(ours["prompt_tokens_mean"] / stock["prompt_tokens_mean"], 3),
        "prompt_tokens_per_call_ratio": round(
            ours["prompt_tokens_per_call"] / stock["prompt_tokens_per_call"], 3
        ),
        "pass_rate_ours": ours["pass_rate"],
        "pass_rate_stock": stock["pass_rate"],
    }


def corpus_dir(corpus: Corpus) -> Path:
    return corpus.documents[0].path.parent
