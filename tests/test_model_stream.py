"""The model's async stream as the web reads it: straight from the OpenAI client's HTTP stream,
with the request llama-index would send, under the same deadline and fallbacks."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from llama_index.core.llms import ChatMessage, MockLLM

from assistant.answer import TextDelta
from assistant.answering.generation import GenerationFailed, astream_reply, sse_data
from assistant.answering.pipeline import Assistant
from assistant.components import build_llm
from testkit.aio import collect, finish
from testkit.fake_openai import FakeOpenAI, Fault, split_chunks
from testkit.isolated import make_settings

QUESTION = "How do I do a dead bug?"
MESSAGES = [
    ChatMessage(role="system", content="Answer from the numbered passages only."),
    ChatMessage(role="user", content="[1] Core — Dead bug\nLie on your back. Lower one foot.\n\nHow?"),
]
REPLY = "Lie on your back with your arms up [1]."


def model_settings(tmp_path: Path, fake: FakeOpenAI, **overrides: object):
    return make_settings(
        tmp_path,
        llm="auto",
        openai_base_url=fake.base_url,
        openai_api_key="test-key",
        model="test-model",
        **overrides,
    )


async def llama_index_reply(llm, messages: list[ChatMessage]) -> list[str]:
    return [chunk.delta async for chunk in await llm.astream_chat(messages) if chunk.delta]


def test_the_stream_sends_the_request_llama_index_would_send(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, temperature=0.3, max_answer_tokens=123))
    fake_openai.queue(REPLY, REPLY)
    ours = collect(astream_reply(llm, MESSAGES, 5.0))
    theirs = finish(llama_index_reply(llm, MESSAGES))
    ours_sent, theirs_sent = fake_openai.requests[-2], fake_openai.requests[-1]
    assert ours_sent["json"] == theirs_sent["json"]
    assert ours_sent["json"]["temperature"] == 0.3 and ours_sent["json"]["max_tokens"] == 123
    assert ours_sent["json"]["stream"] is True and ours_sent["json"]["model"] == "test-model"
    for header in ("authorization", "user-agent", "content-type"):
        assert ours_sent["headers"][header] == theirs_sent["headers"][header]
    assert ours == theirs == split_chunks(REPLY)


def test_an_error_event_inside_a_started_stream_is_a_generation_failure(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=0))
    fake_openai.queue(Fault.stream_error(after_chunks=2, message="model overloaded"))
    shown: list[str] = []

    async def read() -> None:
        async for delta in astream_reply(llm, MESSAGES, 5.0):
            shown.append(delta)

    with pytest.raises(GenerationFailed, match="model overloaded"):
        finish(read())
    assert shown  # the start of the reply had streamed


def test_an_error_event_mid_stream_falls_back_to_a_cited_extractive_answer(
    llm_assistant: Assistant, fake_openai: FakeOpenAI
) -> None:
    fake_openai.queue(Fault.stream_error(after_chunks=3))
    events = collect(llm_assistant.astream(QUESTION))
    answer = events[-1]
    assert answer.mode == "extractive" and answer.citations
    assert "model overloaded" in (answer.fallback_reason or "")
    assert any(isinstance(e, TextDelta) for e in events[:-1])


def test_past_the_deadline_the_http_stream_is_closed_not_left_running(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    settings = model_settings(
        tmp_path, fake_openai, llm_timeout_s=10.0, llm_deadline_s=0.5, llm_max_retries=0
    )
    fake_openai.queue(Fault.stream_stall(after_chunks=2, seconds=1.5))
    started = time.monotonic()
    events = collect(Assistant.from_settings(settings).astream(QUESTION))
    assert time.monotonic() - started < 1.4  # answered at the deadline, not when the stall ends
    assert events[-1].mode == "extractive" and events[-1].fallback_reason == "no complete answer within 0.5 s"
    # When the stall ends the server finds the connection gone: the client hung up at the deadline.
    waited = time.monotonic()
    while fake_openai.hangups == 0 and time.monotonic() - waited < 5.0:
        time.sleep(0.05)
    assert fake_openai.hangups == 1


def test_a_model_other_than_openai_streams_through_llama_index() -> None:
    deltas = collect(astream_reply(MockLLM(max_tokens=5), MESSAGES, 5.0))
    assert deltas and all(isinstance(d, str) and d for d in deltas)


def test_server_sent_events_are_read_as_the_openai_client_reads_them() -> None:
    lines = [": a comment", "event: message", 'data: {"a":', "data:  1}", "", "", "id: 7", "data: [DONE]", ""]

    async def feed() -> AsyncIterator[str]:
        for line in lines:
            yield line

    async def read() -> list[str]:
        return [data async for data in sse_data(feed())]

    assert finish(read()) == ['{"a":\n 1}', "[DONE]"]
