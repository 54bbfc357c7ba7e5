"""Load test: many API clients at once on loopback for a fixed time, then every question and every
thumbs up/down they were told was taken is looked for in the question log.

Each client is its own `gradio_client.Client` (its own session) in a thread. It asks the eval
questions through `/ask`, and after some answers sends feedback through `/feedback` with the
record id it got back. Nothing here trusts the server's word: the report compares what clients
were acknowledged against the rows in the database (lost and duplicated must both be zero).

    python -m benchmarks.load_test --clients 32 --seconds 60 [--database-url postgresql://...]

Everything is bounded: clients stop starting requests at the deadline, each request has a
timeout, each client a request cap, and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import yaml
from sqlalchemy import select

from assistant.answering.inputs import clean_question
from assistant.answering.pipeline import Assistant
from assistant.errors import InvalidQuestion
from assistant.evaluation.metrics import percentile
from assistant.questionlog.database import feedback, questions
from assistant.questionlog.store import QuestionLog, open_question_log
from assistant.settings import PROJECT_ROOT, Settings
from assistant.web.server import create_app
from benchmarks.machine import machine_info
from testkit.isolated import make_settings
from testkit.loopback import LiveServer

CASES = PROJECT_ROOT / "evals" / "cases.yaml"
FEEDBACK_SHARE = 0.3  # about one answer in three gets a thumbs, as an engaged reader might
CONNECT_TIMEOUT_S = 60.0  # for every client to fetch the app's config before the clock starts
REQUEST_TIMEOUT_S = 30.0  # one request; past it the client counts an error and moves on
MAX_REQUESTS_PER_CLIENT = 20_000  # a hard cap on count, whatever the machine's speed
FLUSH_TIMEOUT_S = 120.0
SAMPLE_ERRORS = 10
# Limits opened up: every client is 127.0.0.1, so the real per-reader limit would throttle the run.
# Every client is on loopback, so the per-address limits (questions, and requests held open) are lifted.
UNTHROTTLED = {
    "rate_limit_per_minute": 10_000_000,
    "rate_limit_burst": 10_000_000,
    "events_per_minute": 10_000_000,
    "event_burst": 10_000_000,
    "max_open_events_per_client": 1_000,
}

Thumbs = tuple[str, bool, "str | None"]  # (record id, liked, comment as stored)


@dataclass
class ClientRun:
    """What one client did, and what the server acknowledged to it."""

    session_hash: str = ""
    ask_ms: list[float] = field(default_factory=list)
    feedback_ms: list[float] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    thumbs: list[Thumbs] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class StoreCheck:
    """Acknowledged records against the database rows of this run's sessions."""

    questions_expected: int
    questions_found: int
    questions_lost: int
    # Rows of these sessions beyond one per acknowledged answer: a duplicate, or an answer logged
    # whose reply never reached its client. Either way the log and the readers disagree.
    questions_duplicated: int
    feedback_expected: int
    feedback_found: int
    feedback_lost: int
    feedback_duplicated: int
    flushed: bool


@dataclass
class LoadReport:
    """One run's figures: what was served, how fast, and whether the store agrees (`ok`)."""

    clients: int
    seconds: float
    database: str
    elapsed_s: float
    asks: int
    feedback: int
    errors: int
    error_samples: list[str]
    ask_latency_ms: dict[str, float]
    feedback_latency_ms: dict[str, float]
    throughput_per_s: float
    store: StoreCheck

    @property
    def served(self) -> int:
        return self.asks + self.feedback

    def ok(self) -> bool:
        s = self.store
        return (
            not self.errors
            and s.flushed
            and not (s.questions_lost or s.questions_duplicated)
            and not (s.feedback_lost or s.feedback_duplicated)
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "served": self.served, "ok": self.ok()}


# ---------------------------------------------------------------- the app under load


def load_questions(path: Path = CASES, max_chars: int = 2000) -> list[str]:
    """The eval questions the assistant accepts: a refused one (empty, too long) is never logged,
    so it would only blur the count of what must be in the store."""
    found = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
        try:
            clean_question(case.get("question"), max_chars)
        except InvalidQuestion:
            continue
        found.append(case["question"])
    if not found:
        raise SystemExit(f"No usable questions in {path}")
    return found


def load_test_settings(data_dir: Path, database_url: str | None = None, **overrides: object) -> Settings:
    """The embedded default (BM25, extractive, no key), isolated in `data_dir`, unthrottled."""
    return make_settings(data_dir, database_url=database_url, **{**UNTHROTTLED, **overrides})


# ---------------------------------------------------------------- the clients


def timed(call: object, *args: object, api_name: str) -> tuple[object, float]:
    """One API call with a timeout, and how long it took in ms."""
    started = time.perf_counter()
    result = call.submit(*args, api_name=api_name).result(timeout=REQUEST_TIMEOUT_S)  # type: ignore[attr-defined]
    return result, (time.perf_counter() - started) * 1000


