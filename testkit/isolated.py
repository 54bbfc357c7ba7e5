"""Settings isolated from the developer's environment, for the tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

from assistant.settings import Settings, load_settings


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """No key, no base URL, BM25 only, extractive answers, a private data dir; `overrides` win."""
    base = {
        "data_dir": data_dir,
        "embeddings": "none",
        "llm": "none",
        "openai_api_key": None,
        "openai_base_url": None,
    }
    return load_settings(**{**base, **overrides})
