"""The `cluster` section: real nginx (Debian's, with deploy/nginx.conf) in front of two replicas
(`python app.py`, as deployed) and a real PostgreSQL, all on loopback. First, one reader spread over
both replicas must be rate-limited exactly as on one. Then a bounded load test of questions and
feedback through nginx, with one replica killed (SIGKILL) midway; afterwards every question and
thumbs a reader was told was taken must be in PostgreSQL exactly once. The replicas share one data
folder, as in compose.yaml: what the killed one had spooled, the survivor writes. The killed one is
then restarted (as compose's restart policy does) before both stop cleanly.

    python -m benchmarks.cluster [--readers 16] [--seconds 40]

Readers are light HTTP clients, each from its own loopback address (127.20.x.y), so nginx and the
app see distinct readers, as on the internet: the per-reader rate limit stays on (the defaults, 6 a
minute with a burst of 5), and each reader asks and rates at most a burst's worth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.evaluation.metrics import percentile
from assistant.questionlog.store import open_question_log
from assistant.settings import PROJECT_ROOT
from benchmarks.coldstart import clean_env
from benchmarks.load_test import FEEDBACK_SHARE, load_questions, stored_rows
from benchmarks.web_throughput import wait_until_up
from testkit.aio import finish
from testkit.api_client import call_api, new_session, reader_http
from testkit.isolated import make_settings
from testkit.loopback import free_port, stop_process
from testkit.nginx import Nginx
from testkit.pg import PostgresServer, find_pg_bin

SALT = "cluster-benchmark-salt"  # replicas share one, as DEPLOY.md asks
RATE_PER_MINUTE, BURST = 6, 5  # the defaults, stated so the check below knows them
FLUSH_TIMEOUT_S = 120.0


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen
    data_dir: Path  # shared by the replicas: the index cache and the question log's spool

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def replica_env(port: int, data_dir: Path, database_url: str) -> dict[str, str]:
    return clean_env(
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        DATABASE_URL=database_url,
        ASSISTANT_DATA_DIR=str(data_dir),
        ASSISTANT_TRUSTED_PROXIES="1",
        ASSISTANT_CLIENT_HASH_SALT=SALT,
        ASSISTANT_EMBEDDINGS="none",
        ASSISTANT_LLM="none",
        ASSISTANT_RATE_LIMIT_PER_MINUTE=str(RATE_PER_MINUTE),
        ASSISTANT_RATE_LIMIT_BURST=str(BURST),
    )


def start_replica(name: str, data_dir: Path, database_url: str, logs: Path) -> Replica:
    """`python app.py` with the deployment's environment; cwd is a temp folder so no `.env` of
    the developer's is read."""
    port = free_port()
    with (logs / f"{name}.log").open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, str(PROJECT_ROOT / "app.py")],
            env=replica_env(port, data_dir, database_url),
            cwd=logs,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    replica = Replica(name, port, process, data_dir)
    wait_until_up(replica.url + "healthz", process)
    return replica