def ask_once(client: object, run: ClientRun, question: str) -> str | None:
    """Ask one question; the record id when the server logged the answer, else an error noted."""
    reply, ms = timed(client, question, api_name="/ask")
    run.ask_ms.append(ms)
    record_id = reply.get("record_id") if isinstance(reply, dict) else None
    if not record_id:
        run.errors.append(f"/ask gave no record id: {str(reply)[:120]}")
        return None
    run.records.append(record_id)
    return record_id


def send_thumbs(client: object, run: ClientRun, record_id: str, rng: random.Random) -> None:
    """Thumbs on an answer, with a comment half the time (stored stripped, empty as None)."""
    liked = rng.random() < 0.5
    comment = f"load {run.session_hash[:8]} #{len(run.thumbs)}" if rng.random() < 0.5 else ""
    reply, ms = timed(client, record_id, liked, comment, api_name="/feedback")
    run.feedback_ms.append(ms)
    if reply != "ok":
        run.errors.append(f"/feedback said: {str(reply)[:120]}")
        return
    run.thumbs.append((record_id, liked, comment or None))


def connect(url: str, run: ClientRun) -> object | None:
    """A client with its own session, or None (an error noted) when the app cannot be reached."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False, download_files=False, max_workers=2, analytics_enabled=False)
    except Exception as error:
        run.errors.append(f"connect: {type(error).__name__}: {error}")
        return None
    run.session_hash = client.session_hash
    return client


def client_loop(
    url: str, pool: list[str], seed: int, start: threading.Barrier, deadline: list[float]
) -> ClientRun:
    """One client: connect, wait for the others, then ask and rate until the deadline."""
    run, rng = ClientRun(), random.Random(seed)
    client = connect(url, run)
    try:
        start.wait(timeout=CONNECT_TIMEOUT_S)
    except threading.BrokenBarrierError:
        run.errors.append("the clients never all connected")
        deadline = [0.0]
    while client and time.monotonic() < deadline[0] and len(run.ask_ms) < MAX_REQUESTS_PER_CLIENT:
        try:
            record_id = ask_once(client, run, rng.choice(pool))
            if record_id and rng.random() < FEEDBACK_SHARE:
                send_thumbs(client, run, record_id, rng)
        except Exception as error:
            run.errors.append(f"{type(error).__name__}: {str(error)[:200]}")
    if client:
        client.close()  # type: ignore[attr-defined]
    return run


def drive_clients(url: str, pool: list[str], clients: int, seconds: float) -> tuple[list[ClientRun], float]:
    """All clients together for `seconds` (timed from when every one has connected); returns their
    runs and the elapsed time until the last in-flight request finished."""
    runs: list[ClientRun | None] = [None] * clients
    deadline = [float("inf")]  # set once all are connected, so connecting does not eat the window
    started = [0.0]

    def begin() -> None:
        started[0] = time.monotonic()
        deadline[0] = started[0] + seconds

    barrier = threading.Barrier(clients, action=begin)

    def work(i: int) -> None:
        runs[i] = client_loop(url, pool, seed=i, start=barrier, deadline=deadline)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    hard_stop = time.monotonic() + CONNECT_TIMEOUT_S + seconds + 2 * REQUEST_TIMEOUT_S
    for thread in threads:
        thread.join(timeout=max(0.1, hard_stop - time.monotonic()))
    elapsed = time.monotonic() - started[0] if started[0] else 0.0
    return [run or ClientRun(errors=["client did not finish in time"]) for run in runs], elapsed


# ---------------------------------------------------------------- the store check


def chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_rows(
    log: QuestionLog, sessions: list[str], record_ids: list[str]
) -> tuple[list[str], list[Thumbs]]:
    """Every question row of these sessions (ids, duplicates kept) and every feedback row on these
    records, straight from the tables: `QuestionLog.questions()` folds feedback to the latest."""
    question_ids: list[str] = []
    thumbs: list[Thumbs] = []
    with log.engine.connect() as conn:
        for part in chunks(sessions):
            query = select(questions.c.id).where(questions.c.session_id.in_(part))
            question_ids += [row.id for row in conn.execute(query)]
        for part in chunks(record_ids):
            query = select(feedback.c.record_id, feedback.c.liked, feedback.c.comment)
            thumbs += [tuple(row) for row in conn.execute(query.where(feedback.c.record_id.in_(part)))]
    return question_ids, thumbs


def check_store(log: QuestionLog, runs: list[ClientRun]) -> StoreCheck:
    """Wait for the log to reach the database, then compare it with what clients were told."""
    flushed = log.flush(timeout=FLUSH_TIMEOUT_S)
    expected_ids = Counter(r for run in runs for r in run.records)
    expected_thumbs = Counter(t for run in runs for t in run.thumbs)
    # The log keeps only a salted hash of each session id: look the sessions up by that.
    sessions = [log.session_key(run.session_hash) for run in runs if run.session_hash]
    ids, thumbs = stored_rows(log, sessions, list(expected_ids))
    found_ids, found_thumbs = Counter(ids), Counter(thumbs)
    return StoreCheck(
        questions_expected=sum(expected_ids.values()),
        questions_found=sum((found_ids & expected_ids).values()),
        questions_lost=sum((expected_ids - found_ids).values()),
        questions_duplicated=sum((found_ids - expected_ids).values()),
        feedback_expected=sum(expected_thumbs.values()),
        feedback_found=sum((found_thumbs & expected_thumbs).values()),
        feedback_lost=sum((expected_thumbs - found_thumbs).values()),
        feedback_duplicated=sum((found_thumbs - expected_thumbs).values()),
        flushed=flushed,
    )


# ---------------------------------------------------------------- one run


def latency_summary(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    summary = {f"p{q}": percentile(samples, q) for q in (50, 95, 99)}
    return {key: round(value, 1) for key, value in {**summary, "max": max(samples)}.items()}


def run_load(
    settings: Settings, clients: int, seconds: float, assistant: Assistant | None = None
) -> LoadReport:
    """Serve `settings`' app on loopback, drive it with `clients` for `seconds`, check the store."""
    log = open_question_log(settings)
    server = LiveServer(
        create_app(settings, assistant=assistant, question_log=log), log_level="critical"
    ).start()
    try:
        runs, elapsed = drive_clients(server.url, load_questions(), clients, seconds)
        store = check_store(log, runs)
    finally:
        server.stop()
        log.close()
    errors = [e for run in runs for e in run.errors]
    asks = sum(len(run.ask_ms) for run in runs)
    rated = sum(len(run.feedback_ms) for run in runs)
    return LoadReport(
        clients=clients,
        seconds=seconds,
        database="postgresql" if settings.database_url else "sqlite",
        elapsed_s=round(elapsed, 2),
        asks=asks,
        feedback=rated,
        errors=len(errors),
        error_samples=errors[:SAMPLE_ERRORS],
        ask_latency_ms=latency_summary([ms for run in runs for ms in run.ask_ms]),
        feedback_latency_ms=latency_summary([ms for run in runs for ms in run.feedback_ms]),
        throughput_per_s=round((asks + rated) / elapsed, 1) if elapsed > 0 else 0.0,
        store=store,
    )


