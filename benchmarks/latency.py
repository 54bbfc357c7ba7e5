"""In-process answer latency: ours extractive, ours in LLM mode and the stock engine, both against
the fake server answering at once. Each run answers every eval question once; the figures are
medians over runs of each run's p50 and p95."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.answering.pipeline import Assistant
from assistant.errors import AssistantError
from assistant.evaluation.cases import EvalCase
from benchmarks.baseline import StockPipeline, build_stock_pipeline, stock_answer, stock_llm
from benchmarks.ours import our_assistant
from benchmarks.standin import RecordingReply
from benchmarks.stats import median_of_runs, p50_p95
from testkit.fake_openai import FakeOpenAI

WARMUP = 5  # first answers pay for lazy imports, the stemmer and tiktoken's tables


def answer_latency(answer: Callable[[EvalCase], object], cases: Sequence[EvalCase], runs: int) -> dict:
    for case in cases[:WARMUP]:
        answer(case)
    per_run = []
    for _ in range(runs):
        samples = []
        for case in cases:
            started = time.perf_counter()
            answer(case)
            samples.append((time.perf_counter() - started) * 1000)
        per_run.append(p50_p95(samples))
    return {"ms": median_of_runs(per_run), "runs": runs, "answers_per_run": len(cases)}


def ours(assistant: Assistant) -> Callable[[EvalCase], object]:
    def answer(case: EvalCase) -> object:
        try:
            return assistant.answer(case.question, case.history_dicts())
        except AssistantError as refused:  # a case that tests input checks: refusing is the answer
            return refused

    return answer


def stock(pipeline: StockPipeline) -> Callable[[EvalCase], object]:
    return lambda case: stock_answer(pipeline, case.question)


def measure_latency(
    cases: Sequence[EvalCase], corpus_dir: Path, data_root: Path, runs: int, local: bool
) -> dict[str, dict]:
    setups = [("lean", "none", "bm25")] + ([("local", "local", "vector")] if local else [])
    results: dict[str, dict] = {}
    for label, embeddings, stock_kind in setups:
        extractive = our_assistant(data_root / label, embeddings)
        results[f"ours_extractive_{label}"] = answer_latency(ours(extractive), cases, runs)
        with FakeOpenAI(reply=RecordingReply()) as server:
            generated = our_assistant(data_root / label, embeddings, server.base_url)
            results[f"ours_llm_{label}"] = answer_latency(ours(generated), cases, runs)
            pipeline = build_stock_pipeline(corpus_dir, stock_kind, stock_llm(server.base_url))
            results[f"stock_{stock_kind}"] = answer_latency(stock(pipeline), cases, runs)
    return results
