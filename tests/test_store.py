"""The question log: nothing a reader asked is lost, whatever the database or the process does.

The same behaviour runs against SQLite and a real PostgreSQL (testkit/pg.py). Failures are real:
SQLite is locked by another connection, PostgreSQL is stopped, the writing process is SIGKILLed,
the outbox's disk is full.
"""

from __future__ import annotations

import json
import os
import shutil
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
from sqlalchemy import inspect, select

from assistant.answer import Answer, Citation, Usage
from assistant.errors import ConfigError
from assistant.questionlog.database import (
    SchemaMismatch,
    build_engine,
    database_url,
    feedback,
    insert_ignoring_duplicates,
    metadata,
    questions,
)
from assistant.questionlog.outbox import Outbox
from assistant.questionlog.records import answer_record, feedback_record, record_to_row
from assistant.questionlog.schema import HEAD, MIGRATIONS, current_revision, upgrade_schema
from assistant.questionlog.store import QuestionLog, RecordNotKept, open_question_log
from assistant.settings import Settings
from testkit.isolated import make_settings
from testkit.pg import PostgresServer, postgres_server  # noqa: F401  (fixture)

# The database and spool release 5715e69 left, frozen: see write_old_log.py there.
OLD_RELEASE = Path(__file__).parent / "fixtures" / "questionlog_5715e69"
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
        upgrade_schema(engine)
        with engine.connect() as conn:
            asked = Counter(conn.execute(select(questions.c.id)).scalars())
            rated = Counter(conn.execute(select(feedback.c.id)).scalars())
        engine.dispose()
        return asked, rated

    def insert(self, records: list[dict]) -> None:
        """Rows straight into the database, as an older version (or an older day) left them."""
        engine = build_engine(self.url)
        upgrade_schema(engine)
        with engine.begin() as conn:
            for record in records:
                kind, row = record_to_row(record)
                insert_ignoring_duplicates(conn, kind, [row])
        engine.dispose()

    def execute(self, statement: str) -> None:
        engine = build_engine(self.url)
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
        engine.dispose()

    def rows(self, table) -> list[dict]:
        engine = build_engine(self.url)
        with engine.connect() as conn:
            found = [dict(row._mapping) for row in conn.execute(select(table))]
        engine.dispose()
        return found


@contextmanager
def sqlite_locked(path: Path) -> Iterator[None]:
    """Another connection holding the write lock, as a long migration or a stuck process would."""
    upgrade_schema(build_engine(f"sqlite:///{path}"))
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


def outbox_rows(settings: Settings, table: str = "outbox") -> list[str]:
    """The records waiting in the outbox (or set aside in its `rejected` table), as JSON text."""
    path = settings.data_dir / "outbox.db"
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute(f"SELECT record FROM {table} ORDER BY seq")]


def waiting(settings: Settings) -> list[str]:
    """Ids of the records in the outbox, not yet in the database."""
    return [json.loads(text)["id"] for text in outbox_rows(settings)]


def rejected(settings: Settings) -> str:
    """Records the database refused and the log set aside (a replayed duplicate must not be one)."""
    return "\n".join(outbox_rows(settings, "rejected"))


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
    assert got.session_id == log.session_key("session-ü") != "session-ü"
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


# ------------------------------------------------------------------------------ schema and migrations


def load_old_release_log(backend: Backend) -> None:
    """The question log as release 5715e69 left it: two answers and their feedback in the
    database, one more answer still in its JSONL spool."""
    backend.settings.data_dir.mkdir(parents=True, exist_ok=True)
    if backend.server is None:
        with sqlite3.connect(backend.settings.data_dir / "questions.db") as conn:
            conn.executescript((OLD_RELEASE / "sqlite.sql").read_text())
    else:
        import psycopg

        with psycopg.connect(backend.settings.database_url, autocommit=True) as conn:
            conn.execute((OLD_RELEASE / "postgresql.sql").read_text())
    shutil.copytree(OLD_RELEASE / "spool", backend.settings.data_dir / "spool")


