"""The model's async stream as the web reads it: the request llama-index would send, posted over
the OpenAI client's own HTTP connection pool and read as server-sent events, with the client's
retries, under the same deadline and fallbacks."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest
from llama_index.core.llms import ChatMessage, MockLLM

from assistant.answer import TextDelta
from assistant.answering.generation import GenerationFailed, astream_reply, sse_data
from assistant.answering.pipeline import Assistant
from assistant.components import build_llm
from testkit.aio import collect, finish
from testkit.fake_openai import FakeOpenAI, Fault, closed_port_url, split_chunks
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
    assert ours_sent["path"] == theirs_sent["path"] == "/v1/chat/completions"
    assert ours_sent["json"] == theirs_sent["json"]
    assert ours_sent["json"]["temperature"] == 0.3 and ours_sent["json"]["max_tokens"] == 123
    assert ours_sent["json"]["stream"] is True and ours_sent["json"]["model"] == "test-model"
    # Every header, the body's length (same JSON encoding) and the client's retry count included.
    assert ours_sent["headers"] == theirs_sent["headers"]
    assert ours_sent["headers"]["authorization"] == "Bearer test-key"
    assert ours == theirs == split_chunks(REPLY)


def test_the_stream_does_not_build_the_request_through_the_openai_client(
    tmp_path: Path, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the openai client built a request")

    monkeypatch.setattr(openai.AsyncOpenAI, "_build_request", refuse)
    llm = build_llm(model_settings(tmp_path, fake_openai))
    fake_openai.queue(REPLY)
    assert "".join(collect(astream_reply(llm, MESSAGES, 5.0))) == REPLY


@pytest.mark.parametrize(
    "fault", [Fault.status(503), Fault.status(429), Fault.status(500)], ids=["503", "429", "500"]
)
def test_a_busy_or_failing_server_is_asked_once_more_before_the_stream_starts(
    tmp_path: Path, fake_openai: FakeOpenAI, fault: Fault
) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1))
    fake_openai.queue(fault, REPLY)
    assert "".join(collect(astream_reply(llm, MESSAGES, 5.0))) == REPLY
    first, second = fake_openai.requests
    assert first["json"] == second["json"]
    assert (first["headers"]["x-stainless-retry-count"], second["headers"]["x-stainless-retry-count"]) == (
        "0",
        "1",
    )


def test_a_request_that_times_out_before_any_byte_is_sent_again(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1, llm_timeout_s=0.3))
    fake_openai.queue(Fault.delay(1.0), REPLY)
    assert "".join(collect(astream_reply(llm, MESSAGES, 5.0))) == REPLY
    assert len(fake_openai.requests) == 2


def test_retries_give_up_after_llm_max_retries(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1))
    fake_openai.queue(Fault.status(503), Fault.status(503), REPLY)
    with pytest.raises(GenerationFailed, match="HTTP 503"):
        collect(astream_reply(llm, MESSAGES, 5.0))
    assert len(fake_openai.requests) == 2


@pytest.mark.parametrize("code", [400, 401, 404])
def test_a_client_error_status_fails_at_once_without_a_retry(
    tmp_path: Path, fake_openai: FakeOpenAI, code: int
) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1))
    fake_openai.queue(Fault.status(code), REPLY)
    with pytest.raises(GenerationFailed, match=f"HTTP {code} - Scripted fault"):
        collect(astream_reply(llm, MESSAGES, 5.0))
    assert len(fake_openai.requests) == 1


def test_a_stream_cut_after_it_started_is_not_retried(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1))
    fake_openai.queue(Fault.stream_cut(after_chunks=2), REPLY)
    with pytest.raises(GenerationFailed):
        collect(astream_reply(llm, MESSAGES, 5.0))
    assert len(fake_openai.requests) == 1


def test_a_malformed_event_is_a_generation_failure(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    llm = build_llm(model_settings(tmp_path, fake_openai, llm_max_retries=1))
    fake_openai.queue(Fault.malformed_json(), REPLY)
    with pytest.raises(GenerationFailed, match="JSONDecodeError"):
        collect(astream_reply(llm, MESSAGES, 5.0))
    assert len(fake_openai.requests) == 1


def test_a_refused_connection_is_a_generation_failure(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, llm="auto", openai_base_url=closed_port_url(), model="test-model", llm_max_retries=0
    )
    with pytest.raises(GenerationFailed, match="ConnectError"):
        collect(astream_reply(build_llm(settings), MESSAGES, 5.0))


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
    assistant = Assistant.from_settings(settings)
    fake_openai.queue(Fault.stream_stall(after_chunks=2, seconds=4.0))
    started = time.monotonic()
    events = collect(assistant.astream(QUESTION))
    assert time.monotonic() - started < 3.0  # answered at the deadline, not when the stall ends
    assert events[-1].mode == "extractive" and events[-1].fallback_reason == "no complete answer within 0.5 s"
    # When the stall ends the server finds the connection gone: the client hung up at the deadline.
    waited = time.monotonic()
    while fake_openai.hangups == 0 and time.monotonic() - waited < 10.0:
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
