"""What `assistant eval` and `assistant calibrate` show on the terminal (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, Group
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.evaluation.calibrate import Calibration, CalibrationPoint
from assistant.evaluation.reports import summary_rows
from assistant.evaluation.runner import EvalRun
from assistant.evaluation.scoring import CaseResult

MAX_FAILURE_ROWS = 40


@contextmanager
def progress_bar(console: Console, label: str, total: int) -> Iterator[Callable[[CaseResult], None]]:
    """A transient bar; yields the callback that advances it once per scored case."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(label, total=total)

        def advance(result: CaseResult) -> None:
            progress.update(task, advance=1, description=f"{label} {result.case.id}")

        yield advance


def print_run(run: EvalRun, console: Console) -> None:
    s = run.summary
    console.print(
        f"[bold]{s.passed}/{s.cases} cases pass[/] ({s.pass_rate:.1%}) · {run.cases_path.name} · "
        f"mode {run.mode} · embeddings {run.embeddings} · {run.seconds:.1f} s"
    )
    console.print(summary_table(run))
    console.print(tag_table(run))
    failed = [r for r in run.results if not r.passed]
    if failed:
        console.print(failure_table(failed))
    for check in run.failed_checks:
        console.print(f"[red]gate failed:[/] {check.metric} is {check.value:.4g}, wanted {check.wanted}")
    if run.regressions:
        console.print(f"[red]regressions since the baseline:[/] {', '.join(run.regressions)}")
    console.print("[green]All gates met.[/]" if run.ok else "[red]Eval failed.[/]")


def aggregate_view(run: EvalRun) -> Group:
    """Overall and per-tag figures and the gates, with no single case: what a blind set may show.
    No report files are written either, since report.json lists every case."""
    s = run.summary
    gates = [
        f"[red]gate failed:[/] {c.metric} is {c.value:.4g}, wanted {c.wanted}" for c in run.failed_checks
    ]
    verdict = "[green]All gates met.[/]" if run.ok else "[red]Eval failed.[/]"
    title = f"[bold]{s.passed}/{s.cases} cases pass[/] ({s.pass_rate:.1%}) · {run.cases_path.name} · aggregate only"
    return Group(title, summary_table(run), tag_table(run), *gates, verdict)


def overview_table(runs: list[EvalRun]) -> Table:
    """One row per case file of a many-file run, so the verdicts need no scrolling back."""
    table = Table(title="Case files", title_justify="left")
    for column in ("case file", "passed", "cases", "pass rate", "gates"):
        table.add_column(column, justify="left" if column in ("case file", "gates") else "right")
    for run in runs:
        failed = ", ".join(check.metric for check in run.failed_checks) or "none"
        gates = "[green]met[/]" if run.ok else f"[bold red]missed: {escape(failed)}[/]"
        s = run.summary
        table.add_row(run.cases_path.name, str(s.passed), str(s.cases), f"{s.pass_rate:.1%}", gates)
    return table


def summary_table(run: EvalRun) -> Table:
    table = Table(title="Summary", title_justify="left")
    for column in ("metric", "value", "gate", "status"):
        table.add_column(column, justify="right" if column == "value" else "left")
    style = {"ok": "green", "FAIL": "bold red", "skipped": "yellow"}
    for metric, value, gate, status in summary_rows(run):
        table.add_row(metric, value, gate, f"[{style[status]}]{status}[/]" if status else "")
    return table


def tag_table(run: EvalRun) -> Table:
    table = Table(title="By tag", title_justify="left")
    for column in ("tag", "passed", "cases", "pass rate"):
        table.add_column(column, justify="left" if column == "tag" else "right")
    for tag, stat in run.summary.tags.items():
        colour = "green" if stat.passed == stat.cases else "yellow"
        table.add_row(tag, str(stat.passed), str(stat.cases), f"[{colour}]{stat.pass_rate:.0%}[/]")
    return table


def failure_table(failed: list[CaseResult]) -> Table:
    table = Table(title=f"Failing cases ({len(failed)})", title_justify="left", show_lines=True)
    table.add_column("case", style="bold", no_wrap=True)
    table.add_column("why")
    for result in failed[:MAX_FAILURE_ROWS]:
        table.add_row(escape(result.case.id), escape("\n".join(result.reasons)))
    if len(failed) > MAX_FAILURE_ROWS:
        table.add_row("…", f"{len(failed) - MAX_FAILURE_ROWS} more in report.json")
    return table


def print_calibration(calibration: Calibration, setting: str, current: float, console: Console) -> None:
    """`setting`: the threshold's name (`min_evidence` by words, `min_closeness` by meaning)."""
    table = Table(title=f"Abstention by {setting} (abstaining = positive)", title_justify="left")
    for column in (setting, "precision", "recall", "F1", "correct"):
        table.add_column(column, justify="right")
    low, high = calibration.plateau
    for first, last in runs_of_equal_points(calibration.points):
        span = f"{first.threshold:.2f}" + (f"..{last.threshold:.2f}" if last is not first else "")
        cells = [span, rate(first.precision), rate(first.recall), f"{first.f1:.3f}", f"{first.accuracy:.3f}"]
        table.add_row(*cells, style="bold green" if low <= first.threshold <= high else None)
    console.print(table)
    console.print(
        f"Best {calibration.best.accuracy:.3f} correct on {low:.2f}..{high:.2f}; "
        f"[bold]calibrated {setting} = {calibration.chosen:.2f}[/] (current setting {current:.2f})"
    )


def runs_of_equal_points(points: list[CalibrationPoint]) -> list[tuple[CalibrationPoint, CalibrationPoint]]:
    """Collapse neighbouring thresholds with identical figures: 101 rows would hide the steps."""
    runs: list[tuple[CalibrationPoint, CalibrationPoint]] = []
    for point in points:
        key = (point.precision, point.recall, point.f1, point.accuracy)
        last = runs[-1][1] if runs else None
        if last is not None and (last.precision, last.recall, last.f1, last.accuracy) == key:
            runs[-1] = (runs[-1][0], point)
        else:
            runs.append((point, point))
    return runs


def rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
