"""`assistant eval` and `assistant calibrate`: the front-end edge of the eval suite.

Exit codes: 0 all gates met, 1 a gate or a baseline case failed (or the assistant cannot start),
2 a case file, thresholds file, baseline or flag to fix.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from rich.console import Console

from assistant.answering.pipeline import Assistant
from assistant.components import build_llm, choose_embeddings
from assistant.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from assistant.evaluation.baseline import load_baseline, regressions
from assistant.evaluation.calibrate import calibrate
from assistant.evaluation.cases import DEFAULT_CASES, DEV_SETS, EvalCase, check_sources, load_cases
from assistant.evaluation.errors import EvalInputError
from assistant.evaluation.judge import CACHE_FILE, JudgeCache, build_judges, judge_results
from assistant.evaluation.metrics import summarize
from assistant.evaluation.reports import append_step_summary, write_reports, write_summary
from assistant.evaluation.runner import EvalRun, run_cases
from assistant.evaluation.scoring import CaseResult
from assistant.evaluation.terminal import (
    aggregate_view,
    overview_table,
    print_calibration,
    print_run,
    progress_bar,
)
from assistant.evaluation.thresholds import DEFAULT_THRESHOLDS, check_thresholds, load_thresholds
from assistant.settings import Settings, load_settings

JUDGE_TIMEOUT_S = 60.0  # a judge reads a whole answer and its passages; the chat timeout is too short


def run_eval(args: argparse.Namespace, console: Console | None = None) -> int:
    """Every case file in one process, so the index and the embedding model load once; each file
    is gated on its own thresholds and reported on its own."""
    console = console or Console()
    paths: list[Path] = args.cases or [DEFAULT_CASES]
    try:
        if args.baseline and len(paths) > 1:
            raise EvalInputError(
                "--baseline compares one case file with its earlier report; give one --cases file."
            )
        sets = [
            (path, load_cases(path), load_thresholds(args.thresholds or thresholds_beside(path)))
            for path in paths
        ]
        baseline = load_baseline(args.baseline) if args.baseline else None
        settings = eval_settings(args.corpus, args.mode, args.embeddings, args.judge)
        assistant = Assistant.from_settings(settings)
        for path, cases, _ in sets:
            check_sources(cases, {d.doc_id for d in assistant.corpus.documents}, path)
    except EvalInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    runs = []
    for path, cases, bounds in sets:
        run = evaluate(assistant, cases, path, args.judge, console)
        run.checks = check_thresholds(run.summary, bounds)
        run.regressions = regressions(run.results, baseline) if baseline is not None else []
        report = args.report / path.stem if args.report and len(sets) > 1 else args.report
        if getattr(args, "aggregate_only", False):  # a blind set is read in aggregate only
            console.print(aggregate_view(run))
            if report:
                write_summary(run, report)
        else:
            publish(run, report, args.step_summary or github_step_summary(), console)
        runs.append(run)
    if len(runs) > 1:
        console.print(overview_table(runs))
    return EXIT_OK if all(run.ok for run in runs) else EXIT_FAILED


def thresholds_beside(cases_path: Path) -> Path:
    """The gates a case file brings: `NAME-thresholds.yaml` beside `NAME.yaml`, else the
    `thresholds.yaml` beside it (the dev set's), else the project's default gates."""
    for candidate in (
        cases_path.with_name(f"{cases_path.stem}-thresholds.yaml"),
        cases_path.with_name("thresholds.yaml"),
    ):
        if candidate.is_file():
            return candidate
    return DEFAULT_THRESHOLDS


def evaluate(
    assistant: Assistant, cases: list[EvalCase], cases_path: Path, judge: bool, console: Console
) -> EvalRun:
    """Answer, score and (optionally) judge every case; gates and baseline are applied by the caller."""
    started = time.perf_counter()
    with progress_bar(console, "answering", len(cases)) as advance:
        results = run_cases(assistant, cases, advance)
    if judge:
        add_judge_verdicts(results, assistant.settings, console)
    return EvalRun(
        cases_path=cases_path,
        mode=assistant.mode,
        embeddings=choose_embeddings(assistant.settings).kind,
        model=assistant.settings.model if assistant.llm is not None else None,
        results=results,
        summary=summarize(results),
        seconds=time.perf_counter() - started,
    )


def publish(run: EvalRun, report_dir: Path | None, step_summary: Path | None, console: Console) -> None:
    print_run(run, console)
    if report_dir:
        written = write_reports(run, report_dir)
        console.print("Reports: " + ", ".join(str(path) for path in written))
    if step_summary:
        append_step_summary(run, step_summary)


def run_calibrate(args: argparse.Namespace, console: Console | None = None) -> int:
    console = console or Console()
    paths = args.cases or list(DEV_SETS)
    try:
        cases = [case for path in paths for case in load_cases(path)]
        settings = eval_settings(args.corpus, args.mode, args.embeddings, judge=False)
        assistant = Assistant.from_settings(settings)
        for path in paths:
            check_sources(load_cases(path), {d.doc_id for d in assistant.corpus.documents}, path)
    except EvalInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    console.print(
        f"Calibrating on {len(cases)} cases from {', '.join(path.name for path in paths)} "
        f"(mode {assistant.mode}, embeddings {choose_embeddings(settings).kind})"
    )
    name, current = assistant.threshold_setting()
    print_calibration(calibrate(assistant, cases), name, current, console)
    return EXIT_OK


def eval_settings(corpus: Path | None, mode: str | None, embeddings: str | None, judge: bool) -> Settings:
    """Settings as configured, with the flags applied; `--mode llm` and `--judge` need a model."""
    overrides: dict[str, object] = {}
    if corpus:
        overrides["corpus_dir"] = corpus
    if embeddings:
        overrides["embeddings"] = embeddings
    if mode:
        overrides["llm"] = "openai" if mode == "llm" else "none"
    settings = load_settings(**overrides)
    has_model = settings.has_model_server()
    if mode == "llm" and not has_model:
        raise EvalInputError("--mode llm needs OPENAI_API_KEY or OPENAI_BASE_URL (environment or .env).")
    if judge and not has_model:
        raise EvalInputError("--judge needs OPENAI_API_KEY or OPENAI_BASE_URL for the judge model.")
    return settings


def add_judge_verdicts(results: list[CaseResult], settings: Settings, console: Console) -> None:
    judge_settings = settings.model_copy(
        update={"llm": "openai", "llm_timeout_s": max(settings.llm_timeout_s, JUDGE_TIMEOUT_S)}
    )
    llm = build_llm(judge_settings)
    assert llm is not None  # eval_settings checked there is a key or a base URL
    cache = JudgeCache(settings.data_dir / CACHE_FILE)
    with progress_bar(console, "judging", len(results)) as advance:
        calls = judge_results(results, build_judges(llm), settings.model, cache, advance)
    failed = sum(v.passing is None for r in results for v in r.judge.values())
    console.print(
        f"Judge: {calls} new judgement(s), the rest from {cache.path}; {failed} failed (see report.json)"
    )


def github_step_summary() -> Path | None:
    """GitHub Actions names a file here whose Markdown it shows on the run page; it is the CI
    runner's variable, not an assistant setting, so it is read at this edge and nowhere else."""
    value = os.environ.get("GITHUB_STEP_SUMMARY")
    return Path(value) if value else None
