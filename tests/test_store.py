"""The question log: nothing a reader asked is lost, whatever the database or the process does.

The same behaviour runs against SQLite and a real PostgreSQL (tests/pg.py). Failures are real:
SQLite is locked by another connection, PostgreSQL is stopped, the writing process is SIGKILLed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.answer import Answer, Citation, Usage
from assistant.errors import ConfigError
from assistant.settings import Settings
from assistant.spool import Spool
from assistant.store import QuestionLog, open_question_log
from assistant.store_db import build_engine, create_schema, database_url, feedback, questions
from assistant.store_records import answer_record, record_to_row
from tests.isolated import make_settings
from tests.pg import PostgresServer, postgres_server  # noqa: F401  (fixture)

LONG_QUESTION = ("Why does my lower back ache after long runs? 🏃‍♀️ Ünïcödé — 「腰痛」 " * 400)[:20_000]


@dataclass
class Backend:
    """Where a test's log lives, and how to take that database away for a while."""

    name: str
    settings: Settings
    server: PostgresServer | None = None

    @property
    def url(self) -> str:
        return database_url(self.settings.database_url, self.settings.data_dir)

    @contextmanager
    def unavailable(self) -> Iterator[None]:
        if self.server is not None:
            self.server.stop()
            try:
                yield
            finally:
                self.server.start()
        else:
            with sqlite_locked(self.settings.data_dir / "questions.db"):
                yield

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        """How many times each question id and each feedback id is in the database."""
        engine = build_engine(self.url)
        create_schema(engine)
        with engine.connect() as conn:
            asked = Counter(conn.execute(select(questions.c.id)).scalars())
            rated = Counter(conn.execute(select(feedback.c.id)).scalars())
        engine.dispose()
        return asked, rated


@contextmanager
def sqlite_locked(path: Path) -> Iterator[None]:
    """Another connection holding the write lock, as a long migration or a stuck process would."""
    create_schema(build_engine(f"sqlite:///{path}"))
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return Backend("sqlite", store_settings(tmp_path))
    server = request.getfixturevalue("postgres_server")
    if not server.is_running():
        server.start()
    return Backend("postgresql", store_settings(tmp_path, database_url=server.create_database()), server)


@pytest.fixture
def open_log() -> Iterator[Callable[..., QuestionLog]]:
    """Open logs that are closed after the test, even when it fails."""
    opened: list[QuestionLog] = []

    def opener(settings: Settings) -> QuestionLog:
        opened.append(open_question_log(settings))
        return opened[-1]

    yield opener
    for log in opened:
        log.close()


def store_settings(data_dir: Path, **overrides: object) -> Settings:
    """Isolated settings; SQLite unless a database URL is given (even if DATABASE_URL is set)."""
    return make_settings(data_dir, **{"database_url": None, **overrides})


def sample_answer(question: str = "Why does my back hurt after runs?", **fields: object) -> Answer:
    values: dict = {
        "question": question,
        "text": "A weak core lets your lower back take the load [1].",
        "citations": [
            Citation(1, "aching-back", "Why runners' backs ache", "Core", "Your core “switches off”.")
        ],
        "mode": "extractive",
        "timings_ms": {"retrieve_ms": 3.0, "total_ms": 12.5},
        "usage": Usage(prompt_tokens=120, completion_tokens=40, cost_usd=0.000042),
        "standalone_question": question,
    }
    return Answer(**{**values, **fields})


def spooled_files(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "spool").glob("*.jsonl"))


def rejected(settings: Settings) -> str:
    """Records the database refused and the log set aside (a replayed duplicate must not be one)."""
    path = settings.data_dir / "spool" / "rejected.jsonl.bad"
    return path.read_text() if path.exists() else ""


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


# ------------------------------------------------------------------------------ round trip


