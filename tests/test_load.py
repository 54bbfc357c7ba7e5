"""Many API clients at once, on loopback, for a few seconds: nothing fails and nothing is lost.

The short form of `python -m benchmarks.load_test`: the same run, smaller, against SQLite and a
real PostgreSQL. Every answer a client was given a record id for, and every thumbs it was told
was taken, must be in the database exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer import Answer
from assistant.answering.pipeline import Assistant
from assistant.questionlog.store import QuestionLog, open_question_log
from assistant.settings import Settings
from assistant.web.limits import Limits
from assistant.web.service import BAD_RECORD_ID, ChatService
from benchmarks.load_test import ClientRun, LoadReport, check_store, load_test_settings, run_load
from testkit.aio import finish
from testkit.pg import PostgresServer, postgres_server  # noqa: F401  (fixture)

CLIENTS = 8
SECONDS = 8.0


def assert_nothing_failed_or_lost(report: LoadReport) -> None:
    store, everything = report.store, report.to_dict()
    assert report.errors == 0, everything
    assert report.asks >= CLIENTS and report.feedback > 0, f"the run should have done real work: {everything}"
    assert store.flushed, everything
    assert store.questions_found == store.questions_expected == report.asks, everything
    assert store.feedback_found == store.feedback_expected == report.feedback, everything
    assert (store.questions_lost, store.questions_duplicated) == (0, 0), everything
    assert (store.feedback_lost, store.feedback_duplicated) == (0, 0), everything


@pytest.mark.slow
def test_concurrent_clients_lose_no_question_or_feedback_in_sqlite(
    tmp_path: Path, assistant: Assistant
) -> None:
    report = run_load(load_test_settings(tmp_path), CLIENTS, SECONDS, assistant=assistant)
    assert_nothing_failed_or_lost(report)
    assert report.database == "sqlite"


@pytest.mark.slow
def test_concurrent_clients_lose_no_question_or_feedback_in_postgres(
    tmp_path: Path,
    assistant: Assistant,
    postgres_server: PostgresServer,  # noqa: F811
) -> None:
    settings = load_test_settings(tmp_path, postgres_server.create_database())
    report = run_load(settings, CLIENTS, SECONDS / 2, assistant=assistant)
    assert_nothing_failed_or_lost(report)
    assert report.database == "postgresql"


def test_store_check_counts_lost_and_duplicated_records(tmp_path: Path) -> None:
    """The checker itself: a record a client was promised but the store lacks is lost, and a
    feedback row stored twice for one acknowledgement is duplicated."""
    log = open_question_log(load_test_settings(tmp_path))
    try:
        stored = log.record_answer(Answer(question="q", text="a"), session_id="tab-1")
        for _ in range(2):
            log.record_feedback(stored, True, "good")
        run = ClientRun(session_hash="tab-1", records=[stored, "0" * 32], thumbs=[(stored, True, "good")])
        check = check_store(log, [run])
    finally:
        log.close()
    assert (check.questions_expected, check.questions_found, check.questions_lost) == (2, 1, 1)
    assert check.questions_duplicated == 0
    assert (check.feedback_found, check.feedback_lost, check.feedback_duplicated) == (1, 0, 1)


# ------------------------------------------------------------------ the endpoints the load test drives


@pytest.fixture
def question_log(tmp_path: Path) -> Iterator[QuestionLog]:
    log = open_question_log(load_test_settings(tmp_path))
    yield log
    log.close()


def test_ask_endpoint_returns_the_record_id_feedback_refers_to(
    assistant: Assistant, lean_settings: Settings, question_log: QuestionLog
) -> None:
    service = ChatService(
        assistant, Limits(lean_settings.model_copy(update={"rate_limit_burst": 100})), question_log
    )
    reply = finish(service.answer_with_record("How do I do a dead bug?", "10.0.0.5", "tab-1"))
    assert "**Sources**" in reply["markdown"] and len(reply["record_id"]) == 32
    assert service.api_feedback(reply["record_id"], False, "  too short  ", "10.0.0.5") == "ok"
    refused = finish(service.answer_with_record("   ", "10.0.0.5", "tab-1"))
    assert refused["record_id"] is None and "Please type a question" in refused["markdown"]
    assert question_log.flush(timeout=10)
    [record] = question_log.questions()
    assert (record.id, record.liked, record.comment) == (reply["record_id"], False, "too short")


@pytest.mark.parametrize("record_id", ["", "not-an-id", "A" * 32, "0" * 31, None, 42])
def test_feedback_endpoint_refuses_ids_it_never_issued(
    assistant: Assistant, lean_settings: Settings, question_log: QuestionLog, record_id: object
) -> None:
    service = ChatService(assistant, Limits(lean_settings), question_log)
    assert service.api_feedback(record_id, True, None, "10.0.0.5") == BAD_RECORD_ID  # type: ignore[arg-type]


def test_feedback_endpoint_takes_one_rating_per_answer_within_the_rate_limit(
    assistant: Assistant, lean_settings: Settings, question_log: QuestionLog
) -> None:
    """Each API thumbs is a write to the log, so a caller cannot flood it: an answer takes one rating,
    only answers this server gave can be rated, and ratings count against the reader's limit."""
    limits = Limits(lean_settings.model_copy(update={"rate_limit_burst": 3, "rate_limit_per_minute": 1}))
    service = ChatService(assistant, limits, question_log)
    record_id = finish(service.answer_with_record("How do I do a dead bug?", "10.0.0.9", None))["record_id"]
    other_id = finish(service.answer_with_record("What is a bear walk?", "10.0.0.9", None))["record_id"]
    assert service.api_feedback(record_id, True, None, "10.0.0.9") == "ok"
    assert "rated already" in service.api_feedback(record_id, True, None, "10.0.0.9")
    assert "rated already" in service.api_feedback("0" * 32, True, None, "10.0.0.9")
    assert "Please wait" in service.api_feedback(other_id, True, None, "10.0.0.9")
    assert "Please wait" not in service.api_feedback(other_id, True, None, "10.0.0.10")
