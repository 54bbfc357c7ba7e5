"""One scale measurement in a fresh process, so its memory figure is its own: start ours (or the
stock pipeline) on a corpus, answer the eval questions, print one JSON object.

    python -m benchmarks.scale_worker --system ours --corpus DIR --data DIR --embeddings none
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from assistant.errors import AssistantError
from assistant.evaluation.cases import load_cases
from benchmarks.stats import median_of_runs, p50_p95


def peak_rss_mb() -> float:
    """VmHWM: the most resident memory this process ever held."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def timed_runs(ask: Callable[[str, list], None], questions: list[tuple[str, list]], runs: int) -> dict:
    for question, history in questions[:5]:
        ask(question, history)
    per_run = []
    for _ in range(runs):
        samples = []
        for question, history in questions:
            started = time.perf_counter()
            ask(question, history)
            samples.append((time.perf_counter() - started) * 1000)
        per_run.append(p50_p95(samples))
    return median_of_runs(per_run)


def measure_ours(args: argparse.Namespace, questions: list[tuple[str, list]]) -> dict:
    from benchmarks.ours import our_assistant

    started = time.perf_counter()
    assistant = our_assistant(args.data, args.embeddings, corpus_dir=args.corpus)
    startup = time.perf_counter() - started
    retrieve_ms: list[float] = []

    def ask(question: str, history: list) -> None:
        try:
            answer = assistant.answer(question, history)
        except AssistantError:
            return
        retrieve_ms.append(answer.timings_ms["retrieve_ms"])

    query = timed_runs(ask, questions, args.runs)
    return {
        "startup_s": round(startup, 3),
        "index_build_s": round(assistant.index.build_seconds, 3) if assistant.index.build_seconds else None,
        "passages": assistant.index.node_count,
        "query_ms": query,
        "retrieve_ms": p50_p95(retrieve_ms),
    }


def measure_stock(args: argparse.Namespace, questions: list[tuple[str, list]]) -> dict:
    """Stock retrieval only (read, split, index, persist; then `retriever.retrieve`): the part of
    the stock pipeline that grows with the corpus. Its answer step is a model call."""
    from llama_index.core.llms import MockLLM

    from benchmarks.baseline import build_stock_pipeline

    started = time.perf_counter()
    pipeline = build_stock_pipeline(
        args.corpus, "vector" if args.embeddings == "local" else "bm25", MockLLM()
    )
    build = time.perf_counter() - started
    persist_stock(pipeline, args.data / "index")
    retrieve = timed_runs(lambda q, _h: pipeline.retriever.retrieve(q), questions, args.runs)
    return {"startup_s": round(build, 3), "index_build_s": round(build, 3), "retrieve_ms": retrieve}


def persist_stock(pipeline: object, folder: Path) -> None:
    """Save the stock index the documented way, for its size on disk."""
    retriever = pipeline.retriever  # type: ignore[attr-defined]
    if pipeline.kind == "bm25":  # type: ignore[attr-defined]
        retriever.persist(str(folder))
    else:
        retriever._index.storage_context.persist(persist_dir=str(folder))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--system", choices=["ours", "stock"], default="ours")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--embeddings", choices=["none", "local"], default="none")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--questions", type=int, default=0, help="use only the first N eval questions")
    args = parser.parse_args(argv)
    cases = load_cases()
    cases = cases[: args.questions] if args.questions else cases
    questions = [(c.question, c.history_dicts()) for c in cases]
    measure = measure_ours if args.system == "ours" else measure_stock
    result = measure(args, questions)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