def test_answers_and_feedback_round_trip_with_every_field(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    before = datetime.now(timezone.utc)
    answered = sample_answer(
        LONG_QUESTION,
        safety_notice="Numbness needs a doctor or physio — 看医生.",
        mode="llm",
        fallback_reason="uncited answer",
        standalone_question="Why does the lower back ache? ∑",
    )
    first = log.record_answer(answered, session_id="session-ü", client="203.0.113.7")
    abstained = log.record_answer(
        Answer(question="Best running shoes?", text="Not covered.", abstained=True), client="203.0.113.7"
    )
    other_reader = log.record_answer(sample_answer("Dead bug?"), client="198.51.100.1")
    log.record_feedback(first, liked=True)
    log.record_feedback(first, liked=False, comment="Too vague — “more detail” please 🙏\nline two")
    log.record_feedback("no-such-record", liked=True)  # feedback cannot break anything
    assert log.flush(10)

    records = {r.id: r for r in log.questions()}
    assert set(records) == {first, abstained, other_reader}
    got = records[first]
    assert got.question == LONG_QUESTION and len(got.question) == 20_000
    assert got.answer == answered.text
    assert got.standalone_question == "Why does the lower back ache? ∑"
    assert (got.mode, got.abstained, got.fallback_reason) == ("llm", False, "uncited answer")
    assert got.safety_notice == "Numbness needs a doctor or physio — 看医生."
    assert got.citations == [
        {"n": 1, "doc_id": "aching-back", "section": "Core", "text": "Your core “switches off”."}
    ]
    assert got.latency_ms == pytest.approx(12.5)
    assert (got.prompt_tokens, got.completion_tokens) == (120, 40)
    assert got.cost_usd == pytest.approx(0.000042)
    assert got.session_id == "session-ü"
    assert before <= got.created_at <= datetime.now(timezone.utc)
    # The latest feedback is the one shown.
    assert (got.liked, got.comment) == (False, "Too vague — “more detail” please 🙏\nline two")
    assert records[abstained].abstained and records[abstained].liked is None
    # Readers' addresses are stored only as a salted hash: stable per reader, distinct between them.
    assert "203.0.113.7" not in (got.client or "") and len(got.client or "") == 32
    assert records[abstained].client == got.client != records[other_reader].client
    assert records[abstained].session_id is None


def test_questions_since_filters_by_time(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    log.record_answer(sample_answer())
    assert log.flush(10)
    assert len(log.questions(since=datetime.now(timezone.utc) - timedelta(hours=1))) == 1
    assert log.questions(since=datetime.now(timezone.utc) + timedelta(hours=1)) == []
    assert len(log.questions(since=datetime.utcnow() - timedelta(minutes=5))) == 1  # naive means UTC


def test_text_no_database_can_hold_is_replaced_not_lost(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    record_id = log.record_answer(sample_answer("nul\x00 and a lone surrogate \ud800 here"))
    assert log.flush(10)
    (got,) = log.questions()
    assert (got.id, got.question) == (record_id, "nul\ufffd and a lone surrogate \ufffd here")


def test_recording_never_raises_even_for_a_broken_answer(tmp_path: Path, open_log) -> None:
    log = open_log(store_settings(tmp_path))
    record_id = log.record_answer(None)  # type: ignore[arg-type]
    assert len(record_id) == 32
    assert log.flush(10)
    assert log.questions() == []


# ------------------------------------------------------------------------------ database away


def test_record_answer_returns_fast_while_the_database_is_unreachable(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    log.record_answer(sample_answer("warm-up"))
    assert log.flush(10)
    ids, latencies = [], []
    with backend.unavailable():
        for i in range(40):
            started = time.perf_counter()
            ids.append(log.record_answer(sample_answer(f"asked while down {i}")))
            latencies.append(time.perf_counter() - started)
        log.record_feedback(ids[0], liked=False, comment="while down")
        # Genuinely down: nothing can be committed, the records wait in the spool.
        assert not log.flush(timeout=1.5)
        assert spooled_files(backend.settings)
    # The SQLite lock (busy timeout 1 s) or the PostgreSQL connect would show as seconds here.
    assert statistics.median(latencies) < 0.05, latencies
    assert max(latencies) < 0.5, latencies
    assert log.flush(15)
    asked, rated = backend.counts()
    assert all(asked[i] == 1 for i in ids) and len(asked) == 41
    assert sum(rated.values()) == 1
    assert not spooled_files(backend.settings) and not rejected(backend.settings)


@pytest.mark.slow
def test_log_opened_while_postgres_is_down_catches_up_when_it_starts(
    postgres_server: PostgresServer,  # noqa: F811
    tmp_path: Path,
    open_log,
) -> None:
    backend = Backend("postgresql", store_settings(tmp_path, database_url=postgres_server.create_database()))
    postgres_server.stop()
    try:
        started = time.perf_counter()
        log = open_log(backend.settings)  # cannot even create the tables yet
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(20)]
        assert time.perf_counter() - started < 1.0
        assert not log.flush(timeout=1.0)
    finally:
        postgres_server.start()
    assert log.flush(15)
    asked, _ = backend.counts()
    assert sorted(asked) == sorted(ids) and set(asked.values()) == {1}


@pytest.mark.slow
def test_postgres_stopped_and_restarted_while_writing_loses_nothing(
    postgres_server: PostgresServer,  # noqa: F811
    tmp_path: Path,
    open_log,
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = Backend("postgresql", store_settings(tmp_path, database_url=postgres_server.create_database()))
    log = open_log(backend.settings)
    ids: list[str] = []
    latencies: list[float] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            ids.append(log.record_answer(sample_answer(f"question {len(ids)}")))
            latencies.append(time.perf_counter() - started)
            time.sleep(0.003)

    writer = threading.Thread(target=keep_asking)
    writer.start()
    try:
        time.sleep(0.4)
        assert log.flush(10)
        committed_before_stop = len(backend.counts()[0])
        postgres_server.stop()
        stopped_at = len(ids)
        time.sleep(1.0)
        assert not log.flush(timeout=0.5), "the server is down: nothing can be committed"
        postgres_server.start()
        restarted_at = len(ids)
        time.sleep(0.5)
    finally:
        stop.set()
        writer.join()
        if not postgres_server.is_running():
            postgres_server.start()
    assert committed_before_stop > 0 and restarted_at - stopped_at > 50  # traffic before and during
    assert any("cannot reach its database" in r.getMessage() for r in caplog.records)
    # The writer catches up by itself (backoff retries), without a flush() nudging it.
    assert wait_until(lambda: len(backend.counts()[0]) == len(ids), timeout=10)
    assert log.flush(15)
    asked, _ = backend.counts()
    assert Counter(ids) == asked  # every record, exactly once
    assert not rejected(backend.settings)
    assert max(latencies) < 0.5


def test_backoff_doubles_to_its_cap_and_brisk_flush_retries_do_not_grow_it(tmp_path: Path) -> None:
    from assistant.store_writer import SpoolWriter

    writer = SpoolWriter(Spool(tmp_path), build_engine("sqlite://"), record_to_row, retry_max_s=1.0)
    assert [writer._backoff(flush_waiting=False) for _ in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    writer._retry_delay = 0.1
    assert {writer._backoff(flush_waiting=True) for _ in range(20)} == {0.1}
    assert writer._backoff(flush_waiting=False) == 0.2  # as if the flush retries never happened


# ------------------------------------------------------------------------------ process killed

KILLED_WRITER = """
import sys, time
from assistant.answer import Answer
from assistant.settings import load_settings
from assistant.store import open_question_log

data_dir, url, count, ending = sys.argv[1], sys.argv[2] or None, int(sys.argv[3]), sys.argv[4]
log = open_question_log(load_settings(data_dir=data_dir, database_url=url))
print("ready", flush=True)
for i in range(count):
    record_id = log.record_answer(Answer(question=f"question {i}", text=f"answer {i}"), client="10.0.0.1")
    feedback_id = log.record_feedback(record_id, i % 2 == 0, f"comment {i}")
    print(record_id, feedback_id, flush=True)  # accepted: both calls have returned
    time.sleep(0.002)
if ending == "kill":
    time.sleep(60)  # the test SIGKILLs us long before
"""


def run_writer_process(settings: Settings, count: int, ending: str, kill_after: int | None) -> list[str]:
    """Run KILLED_WRITER; SIGKILL it after `kill_after` accepted records. Returns accepted ids."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "DATABASE_URL"))}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_WRITER,
            str(settings.data_dir),
            settings.database_url or "",
            str(count),
            ending,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=settings.data_dir,  # no .env from the checkout
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    accepted: list[str] = []
    for line in process.stdout:
        accepted.extend(line.split())
        if kill_after is not None and len(accepted) >= 2 * kill_after:
            process.send_signal(signal.SIGKILL)
            break
    accepted.extend(
        w for line in process.stdout.read().splitlines() if len(line.split()) == 2 for w in line.split()
    )
    returncode = process.wait(30)
    assert returncode == (-signal.SIGKILL if kill_after is not None else 0)
    return accepted


@pytest.mark.slow
@pytest.mark.parametrize(
    "name,database",
    [("sqlite", "locked"), ("sqlite", "live"), ("postgresql", "live"), ("postgresql", "down")],
)
def test_sigkilled_writer_loses_no_accepted_record(
    name: str, database: str, tmp_path: Path, open_log, request: pytest.FixtureRequest
) -> None:
    if name == "sqlite":
        backend = Backend(name, store_settings(tmp_path))
    else:
        server = request.getfixturevalue("postgres_server")
        backend = Backend(name, store_settings(tmp_path, database_url=server.create_database()), server)
    if database == "live":
        accepted = run_writer_process(backend.settings, 400, "kill", kill_after=150)
    else:
        with backend.unavailable():
            accepted = run_writer_process(backend.settings, 400, "kill", kill_after=150)
            # Genuine: the killed process committed nothing, every accepted record is only spooled.
            left = [json.loads(line)["id"] for f in spooled_files(backend.settings) for line in f.open()]
        assert set(accepted) <= set(left)
        assert sum(backend.counts()[0].values()) == 0
    assert len(accepted) >= 300
    log = open_log(backend.settings)  # the next start replays what the killed process left
    assert log.flush(15)
    asked, rated = backend.counts()
    stored = asked + rated
    assert all(stored[i] == 1 for i in accepted)
    assert len(asked) < 400  # it really died mid-way
    assert not spooled_files(backend.settings) and not rejected(backend.settings)


@pytest.mark.slow
def test_records_are_written_at_exit_without_an_explicit_close(tmp_path: Path) -> None:
    settings = store_settings(tmp_path)
    with sqlite_locked(settings.data_dir / "questions.db"):
        pass  # schema exists, so the count below reads a real table
    accepted = run_writer_process(settings, 50, "exit", kill_after=None)
    asked, rated = Backend("sqlite", settings).counts()
    assert set(asked + rated) == set(accepted)
    assert not spooled_files(settings)


# ------------------------------------------------------------------------------ spool and replay


def test_torn_spool_line_is_skipped_and_the_other_lines_are_replayed(tmp_path: Path, open_log) -> None:
    settings = store_settings(tmp_path)
    spool = settings.data_dir / "spool"
    spool.mkdir(parents=True)
    good = [answer_record(f"{i:032x}", sample_answer(f"q{i}"), None, None) for i in range(3)]
    bad_date = {**answer_record("f" * 32, sample_answer("bad date"), None, None), "created_at": "yesterday"}
    lines = [json.dumps(good[0]), "{not json", json.dumps(good[1]), "[1, 2]", json.dumps(bad_date)]
    lines += [json.dumps(good[2])]
    torn = json.dumps(answer_record("e" * 32, sample_answer("torn"), None, None))[:57]
    (spool / "00000000000000000001-1-deadbeef.jsonl").write_text("\n".join(lines) + "\n" + torn)

    log = open_log(settings)
    assert log.flush(10)
    assert sorted(r.id for r in log.questions()) == [g["id"] for g in good]
    assert not spooled_files(settings)
    # A record the database refuses is kept aside, not dropped and not retried forever.
    rejected = (spool / "rejected.jsonl.bad").read_text()
    assert "bad date" in rejected


def test_replaying_already_committed_records_adds_no_duplicates(tmp_path: Path, open_log) -> None:
    """A process killed after its batch committed but before the segment was deleted."""
    settings = store_settings(tmp_path)
    log = open_log(settings)
    with sqlite_locked(settings.data_dir / "questions.db"):
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(10)]
        log.writer.spool.seal()
        copies = {path: path.read_bytes() for path in spooled_files(settings)}
    assert copies
    assert log.flush(10)
    for path, data in copies.items():
        path.write_bytes(data)
    again = open_log(settings)
    assert again.flush(10)
    asked, _ = Backend("sqlite", settings).counts()
    assert sorted(asked) == sorted(ids) and set(asked.values()) == {1}
    assert not spooled_files(settings) and not rejected(settings)


def test_close_leaves_what_it_cannot_write_in_the_spool_for_next_start(tmp_path: Path, open_log) -> None:
    settings = store_settings(tmp_path)
    with sqlite_locked(settings.data_dir / "questions.db"):
        log = open_log(settings)
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(5)]
        started = time.perf_counter()
        log.close()
        assert time.perf_counter() - started < 6
        assert spooled_files(settings)
    assert Backend("sqlite", settings).counts()[0] == Counter()
    reopened = open_log(settings)
    assert reopened.flush(10)
    assert sorted(r.id for r in reopened.questions()) == sorted(ids)


def test_a_spool_disk_hiccup_keeps_the_record_in_memory(tmp_path: Path, open_log, monkeypatch) -> None:
    log = open_log(store_settings(tmp_path))
    calls = []

    def failing_append(record: dict) -> None:
        calls.append(record)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(log.spool, "append", failing_append)
    record_id = log.record_answer(sample_answer())
    assert calls and log.flush(10)
    assert [r.id for r in log.questions()] == [record_id]


# ------------------------------------------------------------------------------ concurrency


def test_concurrent_writers_from_threads_each_land_once(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    ids: list[str] = []
    lock = threading.Lock()

    def ask(worker: int) -> None:
        for i in range(40):
            record_id = log.record_answer(
                sample_answer(f"worker {worker} question {i}"), session_id=str(worker)
            )
            feedback_id = log.record_feedback(record_id, liked=i % 3 != 0)
            with lock:
                ids.extend([record_id, feedback_id])

    threads = [threading.Thread(target=ask, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert log.flush(15)
    asked, rated = backend.counts()
    assert asked + rated == Counter(ids) and len(ids) == 640


def test_two_logs_sharing_a_data_dir_never_lose_or_double_records(tmp_path: Path, open_log) -> None:
    """Two app processes on one machine: each appends to its own locked segment."""
    settings = store_settings(tmp_path)
    first, second = open_log(settings), open_log(settings)
    ids = []
    for i in range(30):
        ids.append(first.record_answer(sample_answer(f"a{i}")))
        ids.append(second.record_answer(sample_answer(f"b{i}")))
    assert first.flush(10) and second.flush(10)
    asked, _ = Backend("sqlite", settings).counts()
    assert asked == Counter(ids)


# ------------------------------------------------------------------------------ configuration


@pytest.mark.parametrize(
    "given",
    ["postgresql://u:p@db:5432/app", "postgres://u:p@db:5432/app", "postgresql+psycopg://u:p@db:5432/app"],
)
def test_postgres_urls_are_rewritten_for_psycopg_3(given: str, tmp_path: Path) -> None:
    assert database_url(given, tmp_path) == "postgresql+psycopg://u:p@db:5432/app"


def test_unsupported_database_url_is_a_clear_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL must start with postgresql://"):
        open_question_log(store_settings(tmp_path, database_url="mysql://u@h/app"))


def test_unwritable_data_folder_is_a_clear_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="needs a writable data folder"):
        open_question_log(store_settings(blocker / "data"))


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/app")
    assert make_settings(tmp_path).database_url == "postgres://u@db/app"
