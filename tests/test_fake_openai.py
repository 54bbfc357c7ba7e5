"""Tests of the fake OpenAI server, driven by the real openai client and llama-index.

They also pin down how the real client surfaces each fault, so pipeline tests
know which exceptions to expect.
"""

from __future__ import annotations

import json
import math
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest
from llama_index.core.llms import ChatMessage
from llama_index.llms.openai_like import OpenAILike

from testkit.fake_openai import (
    NOT_COVERED,
    FakeOpenAI,
    Fault,
    closed_port_url,
    default_reply,
    embed,
    fake_openai,  # noqa: F401  (pytest fixture, used by `server`)
    split_chunks,
)

PROMPT = (
    "Answer only from the passages below and cite them.\n\n"
    "[1] Aching Back — Causes\n"
    "Back pain after long runs often comes from weak glutes. Strengthen them twice a week.\n\n"
    "[2] Trainer Notes — Recovery\n"
    "Sleep is the best recovery tool.\n\n"
    "Question: why does my back ache?"
)
EXPECTED = "Back pain after long runs often comes from weak glutes. [1]"
MESSAGES = [{"role": "system", "content": "You are a running coach."}, {"role": "user", "content": PROMPT}]


@pytest.fixture
def server(fake_openai: FakeOpenAI) -> FakeOpenAI:  # noqa: F811  (fixture imported above)
    """Short alias of the shared fixture, to keep test lines readable."""
    return fake_openai


def make_client(server: FakeOpenAI, timeout: float = 5.0, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=max_retries, timeout=timeout)


def chat(client: openai.OpenAI, **kwargs: object) -> str | None:
    response = client.chat.completions.create(model="test-model", messages=MESSAGES, **kwargs)
    return response.choices[0].message.content


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# --- default reply ------------------------------------------------------------


def test_default_reply_cites_first_sentence_of_first_passage() -> None:
    assert default_reply({"messages": MESSAGES}) == EXPECTED


def test_default_reply_uses_the_number_found_and_any_message() -> None:
    passages = "Context:\r\n[7] Title — Part\r\nHydrate early! Then more.\r\n"
    messages = [
        {"role": "system", "content": [{"type": "text", "text": passages}]},
        {"role": "user", "content": "What now?"},
    ]
    assert default_reply({"messages": messages}) == "Hydrate early! [7]"


def test_default_reply_without_passages_is_not_covered() -> None:
    assert default_reply({"messages": [{"role": "user", "content": "Hi [1] there"}]}) == NOT_COVERED
    assert default_reply({"prompt": "[1] Title only\n\n"}) == NOT_COVERED


# --- chat completions ---------------------------------------------------------


def test_non_streaming_chat(server: FakeOpenAI) -> None:
    response = make_client(server).chat.completions.create(model="test-model", messages=MESSAGES)
    assert response.object == "chat.completion"
    assert response.model == "test-model"
    assert response.choices[0].message.role == "assistant"
    assert response.choices[0].message.content == EXPECTED
    assert response.choices[0].finish_reason == "stop"
    assert response.usage is not None
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens


def test_streaming_chunks_concatenate_to_reply_with_usage(server: FakeOpenAI) -> None:
    stream = make_client(server).chat.completions.create(
        model="test-model", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    content = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(content) > 3
    assert "".join(content) == EXPECTED
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_streaming_without_usage_request_has_no_usage_chunk(server: FakeOpenAI) -> None:
    chunks = list(make_client(server).chat.completions.create(model="m", messages=MESSAGES, stream=True))
    assert all(chunk.usage is None and chunk.choices for chunk in chunks)


def test_split_chunks_is_lossless() -> None:
    text = "  two  spaces\nand a newline "
    assert "".join(split_chunks(text)) == text
    assert len(split_chunks(text)) > 3


def test_queue_is_consumed_in_order_then_falls_back(server: FakeOpenAI) -> None:
    server.queue("first", "second")
    server.reply = lambda request: f"echo {request['model']}"
    client = make_client(server)
    assert [chat(client) for _ in range(3)] == ["first", "second", "echo test-model"]


def test_requests_are_recorded(server: FakeOpenAI) -> None:
    list(make_client(server).chat.completions.create(model="gpt-x", messages=MESSAGES, stream=True))
    [request] = server.requests
    assert request["method"] == "POST"
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer test"
    assert request["json"]["model"] == "gpt-x"
    assert request["json"]["stream"] is True
    assert "weak glutes" in request["json"]["messages"][-1]["content"]


def test_legacy_completions_and_models(server: FakeOpenAI) -> None:
    client = make_client(server)
    completion = client.completions.create(model="test-model", prompt=PROMPT)
    assert completion.choices[0].text == EXPECTED
    streamed = client.completions.create(model="test-model", prompt=PROMPT, stream=True)
    assert "".join(chunk.choices[0].text for chunk in streamed) == EXPECTED
    assert [model.id for model in client.models.list()] == ["test-model"]


# --- faults -------------------------------------------------------------------


def test_queued_503_raises_internal_server_error_then_recovers(server: FakeOpenAI) -> None:
    server.queue(Fault.status(503))
    client = make_client(server)
    with pytest.raises(openai.InternalServerError) as error:
        chat(client)
    assert error.value.status_code == 503
    assert error.value.body["type"] == "server_error"  # type: ignore[index]
    assert chat(client) == EXPECTED


def test_429_raises_rate_limit_error_with_retry_after(server: FakeOpenAI) -> None:
    server.queue(Fault.status(429))
    with pytest.raises(openai.RateLimitError) as error:
        chat(make_client(server))
    assert error.value.response.headers["retry-after"] == "0"


def test_client_retry_after_503_is_fast(server: FakeOpenAI) -> None:
    server.queue(Fault.status(503), "recovered")
    started = time.monotonic()
    assert chat(make_client(server, max_retries=1)) == "recovered"
    assert time.monotonic() - started < 0.5
    assert len(server.requests) == 2


def test_server_fault_applies_to_every_request(server: FakeOpenAI) -> None:
    server.fault = Fault.status(500, body={"error": {"message": "boom", "type": "server_error"}})
    client = make_client(server)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError, match="boom"):
            chat(client)


