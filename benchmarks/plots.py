"""PNG plots for BENCHMARKS.md (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import ScalarFormatter

OURS, STOCK, OTHER = "#d9480f", "#1c7ed6", "#868e96"


# metric -> (label, mode, where in a scale row, line style). "Restart" is a start from the index
# cache; "first start" also builds the index.
SCALE_CURVES: dict[str, list[tuple[str, str, tuple[str, ...], str]]] = {
    "query_p95_ms": [
        ("ours, lean: answer p95 (restart)", "lean", ("ours_restart", "query_ms", "p95"), "-"),
        ("ours, lean: answer p95 (first start)", "lean", ("ours_build", "query_ms", "p95"), ":"),
        ("ours, local: answer p95 (restart)", "local", ("ours_restart", "query_ms", "p95"), "--"),
        ("stock BM25: retrieve p95", "lean", ("stock", "retrieve_ms", "p95"), "-"),
        ("stock vector: retrieve p95", "local", ("stock", "retrieve_ms", "p95"), "--"),
    ],
    "startup_s": [
        ("ours, lean: first start (builds)", "lean", ("ours_build", "startup_s"), "-"),
        ("ours, lean: restart (cache)", "lean", ("ours_restart", "startup_s"), ":"),
        ("ours, local: first start (builds)", "local", ("ours_build", "startup_s"), "--"),
        ("stock BM25: build", "lean", ("stock", "startup_s"), "-"),
        ("stock vector: build", "local", ("stock", "startup_s"), "--"),
    ],
    "peak_rss_mb": [
        ("ours, lean: first start", "lean", ("ours_build", "peak_rss_mb"), "-"),
        ("ours, lean: restart", "lean", ("ours_restart", "peak_rss_mb"), ":"),
        ("ours, local: first start", "local", ("ours_build", "peak_rss_mb"), "--"),
        ("stock BM25", "lean", ("stock", "peak_rss_mb"), "-"),
        ("stock vector", "local", ("stock", "peak_rss_mb"), "--"),
    ],
    "index_mb": [
        ("ours, lean", "lean", ("ours_index_mb",), "-"),
        ("ours, local", "local", ("ours_index_mb",), "--"),
        ("stock BM25", "lean", ("stock", "index_mb"), "-"),
        ("stock vector", "local", ("stock", "index_mb"), "--"),
    ],
}


def dig(row: dict, path: tuple[str, ...]) -> float:
    value: object = row
    for key in path:
        value = value[key]  # type: ignore[index]
    return float(value)  # type: ignore[arg-type]


def scale_curves(scale: dict, metric: str) -> list[tuple[str, list[int], list[float], str, str]]:
    """(label, documents, values, colour, line style) for each curve of one scale metric."""
    curves = []
    for label, mode, path, style in SCALE_CURVES[metric]:
        rows = scale.get(mode) or []
        if rows:
            colour = OURS if label.startswith("ours") else STOCK
            curves.append(
                (label, [r["documents"] for r in rows], [dig(r, path) for r in rows], colour, style)
            )
    return curves


def plot_scale(
    scale: dict, metric: str, ylabel: str, title: str, path: Path, goal: float | None = None
) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for label, docs, values, colour, style in scale_curves(scale, metric):
        ax.plot(docs, values, style, marker="o", color=colour, label=label)
    if goal is not None:
        ax.axhline(goal, color=OTHER, linewidth=1, linestyle="-.", label=f"goal: {goal:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.set_xlabel("documents in the corpus")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8)
    return save(fig, path)


def plot_bars(groups: dict[str, dict[str, float]], ylabel: str, title: str, path: Path) -> Path:
    """Grouped bars: one group per system, one bar per series (e.g. p50 and p95)."""
    names = list(groups)
    series = list(next(iter(groups.values())))
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(max(6, 1.2 * len(names)), 4.2), dpi=110)
    for i, key in enumerate(series):
        xs = [n + i * width for n in range(len(names))]
        values = [groups[name][key] for name in names]
        colours = [
            OURS if name.startswith("ours") else STOCK if name.startswith("stock") else OTHER
            for name in names
        ]
        bars = ax.bar(xs, values, width, color=colours, alpha=1.0 - 0.35 * i, label=key)
        ax.bar_label(bars, fmt="%.3g", fontsize=7)
    ax.set_xticks(
        [n + width * (len(series) - 1) / 2 for n in range(len(names))], names, rotation=20, ha="right"
    )
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    if len(series) > 1:
        ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.25)
    return save(fig, path)


def plot_throughput(throughput: dict, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for app, colour in (("ours", OURS), ("echo", OTHER)):
        rows = throughput[app]
        ax.plot(
            [r["clients"] for r in rows], [r["answers_per_s"] for r in rows], "-o", color=colour, label=app
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("concurrent gradio_client clients")
    ax.set_ylabel("answers per second")
    ax.set_title("Answers per second through the web (loopback)", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8)
    return save(fig, path)


def save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
