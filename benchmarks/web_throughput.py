"""Throughput through the web: answers a second with 1, 4, 16 and 64 concurrent `gradio_client`
clients on loopback, our chat against the echo chat of `web_latency`. Each server runs in its own
process (as deployed), so the clients' threads do not share its interpreter lock. Every level is
bounded by a request count and a time limit.

    python -m benchmarks.web_throughput [--clients 1 4 16 64]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from benchmarks.coldstart import clean_env
from benchmarks.stats import median_of_runs, p50_p95
from testkit.loopback import free_port, stop_process

CLIENTS = (1, 4, 16, 64)
QUESTIONS = (
    "How do I do a dead bug?",
    "Why does my back ache after long runs?",
    "Which muscles make up the core?",
    "How often should runners train their core?",
    "What shoes should I buy for a marathon?",
)
START_TIMEOUT_S = 120
APPS = ("ours", "echo")


@contextmanager
def server_process(app: str, data_dir: Path) -> Iterator[str]:
    """`app` ("ours" or "echo") served by uvicorn in a child process; yields its base URL."""
    with child_server("benchmarks.web_throughput", "--serve", app, "--data", str(data_dir)) as url:
        yield url


@contextmanager
def child_server(module: str, *args: str) -> Iterator[str]:
    """`python -m module ARGS --port P`, a server in a child process with a clean environment, until
    the block ends; yields its base URL once it answers."""
    port = free_port()
    command = [sys.executable, "-m", module, *args, "--port", str(port)]
    process = subprocess.Popen(
        command, env=clean_env(), cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        stop_process(process)


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"benchmark server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"benchmark server at {url} did not start within {START_TIMEOUT_S} s")


def connect(url: str, clients: int) -> list:
    """`clients` gradio_client sessions, each warmed by one answer (connecting costs ~0.5 s each,
    so the sessions are shared by every level)."""
    from gradio_client import Client

    pool = [Client(url, verbose=False, download_files=False, analytics_enabled=False) for _ in range(clients)]
    for client in pool:
        client.predict(QUESTIONS[0], api_name="/chat")
    return pool


def level_throughput(pool: Sequence[object], max_requests: int, max_seconds: float) -> dict:
    """One thread per session in `pool`; together they ask `max_requests` questions (or stop at
    `max_seconds`)."""
    claimed, latencies, errors = [0], [], [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def work(client: object) -> None:
        while time.perf_counter() < deadline:
            with lock:
                if claimed[0] >= max_requests:
                    return
                claimed[0] += 1
                n = claimed[0]
            started = time.perf_counter()
            try:
                client.predict(QUESTIONS[n % len(QUESTIONS)], api_name="/chat")  # type: ignore[attr-defined]
            except Exception:  # counted, not fatal: the figure is how many answers came back
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(client,)) for client in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "clients": len(pool),
        "answers": len(latencies),
        "errors": errors[0],
        "seconds": round(seconds, 3),
        "answers_per_s": round(len(latencies) / seconds, 2),
        "latency_ms": p50_p95(latencies) if latencies else None,
    }


def measure_throughput(
    levels: Sequence[int] = CLIENTS,
    per_client: int = 4,
    min_requests: int = 30,
    max_seconds: float = 30,
    runs: int = 3,
) -> dict:
    """Both servers up at once and measured in turn, level by level, `runs` times: load from other
    work then falls on both alike. Each level's figures are medians over the runs."""
    requests = {n: max(min_requests, n * per_client) for n in levels}
    samples: dict[str, dict[int, list[dict]]] = {app: {n: [] for n in levels} for app in APPS}
    with tempfile.TemporaryDirectory() as data_dir, ExitStack() as stack:
        urls = {app: stack.enter_context(server_process(app, Path(data_dir))) for app in APPS}
        pools = {app: connect(url, max(levels)) for app, url in urls.items()}
        for _ in range(runs):
            for n in levels:
                for app in APPS:
                    samples[app][n].append(level_throughput(pools[app][:n], requests[n], max_seconds))
        for pool in pools.values():
            for client in pool:
                client.close()
    return {
        "levels": list(levels),
        "runs": runs,
        "requests_per_level": {str(n): count for n, count in requests.items()},
        "max_seconds_per_level": max_seconds,
        **{app: [median_level(samples[app][n]) for n in levels] for app in APPS},
    }


def median_level(runs: Sequence[dict]) -> dict:
    latencies = [run["latency_ms"] for run in runs if run["latency_ms"]]
    return {
        "clients": runs[0]["clients"],
        "answers": sum(run["answers"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "answers_per_s": round(statistics.median(run["answers_per_s"] for run in runs), 2),
        "latency_ms": median_of_runs(latencies) if latencies else None,
        "answers_per_s_runs": [run["answers_per_s"] for run in runs],
    }


def serve(app: str, port: int, data_dir: Path) -> None:
    import uvicorn

    from benchmarks.web_latency import echo_app, our_app

    asgi = our_app(data_dir) if app == "ours" else echo_app()
    uvicorn.run(asgi, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=list(CLIENTS))
    parser.add_argument("--serve", choices=["ours", "echo"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.data)
        return 0
    print(json.dumps(measure_throughput(args.clients), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