def test_a_log_written_by_release_5715e69_is_upgraded_in_place(backend: Backend, open_log) -> None:
    load_old_release_log(backend)
    settings = backend.settings.model_copy(update={"log_retention_days": 0})  # the old records age
    log = open_log(settings)
    new = log.record_answer(sample_answer("Asked after the upgrade"), session_id="s", client="198.51.100.2")
    log.record_feedback(new, liked=True)
    assert log.flush(10)

    records = {r.question: r for r in log.questions()}
    old_questions = ["Why does my back hurt after runs?", "Best running shoes?"]
    spooled = "Spooled by 5715e69: is a plank enough?"
    assert set(records) == {*old_questions, spooled, "Asked after the upgrade"}
    back, shoes = (records[q] for q in old_questions)
    assert (back.liked, back.session_id, back.citations) == (True, "old-session", [])
    assert (shoes.abstained, shoes.liked, shoes.comment) == (True, False, "Mail me at [email]")
    assert records["Asked after the upgrade"].liked is True
    assert not (settings.data_dir / "spool").exists() or not list((settings.data_dir / "spool").iterdir())
    engine = build_engine(backend.url)
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD
        assert "ix_feedback_created_at" in {i["name"] for i in inspect(conn).get_indexes("feedback")}
    engine.dispose()


def test_migrations_build_exactly_the_tables_the_code_uses(backend: Backend) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = build_engine(backend.url)
    upgrade_schema(engine)
    upgrade_schema(engine)  # at the newest revision already: nothing to do
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
    assert ScriptDirectory(str(MIGRATIONS)).get_current_head() == HEAD


def test_a_column_missing_from_the_database_stops_the_writer_loudly_instead_of_retrying(
    backend: Backend, open_log, caplog: pytest.LogCaptureFixture
) -> None:
    log = open_log(backend.settings)
    assert log.flush(10)
    backend.execute("ALTER TABLE questions DROP COLUMN fallback_reason")
    ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(3)]
    started = time.monotonic()
    assert not log.flush(10)
    assert time.monotonic() - started < 5  # it gave up at once instead of retrying until the timeout
    assert isinstance(log.writer.stopped_by, SchemaMismatch)
    messages = [r.getMessage() for r in caplog.records]
    assert any("stopped writing" in m and "fallback_reason" in m and "schema" in m for m in messages)
    assert not any("cannot reach its database" in m for m in messages)
    assert waiting(backend.settings) == ids  # nothing lost: the records wait for a fixed release


