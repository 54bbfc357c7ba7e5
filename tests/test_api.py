"""The API's `/ask`, served by our own route beside Gradio's queue (`assistant/web/api.py`), tested
over real HTTP: it speaks Gradio's `call/` protocol, and every limit the queue gave it still holds."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.answering.pipeline import Assistant
from assistant.questionlog.store import open_question_log
from assistant.web import api
from assistant.web.server import create_app
from testkit.fake_openai import FakeOpenAI, Fault
from testkit.isolated import make_settings
from testkit.loopback import LiveServer

QUESTION = "How do I do a dead bug?"
ASK = "/gradio_api/call/ask"


def start(client: httpx.Client, address: str, data: list | None = None, **body: object) -> httpx.Response:
    payload = {"data": [QUESTION] if data is None else data, **body}
    return client.post(ASK, json=payload, headers={"x-forwarded-for": address})


def result(client: httpx.Client, event_id: str) -> tuple[str, object]:
    """The result stream's last event and its data, read as a script would."""
    reply = client.get(f"{ASK}/{event_id}")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = re.findall(r"event: (\w+)\ndata: (.*)\n\n", reply.text)
    kind, data = events[-1]
    return kind, json.loads(data)


def model_settings(model: FakeOpenAI) -> dict:
    return {
        "llm": "auto",
        "openai_base_url": model.base_url,
        "openai_api_key": "test-key",
        "model": "test-model",
        "llm_deadline_s": 10.0,
    }


@pytest.fixture
def serve(tmp_path: Path, assistant: Assistant) -> Iterator:
    """`serve(**settings)`: our app on loopback behind one trusted proxy, stopped after the test."""
    servers: list[LiveServer] = []

    def start_server(model: FakeOpenAI | None = None, **overrides: object) -> LiveServer:
        """Extractive answers, or answers from `model` (whose own deadline is far off)."""
        if model is not None:
            overrides = {**model_settings(model), **overrides}
        settings = make_settings(tmp_path / f"data{len(servers)}", trusted_proxies=1, **overrides)
        app = create_app(settings, assistant=None if model else assistant)
        servers.append(LiveServer(app).start())
        return servers[-1]

    yield start_server
    for server in servers:
        server.stop()


def test_ask_answers_in_gradios_call_protocol_and_its_record_takes_feedback(
    tmp_path: Path, assistant: Assistant
) -> None:
    settings = make_settings(tmp_path, trusted_proxies=1)
    log = open_question_log(settings)
    server = LiveServer(create_app(settings, assistant=assistant, question_log=log)).start()
    try:
        with httpx.Client(base_url=server.origin, timeout=30) as client:
            started = start(client, "192.0.2.1", session_hash="reader-session")
            assert started.status_code == 200 and set(started.json()) == {"event_id"}
            kind, data = result(client, started.json()["event_id"])
            assert kind == "complete" and isinstance(data, list) and len(data) == 1
            reply = data[0]
            assert "[1]" in reply["markdown"] and "Sources" in reply["markdown"]
            assert re.fullmatch(r"[0-9a-f]{32}", reply["record_id"])
            rated = client.post("/gradio_api/call/feedback", json={"data": [reply["record_id"], True, ""]})
            assert '"ok"' in client.get(f"/gradio_api/call/feedback/{rated.json()['event_id']}").text
        assert log.flush(timeout=10)
        record = next(r for r in log.questions() if r.id == reply["record_id"])
        assert record.question == QUESTION
        assert record.session_id == log.session_key("reader-session")  # stored hashed, as via Gradio
    finally:
        server.stop()
        log.close()


def test_ask_result_is_read_once_and_unknown_events_are_not_found(serve) -> None:
    server = serve()
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        event_id = start(client, "192.0.2.2").json()["event_id"]
        assert result(client, event_id)[0] == "complete"
        assert client.get(f"{ASK}/{event_id}").status_code == 404
        assert client.get(f"{ASK}/{'0' * 32}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"data": "a question"}, {"data": []}, [QUESTION], {"data": [QUESTION], "session_hash": 5}],
)
def test_ask_refuses_a_body_that_is_not_a_call(serve, body: object) -> None:
    server = serve()
    reply = httpx.post(server.origin + ASK, json=body, timeout=30)
    assert reply.status_code == 422 and "data" in reply.json()["detail"]


def test_ask_answers_a_question_that_is_not_text_with_a_message(serve) -> None:
    server = serve()
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        kind, data = result(client, start(client, "192.0.2.3", data=[{"text": 1}]).json()["event_id"])
    assert kind == "complete" and data == [{"markdown": "Please type a question.", "record_id": None}]