def test_delay_beyond_client_timeout_raises_timeout(server: FakeOpenAI) -> None:
    server.queue(Fault.delay(2))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        chat(make_client(server, timeout=0.5))
    assert time.monotonic() - started < 1.5


def test_short_delay_then_normal_reply(server: FakeOpenAI) -> None:
    server.queue(Fault.delay(0.1))
    assert chat(make_client(server)) == EXPECTED


def test_malformed_json_raises_json_decode_error(server: FakeOpenAI) -> None:
    """The openai client does not wrap body parse failures: a bare JSONDecodeError escapes."""
    server.queue(Fault.malformed_json(), Fault.malformed_json())
    client = make_client(server)
    with pytest.raises(json.JSONDecodeError):
        chat(client)
    with pytest.raises(json.JSONDecodeError):
        list(client.chat.completions.create(model="m", messages=MESSAGES, stream=True))


def test_stream_cut_yields_partial_content_then_raw_httpx_error(server: FakeOpenAI) -> None:
    """Mid-stream failures escape the openai client as httpx errors, not openai.APIError."""
    server.queue(Fault.stream_cut(after_chunks=2))
    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError, match="incomplete chunked read"):
        for chunk in make_client(server).chat.completions.create(model="m", messages=MESSAGES, stream=True):
            received.append(chunk.choices[0].delta.content or "")
    assert "".join(received) == "Back pain "


def test_stream_stall_completes_late(server: FakeOpenAI) -> None:
    server.queue(Fault.stream_stall(after_chunks=1, seconds=0.3))
    started = time.monotonic()
    chunks = list(make_client(server).chat.completions.create(model="m", messages=MESSAGES, stream=True))
    assert time.monotonic() - started >= 0.3
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == EXPECTED


def test_streams_together_finish_once_all_wait_and_a_lone_one_is_counted_apart(server: FakeOpenAI) -> None:
    def text() -> str:
        stream = make_client(server).chat.completions.create(model="m", messages=MESSAGES, stream=True)
        return "".join(c.choices[0].delta.content or "" for c in stream)

    server.fault = Fault.stream_together(streams=2, seconds=5.0)
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda _: text(), range(2))) == [EXPECTED, EXPECTED]
    assert server.apart == 0
    server.fault = Fault.stream_together(streams=3, seconds=0.3)
    assert text() == EXPECTED and server.apart == 1


def test_stream_stall_beyond_read_timeout_raises_raw_httpx_timeout(server: FakeOpenAI) -> None:
    server.queue(Fault.stream_stall(after_chunks=1, seconds=2))
    stream = make_client(server, timeout=0.3).chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    )
    with pytest.raises(httpx.ReadTimeout):
        list(stream)


def test_closed_port_raises_connection_error() -> None:
    client = openai.OpenAI(base_url=closed_port_url(), api_key="test", max_retries=0, timeout=1)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()


def test_unknown_endpoint_is_404(server: FakeOpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        make_client(server).post("/nope", cast_to=object, body={})


def test_close_is_fast_while_a_stall_is_sleeping() -> None:
    server = FakeOpenAI().start()
    server.queue(Fault.stream_stall(after_chunks=1, seconds=30))
    stream = make_client(server, timeout=30).chat.completions.create(
        model="m", messages=MESSAGES, stream=True
    )
    iterator = iter(stream)
    next(iterator)
    started = time.monotonic()
    server.close()
    assert time.monotonic() - started < 0.5
    with pytest.raises(httpx.RemoteProtocolError):
        list(iterator)


# --- embeddings ---------------------------------------------------------------


def test_embeddings_deterministic_normalised_and_closer_for_shared_words(server: FakeOpenAI) -> None:
    client = make_client(server)
    texts = ["glute strength for runners", "glute strength for runners", "weak glutes hurt runners", "pasta"]
    vectors = [item.embedding for item in client.embeddings.create(model="emb", input=texts).data]
    assert len(vectors) == 4 and all(len(vector) == 64 for vector in vectors)
    assert all(math.isclose(cosine(vector, vector), 1.0, rel_tol=1e-5) for vector in vectors)
    assert vectors[0] == vectors[1]
    assert cosine(vectors[0], vectors[2]) > cosine(vectors[0], vectors[3])
    floats = client.embeddings.create(model="emb", input="pasta", encoding_format="float").data[0].embedding
    assert floats == pytest.approx(vectors[3], abs=1e-6)
    assert floats == embed("pasta")


# --- llama-index --------------------------------------------------------------


def test_llama_index_openai_like_chat_and_stream_chat(server: FakeOpenAI) -> None:
    llm = OpenAILike(
        model="test-model", api_base=server.base_url, api_key="test", is_chat_model=True, max_retries=0
    )
    messages = [ChatMessage(role="system", content="Be brief."), ChatMessage(role="user", content=PROMPT)]
    assert llm.chat(messages).message.content == EXPECTED
    deltas = [response.delta for response in llm.stream_chat(messages)]
    assert len(deltas) > 3
    assert "".join(delta or "" for delta in deltas) == EXPECTED
    assert [request["json"].get("stream", False) for request in server.requests] == [False, True]
    assert server.requests[-1]["json"]["model"] == "test-model"
