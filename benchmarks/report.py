"""BENCHMARKS.md from results.json: the goals first, then one section per question the issue asks,
each table captioned with the machine and the repeat counts, each curve as a PNG."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from benchmarks import plots
from benchmarks.machine import machine_tag

PLOTS = Path("benchmarks") / "plots"
NOT_RUN = {"status": "not measured", "reason": "not run"}
SYSTEM_NAMES = {
    "ours_llm_lean": "ours, LLM mode, BM25",
    "ours_extractive_lean": "ours, extractive, BM25",
    "stock_bm25": "stock: BM25Retriever + CitationQueryEngine",
    "ours_llm_local": "ours, LLM mode, BM25 + MiniLM",
    "ours_extractive_local": "ours, extractive, BM25 + MiniLM",
    "stock_vector": "stock: VectorStoreIndex (MiniLM) + CitationQueryEngine",
}


def fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def conditions(results: dict, section: str) -> str:
    """The machine, and how busy it was when the section started (other work shares it)."""
    load = results.get("section_load_average", {}).get(section)
    busy = f", load average {load:g} when this section started" if load is not None else ""
    return f"{machine_tag(results['machine'])}{busy}"


def image(path: Path, root: Path, alt: str) -> str:
    return f"![{alt}]({path.relative_to(root).as_posix()})"


def not_measured(section: object) -> str | None:
    if isinstance(section, dict) and section.get("status") == "not measured":
        return f"Not measured: {section.get('reason', 'skipped')}."
    return None


def header(results: dict) -> str:
    m = results["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in m["packages"].items())
    quick = "\n\n**Quick smoke run: tiny sizes, not figures to quote.**" if results["quick"] else ""
    carried = results.get("carried_sections", {})
    if carried:
        quick += (
            "\n\nThis run measured only `"
            + results["command"]
            + "`; the other sections are from earlier runs: "
            + ", ".join(f"{name} ({when})" for name, when in carried.items())
            + "."
        )
    return (
        "# Benchmarks: speed, token cost and scale, side by side with stock llama-index\n\n"
        f"Written by `{results['command']}` on {results['generated']} in "
        f"{results['runtime_s'] / 60:.1f} minutes.{quick}\n\n"
        f"**Machine** (every figure below): {m['cpu_model']}, {machine_tag(m)}, {m['platform']}. "
        f"Load average at the start {fmt(results['load_average']['start'][0])}, at the end "
        f"{fmt(results['load_average']['end'][0])} (a shared machine: other work runs alongside, so "
        "tail latencies carry noise; medians of several runs damp it). All traffic is loopback.\n\n"
        f"Packages: {packages}. Every figure is in `benchmarks/results.json`."
    )


def goals_section(results: dict) -> str:
    rows = [
        [
            g["goal"],
            f"`{g['figure']}`",
            g["value"],
            g["target"],
            "not measured" if g["met"] is None else g["met"],
        ]
        for g in results["goals"]
    ]
    return "## Goals\n\n" + table(["goal", "figure", "value", "target", "met"], rows)


def tokens_section(results: dict, root: Path) -> str:
    tokens = results["tokens"]
    if reason := not_measured(tokens):
        return "## 1. Tokens per answer\n\n" + reason
    systems = tokens["systems"]
    rows = [
        [
            SYSTEM_NAMES.get(name, name),
            s["pass_rate"],
            s["prompt_tokens_mean"],
            s["prompt_tokens_median"],
            s["prompt_tokens_per_call"],
            s["completion_tokens_mean"],
            f"{s['questions_sent_to_model']} / {s['questions']}",
        ]
        for name, s in systems.items()
    ]
    ratios = "\n".join(
        f"- **{label}**: ours / stock prompt tokens per question **{r['prompt_tokens_ratio']}**, "
        f"per model call {r['prompt_tokens_per_call_ratio']}; pass rate ours {r['pass_rate_ours']} "
        f"vs stock {r['pass_rate_stock']}."
        for label, r in tokens["ratios"].items()
    )
    chart = plots.plot_bars(
        {
            SYSTEM_NAMES.get(n, n).split(":")[0]: {"prompt tokens / question": s["prompt_tokens_mean"]}
            for n, s in systems.items()
        },
        "tokens (o200k_base)",
        "Prompt tokens per eval question (mean)",
        root / PLOTS / "tokens.png",
    )
    return (
        "## 1. Tokens per answer\n\n"
        f"Every question of `evals/cases.yaml` ({rows[0][-1].split(' / ')[1]} cases), once, through each "
        f"system; scored by `assistant.evaluation.scoring`. Model: {tokens['stand_in']}. Prompt tokens "
        f"are counted ({tokens['encoding']}, plus OpenAI's 3 per message and 3 per reply) from the "
        "requests the server received, including our follow-up rewrites; completion tokens from its "
        "replies. Ours abstains before calling a model when the passages do not cover a question, so "
        "those questions cost 0. The stock engine sees no history and never abstains or adds the "
        f"safety notice.\n\n{conditions(results, 'tokens')}; 1 pass (token counts are deterministic).\n\n"
        + table(
            [
                "system",
                "pass rate",
                "prompt tokens / question",
                "median",
                "per model call",
                "completion",
                "sent to model",
            ],
            rows,
        )
        + f"\n\n{ratios}\n\n{image(chart, root, 'prompt tokens per question')}"
    )


def latency_section(results: dict, root: Path) -> str:
    latency = results["latency"]
    if reason := not_measured(latency):
        return "## 2. Answer latency (in-process)\n\n" + reason
    rows = [
        [SYSTEM_NAMES.get(n, n), r["ms"]["p50"], r["ms"]["p95"], f"{r['runs']} × {r['answers_per_run']}"]
        for n, r in latency.items()
    ]
    chart = plots.plot_bars(
        {
            SYSTEM_NAMES.get(n, n).split(":")[0] + f" ({n.split('_')[-1]})": {
                "p50": r["ms"]["p50"],
                "p95": r["ms"]["p95"],
            }
            for n, r in latency.items()
        },
        "ms",
        "Answer latency in-process (fake model answers at once)",
        root / PLOTS / "latency.png",
    )
    return (
        "## 2. Answer latency (in-process)\n\n"
        "`Assistant.answer` per eval question (with its history), and the stock `CitationQueryEngine.query`; "
        "LLM mode talks to the fake server over loopback, which answers at once, so this is our own "
        "overhead plus one HTTP round trip. Each run answers every question once; figures are the "
        f"median over runs of each run's p50 and p95, after 5 warm-up answers. {conditions(results, 'latency')}.\n\n"
        + table(["system", "p50 ms", "p95 ms", "runs × answers"], rows)
        + f"\n\n{image(chart, root, 'answer latency')}"
    )


def web_section(results: dict, root: Path) -> str:
    web = results["web"]
    if reason := not_measured(web):
        return "## 3. Through the web\n\n" + reason
    parts = ["## 3. Through the web"]
    latency = web.get("latency", {})
    if reason := not_measured(latency):
        parts.append("Answer latency vs echo app: " + reason)
    else:
        rows = [
            [app, r["p50"], r["p95"], r.get("chat_visible_ms"), r.get("load_event_ms")]
            for app, r in latency["results"].items()
        ]
        parts.append(
            "Our Gradio app (lean, extractive) against a trivial echo Gradio chat, both on loopback, "
            "from `benchmarks/web_latency.py`: API answers through `gradio_client`, page load in "
            f"Chromium. Medians of {latency['runs']} runs of {latency['calls']} API calls "
            f"(and {latency.get('loads', '—')} cold page loads) each; {conditions(results, 'web')}. "
            f"**gradio_overhead_ratio** (our p50 / echo p50) = **{latency['gradio_overhead_ratio']}**."
            + (f" Page load: {latency['page_load']}" if latency.get("page_load") else "")
        )
        parts.append(table(["app", "API p50 ms", "API p95 ms", "chat visible ms", "load event ms"], rows))
    throughput = web.get("throughput", {})
    if reason := not_measured(throughput):
        parts.append("Throughput: " + reason)
    else:
        rows = []
        for ours, echo in zip(throughput["ours"], throughput["echo"], strict=True):
            rows.append(
                [
                    ours["clients"],
                    ours["answers_per_s"],
                    dig_ms(ours, "p50"),
                    dig_ms(ours, "p95"),
                    ours["errors"],
                    echo["answers_per_s"],
                    dig_ms(echo, "p50"),
                    dig_ms(echo, "p95"),
                ]
            )
        chart = plots.plot_throughput(throughput, root / PLOTS / "web_throughput.png")
        bounds = ", ".join(f"{count} for {n}" for n, count in throughput["requests_per_level"].items())
        parts.append(
            "Throughput: N concurrent `gradio_client` sessions (threads in one process) asking the "
            "`/chat` API back to back, each server in its own process with the shipped settings "
            "(8 answers computed at once) but the per-client rate limit lifted. Bounded: "
            f"requests per level {bounds} clients, at most {throughput['max_seconds_per_level']:g} s a level. "
            f"Both servers run at once and are measured in turn, level by level, {throughput['runs']} times; "
            f"figures are medians over those runs. {conditions(results, 'web')}; clients and servers "
            "share these CPUs, so the client threads' own work is part of every figure."
        )
        parts.append(
            table(
                [
                    "clients",
                    "ours answers/s",
                    "ours p50 ms",
                    "ours p95 ms",
                    "errors",
                    "echo answers/s",
                    "echo p50 ms",
                    "echo p95 ms",
                ],
                rows,
            )
        )
        parts.append(image(chart, root, "web throughput"))
    return "\n\n".join(parts)


def dig_ms(level: dict, key: str) -> float | None:
    return level["latency_ms"][key] if level.get("latency_ms") else None


COLD_START_NAMES = {
    "ask_lean": "`assistant ask`, lean (BM25)",
    "ask_lean_llm": "`assistant ask`, lean, LLM mode (fake server)",
    "ask_local": "`assistant ask`, local (BM25 + MiniLM)",
    "app_lean": "web app, lean",
    "app_local": "web app, local",
    "stock_bm25": "stock script: read, BM25, CitationQueryEngine, ask",
    "stock_vector": "stock script: read, embed, VectorStoreIndex, ask",
}


def cold_start_section(results: dict) -> str:
    cold = results["cold_start"]
    if reason := not_measured(cold):
        return "## 4. Cold start\n\n" + reason
    rows = []
    for name, r in cold.items():
        label = COLD_START_NAMES.get(name, name)
        if name.startswith("app"):
            label += f" (`{r['command']}`)"
            rows.append([label, r["http_200_median_s"], r["api_answer_median_s"], None, None, r["runs"]])
        else:
            rows.append(
                [
                    label,
                    None,
                    r["median_s"],
                    r["cpu_median_s"],
                    r.get("first_run_with_index_build_s"),
                    r["runs"],
                ]
            )
    return (
        "## 4. Cold start\n\n"
        "Seconds from launching a fresh process to its first answer (for the web app: until `/` "
        "answers HTTP 200, and until its `/chat` API has answered one question). Ours starts from "
        "its index cache, as every start after the first does; the first start, which builds it, is "
        "shown too. The stock script re-indexes on every start (the quick-start way) and asks the "
        "fake server. CPU is the process's user + system time: where it is well below the wall "
        f"time, the process waited on disk or on CPUs other work held. Median of the runs shown; {conditions(results, 'cold_start')}.\n\n"
        + table(
            [
                "what",
                "HTTP 200 on / (s)",
                "first answer (s)",
                "CPU (s)",
                "first run, builds index (s)",
                "runs",
            ],
            rows,
        )
    )


def scale_rows(rows: list[dict]) -> list[list[object]]:
    return [
        [
            r["documents"],
            r["passages"],
            r["ours_build"]["startup_s"],
            r["ours_restart"]["startup_s"],
            r["ours_index_mb"],
            r["ours_build"]["peak_rss_mb"],
            r["ours_restart"]["peak_rss_mb"],
            r["ours_restart"]["query_ms"]["p50"],
            r["ours_restart"]["query_ms"]["p95"],
            r["ours_build"]["query_ms"]["p95"],
            r["stock"]["startup_s"],
            r["stock"]["index_mb"],
            r["stock"]["peak_rss_mb"],
            r["stock"]["retrieve_ms"]["p95"],
        ]
        for r in rows
    ]


SCALE_HEADERS = [
    "docs",
    "passages",
    "first start s (builds)",
    "restart s",
    "index MB",
    "peak RSS MB, first start",
    "peak RSS MB, restart",
    "answer p50 ms",
    "answer p95 ms",
    "p95, first-start process",
    "stock build s",
    "stock index MB",
    "stock peak RSS MB",
    "stock retrieve p95 ms",
]


def scale_section(results: dict, root: Path) -> str:
    scale = results["scale"]
    if reason := not_measured(scale):
        return "## 5. Scale\n\n" + reason
    charts = [
        plots.plot_scale(
            scale, "query_p95_ms", "ms", "Query p95 vs corpus size", root / PLOTS / "scale_query_p95.png", 50
        ),
        plots.plot_scale(
            scale,
            "startup_s",
            "seconds",
            "Start-up / index build vs corpus size",
            root / PLOTS / "scale_startup.png",
        ),
        plots.plot_scale(
            scale,
            "peak_rss_mb",
            "MB (VmHWM)",
            "Peak resident memory vs corpus size",
            root / PLOTS / "scale_memory.png",
        ),
        plots.plot_scale(
            scale,
            "index_mb",
            "MB on disk",
            "Index size on disk vs corpus size",
            root / PLOTS / "scale_index_size.png",
        ),
    ]
    local_cap = scale.get("local_max_docs")
    parts = [
        "## 5. Scale",
        "Synthetic corpora: the real documents plus seeded, deterministic running-blog posts "
        "(`benchmarks/synthetic.py`, ~730 words each, headings, invented names so the vocabulary "
        "grows). Each size runs in fresh processes: ours building its index (first start), ours "
        "again from the index cache (restart), and the stock pipeline (read, split, index, persist; "
        "its retrieval only, since its answer step is a model call). Answers are extractive, over "
        f"every eval question, median of {scale['runs']} runs' p50/p95. Peak RSS is the process's "
        f"VmHWM. {conditions(results, 'scale')}.",
        "### Lean (BM25 only)",
        table(SCALE_HEADERS, scale_rows(scale["lean"])),
    ]
    if scale.get("local"):
        parts += [
            "### Local (BM25 + MiniLM embeddings)",
            f"Capped at {local_cap:,} documents: MiniLM embeds about 15 passages a second on these "
            "CPUs, so 10,000 posts (~75,000 passages) would take over an hour.",
            table(SCALE_HEADERS, scale_rows(scale["local"])),
        ]
    parts += [image(chart, root, chart.stem) for chart in charts]
    return "\n\n".join(parts)


def concurrency_section(results: dict) -> str:
    c = results.get("concurrency") or NOT_RUN
    if reason := not_measured(c):
        return "## 6. Many readers waiting on the model\n\n" + reason
    designs = (
        ("async", "async answer path (default, 200 streams)"),
        ("8_slots", "8 slots (the design before)"),
    )
    rows = [
        [
            label,
            c[key]["answers"],
            c[key]["errors"],
            c[key]["latency_s"].get("p50"),
            c[key]["latency_s"].get("p95"),
            c[key]["latency_s"].get("max"),
            c[key]["answers_per_s"],
        ]
        for key, label in designs
    ]
    return "\n\n".join(
        [
            "## 6. Many readers waiting on the model",
            f"{c['readers']} readers ask at once through `/ask` of one server process (over HTTP, "
            "`/gradio_api/call/ask`, which the server answers beside Gradio's queue), "
            f"{c['rounds']} question(s) each in a row; the stand-in model streams every answer over "
            f"{c['model_seconds']:g} s (the floor of any answer). Both designs in the same run, each on "
            f"a fresh process; {conditions(results, 'concurrency')}. "
            f"**llm_concurrent_100_p95_s** = **{fmt(c['llm_concurrent_p95_s'])} s** "
            f"(8 slots: {fmt(c['llm_concurrent_p95_s_8_slots'])} s).",
            table(["design", "answers", "errors", "p50 s", "p95 s", "max s", "answers/s"], rows),
        ]
    )


def cluster_section(results: dict) -> str:
    c = results.get("cluster") or NOT_RUN
    if reason := not_measured(c):
        return "## 7. Two replicas behind nginx, one killed\n\n" + reason
    rate, store, saw = c["rate_limit"], c["store"], c["readers_saw"]
    rows = [
        [
            name.replace("_", " "),
            group["readers_active_at_kill"],
            group["readers_with_an_error"],
            group["errors"],
            group["feedback_refused"],
            group["answered_after_kill"],
            "; ".join(" ".join(re.sub(r"<[^>]*>", " ", e).split()) for e in group["error_samples"]) or "—",
        ]
        for name, group in ((k, saw[k]) for k in ("killed_replica", "surviving_replica"))
    ]
    return "\n\n".join(
        [
            "## 7. Two replicas behind nginx, one killed",
            "Debian's nginx with `deploy/nginx.conf`, two `python app.py` replicas sharing one data "
            "folder, and PostgreSQL, all on loopback. "
            f"{c['readers_at_once']} readers at a time for {c['seconds']:g} s, each from its own "
            f"address, asking and rating a burst's worth; replica a SIGKILLed at {c['killed_replica_at_s']} s; "
            f"{conditions(results, 'cluster')}.",
            table(
                ["figure", "value"],
                [
                    ["`cluster_records_lost` (told saved, not in PostgreSQL)", c["cluster_records_lost"]],
                    ["`cluster_records_duplicated`", c["cluster_records_duplicated"]],
                    [
                        "answers logged whose reply never arrived (in flight at the kill)",
                        store["logged_not_acknowledged"],
                    ],
                    [
                        "questions / thumbs acknowledged",
                        f"{store['questions_acknowledged']} / {store['feedback_acknowledged']}",
                    ],
                    [
                        f"`cluster_shared_rate_limit` ({rate['asks']} quick questions, burst {rate['burst']})",
                        f"{fmt(rate['shared'])}: {rate['answered_on_one']} answered on one replica, "
                        f"{rate['answered_spread']} spread over both",
                    ],
                    ["`cluster_answers_per_s` (extractive)", c["cluster_answers_per_s"]],
                    [
                        "answer p95 s before / after the kill",
                        f"{fmt(saw['ask_p95_s_before_kill'])} / {fmt(saw['ask_p95_s_after_kill'])}",
                    ],
                ],
            ),
            "What readers saw around the kill (readers active then, by the replica nginx gave them):",
            table(
                [
                    "readers on",
                    "readers",
                    "with an error",
                    "errors",
                    "thumbs refused",
                    "answers after the kill",
                    "what they saw",
                ],
                rows,
            ),
        ]
    )


def method_section() -> str:
    return (
        "## How it was measured\n\n"
        "- `python -m benchmarks` runs it all; `--quick` is a smoke run at tiny sizes (written to a "
        "temp folder unless `--output-dir` is given); `--sections` runs a subset.\n"
        "- The stock pipeline uses llama-index defaults throughout: `SimpleDirectoryReader` on "
        "`corpus/*.md`, the default `SentenceSplitter` (1,024 tokens), top-k 2, `CitationQueryEngine` "
        "(512-token citation chunks, compact mode), `OpenAILike` on the same fake server as ours.\n"
        "- The stand-in model is not a real model: it shows what each pipeline sends and whether its "
        "citations and abstentions hold up, not answer quality. Its answers are one sentence, so most "
        "fact checks fail for both sides; ours passes the abstention, safety and injection cases "
        "because it decides those before calling a model.\n"
        "- Latencies are `time.perf_counter` around the call; percentiles are nearest-rank; every "
        "loop has a fixed count and every server a time limit.\n"
    )


def write_report(results: dict, root: Path) -> Path:
    """Write BENCHMARKS.md (and its plots) under `root`; return its path."""
    sections = [
        header(results),
        goals_section(results),
        tokens_section(results, root),
        latency_section(results, root),
        web_section(results, root),
        cold_start_section(results),
        scale_section(results, root),
        concurrency_section(results),
        cluster_section(results),
        method_section(),
    ]
    path = root / "BENCHMARKS.md"
    path.write_text("\n\n".join(sections) + "\n", encoding="utf-8")
    return path