def print_table(report: LoadReport, file: object = sys.stderr) -> None:
    s, a, f = report.store, report.ask_latency_ms, report.feedback_latency_ms
    lines = [
        f"{report.clients} clients × {report.seconds:g} s on loopback, {report.database} question log",
        f"served      {report.served:>8}   ({report.asks} asks, {report.feedback} feedback) in {report.elapsed_s} s",
        f"throughput  {report.throughput_per_s:>8} req/s",
        f"errors      {report.errors:>8}",
        f"{'latency ms':<10} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}",
        f"{'/ask':<10} {a['p50']:>8} {a['p95']:>8} {a['p99']:>8} {a['max']:>8}",
        f"{'/feedback':<10} {f['p50']:>8} {f['p95']:>8} {f['p99']:>8} {f['max']:>8}",
        f"{'store':<10} {'expected':>8} {'found':>8} {'lost':>8} {'dup':>8}",
        f"{'questions':<10} {s.questions_expected:>8} {s.questions_found:>8} {s.questions_lost:>8} {s.questions_duplicated:>8}",
        f"{'feedback':<10} {s.feedback_expected:>8} {s.feedback_found:>8} {s.feedback_lost:>8} {s.feedback_duplicated:>8}",
        f"{'PASS' if report.ok() else 'FAIL'}" + ("" if s.flushed else " (the log did not flush in time)"),
    ]
    lines += [f"  error: {e}" for e in report.error_samples]
    print("\n".join(lines), file=file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32, help="concurrent API clients (default 32)")
    parser.add_argument("--seconds", type=float, default=60, help="how long they ask (default 60)")
    parser.add_argument("--database-url", help="a PostgreSQL question log (default: SQLite in a temp dir)")
    parser.add_argument("--concurrency", type=int, default=8, help="answers computed at once (default 8)")
    parser.add_argument("--out", type=Path, help="write the JSON here instead of stdout")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 0 < args.seconds <= 3600:
        parser.error("--clients must be 1..256 and --seconds 0..3600")
    with tempfile.TemporaryDirectory(prefix="assistant-load-") as data_dir:
        settings = load_test_settings(Path(data_dir), args.database_url, web_concurrency=args.concurrency)
        report = run_load(settings, args.clients, args.seconds)
    print_table(report, file=sys.stderr if args.out is None else sys.stdout)
    result = {**report.to_dict(), "concurrency": args.concurrency, "machine": machine_info()}
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    else:
        print(json.dumps(result, indent=2))
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