def test_a_database_from_a_newer_release_is_refused_at_start(tmp_path: Path) -> None:
    settings = store_settings(tmp_path)
    open_question_log(settings).close()
    with sqlite3.connect(settings.data_dir / "questions.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(SchemaMismatch, match="0099"):
        open_question_log(settings)


def test_opening_an_up_to_date_log_does_not_import_alembic(tmp_path: Path) -> None:
    """The app's cold start: a log already at the newest revision costs one query, no Alembic."""
    settings = store_settings(tmp_path)
    open_question_log(settings).close()
    code = (
        "import sys; from assistant.settings import load_settings; "
        "from assistant.questionlog.store import open_question_log; "
        f"open_question_log(load_settings(data_dir={str(settings.data_dir)!r}, database_url=None)).close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr


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
        # Genuinely down: nothing can be committed, the records wait in the outbox.
        assert not log.flush(timeout=1.5)
        assert len(waiting(backend.settings)) == 41
    # The SQLite lock (busy timeout 1 s) or the PostgreSQL connect would show as seconds here.
    assert statistics.median(latencies) < 0.05, latencies
    assert max(latencies) < 0.5, latencies
    assert log.flush(15)
    asked, rated = backend.counts()
    assert all(asked[i] == 1 for i in ids) and len(asked) == 41
    assert sum(rated.values()) == 1
    assert not waiting(backend.settings) and not rejected(backend.settings)


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
    from assistant.questionlog.writer import Writer

    writer = Writer(Outbox(tmp_path / "outbox.db"), build_engine("sqlite://"), record_to_row, retry_max_s=1.0)
    assert [writer._backoff(flush_waiting=False) for _ in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    writer._retry_delay = 0.1
    assert {writer._backoff(flush_waiting=True) for _ in range(20)} == {0.1}
    assert writer._backoff(flush_waiting=False) == 0.2  # as if the flush retries never happened


# ------------------------------------------------------------------------------ process killed

KILLED_WRITER = """
import sys, time
from assistant.answer import Answer
from assistant.settings import load_settings
from assistant.questionlog.store import open_question_log

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
            # Genuine: the killed process committed nothing, every accepted record is only in the outbox.
            assert set(accepted) <= set(waiting(backend.settings))
        assert sum(backend.counts()[0].values()) == 0
    assert len(accepted) >= 300
    log = open_log(backend.settings)  # the next start replays what the killed process left
    assert log.flush(15)
    asked, rated = backend.counts()
    stored = asked + rated
    assert all(stored[i] == 1 for i in accepted)
    assert len(asked) < 400  # it really died mid-way
    assert not waiting(backend.settings) and not rejected(backend.settings)


@pytest.mark.slow
def test_records_are_written_at_exit_without_an_explicit_close(tmp_path: Path) -> None:
    settings = store_settings(tmp_path)
    with sqlite_locked(settings.data_dir / "questions.db"):
        pass  # schema exists, so the count below reads a real table
    accepted = run_writer_process(settings, 50, "exit", kill_after=None)
    asked, rated = Backend("sqlite", settings).counts()
    assert set(asked + rated) == set(accepted)
    assert not waiting(settings)


# ------------------------------------------------------------------------------ outbox and replay


def test_an_old_releases_spool_is_adopted_with_its_torn_line_skipped(tmp_path: Path, open_log) -> None:
    """Records an older release left in its JSONL spool (killed mid-write) are shipped by this one."""
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
    assert not list(spool.glob("*.jsonl")) and not waiting(settings)
    # A record the database refuses is kept aside, not dropped and not retried forever.
    assert "bad date" in rejected(settings) and "yesterday" in rejected(settings)


def test_a_spool_segment_an_old_release_still_writes_is_left_until_it_lets_go(
    tmp_path: Path, open_log
) -> None:
    import fcntl

    settings = store_settings(tmp_path)
    segment = settings.data_dir / "spool" / "00000000000000000001-1-deadbeef.jsonl"
    segment.parent.mkdir(parents=True)
    record = answer_record("a" * 32, sample_answer("still being written"), None, None)
    segment.write_text(json.dumps(record) + "\n")
    with segment.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the old release holds its active segment
        first = open_log(settings)
        assert first.flush(10) and first.questions() == [] and segment.exists()
    first.close()
    again = open_log(settings)
    assert again.flush(10)
    assert [r.id for r in again.questions()] == ["a" * 32] and not segment.exists()


def test_replaying_already_committed_records_adds_no_duplicates(tmp_path: Path, open_log) -> None:
    """A process killed after the database committed a batch but before the outbox forgot it."""
    settings = store_settings(tmp_path)
    log = open_log(settings)
    with sqlite_locked(settings.data_dir / "questions.db"):
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(10)]
        copies = [json.loads(text) for text in outbox_rows(settings)]
    assert len(copies) == 10
    assert log.flush(10)
    log.outbox.append(copies)
    again = open_log(settings)
    assert again.flush(10)
    asked, _ = Backend("sqlite", settings).counts()
    assert sorted(asked) == sorted(ids) and set(asked.values()) == {1}
    assert not waiting(settings) and not rejected(settings)


def test_close_leaves_what_it_cannot_write_in_the_outbox_for_next_start(tmp_path: Path, open_log) -> None:
    settings = store_settings(tmp_path)
    with sqlite_locked(settings.data_dir / "questions.db"):
        log = open_log(settings)
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(5)]
        started = time.perf_counter()
        log.close()
        assert time.perf_counter() - started < 6
        assert sorted(waiting(settings)) == sorted(ids)
    assert Backend("sqlite", settings).counts()[0] == Counter()
    reopened = open_log(settings)
    assert reopened.flush(10)
    assert sorted(r.id for r in reopened.questions()) == sorted(ids)


def test_an_outbox_disk_hiccup_keeps_the_record_in_memory(tmp_path: Path, open_log, monkeypatch) -> None:
    log = open_log(store_settings(tmp_path))
    calls = []

    def failing_append(record: dict) -> None:
        calls.append(record)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(log.outbox, "append", failing_append)
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
    """Two app processes on one machine append to one outbox and ship it side by side."""
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


# ------------------------------------------------------------------------------ disk full

DISK_FULL_WRITER = """
import sqlite3, sys, time
from assistant.answer import Answer
from assistant.settings import load_settings
from assistant.questionlog.store import RecordNotKept, open_question_log

data_dir, count = sys.argv[1], int(sys.argv[2])
log = open_question_log(load_settings(data_dir=data_dir, database_url=None))
record_id = log.record_answer(Answer(question="q", text="a"))
assert log.flush(10)
# The database is locked, so nothing leaves the outbox; the outbox's file may not grow past 12
# more pages (SQLite's own "database or disk is full"), and every comment fills 3 of them.
held = sqlite3.connect(log.engine.url.database, isolation_level=None)
held.execute("BEGIN EXCLUSIVE")
pages = log.outbox._conn.execute("PRAGMA page_count").fetchone()[0]
log.outbox._conn.execute(f"PRAGMA max_page_count = {pages + 12}")
print("ready", flush=True)
for i in range(count):
    try:
        feedback_id = log.record_feedback(record_id, i % 2 == 0, f"{i} " + "x" * 10_000, require_durable=True)
    except RecordNotKept as refused:
        print("refused", refused, flush=True)
        continue
    print("ok", feedback_id, flush=True)  # what the API would acknowledge
time.sleep(60)  # the test SIGKILLs us long before
"""


def test_feedback_acknowledged_while_the_disk_is_full_survives_a_kill(tmp_path: Path, open_log) -> None:
    """The attack: with the data folder's disk full, feedback was acknowledged "ok" and then lost
    to a kill -9. Now only feedback that reached disk is acknowledged, and all of it survives."""
    settings = store_settings(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "DATABASE_URL"))}
    process = subprocess.Popen(
        [sys.executable, "-c", DISK_FULL_WRITER, str(settings.data_dir), "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=settings.data_dir.parent,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    lines = [process.stdout.readline().strip() for _ in range(20)]
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    acknowledged = [line.split()[1] for line in lines if line.startswith("ok ")]
    refused = [line for line in lines if line.startswith("refused ")]
    assert acknowledged and refused and len(acknowledged) + len(refused) == 20, lines
    assert lines.index(refused[0]) == len(acknowledged)  # once full, it stays full
    assert all("could not be saved" in line for line in refused)
    log = open_log(settings)
    assert log.flush(10)
    _, rated = Backend("sqlite", settings).counts()
    assert set(rated) == set(acknowledged)  # every acknowledged record, and nothing unconfirmed


def test_a_record_the_disk_refuses_is_not_reported_durable(tmp_path: Path, open_log, monkeypatch) -> None:
    log = open_log(store_settings(tmp_path))
    record_id = log.record_answer(sample_answer(), require_durable=True)
    assert log.flush(10)

    def disk_full(records: list[dict]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(log.outbox, "append", disk_full)
    with pytest.raises(RecordNotKept, match="feedback could not be saved") as refused:
        log.record_feedback(record_id, liked=False, comment="too short", require_durable=True)
    assert len(refused.value.record_id) == 32
    with pytest.raises(RecordNotKept, match="answer could not be saved"):
        log.record_answer(sample_answer("asked while the disk is full"), require_durable=True)
    assert log.flush(10)
    (only,) = log.questions()
    assert (only.id, only.liked) == (record_id, None)  # nothing unconfirmed turns up later


def test_memory_backlog_is_capped_keeping_the_oldest_records(
    tmp_path: Path, open_log, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = store_settings(tmp_path, log_memory_backlog=3)
    log = open_log(settings)

    def disk_full(records: list[dict]) -> None:
        raise OSError(28, "No space left on device")

    assert log.flush(10)  # the first pass (tables, retention purge) is done before the lock
    monkeypatch.setattr(log.outbox, "append", disk_full)
    with sqlite_locked(settings.data_dir / "questions.db"):  # nothing leaves memory meanwhile
        ids = [log.record_answer(sample_answer(f"q{i}")) for i in range(6)]
    assert log.flush(10)
    assert sorted(r.id for r in log.questions()) == sorted(ids[:3])
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 3 and all("ASSISTANT_LOG_MEMORY_BACKLOG" in m for m in dropped)
    assert ids[3] in dropped[0]


# ------------------------------------------------------------------------------ privacy

PII_QUESTION = (
    "Hi, I'm Jane Doe, 52 years old, my name is Jane Doe. Email jane.doe@example.com or call "
    "+1 (555) 123-4567; I live at 42 Elm Street, Springfield, IL 62704. After 30 seconds of "
    "planks, 3 sets of 90-degree wall sits and a 5K at 6:30, my back hurts 15 to 20 minutes later."
)
PII = ["jane.doe@example.com", "(555)", "123-4567", "42 Elm", "Elm Street", "62704", "my name is Jane"]


def test_contact_details_are_redacted_before_anything_is_stored(backend: Backend, open_log) -> None:
    log = open_log(backend.settings)
    answered = sample_answer(
        PII_QUESTION,
        standalone_question="Jane (jane.doe@example.com, 555-123-4567) asks why her back hurts",
        text="Jane, at jane.doe@example.com: a weak core lets your back take the load [1].",
    )
    record_id = log.record_answer(answered, session_id="s1")
    log.record_feedback(record_id, liked=False, comment="Reply to jane.doe@example.com or +44 7700 900123")
    assert log.flush(10)

    stored = backend.rows(questions) + backend.rows(feedback)
    text = json.dumps(stored, default=str)
    assert not [p for p in [*PII, "7700 900123"] if p in text], text
    (got,) = log.questions()
    assert "[email]" in got.question and "[phone]" in got.question and "[address]" in got.question
    assert "my name is [name]" in got.question
    # What runners write about their training is kept as it is.
    for kept in ("52 years old", "30 seconds", "3 sets", "90-degree", "5K at 6:30", "15 to 20 minutes"):
        assert kept in got.question
    assert got.standalone_question == "Jane ([email], [phone]) asks why her back hurts"
    assert got.answer == "Jane, at [email]: a weak core lets your back take the load [1]."
    assert got.comment == "Reply to [email] or [phone]"
    # Nor does any file the log wrote (outbox, SQLite and their WALs) hold them.
    for path in backend.settings.data_dir.rglob("*"):
        if path.is_file():
            assert b"jane.doe@example.com" not in path.read_bytes(), path


def test_session_id_is_stored_only_as_a_salted_hash(backend: Backend, open_log) -> None:
    """The access log prints the session id beside the plain address: stored as it is, it would
    link every hashed address back to a person."""
    log = open_log(backend.settings)
    first = log.record_answer(sample_answer("q1"), session_id="gradio-session-1", client="203.0.113.7")
    again = log.record_answer(sample_answer("q2"), session_id="gradio-session-1")
    other = log.record_answer(sample_answer("q3"), session_id="gradio-session-2")
    assert log.flush(10)
    records = {r.id: r for r in log.questions()}
    stored = records[first].session_id or ""
    assert len(stored) == 32 and "gradio-session" not in stored
    assert records[again].session_id == stored != records[other].session_id  # a session still groups
    assert stored != records[first].client
    for path in backend.settings.data_dir.rglob("*"):
        if path.is_file():
            assert b"gradio-session" not in path.read_bytes(), path
    elsewhere = open_log(store_settings(backend.settings.data_dir.parent / "elsewhere"))
    assert elsewhere.session_key("gradio-session-1") != stored  # keyed by the salt, not guessable


def aged(record: dict, days: float) -> dict:
    return {**record, "created_at": (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()}


def old_and_new_records() -> tuple[list[dict], set[str], set[str]]:
    """A question asked 100 days ago with its feedback, a stray feedback as old, and a question
    from yesterday with its feedback. Returns (records, ids to purge, ids to keep)."""
    old_q = aged(answer_record("a" * 32, sample_answer("old"), None, None), 100)
    old_f = aged(feedback_record("b" * 32, "a" * 32, False, "old comment"), 99)
    stray = aged(feedback_record("c" * 32, "9" * 32, True, None), 95)
    new_q = aged(answer_record("d" * 32, sample_answer("new"), None, None), 1)
    new_f = aged(feedback_record("e" * 32, "d" * 32, True, None), 0.5)
    return [old_q, old_f, stray, new_q, new_f], {"a" * 32, "b" * 32, "c" * 32}, {"d" * 32, "e" * 32}


def test_questions_past_the_retention_are_purged_when_the_log_opens(backend: Backend, open_log) -> None:
    records, _, new = old_and_new_records()
    backend.insert(records)
    settings = backend.settings.model_copy(update={"log_retention_days": 90})
    log = open_log(settings)
    assert log.flush(10)
    asked, rated = backend.counts()
    assert set(asked) | set(rated) == new
    assert [r.id for r in log.questions()] == ["d" * 32]


def test_retention_of_zero_keeps_everything(tmp_path: Path, open_log) -> None:
    backend = Backend("sqlite", store_settings(tmp_path, log_retention_days=0))
    records, old, new = old_and_new_records()
    backend.insert(records)
    assert open_log(backend.settings).flush(10)
    asked, rated = backend.counts()
    assert set(asked) | set(rated) == old | new


def test_retention_defaults_to_90_days_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    assert make_settings(tmp_path).log_retention_days == 90
    monkeypatch.setenv("ASSISTANT_LOG_RETENTION_DAYS", "30")
    assert make_settings(tmp_path).log_retention_days == 30


def test_purge_command_deletes_questions_past_the_retention(
    tmp_path: Path, monkeypatch, capsys: pytest.CaptureFixture
) -> None:
    from assistant.cli import main

    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    backend = Backend("sqlite", store_settings(tmp_path / "data"))
    records, _, new = old_and_new_records()
    backend.insert(records)

    assert main(["purge", "--older-than", "120"]) == 0
    assert "Deleted 0 question(s) and 0 feedback" in capsys.readouterr().out
    assert main(["purge"]) == 0  # the default retention: 90 days
    assert "Deleted 1 question(s) and 2 feedback older than 90 days" in capsys.readouterr().out
    asked, rated = backend.counts()
    assert set(asked) | set(rated) == new
    monkeypatch.setenv("ASSISTANT_LOG_RETENTION_DAYS", "0")
    assert main(["purge"]) == 0
    assert "keep forever" in capsys.readouterr().out
    assert main(["purge", "--older-than", "0"]) == 2


def file_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def test_data_files_are_owner_only_whatever_the_umask(tmp_path: Path, open_log) -> None:
    settings = store_settings(tmp_path / "data")
    with umask(0o000):
        log = open_log(settings)
        assert log.flush(10)
        with sqlite_locked(settings.data_dir / "questions.db"):
            log.record_answer(sample_answer(), session_id="s1")
            log.outbox.reject(None, "{}", "a refused record")
        assert log.flush(10)
    data = settings.data_dir
    assert file_mode(data) == 0o700
    private = ["questions.db", "questions.db-wal", "questions.db-shm", "client_salt"]
    private += ["outbox.db", "outbox.db-wal", "outbox.db-shm"]
    assert {name: file_mode(data / name) for name in private} == dict.fromkeys(private, 0o600)


def test_data_files_left_readable_by_an_older_version_are_made_private_on_open(
    tmp_path: Path, open_log
) -> None:
    settings = store_settings(tmp_path / "data")
    open_log(settings).close()
    data = settings.data_dir
    leftovers = [data / "questions.db", data / "client_salt", data / "outbox.db", data / "questions.db-wal"]
    for path in leftovers:
        path.touch()
        path.chmod(0o644)
    data.chmod(0o755)
    log = open_log(settings)
    assert {p.name: file_mode(p) for p in leftovers} == {p.name: 0o600 for p in leftovers}
    assert file_mode(data) == 0o700
    assert log.flush(10)
