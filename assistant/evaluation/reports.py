"""Write a finished run as `report.json` (machine-readable, the `--baseline` input), `junit.xml`
(CI test tabs) and `report.md` (people, and GitHub's step summary)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

from assistant.evaluation.runner import EvalRun
from assistant.evaluation.scoring import CaseResult

# Figures shown as percentages; the rest are counts, milliseconds or dollars.
RATES = {
    "pass_rate",
    "fact_recall",
    "citation_precision",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "safety_notice_recall",
    "false_notice_rate",
    "retrieval_hit_rate",
    "judge_correctness",
    "judge_faithfulness",
}


def write_summary(run: EvalRun, folder: Path) -> Path:
    """`summary.json`: the overall and per-tag figures and the gates, no single case (a blind set)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    checks = [{"metric": c.metric, "value": c.value, "wanted": c.wanted} for c in run.failed_checks]
    path.write_text(json.dumps({"summary": run.summary.to_dict(), "failed_gates": checks}, indent=2))
    return path


def write_reports(run: EvalRun, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        folder / "report.json": json.dumps(report_dict(run), indent=2, ensure_ascii=False),
        folder / "junit.xml": junit_xml(run),
        folder / "report.md": markdown(run),
    }
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    return list(written)


def append_step_summary(run: EvalRun, path: Path) -> None:
    """GitHub shows whatever a step appends to $GITHUB_STEP_SUMMARY on the run's page."""
    with path.open("a", encoding="utf-8") as summary:
        summary.write(markdown(run) + "\n")


def report_dict(run: EvalRun) -> dict:
    return {
        "run": {
            "cases_file": str(run.cases_path),
            "mode": run.mode,
            "embeddings": run.embeddings,
            "model": run.model,
            "seconds": round(run.seconds, 3),
            "ok": run.ok,
        },
        "summary": run.summary.to_dict(),
        "thresholds": [
            {"metric": c.metric, "value": c.value, "min": c.bound.min, "max": c.bound.max, "ok": c.ok}
            for c in run.checks
        ],
        "regressions": run.regressions,
        "cases": [case_dict(result) for result in run.results],
    }


def case_dict(result: CaseResult) -> dict:
    answer = result.answer
    return {
        "id": result.case.id,
        "question": result.case.question,
        "tags": result.case.tags,
        "passed": result.passed,
        "reasons": result.reasons,
        "answer": answer.text,
        "citations": [asdict(c) for c in answer.citations],
        "abstained": answer.abstained,
        "safety_notice": answer.safety_notice,
        "mode": answer.mode,
        "fallback_reason": answer.fallback_reason,
        "standalone_question": answer.standalone_question,
        "facts_found": result.facts_found,
        "facts_total": result.facts_total,
        "invalid_citations": result.invalid_citations,
        "retrieval": asdict(result.retrieval) if result.retrieval else None,
        "retrieved": [{"doc_id": p.doc_id, "node_id": p.node_id, "score": p.score} for p in answer.passages],
        "latency_ms": round(result.latency_ms, 2),
        "usage": asdict(answer.usage),
        "judge": {kind: asdict(verdict) for kind, verdict in result.judge.items()},
    }


def junit_xml(run: EvalRun) -> str:
    """One testcase per eval case, so CI test viewers list failures by case id."""
    failures = sum(not r.passed for r in run.results)
    suites = ET.Element(
        "testsuites", name="assistant eval", tests=str(len(run.results)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"eval:{run.cases_path.stem}:{run.mode}",
        tests=str(len(run.results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{run.seconds:.3f}",
    )
    for result in run.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"evals.{run.cases_path.stem}",
            name=result.case.id,
            time=f"{result.latency_ms / 1000:.4f}",
        )
        if not result.passed:
            failure = ET.SubElement(case, "failure", message="; ".join(result.reasons), type="EvalFailure")
            failure.text = "\n".join(
                [f"question: {result.case.question}", *result.reasons, f"answer: {result.answer.text}"]
            )
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if metric in RATES:
        return f"{value:.1%}"
    if metric.endswith("_ms"):
        return f"{value:.1f} ms"
    if metric == "cost_usd":
        return f"${value:.4f}"
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return f"{value:.3f}"


def summary_rows(run: EvalRun) -> list[tuple[str, str, str, str]]:
    """(metric, value, gate, status) for every headline figure, gated ones first."""
    gates = {check.metric: check for check in run.checks}
    figures = {k: v for k, v in run.summary.to_dict().items() if k != "tags"}
    order = [*gates, *(name for name in figures if name not in gates)]
    rows = []
    for name in order:
        check = gates.get(name)
        status = (
            "" if check is None else ("ok" if check.ok else "FAIL") if check.value is not None else "skipped"
        )
        rows.append((name, format_value(name, figures[name]), check.wanted if check else "", status))
    return rows


def markdown(run: EvalRun) -> str:
    s = run.summary
    verdict = "all gates met" if run.ok else "FAILED"
    lines = [
        f"## Eval: {s.passed}/{s.cases} cases pass ({s.pass_rate:.1%}), {verdict}",
        "",
        f"`{run.cases_path.name}` · mode `{run.mode}` · embeddings `{run.embeddings}` · {run.seconds:.1f} s",
        "",
        "| metric | value | gate | status |",
        "| --- | --- | --- | --- |",
        *(f"| {m} | {v} | {g} | {st} |" for m, v, g, st in summary_rows(run)),
        "",
        "### By tag",
        "",
        "| tag | passed | cases | pass rate |",
        "| --- | --- | --- | --- |",
        *(f"| {tag} | {t.passed} | {t.cases} | {t.pass_rate:.1%} |" for tag, t in s.tags.items()),
    ]
    failed = [r for r in run.results if not r.passed]
    if failed:
        lines += ["", "### Failing cases", ""]
        lines += [f"- `{r.case.id}`: {'; '.join(r.reasons)}" for r in failed]
    if run.regressions:
        lines += ["", "### Regressions (passed in the baseline)", ""]
        lines += [f"- `{case_id}`" for case_id in run.regressions]
    return "\n".join(lines) + "\n"
