"""Scale: how start-up, index size, memory and query latency grow from 1 to 10,000 documents.

For each size a synthetic corpus (the real documents plus seeded blog posts) is written to a temp
folder, then fresh processes (`benchmarks.scale_worker`) measure: ours building its index, ours
starting again from that index cache (the usual restart), and the stock pipeline's retrieval.
Local embeddings stop at `LOCAL_MAX_DOCS`: MiniLM embeds about 15 passages a second on 2 CPUs,
so 10,000 posts (75,000 passages) would take over an hour."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from benchmarks.coldstart import clean_env
from benchmarks.synthetic import write_corpus

SIZES = (1, 100, 1_000, 10_000)
LOCAL_MAX_DOCS = 1_000
WORKER_TIMEOUT_S = 3_600


def run_worker(system: str, corpus: Path, data: Path, embeddings: str, runs: int, questions: int = 0) -> dict:
    command = [
        sys.executable,
        "-m",
        "benchmarks.scale_worker",
        f"--system={system}",
        f"--corpus={corpus}",
        f"--data={data}",
        f"--embeddings={embeddings}",
        f"--runs={runs}",
        f"--questions={questions}",
    ]
    done = subprocess.run(
        command,
        env=clean_env(),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=WORKER_TIMEOUT_S,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024**2, 2)


def measure_size(
    documents: int, corpus: Path, root: Path, embeddings: str, runs: int, questions: int
) -> dict:
    ours_data, stock_data = root / f"ours-{embeddings}-{documents}", root / f"stock-{embeddings}-{documents}"
    build = run_worker("ours", corpus, ours_data, embeddings, runs, questions)
    restart = run_worker("ours", corpus, ours_data, embeddings, runs, questions)
    stock = run_worker("stock", corpus, stock_data, embeddings, runs, questions)
    result = {
        "documents": documents,
        "passages": build["passages"],
        "ours_build": build,
        "ours_restart": restart,
        "ours_index_mb": folder_mb(ours_data / "index"),
        "stock": {**stock, "index_mb": folder_mb(stock_data / "index")},
    }
    shutil.rmtree(ours_data, ignore_errors=True)
    shutil.rmtree(stock_data, ignore_errors=True)
    return result


def measure_scale(
    root: Path,
    sizes: Sequence[int] = SIZES,
    runs: int = 3,
    local: bool = True,
    local_max_docs: int = LOCAL_MAX_DOCS,
    questions: int = 0,
) -> dict:
    """Lean at every size; local up to `local_max_docs`. `questions` > 0 uses only that many eval
    questions per run (for smoke runs)."""
    results: dict[str, object] = {"sizes": list(sizes), "runs": runs, "lean": [], "local": []}
    for documents in sizes:
        corpus = write_corpus(root / f"corpus-{documents}", documents, PROJECT_ROOT / "corpus")
        results["lean"].append(measure_size(documents, corpus, root, "none", runs, questions))  # type: ignore[union-attr]
        if local and documents <= local_max_docs:
            results["local"].append(measure_size(documents, corpus, root, "local", runs, questions))  # type: ignore[union-attr]
        shutil.rmtree(corpus, ignore_errors=True)
    results["local_max_docs"] = local_max_docs if local else 0
    return results
