"""Cold start: seconds from launching a fresh process to its first answer. `assistant ask` (index
cache already built, as after the first run; the first run with the build is timed too),
the web app until `/` answers 200 and then until its API answers a question, and the stock
llama-index script, which re-indexes on every start. Medians of several launches."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from benchmarks.baseline import LOCAL_MODEL_ENV
from benchmarks.stats import median
from testkit.fake_openai import FakeOpenAI
from testkit.loopback import free_port, stop_process

QUESTION = "How do I do a dead bug?"
LAUNCH_TIMEOUT_S = 180
POLL_S = 0.02
APP = PROJECT_ROOT / "app.py"


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any of the assistant's own settings, plus `extra`."""
    prefixes = ("OPENAI_", "ASSISTANT_", "GRADIO_", "DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, **LOCAL_MODEL_ENV, **extra}


def timed_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run; CPU time shows how much of a slow start was waiting
    for CPUs that other work held."""
    cpu_before = children_cpu_s()
    started = time.perf_counter()
    subprocess.run(
        command, env=env, cwd=PROJECT_ROOT, capture_output=True, check=True, timeout=LAUNCH_TIMEOUT_S
    )
    return time.perf_counter() - started, children_cpu_s() - cpu_before


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_summary(samples: list[tuple[float, float]]) -> dict[str, object]:
    return {
        "median_s": median([wall for wall, _ in samples]),
        "cpu_median_s": median([cpu for _, cpu in samples]),
        "runs": len(samples),
    }


def ask_cold_start(
    data_dir: Path, embeddings: str, runs: int, base_url: str | None = None
) -> dict[str, object]:
    """`assistant ask`, extractive; in LLM mode against `base_url` when given."""
    env = clean_env(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDINGS=embeddings)
    if base_url:
        env.update(OPENAI_BASE_URL=base_url, ASSISTANT_MODEL="test-model")
    command = [sys.executable, "-m", "assistant", "ask", "--json", QUESTION]
    first, _ = timed_run(command, env)  # builds the index cache
    summary = run_summary([timed_run(command, env) for _ in range(runs)])
    return {**summary, "first_run_with_index_build_s": round(first, 3)}


def stock_cold_start(kind: str, runs: int) -> dict[str, object]:
    with FakeOpenAI() as server:
        command = [
            sys.executable,
            "-m",
            "benchmarks.stock_ask",
            QUESTION,
            "--corpus",
            str(PROJECT_ROOT / "corpus"),
            "--kind",
            kind,
            "--base-url",
            server.base_url,
        ]
        return run_summary([timed_run(command, clean_env()) for _ in range(runs)])


def app_cold_start(data_dir: Path, embeddings: str, runs: int) -> dict[str, object]:
    command = [sys.executable, str(APP)]
    launches = [launch_app(command, data_dir, embeddings) for _ in range(runs + 1)][1:]  # 1st builds
    first_answers = [t["api_answer_s"] for t in launches if t["api_answer_s"] is not None]
    return {
        "command": "python app.py",
        "http_200_median_s": median([t["http_200_s"] for t in launches]),
        "api_answer_median_s": median(first_answers) if first_answers else None,
        "runs": runs,
    }


def launch_app(command: list[str], data_dir: Path, embeddings: str) -> dict[str, float | None]:
    port = free_port()
    env = clean_env(
        ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDINGS=embeddings, GRADIO_SERVER_PORT=str(port)
    )
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for_page(base, process, started)
        http_200 = time.perf_counter() - started
        answered = api_answer(base)
        return {"http_200_s": http_200, "api_answer_s": time.perf_counter() - started if answered else None}
    finally:
        stop_process(process)


def wait_for_page(base: str, process: subprocess.Popen, started: float) -> None:
    while time.perf_counter() - started < LAUNCH_TIMEOUT_S:
        if process.poll() is not None:
            raise RuntimeError(f"the web app exited with code {process.returncode} before serving")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(POLL_S)
    raise TimeoutError(f"the web app did not answer within {LAUNCH_TIMEOUT_S} s")


def api_answer(base: str) -> bool:
    """Ask through Gradio's HTTP API (`/gradio_api/call/chat`): what gradio_client does under the
    hood. False when the app has no such endpoint."""
    try:
        request = urllib.request.Request(
            base + "/gradio_api/call/chat",
            data=json.dumps({"data": [QUESTION]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            event_id = json.load(response)["event_id"]
        with urllib.request.urlopen(f"{base}/gradio_api/call/chat/{event_id}", timeout=30) as stream:
            return any(line.startswith(b"event: complete") for line in stream)
    except (OSError, KeyError, ValueError):
        return False


def measure_cold_start(data_root: Path, runs: int, local: bool) -> dict[str, dict]:
    modes = [("lean", "none", "bm25")] + ([("local", "local", "vector")] if local else [])
    results: dict[str, dict] = {}
    for label, embeddings, stock_kind in modes:
        results[f"ask_{label}"] = ask_cold_start(data_root / label, embeddings, runs)
        if label == "lean":
            with FakeOpenAI() as server:
                results["ask_lean_llm"] = ask_cold_start(data_root / label, embeddings, runs, server.base_url)
        results[f"app_{label}"] = app_cold_start(data_root / label, embeddings, runs)
        results[f"stock_{stock_kind}"] = stock_cold_start(stock_kind, runs)
    return results
