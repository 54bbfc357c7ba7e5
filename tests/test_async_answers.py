"""The async answer path (what the web uses): the same answers, fallbacks and deadlines as the sync
one, and one process holds many slow model streams at once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from assistant.answer import Answer, TextDelta
from assistant.answering.pipeline import Assistant
from assistant.web.limits import Limits
from assistant.web.service import ChatService, Reply
from testkit.aio import collect, finish
from testkit.fake_openai import FakeOpenAI, Fault
from tests.test_model_stream import model_settings
from tests.test_web import RecordingLog

QUESTION = "How do I do a dead bug?"


def shown(events: list) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def comparable(answer: Answer) -> tuple:
    # The client library words its errors differently for sync and async calls (and a stall may
    # end in a read timeout or the deadline first): compare that a fallback happened, not why.
    fields = (answer.mode, answer.text, answer.citations, answer.abstained, answer.usage)
    return (*fields, bool(answer.fallback_reason))


@pytest.mark.parametrize(
    "script",
    [
        "Lie on your back with your arms straight up [1]. Keep your back on the floor [2].",
        "Keep your back on the floor [9]. Lower one foot with control [2].",
        "Just do some planks, they are great.",
        "NOT_COVERED",
        "No, keep your whole back on the floor [1].",
        "WARNING_SIGNS\nLie on your back with your arms straight up [1].",
        Fault.stream_stall(after_chunks=2, seconds=5.0),
    ],
    ids=[
        "cited",
        "bad-marker",
        "uncited",
        "not-covered",
        "starts-like-not-covered",
        "warning-seen",
        "stalled",
    ],
)
def test_async_stream_gives_the_same_answer_and_deltas_as_the_sync_one(
    llm_assistant: Assistant, fake_openai: FakeOpenAI, script: str | Fault
) -> None:
    if isinstance(script, str):  # a reply that should arrive whole: give a busy machine time
        patient = llm_assistant.settings.model_copy(update={"llm_deadline_s": 10.0})
        llm_assistant.settings = patient
    fake_openai.queue(script, script)
    sync_events = list(llm_assistant.stream(QUESTION))
    started = time.monotonic()
    async_events = collect(llm_assistant.astream(QUESTION))
    assert time.monotonic() - started < llm_assistant.settings.llm_deadline_s + 1.0
    assert comparable(async_events[-1]) == comparable(sync_events[-1])
    assert shown(async_events) == shown(sync_events)


@pytest.mark.parametrize(
    "fault",
    [Fault.status(503), Fault.malformed_json(), Fault.stream_cut(after_chunks=2), Fault.delay(5.0)],
    ids=["503", "malformed-json", "stream-cut", "timeout"],
)
def test_async_model_failures_fall_back_to_a_cited_extractive_answer(
    llm_assistant: Assistant, fake_openai: FakeOpenAI, fault: Fault
) -> None:
    fake_openai.queue(fault)
    answer = collect(llm_assistant.astream(QUESTION))[-1]
    assert answer.mode == "extractive" and answer.fallback_reason and answer.citations


def test_the_deadline_cancels_a_slow_stream_the_client_would_still_wait_for(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    settings = model_settings(
        tmp_path, fake_openai, llm_timeout_s=10.0, llm_deadline_s=1.0, llm_max_retries=0
    )
    assistant = Assistant.from_settings(settings)
    fake_openai.queue(Fault.stream_stall(after_chunks=2, seconds=6.0))
    started = time.monotonic()
    events = collect(assistant.astream(QUESTION))
    assert time.monotonic() - started < 4.0
    assert events[-1].mode == "extractive" and events[-1].fallback_reason == "no complete answer within 1 s"
    assert shown(events)  # the start of the reply was streamed before the deadline


def test_async_follow_up_is_condensed_by_the_model_first(
    llm_assistant: Assistant, fake_openai: FakeOpenAI
) -> None:
    fake_openai.queue("How often should I do the dead bug?", "Do the session at least once a week [1].")
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "Lie down. [1]"}]
    answer = collect(llm_assistant.astream("how often should I do it?", history))[-1]
    assert answer.standalone_question == "How often should I do the dead bug?" and answer.mode == "llm"


def test_one_process_holds_sixty_model_streams_open_at_once(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    """Each reply pauses mid-stream until sixty streams are paused together: a service that held
    fewer at once (one at a time, or eight slots) leaves them waiting, and the server counts them."""
    fake_openai.fault = Fault.stream_together(streams=60, seconds=8.0)
    settings = model_settings(
        tmp_path,
        fake_openai,
        llm_timeout_s=15.0,
        llm_deadline_s=30.0,
        llm_max_retries=0,
        rate_limit_burst=1_000,
    )
    service = ChatService(Assistant.from_settings(settings), Limits(settings), RecordingLog(), cpu_slots=2)

    async def readers() -> list[Reply]:
        return await asyncio.gather(
            *(service.finished_reply(QUESTION, f"10.0.0.{n}", None) for n in range(60))
        )

    replies = finish(readers())
    assert [r.answer.mode for r in replies] == ["llm"] * 60
    assert fake_openai.apart == 0, f"{fake_openai.apart} of 60 streams waited in vain for the others"
