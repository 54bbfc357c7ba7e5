"""The attacks from the security review, replayed against a real server on loopback.

Each test speaks Gradio's own HTTP protocol (queue/join, run/predict, call/<api>) as a hostile
client would, not through our Python objects, so a route or input we forgot is caught here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.answering.pipeline import Assistant
from assistant.settings import load_settings
from assistant.web.server import create_app
from testkit.isolated import make_settings
from testkit.loopback import LiveServer

MARKER = "TOP-SECRET-MARKER-7f3a"
VIEWS = ("", "/embed")


def file_data(path: Path) -> dict:
    return {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def file_message(path: Path) -> dict:
    return {"role": "user", "content": [{"type": "file", "file": file_data(path)}]}


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "server-secrets.env"
    path.write_text(f"OPENAI_API_KEY={MARKER}\n")
    return path


@pytest.fixture
def server(tmp_path: Path, assistant: Assistant) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path / "data", trusted_proxies=1)
    live = LiveServer(create_app(settings, assistant=assistant)).start()
    yield live
    live.stop()


def read_events(client: httpx.Client, view: str, session_hash: str, headers: dict) -> str:
    """Everything the queue's event stream sends for a session until its events complete."""
    seen = []
    url = f"{view}/gradio_api/queue/data"
    with client.stream("GET", url, params={"session_hash": session_hash}, headers=headers) as stream:
        for line in stream.iter_lines():
            seen.append(line)
            if '"msg": "process_completed"' in line or '"msg":"process_completed"' in line:
                break
            if '"msg": "close_stream"' in line:
                break
    return "\n".join(seen)


def hostile_values(component: str, secret: Path) -> list[object]:
    """What a client could put in an input of this kind instead of the value the page sends."""
    return [file_data(secret), [file_message(secret)], {"text": "hi", "files": [file_data(secret)]}]


def event_data(trigger: str, secret: Path) -> dict | None:
    if trigger == "like":
        return {"index": 1, "value": file_data(secret), "liked": True}
    if trigger == "example_select":
        return {"index": 0, "value": {"text": "x", "files": [file_data(secret)]}}
    return None


def test_no_input_of_any_event_can_make_the_server_serve_a_file(
    server: LiveServer, secret_file: Path
) -> None:
    """Finding 1: a FileData value in any input (or event data) of any event function, on both views,
    never yields a copy of a server file, and `file=` serves nothing."""
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        for view in VIEWS:
            config = client.get(f"{view}/config").json()
            kinds = {c["id"]: c["type"] for c in config["components"]}
            for n, dependency in enumerate(config["dependencies"]):
                triggers = [t[1] for t in dependency.get("targets", [])] or ["api"]
                for value in hostile_values("any", secret_file):
                    session = f"attack-{view.strip('/') or 'root'}-{n}-{id(value)}"
                    body = {
                        "data": [value for _ in dependency["inputs"]],
                        "fn_index": dependency["id"],
                        "session_hash": session,
                        "event_data": event_data(triggers[0], secret_file),
                        "trigger_id": None,
                    }
                    headers = {"x-forwarded-for": f"198.51.100.{n + 1}"}
                    if dependency.get("queue") is False:
                        reply = client.post(f"{view}/gradio_api/run/predict", json=body, headers=headers)
                        text = reply.text
                    else:
                        joined = client.post(f"{view}/gradio_api/queue/join", json=body, headers=headers)
                        text = joined.text
                        if joined.status_code == 200:
                            text += read_events(client, view, session, headers)
                    assert MARKER not in text, (view, dependency.get("api_name"), kinds)
                    assert "file=" not in text, (view, dependency.get("api_name"))
            served = client.get(f"{view}/gradio_api/file={secret_file}")
            assert served.status_code == 404 and MARKER not in served.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/gradio_api/upload"),
        ("POST", "/embed/gradio_api/upload"),
        ("GET", "/gradio_api/file=/etc/passwd"),
        ("GET", "/gradio_api/file=https://example.com/"),
        ("GET", "/gradio_api/proxy=https://example.com/"),
        ("GET", "/monitoring"),
        ("GET", "/monitoring/summary"),
        ("GET", "/openapi.json"),
        ("GET", "/gradio_api/openapi.json"),
        ("POST", "/gradio_api/call/v2/ask"),
        ("GET", "/gradio_api/runs"),
        ("POST", "/gradio_api/call/stream_into_chat"),
        ("POST", "/embed/gradio_api/call/ask"),
        ("GET", "/docs"),
    ],
)
def test_routes_the_product_does_not_use_are_not_found(server: LiveServer, method: str, path: str) -> None:
    """Findings 3 and 10: uploads, file and URL fetches, monitoring, OpenAPI and call/v2 are gone."""
    files = {"files": ("big.bin", b"x" * 1024)} if "upload" in path else None
    reply = httpx.request(method, server.origin + path, files=files, json=None if files else {}, timeout=10)
    assert reply.status_code == 404, reply.text[:200]


