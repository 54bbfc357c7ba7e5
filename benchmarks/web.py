"""The web figures: answer latency through gradio_client against an echo Gradio app (and page load
in Chromium) from `web_latency`, and throughput under 1-64 concurrent
clients from `web_throughput`. Whatever cannot run here is reported as not measured, with why."""

from __future__ import annotations

import json
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks import web_latency
from benchmarks.web_throughput import CLIENTS, measure_throughput


def not_measured(reason: str) -> dict[str, str]:
    return {"status": "not measured", "reason": reason}


def web_latency_run(calls: int, loads: int, tmp: Path) -> dict:
    """One `web_latency.main` run (page loads and API calls); API calls alone if Chromium cannot
    start, since they still mean something."""
    out = tmp / "web.json"
    try:
        web_latency.main(["--calls", str(calls), "--loads", str(loads), "--out", str(out)])
        return json.loads(out.read_text(encoding="utf-8"))["results"]
    except Exception as error:
        results = api_latency_only(tmp, calls)
        results["page_load"] = f"not measured ({type(error).__name__}: {error})"[:300]
        return results


def api_latency_only(data_dir: Path, calls: int) -> dict:
    servers = {
        "echo": web_latency.serve(web_latency.echo_app()),
        "ours": web_latency.serve(web_latency.our_app(data_dir)),
    }
    try:
        return {name: web_latency.answer_latency_ms(s.url, calls) for name, s in servers.items()}
    finally:
        for server in servers.values():
            server.stop()


def measure_web_latency(calls: int, loads: int, runs: int) -> dict:
    """Median over `runs` of each figure, and of the per-run ratio our p50 / echo p50."""
    per_run = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            per_run.append(web_latency_run(calls, loads, Path(tmp)))
    apps = ("ours", "echo")
    results = {app: median_fields([run[app] for run in per_run]) for app in apps}
    ratios = [run["ours"]["p50"] / run["echo"]["p50"] for run in per_run]
    report = {"runs": runs, "calls": calls, "loads": loads, "results": results}
    report["gradio_overhead_ratio"] = round(statistics.median(ratios), 3)
    report["per_run_ratios"] = [round(r, 3) for r in ratios]
    page_load = next((run["page_load"] for run in per_run if "page_load" in run), None)
    if page_load:
        report["page_load"] = page_load
    return report


def median_fields(runs: Sequence[dict]) -> dict[str, float]:
    return {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}


def measure_web(
    calls: int = 30,
    loads: int = 7,
    runs: int = 3,
    levels: Sequence[int] = CLIENTS,
    throughput_runs: int = 3,
    **bounds: float,
) -> dict:
    """`runs` web_latency runs, then throughput at each of `levels` clients, `throughput_runs` times;
    `bounds` caps each throughput level (`min_requests`, `max_seconds`, `per_client`)."""
    latency = measure_web_latency(calls, loads, runs)
    try:
        throughput = measure_throughput(levels, runs=throughput_runs, **bounds)  # type: ignore[arg-type]
    except Exception as error:
        throughput = not_measured(f"{type(error).__name__}: {error}"[:300])
    return {"latency": latency, "throughput": throughput}
