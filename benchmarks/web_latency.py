"""Web latency: our chat against a trivial echo Gradio chat, side by side in one run on loopback.

Page load: a fresh Chromium context per run (cold cache), from navigation to the question box being
visible, plus the browser's own load-event time; the median of several runs. Answers: the Gradio
API through `gradio_client`, p50/p95 over repeated calls. Both apps use the same system-font theme,
so the difference is our app's own work (retrieval, rendering, the limits and the log).

    python -m benchmarks.web_latency [--calls 30] [--loads 7] [--out web.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from fastapi import FastAPI

from assistant.settings import load_settings
from assistant.web.server import chat_theme, create_app
from benchmarks.load_test import UNTHROTTLED
from benchmarks.machine import machine_info
from benchmarks.stats import median, p50_p95
from testkit.browser import CHROMIUM, CHROMIUM_ARGS
from testkit.loopback import LiveServer

QUESTIONS = (
    "How do I do a dead bug?",
    "Why does my back ache after long runs?",
    "Which muscles make up the core?",
    "How often should runners train their core?",
    "What shoes should I buy for a marathon?",  # an abstention
)


def serve(app: object) -> LiveServer:
    """Started on a free loopback port; its forced shutdown at the end is expected, so quiet."""
    return LiveServer(app, log_level="critical").start()


def echo_app() -> FastAPI:
    """The smallest Gradio chat: it answers with the message it was sent."""

    def echo(message: str, history: list) -> str:
        return message

    chat = gr.ChatInterface(echo, analytics_enabled=False, api_name="chat")
    return gr.mount_gradio_app(FastAPI(), chat, path="/", theme=chat_theme(), ssr_mode=False)


def our_app(data_dir: Path) -> FastAPI:
    """The embedded default (BM25, extractive), with limits opened up so the benchmark is not throttled."""
    settings = load_settings(
        data_dir=data_dir,
        embeddings="none",
        llm="none",
        openai_api_key=None,
        openai_base_url=None,
        **UNTHROTTLED,
    )
    return create_app(settings)


def page_load_ms(browser: object, url: str, loads: int) -> dict[str, float]:
    visible, load_event = [], []
    for run in range(loads + 1):  # the first run warms the server's caches and is not counted
        context = browser.new_context()  # type: ignore[attr-defined]
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.locator("textarea").first.wait_for(state="visible")
        elapsed = (time.perf_counter() - started) * 1000
        page.wait_for_load_state("load")
        timing = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        context.close()
        if run:
            visible.append(elapsed)
            load_event.append(timing)
    return {"chat_visible_ms": median(visible, 1), "load_event_ms": median(load_event, 1)}


def answer_latency_ms(url: str, calls: int) -> dict[str, float]:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False)
    client.predict(QUESTIONS[0], api_name="/chat")  # warm-up
    samples = []
    for n in range(calls):
        started = time.perf_counter()
        client.predict(QUESTIONS[n % len(QUESTIONS)], api_name="/chat")
        samples.append((time.perf_counter() - started) * 1000)
    client.close()
    return p50_p95(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30, help="API calls per app (default 30)")
    parser.add_argument("--loads", type=int, default=7, help="page loads per app (default 7)")
    parser.add_argument("--out", type=Path, help="write the JSON here instead of stdout")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as data_dir:
        servers = {"echo": serve(echo_app()), "ours": serve(our_app(Path(data_dir)))}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, server in servers.items():
                    results[name] = page_load_ms(browser, server.url, args.loads)
                browser.close()
            for name, server in servers.items():
                results[name].update(answer_latency_ms(server.url, args.calls))
        finally:
            for server in servers.values():
                server.stop()
    print_table(results, args, file=sys.stderr if args.out is None else sys.stdout)
    report = {"calls": args.calls, "loads": args.loads, "results": results, "machine": machine_info()}
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    else:
        print(json.dumps(report, indent=2))
    return 0


def print_table(results: dict[str, dict[str, float]], args: argparse.Namespace, file: object) -> None:
    print(f"{'app':<6} {'chat visible':>13} {'load event':>11} {'API p50':>9} {'API p95':>9}", file=file)
    for name, r in results.items():
        print(
            f"{name:<6} {r['chat_visible_ms']:>10.0f} ms {r['load_event_ms']:>8.0f} ms "
            f"{r['p50']:>6.1f} ms {r['p95']:>6.1f} ms",
            file=file,
        )
    print(f"(median of {args.loads} cold page loads; {args.calls} API calls each)", file=file)


if __name__ == "__main__":
    sys.exit(main())