@contextmanager
def cluster(work: Path) -> Iterator[tuple[list[Replica], Nginx, str]]:
    """PostgreSQL, two replicas sharing one data folder, and nginx in front; yields
    (replicas, nginx, database URL). Replicas appended to the list later are stopped too."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    postgres = PostgresServer(bin_dir)
    replicas: list[Replica] = []
    with ExitStack() as stack:
        stack.callback(postgres.destroy)
        postgres.start()
        url = postgres.create_database()
        stack.callback(lambda: [stop_process(r.process, grace_s=15) for r in replicas])
        for name in ("a", "b"):
            # One after the other: the first builds the index, the second loads it.
            replicas.append(start_replica(name, work / "data", url, logs))
        nginx = stack.enter_context(Nginx([r.port for r in replicas], access_log=logs / "nginx-access.log"))
        yield replicas, nginx, url


# ---------------------------------------------------------------- one reader over both replicas


async def admitted_asks(urls: list[str], reader: str, asks: int) -> int:
    """`asks` questions from one reader (their address in X-Forwarded-For, which the replicas trust
    as nginx's), sent to `urls` in turn; how many were answered rather than rate-limited."""
    answered = 0
    async with reader_http() as http:
        http.headers["X-Forwarded-For"] = reader
        for n in range(asks):
            reply = await call_api(
                http, urls[n % len(urls)], "ask", ["How do I do a dead bug?"], new_session()
            )
            answered += bool(isinstance(reply, dict) and reply.get("record_id"))
    return answered


def shared_rate_limit(replicas: list[Replica]) -> dict:
    """A burst plus three questions in quick succession, from one reader on one replica and from
    another reader alternating over both: with shared buckets both get exactly the burst."""
    asks = BURST + 3
    one = finish(admitted_asks([replicas[0].url], "203.0.113.10", asks))
    spread = finish(admitted_asks([r.url for r in replicas], "203.0.113.11", asks))
    return {
        "asks": asks,
        "burst": BURST,
        "answered_on_one": one,
        "answered_spread": spread,
        "shared": one == spread == BURST,
    }


# ---------------------------------------------------------------- the load, with a kill


@dataclass
class ReaderRun:
    """What one reader did and was told; `events` are (seconds since start, what happened)."""

    session: str
    address: str
    records: list[str] = field(default_factory=list)
    thumbs: list[tuple[str, bool, str | None]] = field(default_factory=list)
    ask_s: list[tuple[float, float]] = field(default_factory=list)  # (started at, seconds)
    errors: list[tuple[float, str]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # Gradio event ids, to find the replica in nginx's log
    refused_feedback: list[tuple[float, str]] = field(default_factory=list)


def reader_address(n: int) -> str:
    return f"127.20.{n // 250}.{n % 250 + 1}"


async def one_reader(url: str, n: int, questions: list[str], start: float, rng: random.Random) -> ReaderRun:
    """A burst's worth of calls: questions, and thumbs on about a third of the answers. The first
    GET (as a browser's page load or gradio_client's config fetch) gets nginx's sticky cookie."""
    run = ReaderRun(new_session(), reader_address(n))
    calls = BURST
    async with reader_http(run.address, timeout=60) as http:
        try:
            await http.get(url + "healthz")
        except Exception as error:
            run.errors.append((time.monotonic() - start, f"page: {type(error).__name__}"))
            return run
        while calls > 0:
            asked_at = time.monotonic() - start
            calls -= 1
            try:
                reply = await call_api(http, url, "ask", [rng.choice(questions)], run.session, run.events)
            except Exception as error:
                run.errors.append((asked_at, f"/ask: {type(error).__name__}: {error}"[:160]))
                continue
            run.ask_s.append((asked_at, time.monotonic() - start - asked_at))
            record_id = reply.get("record_id") if isinstance(reply, dict) else None
            if not record_id:
                run.errors.append((asked_at, f"/ask without a record: {str(reply)[:120]}"))
                continue
            run.records.append(record_id)
            if calls > 0 and rng.random() < FEEDBACK_SHARE:
                calls -= 1
                await rate_answer(http, url, run, record_id, rng, start)
    return run


async def rate_answer(
    http: object, url: str, run: ReaderRun, record_id: str, rng: random.Random, start: float
) -> None:
    # No digits in the comment: the log redacts long digit runs as phone numbers.
    liked, comment = rng.random() < 0.5, rng.choice(("clear, thanks", "too vague", "more on breathing?"))
    at = time.monotonic() - start
    try:
        said = await call_api(http, url, "feedback", [record_id, liked, comment], run.session, run.events)  # type: ignore[arg-type]
    except Exception as error:
        run.errors.append((at, f"/feedback: {type(error).__name__}: {error}"[:160]))
        return
    if said == "ok":
        run.thumbs.append((record_id, liked, comment))
    else:
        run.refused_feedback.append((at, str(said)[:160]))


async def load_with_kill(
    url: str, readers: int, seconds: float, victim: Replica
) -> tuple[list[ReaderRun], float, float]:
    """`readers` at a time for `seconds` (each finished reader replaced by a new one); `victim`
    is SIGKILLed halfway. Returns the runs, when the kill happened and the elapsed time."""
    questions, rng = load_questions(), random.Random(7)
    start = time.monotonic()
    runs: list[ReaderRun] = []
    next_reader = 0
    killed_at = -1.0

    async def slot() -> None:
        nonlocal next_reader
        while time.monotonic() - start < seconds:
            n, next_reader = next_reader, next_reader + 1
            runs.append(await one_reader(url, n, questions, start, random.Random(rng.random())))

    async def killer() -> None:
        nonlocal killed_at
        await asyncio.sleep(seconds / 2)
        os.kill(victim.process.pid, signal.SIGKILL)
        killed_at = time.monotonic() - start

    await asyncio.gather(killer(), *(slot() for _ in range(readers)))
    return runs, killed_at, time.monotonic() - start


def upstreams_by_event(access_log: Path) -> dict[str, str]:
    """event id -> the replica address nginx sent its result stream to (from nginx's own log)."""
    found = {}
    for line in access_log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 7 and "/gradio_api/call/" in parts[2] and parts[1] == "GET":
            found[parts[2].rsplit("/", 1)[-1]] = parts[6]
    return found


def store_check(data_dirs: list[Path], database_url: str, runs: list[ReaderRun]) -> dict:
    """The rows in PostgreSQL compared with what readers were told, after the replicas stopped.
    Each data folder's log is opened and flushed first: it should find nothing left to write
    (`flushed` then says only that the database answered)."""
    flushed = True
    for data_dir in data_dirs:
        log = open_question_log(make_settings(data_dir, database_url=database_url, client_hash_salt=SALT))
        flushed = log.flush(timeout=FLUSH_TIMEOUT_S) and flushed
        log.close()
    log = open_question_log(make_settings(data_dirs[0], database_url=database_url, client_hash_salt=SALT))
    try:
        expected = Counter(r for run in runs for r in run.records)
        expected_thumbs = Counter(t for run in runs for t in run.thumbs)
        sessions = [log.session_key(run.session) for run in runs]
        ids, thumbs = stored_rows(log, [s for s in sessions if s], list(expected))
    finally:
        log.close()
    found, found_thumbs = Counter(ids), Counter(thumbs)
    return {
        "flushed": flushed,
        "questions_acknowledged": sum(expected.values()),
        "feedback_acknowledged": sum(expected_thumbs.values()),
        "lost": sum((expected - found).values()) + sum((expected_thumbs - found_thumbs).values()),
        "duplicated": sum(n - 1 for n in found.values() if n > 1)
        + sum(n - 1 for n in found_thumbs.values() if n > 1),
        # Answers logged whose reply never reached the reader (in flight at the kill): kept, not lost.
        "logged_not_acknowledged": sum((found - expected).values()),
    }


def what_readers_saw(runs: list[ReaderRun], killed_at: float, upstreams: dict[str, str], victim: str) -> dict:
    """Around the kill, for readers of each replica: the readers active when it happened, which
    replica their first call went to (from nginx's log), the errors they saw, and latencies."""
    active = [run for run in runs if run.ask_s and run.ask_s[0][0] <= killed_at <= run.ask_s[-1][0] + 5]
    summary = {}
    for name, on in (("killed_replica", True), ("surviving_replica", False)):
        group = [r for r in active if r.events and (upstreams.get(r.events[0], "").endswith(victim) == on)]
        errors = [msg for run in group for _, msg in run.errors]
        summary[name] = {
            "readers_active_at_kill": len(group),
            "readers_with_an_error": sum(bool(run.errors) for run in group),
            "errors": len(errors),
            "error_samples": sorted({msg[:120] for msg in errors})[:4],
            "feedback_refused": sum(len(run.refused_feedback) for run in group),
            "answered_after_kill": sum(1 for run in group for at, _ in run.ask_s if at > killed_at),
        }
    after = [s for run in runs for at, s in run.ask_s if at > killed_at]
    before = [s for run in runs for at, s in run.ask_s if at < killed_at]
    summary["ask_p95_s_before_kill"] = round(percentile(before, 95), 3) if before else None
    summary["ask_p95_s_after_kill"] = round(percentile(after, 95), 3) if after else None
    summary["errors_all_readers"] = sum(len(run.errors) for run in runs)
    return summary


def measure_cluster(work: Path, readers: int = 16, seconds: float = 40.0) -> dict:
    with cluster(work) as (replicas, nginx, url):
        rate = shared_rate_limit(replicas)
        victim = replicas[0]
        runs, killed_at, elapsed = finish(load_with_kill(nginx.url, readers, seconds, victim))
        upstreams = upstreams_by_event(work / "logs" / "nginx-access.log")
        replicas.append(start_replica("a-restarted", victim.data_dir, url, work / "logs"))
        for replica in replicas[1:]:  # clean stops: each flushes its log
            stop_process(replica.process, grace_s=15)
        store = store_check([victim.data_dir], url, runs)
    answers = sum(len(run.records) for run in runs)
    return {
        "readers_at_once": readers,
        "seconds": seconds,
        "killed_replica_at_s": round(killed_at, 2),
        "elapsed_s": round(elapsed, 2),
        "rate_limit": rate,
        "answers": answers,
        "answers_per_s": round(answers / elapsed, 2) if elapsed else 0.0,
        "replicas_seen_by_nginx": sorted({a.strip(",") for a in upstreams.values()}),
        "readers_saw": what_readers_saw(runs, killed_at, upstreams, f":{victim.port}"),
        "store": store,
        "cluster_records_lost": store["lost"],
        "cluster_records_duplicated": store["duplicated"],
        "cluster_shared_rate_limit": rate["shared"],
        "cluster_answers_per_s": round(answers / elapsed, 2) if elapsed else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="assistant-cluster-") as work:
        print(json.dumps(measure_cluster(Path(work), args.readers, args.seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