def test_a_flood_of_unread_calls_leaves_the_queue_serving_others(server: LiveServer) -> None:
    """Finding 2: 3,000 `call/ask` from one address whose results are never read; the queue keeps
    running, /healthz stays honest, and a reader elsewhere still gets a cited answer."""
    flooder = {"x-forwarded-for": "203.0.113.66"}
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=32)
    with httpx.Client(base_url=server.origin, timeout=30, limits=limits) as client:
        for _ in range(3_000):
            reply = client.post(
                "/gradio_api/call/ask", json={"data": ["How do I do a dead bug?"]}, headers=flooder
            )
            statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert statuses.get(429, 0) > 2_900 and 0 < statuses.get(200, 0) <= 40, statuses
        assert client.get("/healthz").status_code == 200
        reader = {"x-forwarded-for": "192.0.2.10"}
        started = client.post(
            "/gradio_api/call/ask", json={"data": ["How do I do a dead bug?"]}, headers=reader
        )
        assert started.status_code == 200
        result = client.get(f"/gradio_api/call/ask/{started.json()['event_id']}", headers=reader).text
        assert "event: complete" in result and "[1]" in result and "Sources" in result


def test_healthz_fails_when_a_queue_has_stopped(tmp_path: Path, assistant: Assistant) -> None:
    from fastapi.testclient import TestClient

    app = create_app(make_settings(tmp_path), assistant=assistant)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        mounted = [r.app for r in app.routes if hasattr(r, "app") and hasattr(r.app, "get_blocks")]
        mounted[0].get_blocks()._queue.stopped = True
        assert client.get("/healthz").status_code == 503


def test_request_bodies_are_capped(server: LiveServer) -> None:
    """Finding 5: a body past the cap is refused before Gradio reads it, with or without a length."""
    big = json.dumps({"data": ["x" * 200_000], "fn_index": 0, "session_hash": "big"})
    with httpx.Client(base_url=server.origin, timeout=30) as client:
        declared = client.post(
            "/gradio_api/queue/join", content=big, headers={"content-type": "application/json"}
        )
        assert declared.status_code == 413

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(big), 8_192):
                yield big[start : start + 8_192].encode()

        streamed = client.post("/gradio_api/run/predict", content=chunks())
        assert streamed.status_code == 413
        assert client.get("/healthz").status_code == 200


def test_feedback_is_one_rating_per_answer_with_a_server_side_comment_cap(server: LiveServer) -> None:
    """Finding 4: thumbs need an answer this server gave, count once, and a comment past 2,000
    characters is refused (not cut) on the server."""
    headers = {"x-forwarded-for": "192.0.2.44"}

    def call(client: httpx.Client, name: str, data: list) -> str:
        started = client.post(f"/gradio_api/call/{name}", json={"data": data}, headers=headers).json()
        return client.get(f"/gradio_api/call/{name}/{started['event_id']}", headers=headers).text

    with httpx.Client(base_url=server.origin, timeout=30) as client:
        asked = call(client, "ask", ["How do I do a dead bug?"])
        record_id = json.loads(asked.split("data: ", 1)[1].splitlines()[0])[0]["record_id"]
        assert "Please keep your comment under 2,000" in call(
            client, "feedback", [record_id, False, "x" * 20_000]
        )
        assert '"ok"' in call(client, "feedback", [record_id, False, "too vague"])
        assert "rated already" in call(client, "feedback", [record_id, True, ""])
        assert "rated already" in call(client, "feedback", ["0" * 32, True, ""])


def test_root_path_from_the_environment_reaches_every_route(
    tmp_path: Path, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 6: GRADIO_ROOT_PATH as the README documents it, not only the setting in code."""
    monkeypatch.setenv("GRADIO_ROOT_PATH", "/assistant")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no stray .env
    settings = load_settings()
    live = LiveServer(create_app(settings, assistant=assistant)).start()
    try:
        for path in ("/assistant/", "/assistant/embed/", "/assistant/widget.js", "/assistant/healthz"):
            reply = httpx.get(live.origin + path, timeout=30)
            assert reply.status_code == 200, path
        embed_config = httpx.get(live.origin + "/assistant/embed/config", timeout=30).json()
        assert embed_config["root"].endswith("/assistant/embed")
    finally:
        live.stop()


def test_pages_carry_a_tight_content_security_policy(server: LiveServer) -> None:
    """Finding 11."""
    for path in ("/", "/embed/"):
        headers = httpx.get(server.origin + path, timeout=30).headers
        policy = headers["content-security-policy"]
        for directive in ("object-src 'none'", "base-uri 'self'", "default-src 'self'", "frame-ancestors"):
            assert directive in policy, (path, directive)
        assert "script-src 'self' 'unsafe-inline' 'unsafe-eval';" in policy  # no other origin
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_access_log_prints_no_client_address_or_session(
    server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Finding 8 (the log half): nothing in the access log links a stored session to an address."""
    with caplog.at_level("INFO", logger="assistant.access"):
        httpx.get(server.origin + "/config?session_hash=abc123", timeout=5)
        httpx.get(server.origin + "/healthz", headers={"x-forwarded-for": "203.0.113.99"}, timeout=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "assistant.access"]
    assert any("/healthz" in line for line in lines)
    assert not any("127.0.0.1" in line or "203.0.113.99" in line or "abc123" in line for line in lines)