def test_ask_counts_against_open_events_until_its_result_is_read(serve) -> None:
    """Results held for a reader count as open events, per address, like Gradio's queue events."""
    server = serve(max_open_events_per_client=2)
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        held = [start(client, "203.0.113.5").json()["event_id"] for _ in range(2)]
        refused = start(client, "203.0.113.5")
        assert refused.status_code == 429 and "Too many questions at once" in refused.text
        assert start(client, "203.0.113.6").status_code == 200  # another reader is not held up
        assert result(client, held[0])[0] == "complete"
        assert start(client, "203.0.113.5").status_code == 200  # a read result frees its place


def test_ask_takes_the_per_address_rate_limit_and_says_so(serve) -> None:
    server = serve(rate_limit_burst=1, rate_limit_per_minute=1)
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        first = result(client, start(client, "198.51.100.7").json()["event_id"])[1]
        second = result(client, start(client, "198.51.100.7").json()["event_id"])[1]
        other = result(client, start(client, "198.51.100.8").json()["event_id"])[1]
    assert first[0]["record_id"] and other[0]["record_id"]
    assert second[0]["record_id"] is None and "faster than I can keep up" in second[0]["markdown"]


def test_ask_refuses_with_503_when_its_queue_is_full(tmp_path: Path, serve, fake_openai: FakeOpenAI) -> None:
    """One answer runs, one waits; the next is refused at once, and the two still complete."""
    fake_openai.fault = Fault.stream_stall(after_chunks=1, seconds=1.0)
    server = serve(fake_openai, web_streams=1, queue_max_size=1)
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        running = start(client, "192.0.2.20").json()["event_id"]
        waiting = start(client, "192.0.2.21").json()["event_id"]
        time.sleep(0.3)  # the first holds the one slot, the second waits for it
        busy = start(client, "192.0.2.22")
        assert busy.status_code == 503 and "very busy" in busy.text
        for event_id in (running, waiting):
            kind, data = result(client, event_id)
            assert kind == "complete" and data[0]["record_id"], data
        assert len(fake_openai.requests) == 2
        assert start(client, "192.0.2.22").status_code == 200


def test_unread_ask_results_are_dropped_and_free_their_place(serve, monkeypatch: pytest.MonkeyPatch) -> None:
    """A result nobody fetched is dropped after the unread time-to-live (5 minutes; shortened
    here), and stops counting against its reader's open events."""
    monkeypatch.setattr(api, "UNREAD_EVENT_TTL_S", 0.5)
    server = serve(max_open_events_per_client=1)
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        forgotten = start(client, "203.0.113.9").json()["event_id"]
        assert start(client, "203.0.113.9").status_code == 429
        time.sleep(1.0)
        assert start(client, "192.0.2.30").status_code == 200  # any new call sweeps
        assert client.get(f"{ASK}/{forgotten}").status_code == 404
        assert start(client, "203.0.113.9").status_code == 200


def test_a_reader_who_leaves_before_the_answer_stops_it(serve, fake_openai: FakeOpenAI) -> None:
    """Hanging up on the result stream drops the event and cancels its answer (the model sees the
    client go), as Gradio does for its own events."""
    fake_openai.fault = Fault.stream_stall(after_chunks=1, seconds=3.0)
    server = serve(fake_openai, max_open_events_per_client=1, web_streams=1, queue_max_size=1)
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        event_id = start(client, "192.0.2.40").json()["event_id"]
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"{ASK}/{event_id}", timeout=0.5)
        deadline = time.monotonic() + 10
        while start(client, "192.0.2.40").status_code != 200:  # its place is free again
            assert time.monotonic() < deadline, "the left event was never dropped"
            time.sleep(0.2)
        while fake_openai.hangups < 1:  # the model's stream was closed, not read to its end
            assert time.monotonic() < deadline, "the answer went on without its reader"
            time.sleep(0.2)


def test_ask_refuses_file_objects_and_bodies_past_the_cap(serve) -> None:
    """The guard in front of every route holds for this one too."""
    server = serve()
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        as_file = {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}
        refused = start(client, "192.0.2.50", data=[as_file])
        assert refused.status_code == 400 and "text only" in refused.text
        assert start(client, "192.0.2.50", data=["x" * 100_000]).status_code == 413
        assert client.post("/embed" + ASK, json={"data": [QUESTION]}).status_code == 404
