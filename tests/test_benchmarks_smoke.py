"""The benchmark suite at toy sizes: every function runs and returns the figures the report needs.
No timing assertions (a shared CI machine makes them flaky); sane values only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.corpus.documents import load_corpus
from assistant.evaluation.cases import load_cases
from benchmarks.__main__ import main as run_benchmarks
from benchmarks.goals import evaluate_goals, headline_figures
from benchmarks.latency import measure_latency
from benchmarks.machine import machine_info
from benchmarks.report import write_report
from benchmarks.scale import measure_scale
from benchmarks.synthetic import synthetic_post, write_corpus
from benchmarks.tokens import measure_tokens
from tests.conftest import CORPUS

NOT_RUN = {"status": "not measured", "reason": "not run in the smoke test"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Tokens, latency and scale at toy sizes (6 questions; 1 and 20 documents; 3 runs), lean only,
    shaped like `python -m benchmarks` results."""
    work = tmp_path_factory.mktemp("benchmarks")
    cases = load_cases()[:6]
    measured = {
        "tokens": measure_tokens(cases, load_corpus(CORPUS), work / "tokens", local=False),
        "latency": measure_latency(cases, CORPUS, work / "latency", runs=3, local=False),
        "scale": measure_scale(work / "scale", sizes=(1, 20), runs=3, local=False, questions=3),
    }
    results = {
        "command": "pytest",
        "generated": "now",
        "quick": True,
        "runtime_s": 1.0,
        "machine": machine_info(),
        "load_average": {"start": [0.0], "end": [0.0]},
        "web": NOT_RUN,
        "cold_start": NOT_RUN,
        **measured,
    }
    results["figures"] = headline_figures(results)
    results["goals"] = [goal.to_dict() for goal in evaluate_goals(results)]
    return results


def test_synthetic_posts_are_deterministic_and_mixed_with_the_real_corpus(tmp_path: Path) -> None:
    assert synthetic_post(7) == synthetic_post(7) != synthetic_post(8)
    corpus = write_corpus(tmp_path / "c", 5, CORPUS)
    names = {p.name for p in corpus.iterdir()}
    assert {"aching-back.md", "trainer-notes.md", "glossary.yaml"} <= names
    assert len([n for n in names if n.endswith(".md")]) == 5


def test_token_counts_compare_ours_with_the_stock_pipeline(results: dict) -> None:
    systems = results["tokens"]["systems"]
    assert set(systems) == {"ours_llm_lean", "ours_extractive_lean", "stock_bm25"}
    assert systems["ours_extractive_lean"]["prompt_tokens_mean"] == 0
    assert systems["stock_bm25"]["model_calls"] == 6  # one compact call per question
    assert (
        0
        < systems["ours_llm_lean"]["prompt_tokens_per_call"]
        < systems["stock_bm25"]["prompt_tokens_per_call"]
    )
    for system in systems.values():
        assert 0 <= system["pass_rate"] <= 1
        assert len(system["per_question"]) == 6
    assert 0 < results["figures"]["prompt_tokens_ratio"] < 1


def test_latency_reports_p50_and_p95_per_system(results: dict) -> None:
    latency = results["latency"]
    assert set(latency) == {"ours_extractive_lean", "ours_llm_lean", "stock_bm25"}
    for figure in latency.values():
        assert 0 < figure["ms"]["p50"] <= figure["ms"]["p95"]
        assert (figure["runs"], figure["answers_per_run"]) == (3, 6)


def test_scale_measures_build_memory_size_and_queries_in_fresh_processes(results: dict) -> None:
    rows = results["scale"]["lean"]
    assert [r["documents"] for r in rows] == [1, 20]
    assert rows[0]["passages"] < rows[1]["passages"]
    for row in rows:
        assert row["ours_build"]["index_build_s"] is not None  # the first start built the index
        assert row["ours_restart"]["index_build_s"] is None  # the restart loaded it
        assert row["ours_index_mb"] > 0 and row["stock"]["index_mb"] > 0
        assert 50 < row["ours_build"]["peak_rss_mb"] < 4_000
        assert 0 < row["ours_restart"]["query_ms"]["p50"] <= row["ours_restart"]["query_ms"]["p95"]
        assert row["stock"]["retrieve_ms"]["p95"] > 0
    assert results["scale"]["local"] == []


def test_report_names_every_goal_and_marks_the_unmeasured_ones(results: dict, tmp_path: Path) -> None:
    goals = {goal["figure"]: goal for goal in results["goals"]}
    assert goals["query_p95_ms_10000_docs"]["met"] is None  # no 10,000-doc corpus at toy size
    assert goals["gradio_overhead_ratio"]["met"] is None
    assert goals["extractive_p50_ms"]["value"] > 0
    report = write_report(results, tmp_path).read_text(encoding="utf-8")
    assert "## Goals" in report and "Not measured: not run in the smoke test." in report
    for plot in ("tokens", "latency", "scale_query_p95", "scale_memory"):
        assert (tmp_path / "benchmarks" / "plots" / f"{plot}.png").stat().st_size > 0


@pytest.mark.slow
def test_quick_run_writes_the_report_the_json_and_the_plots(tmp_path: Path) -> None:
    assert run_benchmarks(["--quick", "--output-dir", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(results["figures"]) >= {
        "extractive_p50_ms",
        "prompt_tokens_ratio",
        "gradio_overhead_ratio",
        "cold_start_ask_s",
        "query_p95_ms_10000_docs",
        "llm_concurrent_100_p95_s",
        "cluster_records_lost",
    }
    assert not results["failed_sections"]
    assert (tmp_path / "BENCHMARKS.md").is_file()
