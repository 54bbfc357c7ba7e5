"""The `assistant` command as a user runs it: a real subprocess, lean default, private data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ASK_KEYS = {"question", "answer", "abstained", "safety_notice", "mode", "citations", "timings_ms", "usage"}


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))},
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_EMBEDDINGS": "none",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_ask_json_prints_exactly_one_json_object(tmp_path: Path) -> None:
    result = run(["ask", "--json", "How do I do a dead bug?"], tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)  # the whole of stdout is one object
    assert set(payload) == ASK_KEYS
    assert payload["mode"] == "extractive" and not payload["abstained"]
    assert set(payload["citations"][0]) == {"n", "doc_id", "title", "section", "text", "url"}


def test_ask_prints_the_answer_and_its_sources(tmp_path: Path) -> None:
    result = run(["ask", "Why does my back hurt after runs?"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "extractive mode" in result.stdout


def test_ask_with_history_file_answers_the_follow_up(tmp_path: Path) -> None:
    history = tmp_path / "turns.json"
    history.write_text(json.dumps([{"role": "user", "content": "How do I do a dead bug?"}]))
    result = run(["ask", "--json", "--history", str(history), "how often should I do it?"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "week" in json.loads(result.stdout)["answer"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "Please type a question"),
        (["ask", "--history", "/nonexistent/turns.json", "how often?"], "Cannot read history file"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path, args: list[str], message: str) -> None:
    result = run(args, tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_bad_configuration_exits_1_naming_the_setting(tmp_path: Path) -> None:
    result = run(["ask", "hi"], tmp_path, ASSISTANT_TOP_K="lots")
    assert result.returncode == 1 and "top_k" in result.stderr and "Traceback" not in result.stderr


def test_index_rebuilds_and_reports_skipped_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tips.md").write_text("# Tips\n\nBreathe out as you lower your leg.\n")
    (corpus / "broken.md").write_text("---\ntitle: [oops\n---\nText\n")
    result = run(["--corpus", str(corpus), "index"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Indexed 1 documents" in result.stdout and "broken.md" in result.stderr
