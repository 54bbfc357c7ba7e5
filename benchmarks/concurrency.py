"""The `concurrency` section: many readers ask at once through the web API of one process while the
stand-in model streams every answer over `model_seconds` (2.0 s in the full run). The async answer
path (the default, ASSISTANT_WEB_STREAMS=200) against the 8-slot design it replaced, measured in the
same run: the same server with ASSISTANT_WEB_STREAMS=8, so eight answers run and the rest queue,
as with Gradio's `default_concurrency_limit=8` before. The readers call `/gradio_api/call/ask`, which
the server answers beside Gradio's queue (assistant/web/api.py), as any script over HTTP would.

    python -m benchmarks.concurrency [--readers 100] [--rounds 2] [--model-seconds 2.0]

The server runs in its own process (as deployed); the readers are one asyncio loop of light HTTP
clients in this one, and the stand-in model a thread server here too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.evaluation.metrics import percentile
from benchmarks.load_test import UNTHROTTLED
from benchmarks.standin import stand_in_reply
from benchmarks.web_throughput import QUESTIONS, child_server
from testkit.aio import finish
from testkit.api_client import call_api, new_session, reader_http
from testkit.fake_openai import FakeOpenAI, Fault
from testkit.isolated import make_settings

DESIGNS = {"async": 200, "8_slots": 8}  # ASSISTANT_WEB_STREAMS for each design
ANSWER_TIMEOUT_S = 300.0


@contextmanager
def answer_server(model_url: str, streams: int, data_dir: Path) -> Iterator[str]:
    """Our app in a child process, answering with the model at `model_url`; yields its URL."""
    args = ["--serve", "--model-url", model_url, "--streams", str(streams), "--data", str(data_dir)]
    with child_server("benchmarks.concurrency", *args) as url:
        yield url


def serve(port: int, model_url: str, streams: int, data_dir: Path) -> None:
    """The app as `python app.py` runs it (`assistant.web.server.serve`), on `port`."""
    from assistant.web.server import serve as serve_app

    settings = make_settings(
        data_dir,
        **UNTHROTTLED,
        llm="auto",
        openai_base_url=model_url,
        openai_api_key="benchmark",
        model="stand-in",
        daily_llm_token_budget=0,
        web_streams=streams,
        queue_max_size=1_000,
        server_name="127.0.0.1",
        server_port=port,
    )
    serve_app(settings)


async def readers_at_once(url: str, readers: int, rounds: int) -> dict:
    """`readers` readers start together; each asks `rounds` questions in a row."""
    latencies: list[float] = []
    errors: list[str] = []

    async def reader(n: int) -> None:
        async with reader_http(timeout=ANSWER_TIMEOUT_S) as http:
            session = new_session()
            for r in range(rounds):
                started = time.perf_counter()
                try:
                    reply = await call_api(http, url, "ask", [QUESTIONS[(n + r) % 4]], session)
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
                    continue
                if not isinstance(reply, dict) or not reply.get("record_id"):
                    errors.append(f"no record id: {str(reply)[:120]}")
                    continue
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(reader(n) for n in range(readers)))
    elapsed = time.perf_counter() - started
    summary = {f"p{q}": round(percentile(latencies, q), 3) for q in (50, 95, 99)} if latencies else {}
    return {
        "answers": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 2),
        "answers_per_s": round(len(latencies) / elapsed, 2),
        "latency_s": {**summary, "max": round(max(latencies), 3) if latencies else None},
    }


def measure_concurrency(readers: int = 100, rounds: int = 2, model_seconds: float = 2.0) -> dict:
    """Each design in turn, on a fresh server process, against one stand-in model."""
    results: dict = {"readers": readers, "rounds": rounds, "model_seconds": model_seconds}
    with FakeOpenAI(reply=stand_in_reply) as model, tempfile.TemporaryDirectory() as data:
        model.fault = Fault.stream_stall(after_chunks=1, seconds=model_seconds)
        for design, streams in DESIGNS.items():
            calls_before = len(model.requests)
            with answer_server(model.base_url, streams, Path(data) / design) as url:
                finish(readers_at_once(url, 1, 1))  # warm: first answer loads what is lazy
                run = finish(readers_at_once(url, readers, rounds))
            run["model_calls"] = len(model.requests) - calls_before - 1
            results[design] = {"web_streams": streams, **run}
    p95 = {design: results[design]["latency_s"].get("p95") for design in DESIGNS}
    results["llm_concurrent_p95_s"] = p95["async"]
    results["llm_concurrent_p95_s_8_slots"] = p95["8_slots"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model-seconds", type=float, default=2.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-url", help=argparse.SUPPRESS)
    parser.add_argument("--streams", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.port, args.model_url, args.streams, args.data)
        return 0
    print(json.dumps(measure_concurrency(args.readers, args.rounds, args.model_seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
